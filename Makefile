# Every target works from a fresh clone with only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install generate check-generated spec spec-check lint typecheck test test-fast demo clean bench bench-scale cassettes record-real airflow-env test-airflow airflow-constraints

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Airflow provider (amperity_facade/airflow) is tested in an environment of its own,
# .venv-airflow: Airflow pins much of what it installs. The versions are those in
# airflow-constraints.txt; `make airflow-constraints` re-resolves AIRFLOW_VERSION from PyPI
# and rewrites that file (then review and commit it).
AIRFLOW_VERSION := 3.3.2
AF_VENV := .venv-airflow
AF_PY := $(AF_VENV)/bin/python
AF_STAMP := $(AF_VENV)/.installed
AF_PACKAGES := -e '.[airflow]' 'apache-airflow==$(AIRFLOW_VERSION)' pytest mypy types-python-dateutil

airflow-env: $(AF_STAMP)

$(AF_STAMP): pyproject.toml airflow-constraints.txt
	$(PYTHON) -m venv $(AF_VENV)
	$(AF_PY) -m pip install --quiet --upgrade pip
	$(AF_PY) -m pip install --quiet -c airflow-constraints.txt $(AF_PACKAGES)
	touch $(AF_STAMP)

# The provider type-checked (strict, as the main run is) and its tests, DAG runs included.
test-airflow: $(AF_STAMP)
	$(AF_PY) -m mypy --cache-dir $(AF_VENV)/.mypy_cache amperity_facade/airflow/*.py
	$(AF_PY) -m pytest tests/airflow

airflow-constraints:
	rm -rf $(AF_VENV)-resolve
	$(PYTHON) -m venv $(AF_VENV)-resolve
	$(AF_VENV)-resolve/bin/python -m pip install --quiet --upgrade pip
	$(AF_VENV)-resolve/bin/python -m pip install --quiet $(AF_PACKAGES)
	{ echo "# make airflow-constraints: apache-airflow==$(AIRFLOW_VERSION) and what it resolved to"; \
	  $(AF_VENV)-resolve/bin/python -m pip freeze --exclude-editable; } > airflow-constraints.txt
	rm -rf $(AF_VENV)-resolve

# generated/ from openapi.yaml, then amperity_facade/_sync/ from amperity_facade/_async/.
generate: $(STAMP)
	$(PY) -m scripts.generate
	$(PY) -m scripts.unasync

check-generated: $(STAMP)
	$(PY) -m scripts.generate --check
	$(PY) -m scripts.unasync --check

# FAMILY names the API family (control-plane, the default; profile; realtime) whose vendor
# document is taken; SPEC_URL may be a URL or a local path (default: that family's); ALLOW_BREAKING=1 accepts breaking vendor changes;
# API_VERSION=v accepts a document for api-version v when openapi.yaml is for another one.
SPEC_ARGS = $(if $(FAMILY),--family '$(FAMILY)') $(if $(SPEC_URL),--url '$(SPEC_URL)') $(if $(filter 1,$(ALLOW_BREAKING)),--allow-breaking) $(if $(API_VERSION),--api-version '$(API_VERSION)')

spec: $(STAMP)
	$(PY) -m scripts.update_spec $(SPEC_ARGS)
	$(PY) -m scripts.generate

# The report `make spec` would print, writing nothing. The script exits 1 if anything is
# breaking or the api-version differs, 2 if the document is unusable; make reports that as
# "Error 1" / "Error 2" and itself exits 2 for either.
spec-check: $(STAMP)
	$(PY) -m scripts.update_spec --check $(SPEC_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The main job, end to end, against the embedded fake tenant (or, with AMPERITY_TENANT and
# credentials set, the read-only part against that tenant).
demo: $(STAMP)
	$(VENV)/bin/amperity demo

# The suite runs in parallel (pytest-xdist, one worker per core); test-fast leaves out the
# tests marked slow (those that sleep on purpose or take seconds). test then runs the Airflow
# provider's tests in .venv-airflow (made on first use, a minute or two); test-fast does not.
test: $(STAMP) lint check-generated
	$(PY) -m pytest -n auto
	$(MAKE) test-airflow

test-fast: $(STAMP) lint check-generated
	$(PY) -m pytest -n auto -m "not slow"

# Re-record tests/cassettes from the embedded fake tenant (deterministic: no diff if unchanged).
cassettes: $(STAMP)
	$(PY) -m scripts.record_cassettes

# Read-only calls against the tenant in AMPERITY_TENANT (+ credentials): tests/cassettes_real/.
# Never run in CI; review the files before committing them.
record-real: $(STAMP)
	$(PY) -m scripts.record_cassettes --real

bench: $(STAMP)
	$(PY) -m scripts.bench

# 10k / 100k / 1M items, library (sync, async) and CLI, each in a fresh process (a few minutes:
# the CLI keeps the default 10 req/s limit); adds a "scale" section to bench-results.json.
bench-scale: $(STAMP)
	$(PY) -m scripts.bench --scale

clean:
	rm -rf $(VENV) $(AF_VENV) .pytest_cache .mypy_cache .ruff_cache
