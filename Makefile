# `make run`: set everything up and start Patron on SQLite with demo data.
# `make test`: set everything up and run every test (SQLite, PostgreSQL, browser).
VENV ?= .venv
PYTHON ?= python3
export PATRON_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint messages clean

$(VENV)/.run-installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
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

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
