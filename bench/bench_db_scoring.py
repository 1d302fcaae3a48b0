"""Database → stored snapshot for a city-scale year (issue 4, speed).

Loads the generated year (bench/gen_city_year.py) into a fresh database — every working day of every person as a
confirmed work-log entry — then times the portal's own path: `build_input` (SQL aggregation), the pure
`compute`, and storing the snapshot rows. Prints the figures; never run by the test suite.

    .venv/bin/python bench/bench_db_scoring.py                    # 20,000 people, 400 divisions, SQLite
    .venv/bin/python bench/bench_db_scoring.py --people 2000 --divisions 40
    .venv/bin/python bench/bench_db_scoring.py --db postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import peewee as pw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gen_city_year import generate  # noqa: E402
from models import (  # noqa: E402
    ALL_MODELS,
    Absence,
    Adjustment,
    AssessmentYear,
    DemocraticEvaluation,
    Division,
    Exemption,
    ExtraTimeClaim,
    GradeOverride,
    ItemLibraryEntry,
    LeaderAssignment,
    MassEvaluation,
    MonthlyPlan,
    PayStandard,
    Person,
    PlanItem,
    Veto,
    WorkLogEntry,
    audit_suspended,
    db,
    init_db,
)
from models.migrate import upgrade  # noqa: E402
from services import results  # noqa: E402

SCHEMA = "bench_db_scoring"


def _batches(rows: list, size: int = 2000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def load(data: dict) -> int:
    """Write the generated year into the database; returns the number of work-log rows."""
    year = data["year"]
    with db.atomic(), audit_suspended():
        AssessmentYear.create(
            year=year,
            period_start=int(data["period"]["start"][5:]),
            period_end=int(data["period"]["end"][5:]),
            rules=data.get("rules") or {},
        )
        for level, s in data["standards"].items():
            PayStandard.create(year=year, level=level, **{k: Decimal(str(v)) for k, v in s.items()})
        Division.insert_many(
            [
                {"code": d["id"], "name": d["name"], "category": d["category"], "sort_order": i}
                for i, d in enumerate(data["divisions"])
            ]
        ).execute()
        div_id = dict(Division.select(Division.code, Division.id).tuples())
        for chunk in _batches(data["people"]):
            Person.insert_many(
                [
                    {
                        "code": p["id"],
                        "name": p["name"],
                        "division": div_id.get(p["division"]) if p.get("division") else None,
                        "position": p["position"],
                        "level": p["level"],
                        "joined": p.get("joined"),
                        "left": p.get("left"),
                    }
                    for p in chunk
                ]
            ).execute()
        person_id = dict(Person.select(Person.code, Person.id).tuples())
        LeaderAssignment.insert_many(
            [{"division": div_id[d["id"]], "leader": person_id[d["leader"]]} for d in data["divisions"] if d["leader"]]
        ).execute()
        plans = {}
        for item in data["plan_items"]:
            key = (item["division"], item["month"])
            if key not in plans:
                plans[key] = MonthlyPlan.create(
                    division=div_id[item["division"]], year=year, month=int(item["month"][5:]), status="approved"
                ).id
        for chunk in _batches(data["plan_items"]):
            PlanItem.insert_many(
                [
                    {
                        "plan": plans[(i["division"], i["month"])],
                        "title": i["item"],
                        "weight": Decimal(str(i["weight"])),
                        "outcome": i["status"],
                    }
                    for i in chunk
                ]
            ).execute()
        library = {}
        for code, did in div_id.items():
            library[code] = ItemLibraryEntry.create(division=did, name="综合事项", standard_hours=Decimal(1)).id
        division_of = {p["id"]: p.get("division") for p in data["people"]}
        for chunk in _batches(data["extra_time"]):
            ExtraTimeClaim.insert_many(
                [
                    {
                        "person": person_id[e["person"]],
                        "date": e["date"],
                        "hours": Decimal(str(e["hours"])),
                        "bulletin": "督查通报",
                        "standard": "办实事",
                        "status": "approved",
                    }
                    for e in chunk
                ]
            ).execute()
        for chunk in _batches(data["absences"]):
            Absence.insert_many(
                [
                    {"person": person_id[a["person"]], "kind": a["kind"], "start": a["start"], "end": a["end"]}
                    for a in chunk
                ]
            ).execute()
        for e in data["exemptions"]:
            Exemption.create(person=person_id[e["person"]], from_date=e["from"], reason="豁免", status="approved")
        MassEvaluation.insert_many(
            [
                {"year": year, "division": div_id[k], "score": Decimal(str(v))}
                for k, v in data["mass_evaluation"].items()
            ]
        ).execute()
        for chunk in _batches(list(data["democratic_evaluation"].items())):
            DemocraticEvaluation.insert_many(
                [{"year": year, "person": person_id[k], "score": Decimal(str(v))} for k, v in chunk]
            ).execute()
        for a in data["adjustments"]:
            Adjustment.create(
                year=year,
                division=div_id[a["division"]],
                kind=a["kind"],
                category="innovation",
                points=Decimal(str(a["points"])),
                reason=a.get("reason", ""),
                status="approved",
            )
        for code in data["vetoes"]:
            Veto.create(year=year, division=div_id[code], reason="一票否决")
        for code, grade in data["grades"].items():
            GradeOverride.create(year=year, person=person_id[code], grade=grade)
    # The log itself: straight through the driver, as a bulk import would do.
    table = WorkLogEntry._meta.table_name
    columns = "person_id, date, item_id, quantity, description, hours, confirmed_hours, status, review_note"
    placeholder = ", ".join([db.obj.param] * 9)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholder})"  # noqa: S608 - names from our models
    rows = 0
    with db.atomic():
        cursor = db.cursor()
        batch = []
        for h in data["hours"]:
            value = str(h["hours"])
            batch.append(
                (
                    person_id[h["person"]],
                    h["date"],
                    library[division_of[h["person"]]],
                    value,
                    "",
                    value,
                    value,
                    "confirmed",
                    "",
                )
            )
            if len(batch) >= 20000:
                cursor.executemany(sql, batch)
                rows += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            rows += len(batch)
    return rows


def settle(database) -> None:
    """Bring the freshly loaded database to the state a live one is in, so the timed path does not pay for the
    bulk load: SQLite's write-ahead log folded back into the file (a live database is checkpointed every 1,000
    pages; a 5M-row load leaves an 800 MB log that every later read has to look through) and planner statistics
    gathered; on PostgreSQL what autovacuum would do (statistics, and the visibility map for index-only scans)."""
    if isinstance(database, pw.PostgresqlDatabase):
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        database.execute_sql(f"VACUUM ANALYZE {tables}")
    else:
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.execute_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--divisions", type=int, default=400)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.sqlite"
    database = init_db(url)
    database.connect()
    if url.startswith("postgres"):
        # A schema of its own: bench_notice_issue.py uses "bench", and the two may run at the same time.
        database.execute_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
        database.execute_sql(f"SET search_path TO {SCHEMA}")
    upgrade(database)

    t0 = time.perf_counter()
    data = generate(people=args.people, divisions=args.divisions)
    t1 = time.perf_counter()
    rows = load(data)
    settle(database)
    t2 = time.perf_counter()
    print(
        f"year {data['year']}: {len(data['people'])} people, {len(data['divisions'])} divisions, "
        f"{rows} work-log rows, {len(data['plan_items'])} plan items  [{url.split(':')[0]}]"
    )
    print(f"generate {t1 - t0:.1f} s, load into the database and settle {t2 - t1:.1f} s (setup, not measured below)")

    t3 = time.perf_counter()
    scoring_input = results.build_input(data["year"])
    t4 = time.perf_counter()
    result = results.compute(scoring_input)
    t5 = time.perf_counter()
    snapshot = results.store(data["year"], scoring_input, result, reason="bench")
    t6 = time.perf_counter()
    print(f"build_input (SQL aggregation): {t4 - t3:.2f} s -> {len(scoring_input['hours'])} person-month sums")
    print(f"compute (parse + rules + to JSON shape): {t5 - t4:.2f} s ({len(result['people'])} people)")
    print(f"store the snapshot rows:       {t6 - t5:.2f} s (version {snapshot.version})")
    print(f"database -> stored snapshot:   {t6 - t3:.2f} s in all")
    if url.startswith("postgres"):
        database.execute_sql(f"DROP SCHEMA {SCHEMA} CASCADE")
    database.close()


if __name__ == "__main__":
    main()
