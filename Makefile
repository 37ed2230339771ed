# Two commands: `make run` serves the app on SQLite with the report loaded;
# `make test` sets up and runs the whole suite. Both are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; the environment (or .env) can override them.
export DEBUG ?= true

.PHONY: run demo test setup css lint migrate seed clean help

help:
	@echo "make run   - set up, load the Cabinet report, create the demo admin, serve on http://$(HOST):$(PORT)"
	@echo "make demo  - as make run, with a year of made-up demo progress (marked Demo) on top"
	@echo "make test  - set up with the dev extra, lint, check migrations, run the test suite"
	@echo "make bench - seed 1,000, 10,000 and 50,000 synthetic actions, time the pages in-process and under gunicorn+wrk, write docs/benchmarks.md"
	@echo "make soak  - 10 minutes of mixed load (SOAK_DURATION=seconds) on gunicorn with production settings: errors, p50/p99, workers' memory, every update kept; writes its section of docs/benchmarks.md"
	@echo "make clean - remove the virtualenv, node_modules, built CSS and the SQLite database"

# --- set-up -----------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/dist/css/app.css: node_modules/.package-lock.json $(wildcard static/scss/*.scss)
	npm run build

css: static/dist/css/app.css

setup: $(VENV)/.installed css

# --- run ----------------------------------------------------------------------
migrate: setup
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) load_cabinet_report
	$(MANAGE) create_demo_accounts

# The report with a year of made-up demo progress on top, every record marked Demo, in a
# database of its own (db-demo.sqlite3 unless DATABASE_URL is set), so `make run` keeps the
# report alone.
demo: export DATABASE_URL ?= sqlite:///$(CURDIR)/db-demo.sqlite3
demo: seed
	$(MANAGE) load_demo
	@echo "Serving the demo on http://$(HOST):$(PORT)/ - sign in as 'cabinet', 'forum', 'officer', 'coordinator' or 'admin'"
	$(MANAGE) runserver $(HOST):$(PORT)

run: seed
	@echo "Serving on http://$(HOST):$(PORT)/ - sign in as 'admin' (password: \$$DEMO_PASSWORD or harrow-demo-2013)"
	$(MANAGE) runserver $(HOST):$(PORT)

# --- test ---------------------------------------------------------------------
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

CHROMIUM_PATH ?= $(shell command -v chromium || echo /usr/bin/chromium)
export CHROMIUM_PATH

test: $(VENV)/.installed-dev css lint
	$(MANAGE) makemigrations --check --dry-run
	@if [ -x "$(CHROMIUM_PATH)" ]; then \
		echo "Browser tests: running with $(CHROMIUM_PATH)"; \
	else \
		echo "Browser tests: SKIPPED - no Chromium at $(CHROMIUM_PATH) (apt-get install chromium)"; \
	fi
	$(BIN)/pytest

# --- benchmark ------------------------------------------------------------------
# Seeds 1,000, 10,000 and 50,000 synthetic actions (20 updates each) into a benchmark
# database that it drops and recreates (BENCH_DATABASE_URL, else PostgreSQL tracker_bench on
# 127.0.0.1:5432 if it answers, else bench.sqlite3), vacuums and analyses it, times the pages in-process,
# then serves them with gunicorn (2 workers, DEBUG off, CACHE_URL if set) and loads each with
# wrk for 10 s (skipped with a message if wrk is missing; --no-http skips it),
# and writes docs/benchmarks.md.
.PHONY: bench soak
bench: $(VENV)/.installed-dev css
	$(MANAGE) bench --sizes 1000 10000 50000 --updates 20 --runs 5 --http-workers 2 \
		--http-duration 10 --output docs/benchmarks.md

# --- soak ----------------------------------------------------------------------------
# Not part of `make test`. Resets the soak database (SOAK_DATABASE_URL, else tracker_soak on the
# PostgreSQL server DATABASE_URL names, else soak.sqlite3), seeds the report and 1,000
# synthetic actions, serves them with gunicorn (production settings, 127.0.0.1 only) and a
# Celery worker if CELERY_BROKER_URL is set, and drives Cabinet members, Forum members,
# officers and a coordinator through the real pages and forms for SOAK_DURATION seconds
# (default 600). Writes its section of docs/benchmarks.md; fails if a target is missed.
SOAK_DURATION ?= 600
soak: $(VENV)/.installed-dev css
	$(MANAGE) soak --duration $(SOAK_DURATION) --output docs/benchmarks.md

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3 db-demo.sqlite3 soak.sqlite3
