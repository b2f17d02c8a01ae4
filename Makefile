# Set-up and everyday commands. `make run` and `make test` install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(or $(LABO_DB),data/labo.duckdb)
PORT ?= 8501

.PHONY: run test lint demo chromium bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(DB): | $(VENV)/.runtime
	$(PY) -m labo_dash demo --db $(DB)

run: $(VENV)/.runtime $(DB)
	LABO_DB=$(DB) $(PY) -m streamlit run serve.py --server.port $(PORT)

demo: $(VENV)/.runtime
	$(PY) -m labo_dash demo --db $(DB)

chromium:
	@{ command -v chromium && fc-list | grep -qi "noto color emoji"; } >/dev/null 2>&1 || { \
	  echo "Installation de Chromium (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core fonts-noto-color-emoji; }

test: $(VENV)/.dev chromium
	$(PY) -m pytest -q

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
