# Night School. `make run` sets up and starts everything; `make test` runs the suite.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
NICE := $(shell command -v nice >/dev/null && echo nice -n 10)

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Night School needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# lms/install.py installs with uv (a wheel from the package index, resolving and unpacking
# far faster than pip) and the index pip is configured with; with pip if uv cannot be had.
$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m lms.install
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m lms.install dev
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run ## Create .venv and install Night School

install-dev: $(VENV)/.installed-dev ## Create .venv with what the tests need

setup: install ## Migrate the database and load the demo, each only when needed (safe to repeat)
	@mkdir -p var
	@# hls.js, for browsers without native HLS, from the npm registry when npm is here; it is
	@# never copied into the repository. Without it those browsers play the 360p MP4. It is
	@# fetched and the static files collected while the database is prepared: the one waits on
	@# the network and the second core, the other on the first.
	@( if [ ! -f var/npm/node_modules/hls.js/dist/hls.min.js ] && command -v npm >/dev/null; then \
	    npm install --silent --no-audit --no-fund --prefix var/npm hls.js@1 >var/npm.log 2>&1 || \
	      echo "hls.js not installed (see var/npm.log): the MP4 fallback serves browsers without HLS"; \
	  fi; \
	  $(MAKE) --no-print-directory var/static/staticfiles.json ) & static=$$!; \
	$(PY) manage.py prepare; prepared=$$?; \
	wait $$static || prepared=1; \
	exit $$prepared

# Static files, collected with hashed names and compressed copies (lms/staticfiles.py), again
# only when one of them changed.
STATIC_SOURCES := $(shell find lms courses credits media_pipeline -path '*/static/*' -type f 2>/dev/null) \
  $(wildcard var/npm/node_modules/hls.js/dist/hls.min.js)
var/static/staticfiles.json: $(STATIC_SOURCES) $(VENV)/.installed-run
	$(PY) manage.py collectstatic --noinput -v 0

run: setup ## Set up, then serve on http://127.0.0.1:8000 with the background worker
	@# The worker makes and transcodes the demo's videos after the server is up, at a lower
	@# priority than the pages. The logins are printed once the server answers. `prepare` has
	@# just run the system checks and applied every migration, so the server skips both.
	@$(NICE) $(PY) manage.py db_worker --no-reload --no-startup-delay -v 0 & worker=$$!; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload --skip-checks & server=$$!; \
	  trap 'kill $$worker $$server 2>/dev/null; wait $$worker $$server 2>/dev/null' EXIT INT TERM; \
	  $(PY) -m lms.announce $(HOST) $(PORT) var/demo-logins.txt $$server; \
	  wait $$server

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
