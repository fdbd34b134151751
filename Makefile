# The two commands: `make run` and `make test`. Both set up what is missing first.
.PHONY: run test setup lint typecheck pytest e2e messages bench help

help:
	@echo "make run    set up, migrate, seed demo accounts, start web + worker + beat on :8000"
	@echo "make test   set up, then lint, type check and the whole test suite"

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
