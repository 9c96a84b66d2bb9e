# The README's two commands, `make demo` and `make test`, start from a machine
# with only Python 3.11+ and make: every target creates what it needs.
#
# Everything is installed from a lock: requirements/lock.txt for the project's
# own virtualenv, requirements/lock-oldest.txt for `make test-oldest`,
# requirements/lock-bench.txt for the benchmarks that compare frameworks.
# `make lock` writes them (and requirements/bootstrap.txt) from the declared
# inputs: pyproject.toml's dependencies and extras and requirements/*.in. The
# npm packages of tests/js come from their package-lock.json.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--all-extras pyproject.toml requirements/dev.in requirements/example.in
# npm writes this file on every install of tests/js (Hawk's reference implementation).
JS_STAMP := tests/js/node_modules/.package-lock.json
BENCH_VENV := .venv-bench
export PYTHONPATH := $(CURDIR)/examples

.PHONY: venv demo test lint typecheck pytest test-oldest test-latest dist lock lock-upgrade bench load \
	fuzz soak system-deps clean

## venv: (re)build .venv from the lock when the lock or the interpreter changed
venv:
	scripts/venv $(PYTHON) $(VENV) requirements/lock.txt

system-deps:
	scripts/system-deps

# The exact versions of package-lock.json, for the tests that check Hawk against
# its reference JavaScript implementation.
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json | system-deps
	npm ci --prefix tests/js --no-audit --no-fund --silent

## demo: serve the example notes API on http://127.0.0.1:5000 and print what to try
demo: venv
	$(BIN)/python -m notes $(DEMO_ARGS)

## test: lint, format check, strict type check, stub check and the whole test suite
test: venv system-deps lint typecheck pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv $(JS_STAMP)
	$(BIN)/mypy
	tests/js/node_modules/.bin/pyright --pythonpath $(BIN)/python

pytest: venv system-deps $(JS_STAMP)
	$(BIN)/pytest

## test-oldest: the suite (but the browser tests) on the lowest versions pyproject.toml allows
test-oldest: system-deps $(JS_STAMP)
	scripts/venv $(PYTHON) .venv-oldest requirements/lock-oldest.txt
	.venv-oldest/bin/pytest -m "not soak and not browser" -p no:cacheprovider

## test-latest: the suite (but the browser tests) on the newest releases, unlocked
test-latest: venv system-deps $(JS_STAMP)
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
	$(UV_COMPILE) requirements/bench.in $(LOCK_FLAGS) -o requirements/lock-bench.txt

## lock-upgrade: the same, moving every locked version to the newest release allowed
lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

## bench: speed of negotiation, formatters, Hawk, the nonce stores, async and docs, as ratios
bench: venv
	$(BIN)/python benchmarks/bench_responsive.py
	$(BIN)/python benchmarks/bench_hawk.py
	$(BIN)/python benchmarks/bench_nonce_store.py
	$(BIN)/python -m benchmarks.bench_async
	$(BIN)/python -m benchmarks.bench_openapi
	scripts/venv $(PYTHON) $(BENCH_VENV) requirements/lock-bench.txt
	$(BENCH_VENV)/bin/python benchmarks/bench_typed.py

## load: requests/s and latency under gunicorn and wrk, on loopback (LOAD_SECONDS, LOAD_ROUNDS)
load:
	scripts/venv $(PYTHON) $(BENCH_VENV) requirements/lock-bench.txt
	scripts/load-deps
	$(BENCH_VENV)/bin/python -m benchmarks.load.run

## fuzz: a bounded coverage-guided run over negotiation and header parsing
fuzz: venv
	$(BIN)/python tests/fuzz/run.py

## soak: the long load and fault runs
soak: venv system-deps $(JS_STAMP)
	$(BIN)/pytest -m soak --override-ini="addopts=-ra --strict-markers"

clean:
	rm -rf $(VENV) .venv-oldest .venv-latest $(BENCH_VENV) tests/js/node_modules build dist \
		.mypy_cache .pytest_cache .ruff_cache .hypothesis
