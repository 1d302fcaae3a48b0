"""Pages at city scale (issue 10 item 7): p50/p95 and bytes of the heavy screens, and the peak memory of the
largest export, over a generated year (bench/gen_city_year.py, loaded as bench/bench_db_scoring.py loads it).

    .venv/bin/python bench/bench_pages.py                  # 20,000 people (5M work-log rows), SQLite
    .venv/bin/python bench/bench_pages.py --people 2000 --divisions 40 --repeat 20

Requests go through Flask's test client (no network), logged in as the performance office or the director.
The export's memory is measured in a fresh process (`--export-only`), since loading the year already raised
this one's peak: the figure is the growth of the peak resident size (ru_maxrss) during the export.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_db_scoring import load, settle  # noqa: E402
from bench.gen_city_year import generate  # noqa: E402
from models import Person, audit_suspended, init_db  # noqa: E402
from models.guard import chain_write  # noqa: E402
from models.migrate import upgrade  # noqa: E402


def _app(url: str):
    from portal import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "CURRENT_YEAR": 2023}
    )
    return app


def _client(app, person: Person):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(person.id)
        session["_fresh"] = True
        session["_session_version"] = person.session_version
    return client


def _timed(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm-up: templates and translations load once
    times, size, status = [], 0, 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        data = response.get_data()
        times.append(time.perf_counter() - t0)
        size, status = len(data), response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, size, status


def _people(url: str) -> tuple[Person, Person]:
    database = init_db(url)
    with database.connection_context():
        office = Person.get(Person.office_member == True)  # noqa: E712 - SQL
        director = Person.get(Person.position == "director")
    return office, director


def export_only(url: str) -> None:
    """In a fresh process: the growth of peak memory while exporting every work-log row to xlsx."""
    app = _app(url)
    office, _director = _people(url)
    client = _client(app, office)
    client.get("/admin/worklogentry/")  # warm-up, so the figure is the export's own
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    response = client.get("/admin/worklogentry/export/xlsx/")
    size = sum(len(block) for block in response.response)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{response.status_code} {size} {seconds:.2f} {before} {after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--divisions", type=int, default=None, help="default: one per 50 people")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--export-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        export_only(args.export_only)
        return
    divisions = args.divisions or max(1, args.people // 50)
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.sqlite"
    database = init_db(url)
    database.connect()
    upgrade(database)
    t0 = time.perf_counter()
    data = generate(people=args.people, divisions=divisions)
    with chain_write("bench: a generated year"):  # plans arrive approved, as their chains would have left them
        rows = load(data)
    with audit_suspended():
        office = Person.select().where(Person.position == "staff").order_by(Person.id).first()
        office.office_member = True
        office.save()
    del data
    settle(database)
    from services.results import recompute

    recompute(2023)
    settle(database)
    database.close()
    print(
        f"{args.people} people, {divisions} divisions, {rows} work-log rows; set up in {time.perf_counter() - t0:.0f} s"
        f"  [{url.split(':')[0]}]"
    )

    app = _app(url)
    office, director = _people(url)
    as_office, as_director = _client(app, office), _client(app, director)
    searched = "人员00042"
    cases = [
        ("/results/people (office)", as_office, "/results/people"),
        (f"/admin/worklogentry/?search={searched}", as_office, f"/admin/worklogentry/?search={searched}"),
        ("/admin/personmonthresult/", as_office, "/admin/personmonthresult/"),
        ("/results/months (office)", as_office, "/results/months"),
        ("home, office", as_office, "/"),
        ("home, director", as_director, "/"),
        ("/admin/worklogentry/?page=5000", as_office, "/admin/worklogentry/?page=5000"),
    ]
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10} status  ({args.repeat} requests each)")
    for label, client, target in cases:
        p50, p95, size, status = _timed(client, target, args.repeat)
        print(f"{label:44} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {size:10d} {status}")

    child = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, __file__, "--export-only", url], capture_output=True, text=True, check=True
    )
    status, size, seconds, before, after = child.stdout.split()[-5:]
    print(
        f"/admin/worklogentry/export/xlsx/ ({rows} rows): {status}, {int(size) / 2**20:.1f} MiB in {seconds} s; "
        f"peak memory grew {(int(after) - int(before)) / 1024:.1f} MiB (ru_maxrss {int(before) / 1024:.0f} -> "
        f"{int(after) / 1024:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
