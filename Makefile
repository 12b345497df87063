# Every target sets up .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EXAMPLE_PORT ?= 3000
JS := clients/js

.PHONY: run test test-fast test-postgres lint setup js-setup js-types messages migrate superuser bench clean example email-worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

# The JavaScript client's dev dependencies (tsc, axios for the recipes), as locked.
$(JS)/node_modules/.package-lock.json: $(JS)/package-lock.json $(JS)/package.json
	cd $(JS) && npm ci --no-audit --no-fund --loglevel=error

js-setup: $(JS)/node_modules/.package-lock.json

# Regenerates the client's schema.d.ts from this server's /swagger.json.
js-types: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py generate_swagger -f json - \
	  | node $(JS)/scripts/generate-schema-types.mjs - > $(JS)/schema.d.ts

# The translation catalogue of the service's own messages and emails: new or changed messages
# come into accounts/locale/*/LC_MESSAGES/django.po (to translate), then every .po is compiled
# into the .mo the service reads (committed, so that running needs no gettext). Needs GNU
# gettext (apt-get install gettext).
MESSAGES_IGNORE := $(foreach dir,.venv tests clients bench deploy examples docs staticfiles,--ignore '$(dir)/*')
messages: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --all --no-location $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

migrate: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

run: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The email worker on the `make run` database: `make run` delivers inline already; this sends
# what failed there, and shows the worker as production runs it.
email-worker: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py email_worker

# An admin account for /admin/ on the `make run` database (asks for the password).
superuser: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser

test: setup js-setup
	cd $(JS) && npm test
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

test-postgres: setup js-setup
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) REQUIRE_POSTGRES=1 $(BIN)/pytest

# The example front end on http://localhost:3000, for use against `make run`: it may call
# only the API named here (static files, also at the emailed links' paths /reset-password
# and /verify-email; it needs no .venv).
example:
	@echo "Example client: http://localhost:$(EXAMPLE_PORT)/ (API: http://localhost:$(PORT), run it with make run)"
	$(PYTHON) examples/serve.py $(EXAMPLE_PORT) --api http://localhost:$(PORT)

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
	rm -rf $(VENV) .pytest_cache db.sqlite3 db.sqlite3-* test-db.sqlite3* bench/.data $(JS)/node_modules
