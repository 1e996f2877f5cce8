# Comity: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTMX_VERSION := 2.0.8
PICO_VERSION := 2.1.1
CHROMIUM := /usr/bin/chromium
# The apps with strings to translate, each with its own catalogues under src/comity/APP/locale/;
# the project's templates have theirs under src/comity/locale/.
# Every app has its own catalogues (the demo's data is not translated).
I18N_APPS := $(filter-out demo,$(notdir $(patsubst %/apps.py,%,$(wildcard src/comity/*/apps.py))))
LANGS := ar es fr ru zh_Hans
I18N_SRC ?= src/comity
# Tests are not extracted: a test may ask gettext for a message the code marks, and must not add its own.
MAKEMESSAGES := --no-obsolete --no-wrap --add-location file --ignore=tests --ignore=tests/* -v 0

.PHONY: prepare run dev test lint pytest demo bench bench-deps vendor system-deps run-deps i18n-deps messages compile clean help

help:
	@echo "make run    create .venv, migrate var/comity.sqlite3, load demo data when empty, serve :$(PORT)"
	@echo "make dev    the same with Django's debug server, for developers"
	@echo "make test   lint (ruff, mypy, django check, migrations) and the whole test suite"
	@echo "make bench  benchmarks, JSON under bench/results/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Comity needs Python >= 3.11; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Cannot create a virtualenv: install Debian's python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Gettext compiles the catalogues (and extracts them, for `make messages`).
i18n-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	$(call install_missing,Translations need)

# Every marked string into each app's catalogues, for the six languages; then translate them.
messages: $(STAMP) i18n-deps
	@for app in $(I18N_APPS); do \
	  (mkdir -p $(I18N_SRC)/$$app/locale && cd $(I18N_SRC)/$$app && $(CURDIR)/$(BIN)/comity makemessages $(LANGS:%=-l %) $(MAKEMESSAGES)) || exit 1; \
	done
	@cd $(I18N_SRC) && $(CURDIR)/$(BIN)/comity makemessages $(LANGS:%=-l %) $(MAKEMESSAGES) $(I18N_APPS:%=--ignore=%) --ignore=demo

compile: $(STAMP) i18n-deps
	cd src/comity && ../../$(BIN)/comity compilemessages -v 0

# The demo's data, then Comity served as in production (gunicorn, debug off, the supervised
# background worker, its own secret key under var/), on plain HTTP on loopback.
prepare: compile run-deps
	@mkdir -p var
	$(BIN)/comity migrate --no-input
	$(BIN)/comity ledger init
	$(BIN)/comity demo --if-empty
	@$(BIN)/comity demo --logins
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with one of the demo logins above (API docs: /api/docs)."
	@echo "Heads of unit, administrators and the secretariat set up an authenticator app at their first login."

run: prepare
	$(BIN)/comity serve --port $(PORT)

# For developers: Django's debug server (tracebacks, reloading) beside the worker.
dev: prepare
	$(BIN)/comity worker > var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  COMITY_DEBUG=true $(BIN)/comity runserver 127.0.0.1:$(PORT)

demo: $(STAMP)
	$(BIN)/comity demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py
	$(BIN)/mypy
	$(BIN)/comity check --fail-level WARNING
	$(BIN)/comity makemigrations --check --dry-run

# The shell code ending a *-deps recipe, which has listed in $$missing the Debian packages it
# lacks: install them when we may (root with apt-get), else say exactly what is missing ($(1)).
define install_missing
if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing from Debian:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "$(1) Debian packages:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi
endef

# Tests drive Debian's chromium and build an independent log verifier with Debian's Go and
# golang.org/x/mod, and PDF reports need Pango (WeasyPrint); install them when we may, else say
# exactly what is missing.
system-deps: run-deps
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium fonts-dejavu-core"; \
	command -v go >/dev/null || missing="$$missing golang-go"; \
	test -d /usr/share/gocode/src/golang.org/x/mod/sumdb || missing="$$missing golang-golang-x-mod-dev"; \
	$(call install_missing,The tests need)

# What serving needs from Debian: Pango for the PDF reports (WeasyPrint), and Noto fonts that
# shape Arabic and draw Chinese in them.
run-deps:
	@missing=""; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list : family 2>/dev/null | grep -q "Noto Naskh Arabic" || missing="$$missing fonts-noto-core"; \
	fc-list : family 2>/dev/null | grep -q "Noto Sans CJK SC" || missing="$$missing fonts-noto-cjk"; \
	$(call install_missing,Comity needs)

pytest: compile system-deps
	COMITY_DB_CONN_MAX_AGE=0 $(BIN)/pytest -p no:cacheprovider

test: lint pytest

# The benchmark loads the server with wrk and compares against a throw-away PostgreSQL.
bench-deps:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	$(call install_missing,The benchmark needs)

bench: $(STAMP) bench-deps
	@mkdir -p bench/results
	$(BIN)/python bench/run.py

# Refresh the vendored front-end files from the npm registry (never a CDN at run time).
vendor:
	rm -rf var/vendor && mkdir -p var/vendor src/comity/static/vendor
	cd var/vendor && npm pack --silent htmx.org@$(HTMX_VERSION) @picocss/pico@$(PICO_VERSION)
	tar -xzf var/vendor/htmx.org-$(HTMX_VERSION).tgz -C var/vendor package/dist/htmx.min.js
	cp var/vendor/package/dist/htmx.min.js src/comity/static/vendor/htmx.min.js
	tar -xzf var/vendor/picocss-pico-$(PICO_VERSION).tgz -C var/vendor package/css/pico.min.css
	cp var/vendor/package/css/pico.min.css src/comity/static/vendor/pico.min.css

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
