# Two commands for a fresh machine:  make plan  (install + offline plan of the dev stack)
#                                    make test  (install + lint + types + all tests)
VENV    ?= .venv
PYTHON  ?= python3
WORKER  := bento_cf_component/worker
BIN     := $(VENV)/bin

.PHONY: install plan test lint bench clean

install: $(VENV)/.installed $(WORKER)/node_modules/.package-lock.json tests/export/node_modules/.package-lock.json

# Python deps at the versions this repository was tested with (constraints.txt).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Worker JS deps from the lockfile (esbuild for the bundle, miniflare for the tests).
$(WORKER)/node_modules/.package-lock.json: $(WORKER)/package-lock.json
	npm ci --prefix $(WORKER) --no-audit --no-fund

# wrangler 4.80.0 (the newest that runs on Node 20), to validate exported wrangler.jsonc files.
tests/export/node_modules/.package-lock.json: tests/export/package-lock.json
	npm ci --prefix tests/export --no-audit --no-fund

plan: install
	$(BIN)/bento-cf plan --stack dev

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(WORKER)/node_modules tests/export/node_modules .bento-cf
