#!/usr/bin/env bash
# One command: set everything up and start the portal on a SQLite file with the demo bureau.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
export FLASK_APP=portal
# the demo bureau lives in late 2023: the portal takes this day as today unless told otherwise
export BUREAU_TODAY="${BUREAU_TODAY:-2023-12-27}"
.venv/bin/flask migrate
.venv/bin/flask demo
# long work (notice batches, recomputes) runs on the job queue: one worker beside the portal, stopped with it
.venv/bin/flask worker &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT
echo "== 门户地址 / portal: http://127.0.0.1:${PORT:-5000}"
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
