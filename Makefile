# Set-up and everyday commands. `make run` and `make test` install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(or $(LABO_DB),data/labo.duckdb)
PORT ?= 8501

.PHONY: run test test-fast lint demo chromium fonts poppler bench clean

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

run: $(VENV)/.runtime fonts $(DB)
	LABO_DB=$(DB) $(PY) -m streamlit run serve.py --server.port $(PORT)

demo: $(VENV)/.runtime
	$(PY) -m labo_dash demo --db $(DB)

chromium:
	@{ command -v chromium && fc-list | grep -qi "noto color emoji"; } >/dev/null 2>&1 || { \
	  echo "Installation de Chromium (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core fonts-noto-color-emoji; }

# The PDFs' fonts (labo_dash/reporting/pdf_fonts.py): text, then colour emoji as a fallback.
fonts:
	@{ test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
	   && test -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf; } || { \
	  echo "Installation des polices des PDF (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-dejavu-core fonts-noto-color-emoji; }

# pdftoppm renders a report's page in the tests.
poppler:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installation de poppler-utils (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils; }

test: $(VENV)/.dev chromium fonts poppler
	$(PY) -m pytest -q

# Unit and AppTest tests, on every core (pytest-xdist): every test that starts a Streamlit server or
# Chromium is marked `browser` (tests/conftest.py), the few that take seconds alone `slow`; both left out.
test-fast: $(VENV)/.dev fonts poppler
	$(PY) -m pytest -q -m "not browser and not slow" -n auto

# Style, the import layers (pyproject.toml [tool.importlinter]) and the types ([tool.mypy]).
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(VENV)/.dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
