# The virtual offender hub. `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
SERVE_PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default, an idle one taking tests still
# queued for the other (worksteal); PYTEST_WORKERS=0 runs in this one.
PYTEST_WORKERS ?= auto
# Some machines set PYTHONDONTWRITEBYTECODE=1: then every test process compiles the app
# and rewrites the tests' assertions again on every run (about 5 s a worker, measured on
# collection: 9 s without the caches, 4 s with them). Let Python keep its caches here.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help install run serve test test-fast e2e lint browser assets lock clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(INSTALLED)

install: $(INSTALLED) ## Create .venv and install the locked dependencies

run: install ## Migrate, load demo data into an empty database, serve on http://127.0.0.1:5000
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo load
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

serve: install ## Migrate, then serve with gunicorn as in production, on http://127.0.0.1:8000
	$(BIN)/flask --app app db upgrade
	GUNICORN_BIND=$(HOST):$(SERVE_PORT) $(BIN)/gunicorn -c python:app.gunicorn_conf

browser: ## Install Debian's Chromium for the browser tests, if it is missing
	@bash scripts/ensure-chromium.sh

test: install browser ## Run the whole test suite (SQLite unless DATABASE_URL names PostgreSQL)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-fast: install ## Run the suite without the browser journeys and the wheel build
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not e2e and not slow" $(PYTEST_ARGS)

e2e: install browser ## Run only the browser journeys
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m e2e $(PYTEST_ARGS)

bench: install ## Measure pages under gunicorn on BENCH_DATABASE_URL (see docs/bench/README.md)
	@test -n "$(BENCH_DATABASE_URL)" || { echo "Set BENCH_DATABASE_URL (a database made by flask demo scale)"; exit 2; }
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

lint: install ## Check the code with ruff
	$(BIN)/ruff check app tests scripts

assets: ## Rebuild the compiled GOV.UK and MOJ Frontend assets in app/static (needs node)
	bash assets/build.sh

lock: ## Re-lock requirements.lock from pyproject.toml (needs network access to PyPI)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean: ## Remove the virtual environment and caches (not the database)
	rm -rf $(VENV) .pytest_cache .ruff_cache
