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

.PHONY: run test test-sqlite test-postgres lint bench browser translations extract-messages clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "Installation de Consult dans $(VENV)…"
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installation de Consult et des outils de test dans $(VENV)…"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-run

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

## browser: Debian's Chromium for the browser tests (installed when root and missing)
browser:
	@if [ ! -x /usr/bin/chromium ]; then
	  if [ "$$(id -u)" = 0 ]; then
	    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null))
	  else
	    echo "Chromium manque : installez le paquet Debian 'chromium' (tests navigateur ignorés)."
	  fi
	fi

## test: the whole suite on SQLite, then on PostgreSQL when CONSULT_TEST_DATABASE_URL is set
test: $(VENV)/.installed-dev translations browser
	@$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	if [ -n "$${CONSULT_TEST_DATABASE_URL:-}" ]; then
	  $(MAKE) --no-print-directory test-postgres
	elif [ "$${CI:-}" = "true" ]; then
	  echo "CI : CONSULT_TEST_DATABASE_URL manque, la suite PostgreSQL ne peut pas être ignorée." >&2
	  exit 1
	else
	  echo "PostgreSQL ignoré : définissez CONSULT_TEST_DATABASE_URL pour l'inclure."
	fi

test-sqlite: $(VENV)/.installed-dev translations
	@echo "== Tests sur SQLite"
	CONSULT_TEST_DB=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev translations
	@echo "== Tests sur PostgreSQL"
	CONSULT_TEST_DB=postgresql $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	@$(BIN)/ruff check consult tests migrations

## extract-messages: refresh the English catalogue after changing translatable strings
extract-messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract --ignore-dirs='.* __pycache__ node_modules .venv' -F consult/translations/babel.cfg -k _l -k lazy_gettext -o consult/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i consult/translations/messages.pot -d consult/translations --no-fuzzy-matching --ignore-obsolete

bench: $(VENV)/.installed-dev
	@echo "Le banc d'essai (issue 8) n'est pas encore écrit." >&2
	@exit 1

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO)
