# Casino Club — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run test venv venv-dev migrate seed lint format messages check-deploy screenshots audit \
        bench bench-ledger bench-games bench-live bench-growth bench-load bench-lighthouse bench-rng clean \
        faults

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

migrate: venv
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo
	$(MANAGE) gallery_demo

## Set up and start the whole site: web (HTTP + WebSockets), Celery worker and beat.
run: seed
	@echo "Casino Club on http://127.0.0.1:8000/  (Ctrl-C stops everything)"
	$(VENV)/bin/honcho -f Procfile start

## Lint, migrations check, deploy check and the whole test suite.
test: venv-dev
	@eval "$$(.ci/detect-services)" && \
	  $(VENV)/bin/ruff check . && \
	  $(VENV)/bin/ruff format --check . && \
	  $(VENV)/bin/lint-imports --no-cache && \
	  $(MANAGE) makemigrations --check --dry-run && \
	  $(MAKE) --no-print-directory check-deploy && \
	  $(PY) -m pytest $(PYTEST_ARGS)

check-deploy: venv
	PRODUCTION=true DEBUG=false SECRET_KEY=$$(printf 'x%.0s' {1..60})-deploy-check-only \
	  ALLOWED_HOSTS=casino.example JWT_PRIVATE_KEY="$$($(PY) -c 'from casino_club.config import generate_rsa_key; print(generate_rsa_key())')" \
	  $(MANAGE) check --deploy --fail-level WARNING

## Known vulnerabilities in requirements.txt (pip-audit; exceptions in .ci/pip-audit-ignore.txt).
audit: venv-dev
	$(PY) .ci/pip_audit.py

lint: venv-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports --no-cache

format: venv-dev
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

## Re-extract and compile translations (needs GNU gettext; compiled .mo files are committed).
messages: venv
	$(MANAGE) makemessages -l ko --ignore=.venv --ignore=var
	$(MANAGE) makemessages -d djangojs -l ko --ignore=.venv --ignore=var --ignore=static/vendor
	$(MANAGE) compilemessages --ignore=.venv

## README's screenshots: the browser tour at both sizes, then the first screen of three pages.
screenshots: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) -m pytest -q casino_club/tests/test_browser_tour.py -k every_page
	$(PY) tests/support/screenshots.py

bench-ledger: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/ledger.py

bench-games: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/games.py

## BENCH_LIVE_ARGS="--server all" compares daphne, uvicorn and granian (docs/benchmarks.md).
bench-live: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/live.py $(BENCH_LIVE_ARGS)

## Lighthouse 12.2.3 (npm, pinned in benchmarks/lighthouse/) against Debian's Chromium.
bench-lighthouse: venv
	npm ci --prefix benchmarks/lighthouse --no-audit --no-fund --loglevel=error
	$(PY) benchmarks/lighthouse.py

bench-growth: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/growth.py

## 100,000 players, 5,000,000 rounds in SQL; the segment job and reports vs a GROUP BY (~6 min).
.PHONY: bench-insight
bench-insight: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/insight.py $(BENCH_INSIGHT_ARGS)

## Locust players against gunicorn, daphne, a Celery worker and beat on this machine (~5 min).
bench-load: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) benchmarks/load.py

## NIST SP 800-22 (nistrng), dieharder and per-game chi-square/runs/serial tests of the
## provably fair stream (~10 min on 2 cores; docs/fairness.md). BENCH_RNG_ARGS=--quick: 1 min.
bench-rng: venv-dev
	@command -v dieharder >/dev/null || { command -v apt-get >/dev/null && \
	  { apt-get update -qq && apt-get install -y -qq dieharder >/dev/null; } || \
	  echo "bench-rng: could not install dieharder with apt-get; its part is skipped"; }
	$(PY) benchmarks/rng_battery.py $(BENCH_RNG_ARGS)

## Fault injection (not part of `make test`): kill the web server, stop PostgreSQL,
## Redis and a worker under load, back up and restore; results in docs/reliability.md.
faults: venv-dev
	@eval "$$(.ci/detect-services)" && $(PY) tests/faults/run.py

bench: bench-ledger bench-games bench-live bench-growth bench-load

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
