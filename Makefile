# The README's two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test lint check bench

# Re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: install, migrate, load the demo newsroom once, serve site and admin on http://$(HOST):$(PORT)
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what the tests need and run the whole suite on PostgreSQL
test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .

check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

## bench: the benchmarks (docs/performance.md); one of them: make bench BENCH=pages
bench: install-test
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench $(BENCH)
