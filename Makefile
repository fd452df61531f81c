# Juzhu — one command each.  `make help` lists them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help install run test lint bench check migrate demo sweep screenshots

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Juzhu with its dev tools

# make run is a development server on a development database: DEBUG on, development keys.
migrate: install
	JUZHU_DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the Linhe demo data (idempotent)
	JUZHU_DEBUG=1 $(BIN)/python manage.py load_demo

run: demo ## Install, migrate SQLite, load demo data and serve http://127.0.0.1:8000
	JUZHU_DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

test: install ## Install and run every test (SQLite unless DATABASE_URL points at PostgreSQL)
	$(BIN)/python -m pytest

lint: install ## ruff, mypy (strict on juzhu.policy) and import-linter
	$(BIN)/ruff check .
	$(BIN)/mypy juzhu config
	$(BIN)/lint-imports

bench: install ## Benchmarks against PostgreSQL (BENCH_DATABASE_URL), printing ratios
	$(BIN)/python bench/run.py

screenshots: install ## Screenshots of the main pages (docs/screenshots/, needs Debian's chromium)
	$(BIN)/python docs/screenshots/take.py

check: lint test ## What CI runs
