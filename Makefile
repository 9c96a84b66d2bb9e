# The README's two commands, `make demo` and `make test`, start from a machine
# with only Python 3.11+ and make: every target creates what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# npm writes this file on every install of tests/js (Hawk's reference implementation).
JS_STAMP := tests/js/node_modules/.package-lock.json
export PYTHONPATH := $(CURDIR)/examples

.PHONY: demo test lint typecheck pytest bench load fuzz soak system-deps clean

$(STAMP): pyproject.toml requirements/dev.txt examples/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[hawk,redis,login]' -r requirements/dev.txt -r examples/requirements.txt
	touch $(STAMP)

system-deps:
	scripts/system-deps

# The exact versions of package-lock.json, for the tests that check Hawk against
# its reference JavaScript implementation.
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json | system-deps
	npm ci --prefix tests/js --no-audit --no-fund --silent

## demo: serve the example notes API on http://127.0.0.1:5000 and print what to try
demo: $(STAMP)
	$(BIN)/python -m notes $(DEMO_ARGS)

## test: lint, format check, strict type check, stub check and the whole test suite
test: $(STAMP) system-deps lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps $(JS_STAMP)
	$(BIN)/pytest

## bench: speed of negotiation, formatters, Hawk and the nonce stores, as ratios
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_responsive.py
	$(BIN)/python benchmarks/bench_hawk.py
	$(BIN)/python benchmarks/bench_nonce_store.py

# The load run's own virtualenv: Flask-RESTful and the other frameworks it is
# compared with never enter the test venv.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp

$(BENCH_STAMP): pyproject.toml requirements/bench.txt examples/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -e '.[hawk,redis,login]' -r requirements/bench.txt -r examples/requirements.txt
	touch $(BENCH_STAMP)

## load: requests/s and latency under gunicorn and wrk, on loopback (LOAD_SECONDS, LOAD_ROUNDS)
load: $(BENCH_STAMP)
	scripts/load-deps
	$(BENCH_VENV)/bin/python -m benchmarks.load.run

## fuzz: a bounded coverage-guided run over negotiation and header parsing
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py

## soak: the long load and fault runs
soak: $(STAMP) system-deps $(JS_STAMP)
	$(BIN)/pytest -m soak --override-ini="addopts=-ra --strict-markers"

clean:
	rm -rf $(VENV) $(BENCH_VENV) tests/js/node_modules .mypy_cache .pytest_cache .ruff_cache .hypothesis
