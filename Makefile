# The two commands: `make run` and `make test`. Both set up what is missing first.
.PHONY: run test setup lint typecheck pytest e2e messages bench probe help

help:
	@echo "make run    set up, migrate, seed demo accounts, start web + worker + beat on :8000"
	@echo "make test   set up, then lint, type check and the whole test suite"
	@echo "make bench  benchmarks at scale (bench/*.py) on DATABASE_URL, default portal_bench,"
	@echo "            the dispatch ones on portal_bench_knn and portal_bench_ingest,"
	@echo "            bench/graph.py on portal_bench_graph, bench/search.py on portal_bench_search,"
	@echo "            bench/import_rows.py on portal_bench_import,"
	@echo "            bench/documents.py on portal_bench_documents (DOCUMENTS_ARGS=\"--pages 40\")"
	@echo "make probe  schemathesis over the whole API as each role against a running make run"

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
# bench/violations.py runs on DATABASE_URL with BENCH_ARGS; the dispatch scripts on
# databases of their own on the same server (portal_bench_knn, portal_bench_ingest),
# with NEAREST_ARGS and INGEST_ARGS (e.g. INGEST_ARGS="--duration 60"; 5 minutes else);
# bench/graph.py on portal_bench_graph with GRAPH_ARGS (e.g. GRAPH_ARGS="--scale 0.05"),
# bench/search.py on portal_bench_search with SEARCH_ARGS, bench/import_rows.py on
# portal_bench_import with IMPORT_ARGS (e.g. IMPORT_ARGS="--rows 100000"; 1,000,000 else;
# it starts Celery workers of its own on REDIS_URL), bench/documents.py on
# portal_bench_documents with DOCUMENTS_ARGS (e.g. DOCUMENTS_ARGS="--pages 40 --runs 3";
# a 200-page PDF and DOCX, 5 runs, else). bench/search_compare.py
# --before REV times another revision's search selector beside this one in the same
# rounds (run it by hand: a before/after that holds whatever the machine's load);
# bench/graph_compare.py does the same for the link chart's counted and stored badges;
# bench/import_scale.py --before DIR times the import's write pass on a registry of 1.5M
# entities beside the revision checked out in the worktree DIR.
BENCH_DATABASE_URL ?= postgis://postgres@127.0.0.1:5432/portal_bench
bench:
	@test -x .venv/bin/python || { echo "Run make setup first."; exit 1; }
	@export DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" \
	  DJANGO_SETTINGS_MODULE=portal.settings.dev; \
	echo "==> bench/violations.py"; \
	.venv/bin/python bench/violations.py $(BENCH_ARGS) || exit 1; \
	echo "==> bench/dispatch_nearest.py"; \
	.venv/bin/python bench/dispatch_nearest.py $(NEAREST_ARGS) || exit 1; \
	echo "==> bench/dispatch_ingest.py"; \
	.venv/bin/python bench/dispatch_ingest.py $(INGEST_ARGS) || exit 1; \
	echo "==> bench/graph.py"; \
	.venv/bin/python bench/graph.py $(GRAPH_ARGS) || exit 1; \
	echo "==> bench/search.py"; \
	.venv/bin/python bench/search.py $(SEARCH_ARGS) || exit 1; \
	echo "==> bench/import_rows.py"; \
	.venv/bin/python bench/import_rows.py $(IMPORT_ARGS) || exit 1; \
	echo "==> bench/documents.py"; \
	.venv/bin/python bench/documents.py $(DOCUMENTS_ARGS)

# The hardening probe (bench/api_probe.py): schemathesis as each role against the portal
# that `make run` serves (PORT, default 8000), as the portal's own database role.
probe:
	@test -f .run/env || { echo "Run make run first."; exit 1; }
	@. ./.run/env; export DATABASE_URL="$${DATABASE_APP_URL:-$$DATABASE_URL}" \
	  DJANGO_SETTINGS_MODULE=portal.settings.dev; \
	.venv/bin/python bench/api_probe.py $(PROBE_ARGS)
