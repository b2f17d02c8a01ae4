# Set-up and everyday commands. `make run` and `make test` install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(or $(LABO_DB),data/labo.duckdb)
PORT ?= 8501

.PHONY: run test test-fast lint demo chromium fonts poppler postgresql nginx bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# A PostgreSQL URL in LABO_DB is no file to build: the app migrates it at start (docs/deploiement.md);
# `make demo` fills it with the demo.
DB_FILE := $(if $(filter postgres://% postgresql://%,$(DB)),,$(DB))

ifneq ($(DB_FILE),)
$(DB_FILE): | $(VENV)/.runtime
	$(PY) -m labo_dash demo --db '$(DB)'
endif

# The command is not echoed: a PostgreSQL URL may hold a password.
run: $(VENV)/.runtime fonts $(DB_FILE)
	@LABO_DB='$(DB)' $(PY) -m streamlit run serve.py --server.port $(PORT)

demo: $(VENV)/.runtime
	$(PY) -m labo_dash demo --db '$(DB)'

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

# PostgreSQL 15 (Debian): the tests run every storage, domain and import test on a throw-away cluster too
# (tests/pg_cluster.py starts it as an unprivileged user on a free port and removes it at the end).
postgresql:
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
	  echo "Installation de PostgreSQL 15 (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 postgresql-client-15; }

# nginx (Debian): tests/test_proxy.py runs deploy/nginx.conf in front of two app processes (docs/deploiement.md).
nginx:
	@test -x /usr/sbin/nginx || { \
	  echo "Installation de nginx (Debian)…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx; }

test: $(VENV)/.dev chromium fonts poppler postgresql nginx
	$(PY) -m pytest -q

# Unit and AppTest tests on DuckDB, on every core (pytest-xdist): every test that starts a Streamlit server or
# Chromium is marked `browser` (tests/conftest.py), the PostgreSQL run of a test `postgres`, the few that take
# seconds alone `slow`; all three left out. One file per worker (`--dist loadfile`): a module fixture is built once.
test-fast: $(VENV)/.dev fonts poppler
	$(PY) -m pytest -q -m "not browser and not slow and not postgres" -n auto --dist loadfile

# Style, the import layers (pyproject.toml [tool.importlinter]) and the types ([tool.mypy]).
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(VENV)/.dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
