#!/usr/bin/env bash
# One command: set everything up and run the whole test suite (SQLite, and PostgreSQL whenever one answers;
# under CI=true a missing PostgreSQL or Chromium fails the run).
set -euo pipefail
export WITH_BROWSER=1
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
echo "== ruff"
.venv/bin/ruff check .
echo "== import contracts"
.venv/bin/lint-imports
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
exec .venv/bin/python -m pytest -n 2 "$@"
