"""Our worked example (``examples/scoring/``) agrees with ``python -m scoring`` value for value
(RULES §7; R-SCO-1..8, R-PAY-1..3)."""

import json

from tests.unit.conftest import EXAMPLES


def differences(got: object, expected: object, path: str = "") -> list[str]:
    """Every value of ``expected`` that ``got`` lacks or differs on; lists of records are matched by id."""
    out: list[str] = []
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{path}: not an object"]
        for key, value in expected.items():
            if key == "warnings":
                continue
            if key not in got:
                out.append(f"{path}.{key} missing")
            else:
                out.extend(differences(got[key], value, f"{path}.{key}"))
    elif isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: length differs"]
        if expected and isinstance(expected[0], dict) and "id" in expected[0]:
            got = sorted(got, key=lambda x: str(x.get("id")))
            expected = sorted(expected, key=lambda x: str(x["id"]))
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            out.extend(differences(g, e, f"{path}[{i}]"))
    elif got != expected:
        out.append(f"{path}: {got!r} != {expected!r}")
    return out


def test_cli_reproduces_the_shared_basic_example_exactly(run_scoring, basic_output):
    """RULES §7 (R-SCO-1, R-SCO-3, R-SCO-5..8, R-PAY-1..3, R-RUN-7): every value of basic.output.json."""
    proc = run_scoring(str(EXAMPLES / "basic.input.json"))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert differences(got, basic_output) == []
    assert got["warnings"] == ["extra_time of P04 on 2024-01-05 outside 2023"]
