"""How long a city year takes to score: ``python bench/bench_scoring.py [PEOPLE DIVISIONS]``.

Prints the input size, then the time to parse the JSON-shaped dict (``parse_input``, with all its checks), of
the pure computation (``compute``; goal: under 5 s for 20,000 people) and to serialise (``result_to_dict`` and
``json.dumps``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gen_city_year import generate  # noqa: E402
from scoring import compute, parse_input, result_to_dict  # noqa: E402


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    divisions = int(sys.argv[2]) if len(sys.argv) > 2 else 400

    t = time.perf_counter()
    data = generate(people=people, divisions=divisions)
    generated = time.perf_counter() - t
    print(
        f"input: {len(data['people'])} people ({people} in divisions), {len(data['divisions'])} divisions, "
        f"{len(data['hours'])} hour entries, {len(data['extra_time'])} extra-time entries, "
        f"{len(data['plan_items'])} plan items  (generated in {generated:.2f} s)"
    )

    t = time.perf_counter()
    inp = parse_input(data)
    print(f"parse_input:    {time.perf_counter() - t:6.2f} s")

    t, cpu = time.perf_counter(), time.process_time()
    result = compute(inp)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"compute:        {wall:6.2f} s  (goal < 5 s; CPU {cpu:.2f} s, load average {os.getloadavg()[0]:.1f})")

    t = time.perf_counter()
    out = result_to_dict(result)
    to_dict = time.perf_counter() - t
    t = time.perf_counter()
    text = json.dumps(out, ensure_ascii=False)
    dumps = time.perf_counter() - t
    print(f"result_to_dict: {to_dict:6.2f} s")
    print(f"json.dumps:     {dumps:6.2f} s  ({len(text) / 1e6:.1f} MB, {len(result.warnings)} warnings)")


if __name__ == "__main__":
    main()
