# Every target sets up .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EXAMPLE_PORT ?= 3000

.PHONY: run test test-fast test-postgres lint setup migrate bench clean example

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

run: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest

# The inner loop: no live servers, no browser, no fuzzing (a few seconds).
test-fast: setup
	$(BIN)/pytest -q -m "not live and not browser and not fuzz"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite again on the production stack: PostgreSQL (pytest-django
# creates and drops test_<name>) and Redis (its database is flushed between
# tests). REQUIRE_POSTGRES=1 turns the skips of the two-instance tests into failures.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

test-postgres: setup
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) REQUIRE_POSTGRES=1 $(BIN)/pytest

# The reference browser client on http://localhost:3000, for use against `make run`
# (static files, also at the emailed links' paths /reset-password and /verify-email;
# it needs no .venv).
example:
	@echo "Example client: http://localhost:$(EXAMPLE_PORT)/ (API: http://localhost:$(PORT), run it with make run)"
	$(PYTHON) examples/serve.py $(EXAMPLE_PORT)

# This service against stock SimpleJWT and a plain Django view (bench/run.py), on SQLite and
# the machine's PostgreSQL and Redis; needs wrk and nginx, installed from Debian when root.
bench: setup
	@for tool in wrk nginx; do command -v $$tool >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y $$tool || { apt-get update && apt-get install -y $$tool; }; \
	  else \
	    echo "make bench needs $$tool: sudo apt-get install -y $$tool (Debian, Ubuntu)" >&2; exit 1; \
	  fi; }; done
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache db.sqlite3 db.sqlite3-* test-db.sqlite3* bench/.data
