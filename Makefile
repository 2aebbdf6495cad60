# The README's two commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: run test lint typecheck pytest bench data browser clean

$(STAMP): requirements.txt
	bash scripts/ensure-chromium.sh  # Debian packages first: PyICU builds against libicu-dev
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

## Set up and start the dashboard at http://127.0.0.1:8501 (offline).
run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

## Set up (Python packages; Debian chromium, fonts and nginx for the tests) and run the whole suite.
test: $(STAMP) browser lint typecheck pytest

# Debian packages the tests drive: chromium (browser tests, report charts), nginx (cluster test),
# PostgreSQL (the store's tests start their own server on loopback).
browser:
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-nginx.sh
	bash scripts/ensure-postgres.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest

## Rebuild the committed snapshot from ../shared/data/raw (or $$READINESS_RAW_DIR).
data: $(STAMP)
	$(PY) -m readiness build-data

## Benchmarks print figures; they are not tests.
bench: $(STAMP)
	for f in bench/*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
