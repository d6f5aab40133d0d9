# The README's two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Workers for make test-fast (pytest-xdist): "auto" is one per core.
WORKERS ?= auto
# The first-party packages that coverage measures and the type checker reads.
APPS      := newsroom articles sources editors public desk
TYPED     := articles sources
PIP_TOOLS := pip-tools==7.7.0

.PHONY: run test test-fast install install-test lint typecheck check lock bench mutation

# Exact versions from the lock files (pip checks every download against its hash), then the project
# itself without dependencies: nothing is resolved at install time. Re-install only when they change.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "requirements.lock does not satisfy pyproject.toml: run make lock"; exit 1; }
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate, load the demo newsroom once, serve site and admin on http://$(HOST):$(PORT)
# SITE_URL follows HOST and PORT for every command (canonical links, feeds, sitemaps, share links). A
# generated SECRET_KEY goes into .env (never committed) once, so manage.py commands run by hand in this
# checkout (import_wire, publish_due) work too. The scheduler runs beside the server, every 15 s, and
# stops with it.
run: export DEBUG ?= true
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	@grep -qs '^SECRET_KEY=' .env || { \
	  echo "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env; \
	  echo "make run: wrote a generated SECRET_KEY to .env (ignored by git) for manage.py commands"; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py publish_due --every 15 & scheduler=$$!; \
	  trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what the tests need and run the whole suite on PostgreSQL, with coverage
test: install-test
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

## test-fast: everything but the browser tests, spread over the cores, on a kept test database
# The Redis tests share one Redis database: loadgroup keeps their xdist_group on one worker.
test-fast: install-test
	$(BIN)/python -m pytest -m "not browser" --reuse-db -n $(WORKERS) --dist loadgroup

## lint: ruff (rules and format) and the import contracts (dependencies point one way)
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## typecheck: mypy with django-stubs over the domain and ingest packages (clean; in CI)
# The settings are imported but never connect; a placeholder URL keeps the embedded PostgreSQL asleep.
typecheck: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://typecheck@localhost/typecheck} DEBUG=true \
	  $(BIN)/mypy $(TYPED)

## check: no model change without its migration; the deployment checks under production-like settings
check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false ALLOWED_HOSTS=news.example.org SITE_URL=https://news.example.org \
	SECRET_KEY=$${SECRET_KEY:-check-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')} \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## mutation: mutation testing of the rule modules (tests/mutation/targets.toml); slow, outside CI
# One scratch copy of the tree and one test database per job; MODULES=articles/sanitize.py runs one.
JOBS ?= 2
mutation: install-test
	$(BIN)/python -m tests.mutation.mutate --jobs $(JOBS) --show-survivors $(MODULES)

## lock: re-resolve the lock files from pyproject.toml (after changing a dependency, or to upgrade)
# Build dependencies are locked too, so the project installs without build isolation.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-options \
	--build-deps-for editable --build-deps-for wheel
# Only a virtualenv and pip-tools: not `install`, whose pip check fails exactly when pyproject.toml has
# changed and the lock files have not caught up yet (the case this target is for).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_TOOLS)
	$(LOCK) $(LOCKFLAGS) --output-file requirements.lock pyproject.toml
	$(LOCK) $(LOCKFLAGS) --extra test --constraint requirements.lock --output-file requirements-test.lock pyproject.toml

## bench: the benchmarks (docs/performance.md); one of them: make bench BENCH=pages
bench: install-test
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench $(BENCH)
