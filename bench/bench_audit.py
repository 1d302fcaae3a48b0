"""The audit trail's hash chain at scale (R-AUD-1): chain an existing trail (what migration 010 does), append to
it, and verify it (`flask audit verify`) — rows per second on a generated trail of 1,000,000 rows by default.

Prints figures, asserts nothing. Run from the repository root:

    python -m bench.bench_audit                        # SQLite in a temporary file
    python -m bench.bench_audit --rows 200000 --db postgresql://postgres@127.0.0.1:5432/postgres
                                                       # also PostgreSQL, in a scratch database made beside it
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee as pw

from models import db, init_db
from models.audit import append, rechain, verify
from models.migrate import upgrade

PAGE = 10_000


def _rows(start: int, count: int) -> list[tuple]:
    """Audit rows shaped like the real ones: an update of two fields of a plan, by one of 300 people."""
    at = dt.datetime(2023, 1, 1, 8, 0)
    rows = []
    for n in range(start, start + count):
        before = json.dumps({"status": "in_review", "submitted_at": "2023-10-09T09:30:15"}, ensure_ascii=False)
        after = json.dumps({"status": "approved", "approved_at": f"2023-10-{n % 28 + 1:02d}T10:00:00"})
        rows.append(
            (at + dt.timedelta(seconds=n), n % 300, f"人员{n % 300}", "update", "MonthlyPlan", str(n), before, after)
        )
    return rows


def _fill(count: int) -> None:
    """Insert `count` rows without a chain, as a trail written before migration 010 would be."""
    insert = 'INSERT INTO audit_log (at, actor_id, actor_name, action, model, record_id, "before", "after") VALUES '
    cursor = db.cursor()
    for start in range(0, count, PAGE):
        rows = _rows(start, min(PAGE, count - start))
        with db.atomic():
            if isinstance(db.obj, pw.PostgresqlDatabase):
                from psycopg2.extras import execute_values

                execute_values(cursor, insert + "%s", rows, page_size=PAGE)
            else:
                cursor.executemany(insert + "(?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _rate(label: str, rows: int, seconds: float) -> None:
    print(f"  {label:<52} {rows:>10,} rows in {seconds:6.1f} s   {rows / seconds:>10,.0f} rows/s")


def run(url: str, count: int, appended: int) -> None:
    database = init_db(url)
    db.connect(reuse_if_open=True)
    upgrade(database)
    t = time.perf_counter()
    _fill(count)
    _rate("generate an unchained trail", count, time.perf_counter() - t)

    t = time.perf_counter()
    with db.atomic():
        chained = rechain(database)
    _rate("chain it in id order (migration 010)", chained, time.perf_counter() - t)

    t = time.perf_counter()
    batch = 10
    at = dt.datetime(2024, 1, 1)
    for start in range(0, appended, batch):
        with db.atomic():
            append(
                [
                    {"at": at, "actor_id": 1, "actor_name": "甲", "action": "update", "model": "WorkflowTask"}
                    | {"record_id": str(n), "before": {"status": "open"}, "after": {"status": "done"}}
                    for n in range(start, start + batch)
                ]
            )
    _rate(f"append in transactions of {batch} rows", appended, time.perf_counter() - t)

    t = time.perf_counter()
    result = verify()
    seconds = time.perf_counter() - t
    _rate("verify the whole chain", result.rows, seconds)
    print(f"  intact: {result.intact}; head id {result.head_id}")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated trail")
    parser.add_argument("--append", type=int, default=2_000, help="rows appended one small transaction at a time")
    parser.add_argument("--db", help="a PostgreSQL URL; a scratch database is made beside it and dropped after")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({Path(tmp) / 'bench.sqlite'})")
        run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.rows, args.append)

    if args.db:
        import psycopg2

        admin = psycopg2.connect(args.db)
        admin.autocommit = True
        name = f"bench_audit_{uuid.uuid4().hex[:8]}"
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL ({name})")
            run(urlunsplit(urlsplit(args.db)._replace(path=f"/{name}")), args.rows, args.append)
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


if __name__ == "__main__":
    main()
