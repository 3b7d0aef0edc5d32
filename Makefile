# LeadCRM developer tasks. All heavy lifting lives in scripts/ (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
MANAGE_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules --ignore=static --ignore=staticfiles

.PHONY: help venv run test bench lint format messages makemessages clean distclean security

help:
	@echo "make venv          create .venv and install requirements-dev.txt (only when changed)"
	@echo "make run           migrate, load demo data, run server + celery worker/beat"
	@echo "make test          compilemessages, checks, lint, PostgreSQL/SQLite/browser test tiers"
	@echo "make bench         benchmarks against a throwaway PostgreSQL (ARGS="--leads 10000" quick)"
	@echo "make lint          ruff check + ruff format --check"
	@echo "make format        ruff format + ruff check --fix"
	@echo "make messages      compile translations (.po -> .mo)"
	@echo "make makemessages  extract translatable strings into locale/{de,en}"
	@echo "make clean         remove var/, caches, compiled files (keeps .venv)"
	@echo "make distclean     clean + remove .venv"

venv: $(STAMP)

# Re-install only when a requirements file changed (same rule as ensure_venv in scripts/lib.sh).
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

run: venv
	scripts/run

test: venv
	scripts/test

bench: venv
	scripts/bench $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv
	$(PY) manage.py compilemessages $(MANAGE_IGNORE)

makemessages: venv
	$(PY) manage.py makemessages -l de -l en $(MANAGE_IGNORE)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./.venv -prune -o -name '*.mo' -type f -exec rm -f {} +

distclean: clean
	rm -rf $(VENV)

# Security checks: bandit (medium+ findings) and the security/fault test modules.
security: venv
	$(VENV)/bin/bandit -q -ll -r ui accounts jobs notifications contacts activities leads capture conversion processes boards merge privacy demo leadcrm
	$(PY) -m pytest -q -p no:randomly tests/leadcrm/test_security_*.py tests/leadcrm/test_fuzz_*.py tests/leadcrm/test_faults_*.py
