# The README's commands: `make run`, `make test`, `make test-all`, `make lock`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_USER ?= editor
DEMO_PASSWORD ?= newsdesk-demo
# Two workers suit the two-core machines this project runs on; `make test XDIST=-nauto`
# or `XDIST=-n0` (one process) to change it.
XDIST ?= -n 2
# The slow families that `make test` leaves out and `make test-all` runs (pyproject.toml
# names them; tests/conftest.py marks their tests).
SLOW := browser or corpus or subprocess or schemathesis or speed or scale
# `-m "not ($(SLOW))"` is what leaves them out; not collecting the two folders whose
# families are left out whole (nor loading Schemathesis' and Hypothesis' plugins) only
# saves each worker some seconds of imports.
FAST := -m "not ($(SLOW))" --ignore=tests/test_schemathesis.py --ignore=tests/browser \
  -p no:schemathesis -p no:hypothesispytest

.PHONY: run test test-all install install-dev lock check-port chromium lint bench load clean

# Serving needs requirements.lock only; the tests add requirements-dev.lock (the same pins
# plus the test tools). Both are compiled from pyproject.toml by `make lock`.
install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

# After changing the dependencies in pyproject.toml: `make lock`, then commit both lock
# files. Pins already in the lock files are kept; `make lock LOCK_ARGS=--upgrade` moves
# every package to its newest release.
COMPILE = $(VENV)/bin/uv pip compile --quiet --python-version 3.11 \
  --custom-compile-command "make lock" $(LOCK_ARGS) pyproject.toml

lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv
	$(COMPILE) -o requirements.lock
	$(COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

# Says so at once when HOST:PORT is taken, rather than after the install and migrations.
check-port:
	@$(PYTHON) -c "import socket; s = socket.socket(); \
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$(HOST)', $(PORT)))" \
	  2>/dev/null || { echo "Port $(PORT) is in use: try make run PORT=$$(($(PORT) + 1))"; exit 1; }

run: check-port install
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
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "Browser tests need Chromium: sudo apt-get install chromium chromium-driver"; exit 1; \
	  fi; \
	fi

# The fast suite: everything but the slow families (SLOW above).
test: install-dev
	$(PY) -m pytest $(XDIST) $(FAST) $(PYTEST_ARGS)

# Everything, as CI runs it on SQLite and on PostgreSQL.
test-all: install-dev chromium
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

# 20 editors and 20 analysts against gunicorn on PostgreSQL for 60 s (README: Benchmarks).
load: install-dev
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Back the database up to a file, and restore it (README: Backups).
# make backup [BACKUP=path]; make restore BACKUP=path
.PHONY: backup restore backup-drill
BACKUP_DIR ?= backups

backup: install
	@mkdir -p $(BACKUP_DIR)
	$(PY) manage.py backup $(or $(BACKUP),$(BACKUP_DIR)/newsdesk-$(shell date -u +%Y%m%dT%H%M%SZ).backup)

restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=path"; exit 2; }
	$(PY) manage.py restore $(BACKUP)

backup-drill: install
	.ci/backup-drill
