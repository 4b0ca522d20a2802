# The commands a newcomer needs. `make run` and `make test` are promised in the README.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run (trust auth on loopback; pytest-django makes test_xinyu).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/xinyu

.PHONY: install messages run test test-sqlite test-postgres lint bench bench-small clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(BIN)/.installed messages

# Translations are compiled at install time; only the .po files are committed.
messages: $(BIN)/.installed
	@command -v msgfmt >/dev/null || { echo "msgfmt is needed: apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --severity-level medium -r config courses lms search theme
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# p50/p95 latency of /my/ and of enrolling through the API, then of course search and
# recommendations on both backends (500 courses, 50,000 cadres), then roster import,
# audience count and campaign assignment (50,000 cadres), then the analytics summaries and
# dashboard (50,000 cadres, 1,000,000 lesson-progress rows), the editors; then the whole
# site at 50,000 cadres served by gunicorn to a load process (bench/scale.py); throwaway
# databases.
bench: install
	$(BIN)/python bench/learning.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/targeting.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/editors.py
	$(BIN)/python bench/scale.py

# The scale bench at 2,000 cadres: the whole site served by gunicorn with production
# settings, driven by a separate load process (PostgreSQL and Redis on 127.0.0.1; a few
# minutes). CI runs it; its figures are printed, not asserted.
bench-small: install
	$(BIN)/python bench/scale.py --small

clean:
	rm -rf $(VENV) db.sqlite3 static .pytest_cache
