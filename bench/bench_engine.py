"""Engine adapter timings in memory (no database): load, start, complete + serialise, restore, upload dry run.

Run from the repository root: python -m bench.bench_engine [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from services import approvals
from workflows import dryrun, engine
from workflows.engine import Instance, load_bundled


def _figures(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"{name:<46} median {statistics.median(ms):8.4f} ms   p95 {p95:8.4f} ms   (n={len(ms)})")


def main(rounds: int = 500) -> None:
    path = engine.bundled_diagrams()["monthly_plan"]
    xml = path.read_bytes()

    t = time.perf_counter()
    engine._validator()
    _figures("BPMN XSD schema build (once per process)", [time.perf_counter() - t])

    cold = []
    for _ in range(20):
        engine._load_spec_cached.cache_clear()
        t = time.perf_counter()
        engine.load_spec(xml)
        cold.append(time.perf_counter() - t)
    _figures("load_spec monthly_plan (cold: parse+XSD+checks)", cold)

    spec = load_bundled("monthly_plan")
    warm = []
    for _ in range(rounds):
        t = time.perf_counter()
        engine.load_spec(xml)
        warm.append(time.perf_counter() - t)
    _figures("load_spec (cached by content)", warm)

    start, complete, restore, sizes = [], [], [], []
    for n in range(rounds):
        t = time.perf_counter()
        case = Instance.start(spec, {"plan_id": n, "division_id": 3, "due": date(2023, 3, 7)}, actor="u")
        start.append(time.perf_counter() - t)

        task = case.ready_tasks()[0]
        t = time.perf_counter()
        case.complete(task.id, "u", None, "提交")
        stored = case.dumps()
        complete.append(time.perf_counter() - t)
        sizes.append(len(stored.encode("utf-8")))

        t = time.perf_counter()
        case = Instance.restore(spec, stored)
        task = case.ready_tasks()[0]
        case.complete(task.id, "o", "approve", "同意")
        case.dumps()
        restore.append(time.perf_counter() - t)

    _figures("start instance (to first human step)", start)
    _figures("complete one task + dumps()", complete)
    _figures("restore + complete one task + dumps()", restore)
    print(f"{'state size after 1 step':<46} median {statistics.median(sizes):7.0f} bytes")

    full = []
    for _ in range(max(20, rounds // 10)):
        t = time.perf_counter()
        case = Instance.start(spec, {"plan_id": 1})
        stored = case.dumps()
        while True:
            case = Instance.restore(spec, stored)
            ready = case.ready_tasks()
            if not ready:
                break
            case.complete(ready[0].id, "u", "approve" if ready[0].choices else None)
            stored = case.dumps()
        full.append(time.perf_counter() - t)
    _figures("whole monthly plan, restore+complete+dumps x4", full)

    # The upload dry run (issue 9 §9) of each shipped diagram with its chain's sample start data.
    for name in sorted(engine.bundled_diagrams(), key=lambda n: engine.bundled_diagrams()[n].stat().st_size):
        chain_spec = load_bundled(name)
        samples = approvals.dry_run_samples(name)
        runs = []
        for _ in range(10):
            t = time.perf_counter()
            report = dryrun.check(chain_spec, samples)
            runs.append(time.perf_counter() - t)
        _figures(f"dry run {name} ({report.states} states, {len(samples)} samples)", runs)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
