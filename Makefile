# IPX — set-up and checks. `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check -q
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: demo serve cluster test test-contract test-sqlite test-postgres postgres-after-checks lint system-deps system-test-deps bench messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "IPX needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(STAMP_RUN)

## demo: install, migrate the embedded SQLite database, load the demo data, serve on :8000
demo: $(STAMP_RUN) system-deps
	$(BIN)/ipx migrate --noinput
	$(BIN)/ipx demo
	@echo
	@echo "IPX is at http://127.0.0.1:8000  (logins above; Ctrl-C stops it)"
	$(BIN)/ipx serve --bind 127.0.0.1:8000

serve: $(STAMP_RUN)
	$(BIN)/ipx serve --bind 127.0.0.1:8000

## cluster: the several-servers layout on this machine (PostgreSQL, Redis, two app servers on
## :8001 and :8002, a task worker, the scheduler, the demo data); Ctrl-C stops everything
cluster: $(STAMP_RUN) system-test-deps
	$(BIN)/ipx cluster --app-ports 8001,8002 --demo

## test: lint, type-check, migrations check, the API contract and the suite on SQLite side by
## side; once the lint and the contract are done, the suite on PostgreSQL beside the SQLite pass
test: $(STAMP_TEST) system-test-deps
	@$(MAKE) --no-print-directory -j 4 --output-sync=target test-sqlite postgres-after-checks

# The passes leave cores idle while they wait (on Chromium, live servers, PostgreSQL): run
# alone one after the other, a whole run used about two thirds of the two cores. Starting the
# PostgreSQL pass with the contract instead (five processes at once) only stretched every
# pass: 50 min either way (2026-12-06).
postgres-after-checks: lint test-contract
	@$(MAKE) --no-print-directory test-postgres

system-deps:
	@scripts/install-system-deps.sh

system-test-deps:
	@scripts/install-system-deps.sh test

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/ipx makemigrations --check --dry-run
	$(BIN)/python scripts/check_messages.py

# Two workers in each pass (each its own database; on Redis, its own Redis database; a worker that
# runs out takes tests queued for the other, so a long test queued last idles no core). What answers
# the same on either database (the browser walk-throughs, the access matrix, the API contract, the
# modules marked once: request-level access, the demo sample's content) runs once, on SQLite, and so
# does every test that never opens a connection (ipx.testing.database_pass); the several-servers layout (tests/cluster: its own
# PostgreSQL and Redis) once, in the PostgreSQL pass, with the browser walk-throughs whose server
# threads write at once (marked postgres). Every SQLite test database is a copy of one migrated
# template (ipx.testing.migrated_template): migrating costs each process some 30 s of a core.
ONCE := --ignore=tests/access_matrix --ignore=tests/api_contract -m "not browser or postgres"
test-sqlite: $(STAMP_TEST)
	$(BIN)/pytest -n 2 --dist worksteal --ignore=tests/cluster --ignore=tests/api_contract $(PYTEST_ARGS)

# The API contract in a process of its own, on SQLite: Schemathesis makes its coverage cases
# while collecting (minutes), which each worker of a parallel run would do again; one process
# does it once, beside the lint and the SQLite pass (alone after the lint, it left a core idle
# for ten minutes; the SQLite pass's browser walk-throughs, collected last, wait on Chromium
# and leave room too).
test-contract: $(STAMP_TEST)
	$(BIN)/pytest -p no:xdist tests/api_contract $(PYTEST_ARGS)

test-postgres: $(STAMP_TEST)
	scripts/with-postgres.sh scripts/with-redis.sh $(BIN)/pytest -n 2 --dist worksteal $(ONCE) $(PYTEST_ARGS)

## messages: extract and compile the translations (en, zh-hans, zh-hant)
messages: $(STAMP_TEST)
	cd src/ipx && ../../$(BIN)/django-admin makemessages -l zh_Hans -l zh_Hant --no-obsolete --settings=ipx.settings --ignore='demo/*' --ignore='testing/*' --ignore='*/tests/*'
	cd src/ipx && ../../$(BIN)/django-admin compilemessages --settings=ipx.settings

bench: $(STAMP_TEST)
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf $(VENV) var
