# Night School. `make run` sets up and starts everything; `make test` runs the suite.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Night School needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run ## Create .venv and install Night School

install-dev: $(VENV)/.installed-dev ## Create .venv with what the tests need

setup: install ## Migrate the database and load the demo (safe to repeat)
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	@# hls.js, for browsers without native HLS, from the npm registry when npm is here; it is
	@# never copied into the repository. Without it those browsers play the 360p MP4.
	@if [ ! -f var/npm/node_modules/hls.js/dist/hls.min.js ] && command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix var/npm hls.js@1 || echo "hls.js not installed: the MP4 fallback serves browsers without HLS"; \
	fi
	@$(MAKE) --no-print-directory var/static/staticfiles.json

# Static files, collected with hashed names and compressed copies (lms/staticfiles.py), again
# only when one of them changed.
STATIC_SOURCES := $(shell find lms courses credits media_pipeline -path '*/static/*' -type f 2>/dev/null) \
  $(wildcard var/npm/node_modules/hls.js/dist/hls.min.js)
var/static/staticfiles.json: $(STATIC_SOURCES) $(VENV)/.installed-run
	$(PY) manage.py collectstatic --noinput -v 0

run: setup ## Set up, then serve on http://127.0.0.1:8000 with the background worker
	@echo "Starting the web server on http://$(HOST):$(PORT) and the background worker. Ctrl-C stops both."
	@$(PY) manage.py reap_video_jobs --older-than 0
	@$(PY) manage.py expire_vouchers -v 0
	@$(PY) manage.py db_worker --no-reload --no-startup-delay -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: $(VENV)/.installed-dev ## Install what the tests need and run them
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev ## Check style with ruff, and the apps' layers with import-linter
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed-dev ## Extract and compile translations
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'tests/*' \
	  --ignore 'var/*' --ignore 'benchmarks/*' --ignore 'deploy/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

.PHONY: help install install-dev setup run test lint format messages
