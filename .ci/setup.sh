#!/usr/bin/env bash
# Everything `make run` and `make test` need on a Debian machine, installed only when
# missing: system packages, PostgreSQL + PostGIS, Redis, the Python environment,
# compiled translations. Uses DATABASE_URL / REDIS_URL when they are set; otherwise the
# services on their standard local ports, installed and started when they do not answer.
# Writes the settings it settled on to .run/env for the other scripts to source.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .run

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do have_pkg "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- System packages the portal always needs ----------------------------------------
# GDAL for GeoDjango, gettext for translations, Chromium for the browser tests; ICU's
# headers, pkg-config and a C++ compiler to build PyICU (followthemoney's transliteration,
# through normality: PyPI has no wheel of it).
apt_install gdal-bin libgdal-dev gettext chromium chromium-driver fonts-dejavu-core ca-certificates \
  libicu-dev pkg-config g++
command -v psql >/dev/null 2>&1 || apt_install postgresql-client
command -v redis-cli >/dev/null 2>&1 || apt_install redis-tools

# --- Python 3.11+ ---------------------------------------------------------------------
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    PYTHON=$(command -v "$candidate"); break
  fi
done
if [ -z "$PYTHON" ]; then
  apt_install python3 python3-venv python3-dev
  PYTHON=$(command -v python3)
fi
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv

# --- PostgreSQL with PostGIS ----------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  log "Using DATABASE_URL from the environment"
else
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    log "No PostgreSQL on 127.0.0.1:5432: installing and starting one"
    apt_install postgresql
    cluster_version=$(ls /etc/postgresql | sort -V | tail -n 1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start 2>/dev/null ||
      $SUDO pg_ctlcluster "$cluster_version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # Our own server: make sure we can log in as postgres over TCP (trust or a password).
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
      su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    fi
    export DATABASE_URL="postgis://postgres:postgres@127.0.0.1:5432/portal"
  else
    export DATABASE_URL="postgis://postgres@127.0.0.1:5432/portal"
  fi
fi

# PostGIS must match the server's major version when the server is on this machine.
server_major=$("$PYTHON" - <<'PY' 2>/dev/null || true
import os, subprocess, urllib.parse
u = urllib.parse.urlparse(os.environ["DATABASE_URL"])
env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
out = subprocess.run(["psql", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432),
    "-U", urllib.parse.unquote(u.username or "postgres"), "-d", "postgres", "-tAc",
    "show server_version_num"], capture_output=True, text=True, env=env, check=True).stdout.strip()
print(int(out) // 10000)
PY
)
if [ -n "$server_major" ] && [ -d "/usr/lib/postgresql/$server_major" ]; then
  apt_install "postgresql-$server_major-postgis-3"
fi

# --- Redis ----------------------------------------------------------------------------
if [ -n "${REDIS_URL:-}" ]; then
  log "Using REDIS_URL from the environment"
else
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "No Redis on 127.0.0.1:6379: installing and starting one"
    apt_install redis-server
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/portal.log
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  export REDIS_URL="redis://127.0.0.1:6379/0"
fi

# --- Python environment ---------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "Creating the Python environment (.venv)"
  "$PYTHON" -m venv .venv
fi
lock_sum=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat .venv/.lock-installed 2>/dev/null)" != "$lock_sum" ]; then
  log "Installing Python dependencies from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip uv==0.13.9
  .venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
  echo "$lock_sum" > .venv/.lock-installed
fi

# --- The database itself, its owner role and the portal's runtime role ------------------
# .ci/db_roles.py: <db>_owner runs migrations and tests, <db>_app runs the portal
# (docs/operations.md, "Audit trail integrity"). It prints the lines for .run/env.
roles_env=$(.venv/bin/python .ci/db_roles.py)

# --- The audit key ----------------------------------------------------------------------
# The key of the audit chain's HMAC, outside the database: generated once for `make run`,
# unless AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE is given.
if [ -z "${AUDIT_HMAC_KEY:-}" ] && [ -z "${AUDIT_HMAC_KEY_FILE:-}" ]; then
  if [ ! -s .run/audit-key ]; then
    log "Generating the audit key (.run/audit-key)"
    (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' > .run/audit-key)
  fi
  AUDIT_HMAC_KEY_FILE="$PWD/.run/audit-key"
fi
# One anchor file per database: anchors of another database would fail verify_audit.
db_name=$("$PYTHON" -c 'import os, urllib.parse; print(urllib.parse.urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") or "portal")')
AUDIT_ANCHOR_FILE="${AUDIT_ANCHOR_FILE:-$PWD/.run/audit-anchors-$db_name.jsonl}"

# --- Translations ---------------------------------------------------------------------
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv
# Static files collected once, for WhiteNoise under gunicorn (and quiet tests).
.venv/bin/python manage.py collectstatic --noinput -v 0

{
  # DATABASE_URL stays the administrator's, so that setup can run again; the scripts
  # choose the owner's or the runtime role's URL for each process.
  echo "export DATABASE_URL='$DATABASE_URL'"
  echo "$roles_env"
  echo "export REDIS_URL='$REDIS_URL'"
  [ -n "${AUDIT_HMAC_KEY_FILE:-}" ] && echo "export AUDIT_HMAC_KEY_FILE='$AUDIT_HMAC_KEY_FILE'"
  echo "export AUDIT_ANCHOR_FILE='$AUDIT_ANCHOR_FILE'"
} > .run/env
chmod 600 .run/env
log "Ready: database and Redis answer, Python environment installed"
