#!/usr/bin/env bash
# `make run`: migrate, seed the demo accounts and units, then run the web server, a Celery
# worker, Celery beat and the demo patrol simulator together until Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source .run/env
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
PY=.venv/bin/python
PORT="${PORT:-8000}"

# Migrations as the owner role; everything after it as the runtime role, which may only
# INSERT and SELECT on the audit table (docs/operations.md, "Audit trail integrity").
DATABASE_URL="$DATABASE_OWNER_URL" $PY manage.py migrate --noinput -v 0
# The offline base map (about 4 s, only when portal/data/basemap changed).
DATABASE_URL="$DATABASE_OWNER_URL" $PY manage.py load_basemap
export DATABASE_URL="$DATABASE_APP_URL"

# A generated demo password is kept in .run/ so that running again prints the same one.
if [ -z "${DEMO_PASSWORD:-}" ]; then
  [ -s .run/demo-password ] || $PY -c 'import secrets; print(secrets.token_urlsafe(12))' > .run/demo-password
  DEMO_PASSWORD=$(cat .run/demo-password)
fi
DEMO_PASSWORD="$DEMO_PASSWORD" $PY manage.py seed_demo
$PY manage.py seed_training_demo
$PY manage.py seed_dispatch_demo
$PY manage.py seed_cases_demo

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping web server, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  # Give them ten seconds to finish what they are doing, then stop them for good.
  for _ in $(seq 1 20); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  pkill -KILL -P "$(IFS=,; echo "${pids[*]}")" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

# Two workers (docs/operations.md, "Jobs and queues"): one for alerts (and the jobs'
# reaper and schedules), which a long import therefore never delays, and one for the
# rest; a process of the long worker that grows past 1 GB is replaced after its task.
# Measured on 2 CPUs: about 0.35 GB and 0.55 GB resident, much of it shared.
.venv/bin/celery -A portal worker --loglevel=INFO -Q alerts --concurrency=1 \
  -n "portal-alerts@%h" > .run/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A portal worker --loglevel=INFO -Q default,imports,reports,analytics --concurrency=2 \
  --max-memory-per-child=1000000 -n "portal-long@%h" > .run/worker-long.log 2>&1 &
pids+=($!)
.venv/bin/celery -A portal beat --loglevel=INFO --pidfile= -s .run/celerybeat-schedule > .run/beat.log 2>&1 &
pids+=($!)
# Demo only: moves the demo units along their patrol routes so the live map moves.
$PY manage.py simulate_patrols > .run/simulator.log 2>&1 &
pids+=($!)
.venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 3 --threads 4 --graceful-timeout 5 \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" --access-logfile - --error-logfile - &
pids+=($!)

for _ in $(seq 1 30); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
  sleep 1
done
cat <<MSG

  Customs Enforcement Portal is running at http://127.0.0.1:$PORT/
  Sign in with one of the demo accounts above (analyst and admin also need a code
  from an authenticator app: add the TOTP URI printed for them).
  Worker and beat logs: .run/worker.log, .run/worker-long.log, .run/beat.log. Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
