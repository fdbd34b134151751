#!/usr/bin/env bash
# `make test`: lint, type check, then the whole pytest suite against real PostGIS, Redis,
# a real Celery worker and headless Chromium. With an argument, runs only that stage.
set -euo pipefail
cd "$(dirname "$0")/.."
source .run/env
export DJANGO_SETTINGS_MODULE=portal.settings.test
# The suite runs as the owner role (it creates the test database and empties tables
# between tests); the tests that play the intruder with superuser rights use the
# administrator's URL, and those of the runtime role DATABASE_APP_URL.
export DATABASE_ADMIN_URL="$DATABASE_URL" DATABASE_URL="$DATABASE_OWNER_URL"
stage="${1:-all}"
BIN=.venv/bin

if [ "$stage" = all ] || [ "$stage" = lint ]; then
  echo "==> ruff"
  $BIN/ruff check .
  $BIN/ruff format --check .
  echo "==> import-linter (the app direction and the layers, pyproject.toml)"
  $BIN/lint-imports
  echo "==> djlint"
  $BIN/djlint templates --lint --quiet
fi
if [ "$stage" = all ] || [ "$stage" = typecheck ]; then
  echo "==> mypy"
  $BIN/mypy .
fi
if [ "$stage" = all ] || [ "$stage" = pytest ]; then
  echo "==> pytest"
  mkdir -p artifacts/screenshots
  # --create-db: CI and a fresh clone must never trust a test database left behind.
  $BIN/pytest --create-db -p no:cacheprovider -n "${PYTEST_PROCESSES:-2}" --dist load ${PYTEST_ARGS:-}
fi
