"""Many people at once (issue 10): N users × T seconds of mixed writes and reads against the live portal.

Staff log work (the admin form) and claim extra time (with the form's one-time token); heads and the office
approve or return what waits for them, weekly ratings included; everyone reads their home page and task list.
The portal runs under werkzeug's threaded server, on SQLite and on PostgreSQL. Afterwards the database is
checked: failed writes (5xx; 503 is "busy, try again"), refusals (the rules said no, in Chinese), duplicates
(a write answered once but stored twice, two open cases of one record), lost writes (answered as saved but not
in the database) and drafts left on rated weeks; then p50/p95 per route. Prints figures, asserts nothing.
Run from the repository root (default: 8 users × 20 s on each backend, about a minute):

    python -m bench.bench_load
    python -m bench.bench_load --users 16 --seconds 60 --db postgresql://postgres@127.0.0.1:5432/postgres
    python -m bench.bench_load --no-postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee as pw

import models
from models import ExtraTimeClaim, WeeklyReview, WorkflowCase, WorkflowTask, WorkLogEntry, db, init_db
from models.migrate import upgrade
from services import clock
from tests.factories import PASSWORD, make_division, make_leader_of, make_library_entry, make_person
from tests.live import Browser, Reply, csrf_field, form_tokens, served

TODAY = dt.date(2023, 10, 18)
WEEKS = [dt.date(2023, 10, 2), dt.date(2023, 10, 9), dt.date(2023, 10, 16)]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    writes: int = 0
    failed: int = 0
    busy: int = 0
    refused: int = 0
    saved_entries: list[str] = field(default_factory=list)
    saved_claims: list[str] = field(default_factory=list)
    done_tasks: list[int] = field(default_factory=list)

    def timed(self, route: str, call) -> Reply:
        start = time.perf_counter()
        reply = call()
        with self.lock:
            self.times[route].append(time.perf_counter() - start)
        return reply

    def write(self, reply: Reply, ok: int = 302) -> bool:
        with self.lock:
            self.writes += 1
            if reply.status >= 500:
                self.failed += 1
                self.busy += reply.status == 503
                return False
            if reply.status != ok:
                self.refused += 1
                return False
        return True


def _bureau(users: int) -> list[tuple[str, models.Person, list]]:
    """People for `users` threads: per division a head and two staff, and one office member; with the items."""
    models.org.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a hashing method, not a password
    office_division = make_division(name="办公室", category="general")
    office = make_person(division=office_division, office_member=True, name="绩效办", username="office")
    make_person(position="director", division=None, level="局级", name="局长", username="director")
    divisions, people = [], []
    for d in range(max(1, -(-users // 3))):
        division = make_division(name=f"业务{d + 1}处")
        items = [make_library_entry(division, name=f"事项{k}", standard_hours=Decimal("1.5")) for k in range(3)]
        head = make_person(division=division, position="head", level="处级", name=f"处长{d}", username=f"head{d}")
        people.append(("approver", head, items))
        for s in range(2):
            staff = make_person(division=division, name=f"科员{d}-{s}", username=f"staff{d}x{s}")
            people.append(("staff", staff, items))
        divisions.append(division)
    make_leader_of(*divisions, office_division, name="分管领导", username="leader")
    people.insert(min(3, len(people)), ("approver", office, []))
    return people[:users]


def _staff_step(b: Browser, person, items, n: int, tag: str, tally: Tally, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.5:
        page = tally.timed("GET admin log form", lambda: b.get("/admin/worklogentry/new/")).text
        name, value = csrf_field(page)
        day = rng.choice(WEEKS) + dt.timedelta(days=rng.randrange(5))
        note = f"{tag}-{n}"
        data = {name: value, "person": person.id, "date": day.isoformat(), "item": rng.choice(items).id}
        data |= {"quantity": "1", "description": note}
        reply = tally.timed("POST log entry", lambda: b.post("/admin/worklogentry/new/", data))
        if tally.write(reply):
            tally.saved_entries.append(note)
    elif roll < 0.7:
        page = tally.timed("GET /tasks/submit", lambda: b.get("/tasks/submit")).text
        bulletin = f"通报{tag}-{n}"
        data = form_tokens(page, form_id="extra-time-form") | {
            "extra-date": (TODAY - dt.timedelta(days=rng.randrange(1, 20))).isoformat(),
            "extra-hours": "2",
            "extra-bulletin": bulletin,
            "extra-standard": "办实事",
        }
        double = rng.random() < 0.2  # a double click: the same form twice, at once
        replies = [tally.timed("POST extra-time", lambda: b.post("/tasks/submit/extra-time", data))]
        if double:
            replies.append(tally.timed("POST extra-time", lambda: b.post("/tasks/submit/extra-time", data)))
        if any([tally.write(r) for r in replies]):
            tally.saved_claims.append(bulletin)
    else:
        tally.timed("GET /", lambda: b.get("/"))


def _approver_step(b: Browser, tally: Tally, rng: random.Random) -> None:
    page = tally.timed("GET /tasks", lambda: b.get("/tasks")).text
    ids = re.findall(r'href="/tasks/(\d+)"', page)
    if not ids or rng.random() < 0.3:
        tally.timed("GET /", lambda: b.get("/"))
        return
    task = rng.choice(ids[:5])
    detail = tally.timed("GET task detail", lambda: b.get(f"/tasks/{task}"))
    if detail.status != 200 or f'action="/tasks/{task}/claim"' in detail.text:
        if detail.status == 200:
            tally.write(b.post(f"/tasks/{task}/claim", form_tokens(detail.text, action=f"/tasks/{task}/claim")))
        return
    choices = re.findall(r'name="decision" value="([^"]+)"', detail.text)
    if not choices:
        return
    good = [c for c in choices if c in ("approve", "confirm", "submit", "acknowledge")]
    decision = "return" if "return" in choices and rng.random() < 0.15 else (good or choices)[0]
    data = form_tokens(detail.text, action=f"/tasks/{task}/complete") | {"decision": decision, "comment": "阅"}
    reply = tally.timed("POST complete", lambda: b.post(f"/tasks/{task}/complete", data))
    if tally.write(reply):
        tally.done_tasks.append(int(task))


def _check(tally: Tally) -> dict[str, int]:
    """What the database says after the run."""
    entries = [e for (e,) in WorkLogEntry.select(WorkLogEntry.description).tuples()]
    claims = [c for (c,) in ExtraTimeClaim.select(ExtraTimeClaim.bulletin).tuples()]
    open_cases = (
        WorkflowCase.select(WorkflowCase.subject_model, WorkflowCase.subject_id)
        .where(WorkflowCase.finished == False)  # noqa: E712
        .group_by(WorkflowCase.subject_model, WorkflowCase.subject_id)
        .having(pw.fn.COUNT(WorkflowCase.id) > 1)
        .count()
    )
    done = set(i for (i,) in WorkflowTask.select(WorkflowTask.id).where(WorkflowTask.status == "done").tuples())
    drafts = (
        WorkLogEntry.select()
        .join(WeeklyReview)
        .where((WorkLogEntry.status == "draft") & (WeeklyReview.status == "done"))
        .count()
    )
    return {
        "duplicates": sum(n - 1 for n in _counts(entries).values() if n > 1)
        + sum(n - 1 for n in _counts(claims).values() if n > 1)
        + open_cases,
        "lost": len(set(tally.saved_entries) - set(entries))
        + len(set(tally.saved_claims) - set(claims))
        + len(set(tally.done_tasks) - done),
        "drafts on rated weeks": drafts,
    }


def _counts(values: list[str]) -> dict[str, int]:
    counted: dict[str, int] = defaultdict(int)
    for value in values:
        counted[value] += 1
    return counted


def run(url: str, users: int, seconds: float, seed: int) -> None:
    from portal import create_app

    for quiet in ("werkzeug", "portal.admin_views.base"):  # one line per request, a traceback per refusal
        logging.getLogger(quiet).setLevel(logging.CRITICAL)

    database = init_db(url)
    with database.connection_context():
        upgrade(database)
        people = _bureau(users)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "TODAY": TODAY.isoformat(),
            "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )
    clock.pin(TODAY)
    tally = Tally()
    with served(app) as base:
        browsers = []
        for _, person, _ in people:
            b = Browser(base)
            b.login(person.username, PASSWORD)
            browsers.append(b)
        deadline = time.monotonic() + seconds

        def user(i: int) -> None:
            rng = random.Random(seed + i)
            role, person, items = people[i]
            n = 0
            while time.monotonic() < deadline:
                n += 1
                if role == "staff":
                    _staff_step(browsers[i], person, items, n, f"u{i}", tally, rng)
                else:
                    _approver_step(browsers[i], tally, rng)

        threads = [threading.Thread(target=user, args=(i,)) for i in range(len(people))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    clock.pin(None)
    db.connect(reuse_if_open=True)
    found = _check(tally)
    db.close()
    print(
        f"  {len(people)} users × {seconds:g} s: {tally.writes} writes, failed {tally.failed} (503 busy {tally.busy}),"
    )
    print(f"  refused by the rules {tally.refused}; " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(f"  {'route':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for route, times in sorted(tally.times.items()):
        ms = sorted(t * 1000 for t in times)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        print(f"  {route:<22}{len(ms):>9}{statistics.median(ms):>9.1f}{p95:>9.1f}{ms[-1]:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/postgres", help="PostgreSQL URL")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({Path(tmp) / 'bench.sqlite'})")
        run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.users, args.seconds, args.seed)

    if args.no_postgres:
        return
    import psycopg2

    try:
        admin = psycopg2.connect(args.db, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL at {args.db} does not answer: {str(exc).strip().splitlines()[0]}")
        return
    admin.autocommit = True
    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlunsplit(urlsplit(args.db)._replace(path=f"/{name}"))
        print(f"PostgreSQL ({name})")
        run(url, args.users, args.seconds, args.seed)
    finally:
        if not db.is_closed():
            db.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
