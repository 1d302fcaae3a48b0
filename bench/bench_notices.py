"""Time official notice rendering (R-RPT-1). Not part of the test suite.

    /work/main/.venv/bin/python bench/bench_notices.py [--count 1000] [--workers 2]

Prints the warm time of one individual notice and the wall time of COUNT individual notices rendered by
WORKERS processes. Goals: under 0.5 s for one, under 2 minutes for 1,000 on two cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports import samples  # noqa: E402
from reports.notices import render_pdf  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("晓梅", "志远", "建国", "思远", "芳", "磊", "海燕", "振华", "丽娟", "国强")


def render_one(i: int) -> int:
    notice = samples.individual_notice(
        name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
        division=samples.DIVISIONS[i % len(samples.DIVISIONS)],
        seq=i + 1,
    )
    return len(render_pdf(notice, samples.SETTINGS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    start = time.perf_counter()
    render_one(0)
    print(f"first (cold) individual notice: {time.perf_counter() - start:.3f} s")
    warm = []
    for i in range(1, 6):
        start = time.perf_counter()
        size = render_one(i)
        warm.append(time.perf_counter() - start)
    print(f"one individual notice, warm: median {statistics.median(warm):.3f} s (of 5; {size / 1024:.0f} KiB)")

    # Fork after the warm-up so that each worker starts with fonts and stylesheet already loaded.
    context = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with context.Pool(args.workers) as pool:
        total = sum(pool.imap_unordered(render_one, range(args.count), chunksize=10))
    elapsed = time.perf_counter() - start
    print(
        f"{args.count} individual notices, {args.workers} workers: {elapsed:.1f} s "
        f"({elapsed / args.count * 1000:.0f} ms each, {total / 1024 / 1024:.1f} MiB in all)"
    )


if __name__ == "__main__":
    main()
