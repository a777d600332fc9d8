# `make run`: set everything up and start Patron on SQLite with demo data.
# `make test`: set everything up and run every test (SQLite, PostgreSQL, browser).
# Both install the versions in requirements.lock; `make lock` upgrades them on purpose.
VENV ?= .venv
PYTHON ?= python3
PIP = $(VENV)/bin/pip --disable-pip-version-check
export PATRON_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint lock messages clean

$(VENV)/.run-installed: pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c requirements.lock setuptools
	$(PIP) install --quiet --no-build-isolation -c requirements.lock -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c requirements.lock setuptools
	$(PIP) install --quiet --no-build-isolation -c requirements.lock -e ".[test]"
	touch $@ $(VENV)/.run-installed

messages: $(VENV)/.run-installed
	$(VENV)/bin/pybabel compile --domain django --directory patron/locale --statistics

run: $(VENV)/.run-installed messages
	VENV=$(VENV) scripts/run.sh

test: $(VENV)/.test-installed messages
	VENV=$(VENV) scripts/test.sh

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Resolve pyproject.toml's ranges afresh into requirements.lock; then run `make test`.
lock:
	PYTHON=$(PYTHON) scripts/lock.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
