#!/usr/bin/env bash
# Production serving (docs/deploy.md): set everything up, apply pending migrations and run the portal under
# gunicorn with deploy/gunicorn.conf.py. Settings come from the environment (DATABASE_URL, SECRET_KEY, REDIS_URL,
# BUREAU_BIND, WEB_CONCURRENCY, BUREAU_PROXY_HOPS…). Long work needs at least one `flask --app portal worker`
# running somewhere that reaches the same database and queue; `--with-worker` starts one here too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
export FLASK_APP=portal
.venv/bin/flask migrate
if [ "${1:-}" = "--with-worker" ]; then
  shift
  .venv/bin/flask worker --workers "${BUREAU_JOB_THREADS:-2}" &
  WORKER_PID=$!
  trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT
  .venv/bin/gunicorn --config deploy/gunicorn.conf.py "$@"
else
  exec .venv/bin/gunicorn --config deploy/gunicorn.conf.py "$@"
fi
