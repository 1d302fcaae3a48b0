"""Issuing from the database (issue 6 §7): the individual notices of a generated bureau, numbered and archived.

Generates a year (bench/gen_city_year.py), loads it (bench/bench_db_scoring.load), stores its results, then
times `services.notices.issue` for one individual notice and `issue_batch` for everyone ranked, rendering on
WORKERS processes: the real path with numbering, SHA-256 and the archive rows. Never run by the test suite.

    .venv/bin/python bench/bench_notice_issue.py                          # 1,000 people, 20 divisions, SQLite
    .venv/bin/python bench/bench_notice_issue.py --db postgresql://postgres@127.0.0.1:5432/test

Goal: under 2 minutes for the 1,000 on two cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_db_scoring import load  # noqa: E402
from bench.gen_city_year import generate  # noqa: E402
from models import IssuedDocument, PersonYearResult, db, init_db  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from reports import samples  # noqa: E402
from services import notices, results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--divisions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.sqlite"
    database = init_db(url)
    database.connect()
    if url.startswith("postgres"):
        database.execute_sql("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench; SET search_path TO bench")
    upgrade(database)

    t0 = time.perf_counter()
    data = generate(people=args.people, divisions=args.divisions)
    load(data)
    snapshot = results.recompute(data["year"], reason="bench")
    year = data["year"]
    print(
        f"setup (not measured): {len(data['people'])} people, {len(data['divisions'])} divisions, results stored "
        f"in {time.perf_counter() - t0:.1f} s  [{url.split(':')[0]}, {os.cpu_count()} CPUs]"
    )
    today = dt.date(year, 12, 20)
    settings = samples.SETTINGS

    ranked = (
        PersonYearResult.select()
        .where(PersonYearResult.snapshot == snapshot, PersonYearResult.rank_in_division.is_null(False))
        .order_by(PersonYearResult.id)
    )
    first = ranked.first().person
    start = time.perf_counter()
    notices.issue("individual", year, person=first, settings=settings, today=today)
    print(f"one individual notice (cold: fonts load), database to archive: {time.perf_counter() - start:.2f} s")
    second = ranked.offset(1).first().person
    start = time.perf_counter()
    notices.issue("individual", year, person=second, settings=settings, today=today)
    print(f"one individual notice, warm: {time.perf_counter() - start:.2f} s")

    ticks: list[float] = []
    start = time.perf_counter()
    cpu = time.process_time()
    with tempfile.TemporaryFile() as out:
        result = notices.issue_batch(
            year,
            settings=settings,
            today=today,
            workers=args.workers,
            out=out,
            progress=lambda done, total: ticks.append(time.perf_counter()),
        )
        size = out.tell()
    elapsed = time.perf_counter() - start
    issued = len(result.issued)
    print(
        f"batch, {args.workers} workers: {issued} notices issued (+{len(result.existing)} before, "
        f"{len(result.skipped)} people not ranked) in {elapsed:.1f} s = {elapsed / max(issued, 1) * 1000:.0f} ms each; "
        f"parent CPU {time.process_time() - cpu:.1f} s; zip {size / 1024 / 1024:.0f} MiB"
    )
    total = IssuedDocument.select().count()
    numbers = [seq for (seq,) in IssuedDocument.select(IssuedDocument.seq).order_by(IssuedDocument.seq).tuples()]
    assert numbers == list(range(1, total + 1)), "numbers must be 1..N without gaps"  # noqa: S101
    print(f"archive: {total} documents numbered 1..{total} without gaps")
    if url.startswith("postgres"):
        database.execute_sql("DROP SCHEMA bench CASCADE")
    database.close()
    db.close()


if __name__ == "__main__":
    main()
