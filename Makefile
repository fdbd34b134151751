# The two commands: `make run` and `make test`. Both set up what is missing first.
.PHONY: run test setup lint typecheck pytest e2e messages bench help

help:
	@echo "make run    set up, migrate, seed demo accounts, start web + worker + beat on :8000"
	@echo "make test   set up, then lint, type check and the whole test suite"
	@echo "make bench  benchmarks at scale (bench/*.py) on DATABASE_URL, default portal_bench"

setup:
	@bash .ci/setup.sh

run: setup
	@bash .ci/serve.sh

test: setup
	@bash .ci/test.sh

lint: setup
	@bash .ci/test.sh lint

typecheck: setup
	@bash .ci/test.sh typecheck

pytest: setup
	@bash .ci/test.sh pytest

messages:
	.venv/bin/python manage.py makemessages -l lt --ignore=.venv --ignore=staticfiles --no-obsolete
	.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv

# Benchmarks at realistic scale (docs/benchmarks.md): minutes each, so not in `make test`.
# They empty the tables they fill and refuse a database whose name lacks "bench". No
# dependency on `setup`, which would record this DATABASE_URL in .run/env for `make run`.
BENCH_DATABASE_URL ?= postgis://postgres@127.0.0.1:5432/portal_bench
bench:
	@test -x .venv/bin/python || { echo "Run make setup first."; exit 1; }
	@for script in bench/[a-z]*.py; do \
	  echo "==> $$script"; \
	  DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" \
	  DJANGO_SETTINGS_MODULE=portal.settings.dev \
	    .venv/bin/python "$$script" $(BENCH_ARGS) || exit 1; \
	done
