"""Fixtures of the scoring tests: our worked example (``examples/scoring/``) and a runner of ``python -m scoring``."""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "scoring"


@pytest.fixture
def basic_input() -> dict:
    """A fresh copy of the worked example's input, free to modify."""
    return json.loads((EXAMPLES / "basic.input.json").read_text(encoding="utf-8"))


@pytest.fixture
def basic_output() -> dict:
    return json.loads((EXAMPLES / "basic.output.json").read_text(encoding="utf-8"))


@pytest.fixture
def run_scoring() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m scoring`` on a path, from the repository root."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, "-m", "scoring", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            timeout=60,
            check=False,
        )

    return run
