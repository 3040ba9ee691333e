# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_USER ?= editor
DEMO_PASSWORD ?= newsdesk-demo

.PHONY: run test install chromium lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py loadseeds
	$(PY) manage.py adduser $(DEMO_USER) --role editor --password $(DEMO_PASSWORD)
	@echo
	@echo "  Newsdesk is at http://$(HOST):$(PORT)/"
	@echo "  Sign in as '$(DEMO_USER)' with password '$(DEMO_PASSWORD)'."
	@echo "  A job worker runs beside the server; Ctrl-C stops both."
	@echo
	@# Ctrl-C reaches both: the worker ends its job after the article in hand, so on INT
	@# only wait for it; otherwise (the server stopped some other way) stop it.
	@trap 'wait $$worker' INT; trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT TERM; \
	$(PY) manage.py worker & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "Browser tests need Chromium: sudo apt-get install chromium chromium-driver"; exit 1; \
	  fi; \
	fi

test: install chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
