# The README's two commands, `make demo` and `make test`, start from a machine
# with only Python 3.11+ and make: every target creates what it needs.
#
# Everything is installed from a lock: requirements/lock.txt for the project's
# own virtualenv, requirements/lock-oldest.txt for `make test-oldest`. `make
# lock` writes both (and requirements/bootstrap.txt) from the declared inputs:
# pyproject.toml's dependencies and extras, requirements/dev.in and
# requirements/example.in.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--all-extras pyproject.toml requirements/dev.in requirements/example.in
export PYTHONPATH := $(CURDIR)/examples

.PHONY: venv demo test lint typecheck pytest test-oldest test-latest dist lock lock-upgrade bench fuzz soak \
	system-deps clean

## venv: (re)build .venv from the lock when the lock or the interpreter changed
venv:
	scripts/venv $(PYTHON) $(VENV) requirements/lock.txt

system-deps:
	scripts/system-deps

## demo: serve the example notes API on http://127.0.0.1:5000 and print what to try
demo: venv
	$(BIN)/python -m notes $(DEMO_ARGS)

## test: lint, format check, strict type check, stub check and the whole test suite
test: venv system-deps lint typecheck pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

pytest: venv system-deps
	$(BIN)/pytest

## test-oldest: the suite (but the browser tests) on the lowest versions pyproject.toml allows
test-oldest: system-deps
	scripts/venv $(PYTHON) .venv-oldest requirements/lock-oldest.txt
	.venv-oldest/bin/pytest -m "not soak and not browser" -p no:cacheprovider

## test-latest: the suite (but the browser tests) on the newest releases, unlocked
test-latest: venv system-deps
	mkdir -p build
	$(UV_COMPILE) --no-config --upgrade -o build/lock-latest.txt
	scripts/venv $(PYTHON) .venv-latest build/lock-latest.txt
	.venv-latest/bin/pytest -m "not soak and not browser" -p no:cacheprovider

## dist: build the sdist and the wheel into dist/ and check them with twine
dist: venv
	rm -rf dist
	$(BIN)/uv build --quiet --python $(BIN)/python --no-build-isolation --out-dir dist
	$(BIN)/twine check --strict dist/*

## lock: resolve the declared inputs into the lock files, keeping the versions already locked
lock: venv
	grep -E '^uv==' requirements/dev.in | $(BIN)/uv pip compile --quiet --universal \
		--python-version 3.11 --generate-hashes - -o requirements/bootstrap.txt
	$(UV_COMPILE) $(LOCK_FLAGS) -o requirements/lock.txt
	$(UV_COMPILE) $(LOCK_FLAGS) --resolution lowest-direct -o requirements/lock-oldest.txt

## lock-upgrade: the same, moving every locked version to the newest release allowed
lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

## bench: speed of negotiation, formatters, Hawk and the nonce stores, as ratios
bench: venv
	$(BIN)/python benchmarks/bench_responsive.py
	$(BIN)/python benchmarks/bench_hawk.py
	$(BIN)/python benchmarks/bench_nonce_store.py
	$(BIN)/python benchmarks/bench_async.py

## fuzz: a bounded coverage-guided run over negotiation and header parsing
fuzz: venv
	$(BIN)/python tests/fuzz/run.py

## soak: the long load and fault runs
soak: venv system-deps
	$(BIN)/pytest -m soak --override-ini="addopts=-ra --strict-markers"

clean:
	rm -rf $(VENV) .venv-oldest .venv-latest build dist .mypy_cache .pytest_cache .ruff_cache \
		.hypothesis
