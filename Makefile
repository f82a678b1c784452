# Digihelp: `make run` to try it, `make test` before every commit.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast checks lint bench load audit messages screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Digihelp needs Python 3.11 or newer (found $(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.env:
	cp .env.example .env
	@echo "Wrote .env from .env.example (development settings)."

run: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_divisions
	$(PY) manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) $(PY) bin/serve.py

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint checks
	$(PY) -m pytest

# The inner loop: every check and test but the browser and end-to-end ones.
test-fast: lint checks
	$(PY) -m pytest -m "not browser and not end_to_end"

checks: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) -m bench

# Ten minutes of mixed load with a PostgreSQL restart and two killed queue workers; needs
# PostgreSQL and Redis on 127.0.0.1 and root for the restart. LOAD_ARGS="--minutes 1".
load: install
	$(PY) -m bench.load $(LOAD_ARGS)

# Known vulnerabilities of every pinned requirement (pip-audit, in a venv of its own so
# its dependencies do not move our pins). Needs PyPI's JSON API, so it is not part of
# `make test` or .ci/run: a CI with network access runs it as a step of its own.
# --strict fails when a package could not be audited instead of passing it.
AUDIT_VENV := .venv-audit
audit:
	test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1; }
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip \
		-r requirements.txt -r requirements-dev.txt

# Every signed-in page for each role that uses it, at 360 and 1366 px, into screenshots/
# (open screenshots/index.html), from a throwaway demo database; then the pages wider
# than a phone and their console errors. SCREENSHOTS_ARGS="--role coordinator" for one.
screenshots: install
	$(PY) bin/screenshots.py $(SCREENSHOTS_ARGS)

messages: install
	DEBUG=true $(PY) manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*'
	DEBUG=true $(PY) manage.py compilemessages --locale vi --ignore '.venv/*'

clean:
	rm -rf $(VENV) $(AUDIT_VENV) staticfiles .pytest_cache .ruff_cache
