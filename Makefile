# Every target sets up .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EXAMPLE_PORT ?= 3000

.PHONY: run test setup migrate clean example

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

# The reference browser client on http://localhost:3000, for use against `make run`
# (static files: it needs no .venv).
example:
	@echo "Example client: http://localhost:$(EXAMPLE_PORT)/ (API: http://localhost:$(PORT), run it with make run)"
	$(PYTHON) -m http.server $(EXAMPLE_PORT) --bind 127.0.0.1 --directory examples

clean:
	rm -rf $(VENV) .pytest_cache db.sqlite3 db.sqlite3-* test-db.sqlite3*
