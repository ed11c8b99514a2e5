# Consult — the commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app consult
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
PO := $(wildcard consult/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-fast test-sqlite test-postgres lint audit lock bench cluster tools assets screenshots translations extract-messages clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	@echo "Installation de Consult dans $(VENV)…"
	$(BIN)/pip install --quiet -e . -c requirements.lock
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	@echo "Installation de Consult et des outils de test dans $(VENV)…"
	$(BIN)/pip install --quiet -e ".[dev]" -c requirements.lock
	touch $@ $(VENV)/.installed-run

## assets: front-end packages from the npm registry (pinned in package-lock.json)
node_modules/.installed: package.json package-lock.json .dsfr.yml
	@command -v npm >/dev/null || { echo "npm manque : installez Node.js (paquet Debian nodejs/npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor/dsfr && mkdir -p static/vendor/dsfr
	cp -r node_modules/@gouvfr/dsfr/dist/dsfr.min.css node_modules/@gouvfr/dsfr/dist/dsfr.module.min.js \
	  node_modules/@gouvfr/dsfr/dist/fonts node_modules/@gouvfr/dsfr/dist/icons \
	  node_modules/@gouvfr/dsfr/dist/utility static/vendor/dsfr/
	touch $@

assets: node_modules/.installed

%.mo: %.po | $(VENV)/.installed-run
	@$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO)

## run: create the SQLite database, load the demo when empty, serve on http://127.0.0.1:5000
run: $(VENV)/.installed-run translations
	@export CONSULT_BASE_URL=$${CONSULT_BASE_URL:-http://$(HOST):$(PORT)}
	$(FLASK) init-db
	$(FLASK) demo --if-empty
	$(FLASK) worker & worker=$$!
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM
	echo "Consult : http://$(HOST):$(PORT) (les e-mails s'affichent ici)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

## tools: Debian's Chromium (browser tests), wrk (benchmark) and HAProxy (make cluster), when root and missing
tools:
	@for pair in /usr/bin/chromium:chromium /usr/bin/wrk:wrk /usr/sbin/haproxy:haproxy; do
	  binary=$${pair%%:*}; package=$${pair##*:}
	  if [ ! -x "$$binary" ]; then
	    if [ "$$(id -u)" = 0 ]; then
	      echo "Installation du paquet Debian $$package…"
	      (apt-get install -y -q "$$package" >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q "$$package" >/dev/null))
	    else
	      echo "$$package manque : installez le paquet Debian '$$package' (tests concernés ignorés)."
	    fi
	  fi
	done

## test: the whole suite on SQLite, then on PostgreSQL when CONSULT_TEST_DATABASE_URL is set
test: $(VENV)/.installed-dev translations tools assets
	@$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory audit
	$(MAKE) --no-print-directory test-sqlite
	if [ -n "$${CONSULT_TEST_DATABASE_URL:-}" ]; then
	  $(MAKE) --no-print-directory test-postgres
	elif [ "$${CI:-}" = "true" ]; then
	  echo "CI : CONSULT_TEST_DATABASE_URL manque, la suite PostgreSQL ne peut pas être ignorée." >&2
	  exit 1
	else
	  echo "PostgreSQL ignoré : définissez CONSULT_TEST_DATABASE_URL pour l'inclure."
	fi

# every core (pytest-xdist, one database per worker); the browser tests on one worker
# (one live server, one Chromium), the other live servers likewise
PARALLEL ?= -n auto --dist loadgroup

test-sqlite: $(VENV)/.installed-dev translations
	@echo "== Tests sur SQLite"
	CONSULT_TEST_DB=sqlite $(BIN)/pytest $(PARALLEL) $(PYTEST_ARGS)

# what does not depend on the database already ran on SQLite
test-postgres: $(VENV)/.installed-dev translations
	@echo "== Tests sur PostgreSQL"
	CONSULT_TEST_DB=postgresql $(BIN)/pytest $(PARALLEL) -m "not screenshots and not dbless" $(PYTEST_ARGS)

## test-fast: the inner loop — no browser, no live server, nothing slow; SQLite, every core
test-fast: $(VENV)/.installed-dev translations
	CONSULT_TEST_DB=sqlite $(BIN)/pytest -q $(PARALLEL) -m "not browser and not live and not slow and not screenshots" $(PYTEST_ARGS)

## screenshots: the README's pictures, both themes, from the demo in a real browser
screenshots: $(VENV)/.installed-dev translations tools assets
	CONSULT_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q -m screenshots tests/browser/test_screenshots.py

lint: $(VENV)/.installed-dev
	@$(BIN)/ruff check consult tests migrations bench

## audit: bandit on the code (nothing above low severity unless justified in place), and
## pip-audit on the locked dependencies when PyPI's vulnerability service answers
audit: $(VENV)/.installed-dev
	@echo "== bandit (sévérité moyenne et haute)"
	$(BIN)/bandit -q -c pyproject.toml -r consult -ll
	echo "== pip-audit (requirements.lock)"
	if $(BIN)/python -c "import urllib.request as u; u.urlopen('https://pypi.org/pypi/flask/3.1.3/json', timeout=10)" 2>/dev/null; then
	  $(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off --strict
	else
	  echo "pip-audit ne peut pas lire les pages de version de PyPI d'ici (réseau restreint) :" \
	       "repli sur les alertes publiées pour la dernière version de chaque paquet."
	  $(BIN)/python tools/audit_lock.py requirements.lock
	fi

## lock: pin every installed package into requirements.lock (after changing pyproject.toml)
lock: $(VENV)/.installed-dev
	{ sed -n 1,2p requirements.lock; $(BIN)/pip freeze --exclude-editable | grep -iv '^consult\b\|^-e'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

## extract-messages: refresh the English catalogue after changing translatable strings
extract-messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract --ignore-dirs='.* __pycache__ node_modules .venv' -F consult/translations/babel.cfg -k _l -k lazy_gettext -o consult/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i consult/translations/messages.pot -d consult/translations -l en --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/french_catalogue.py

## bench: seed, serve, load with wrk, write bench/results/*.md (SCALE, BENCH_DB, DURATION)
## By default the national scale (1.0) on SQLite then PostgreSQL; SCALE=0.02 for a quick run.
SCALE ?= 1
BENCH_DB ?= sqlite postgresql
DURATION ?= 5
bench: $(VENV)/.installed-dev translations
	@if ! command -v wrk >/dev/null; then
	  if [ "$$(id -u)" = 0 ]; then (apt-get install -y -q wrk >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null)); \
	  else echo "wrk manque : installez le paquet Debian 'wrk'." >&2; exit 1; fi
	fi
	for database in $(BENCH_DB); do
	  $(BIN)/python -m bench.run --scale $(SCALE) --database $$database --duration $(DURATION)
	done

## cluster: 3 web hosts (network namespaces) behind HAProxy, a PostgreSQL primary and its
## streaming replica, Redis; measured, then one host killed, the replica and Redis stopped
## under load (root; bench/cluster/run.py --help for the options)
CLUSTER_SCALE ?= 0.02
cluster: $(VENV)/.installed-dev translations tools
	$(BIN)/python -m bench.cluster.run --scale $(CLUSTER_SCALE) --duration $(DURATION)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO) node_modules static/vendor
