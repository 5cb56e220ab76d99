export NO_MKDOCS_2_WARNING := 1

# Everything runs from the repo-local virtualenv; `make setup` creates it.
PY      := .venv/bin/python
VENV    := .venv/.installed
NODE    := node_modules/.package-lock.json
PORT    ?= 8000

.PHONY: setup serve build test check lint import validate notebooks bench clean

setup: $(VENV) $(NODE) chromium

$(VENV): pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install --quiet --upgrade pip
	.venv/bin/pip install --quiet -e '.[test,notebooks]'
	@# pip compiles the installed packages' bytecode, not an editable one's: compile ours, which
	@# a machine with PYTHONDONTWRITEBYTECODE=1 (this project's) would otherwise compile at
	@# every start of a build (stale files are ignored by Python, never used).
	.venv/bin/python -m compileall -q scripts/qbank
	touch $(VENV)

$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE)

# Browser tests drive Debian's chromium, or the browser QBANK_CHROMIUM names (a path, or
# `playwright` for Playwright's own build, which GitHub's Ubuntu runners install).
chromium:
	@if [ -n "$$QBANK_CHROMIUM" ] || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else echo "chromium is missing: run  sudo apt-get install -y chromium" >&2; exit 1; fi

# --dirty: after an edit MkDocs renders only the changed pages; the qbank plugin renders too the
# pages that show what changed and keeps every aggregate complete (README, Benchmarks: edit-to-reload).
serve: setup
	.venv/bin/mkdocs serve --dirty --dev-addr 127.0.0.1:$(PORT) --livereload

build: setup
	.venv/bin/mkdocs build --strict --clean

import: setup
	.venv/bin/qbank import

# Every bank file (format, math, HTML, links, duplicates), then: is the bank in sync with the seeds.
# VALIDATE_FLAGS="--format github" shows each problem on its line of a pull request.
validate: setup
	.venv/bin/qbank validate $(VALIDATE_FLAGS)
	.venv/bin/qbank import --check --quiet
	$(PY) -m qbank.notebooks links

# Re-execute docs/notebooks/*.ipynb and store their outputs (the build never executes them).
notebooks: setup
	$(PY) -m qbank.notebooks run

test: setup
	.venv/bin/pytest -n 2 --dist loadgroup -q

# ruff's rules are in pyproject.toml (`ruff check` only: the code is never mass-reformatted).
lint: setup
	.venv/bin/ruff check scripts benchmarks tests
	.venv/bin/mypy

# What CI runs (.ci/run and both GitHub workflows): lint, validate, bank in sync, every test.
check: setup
	@$(MAKE) --no-print-directory lint validate test

bench: setup
	$(PY) -m benchmarks.bench

clean:
	rm -rf site .pytest_cache .hypothesis
