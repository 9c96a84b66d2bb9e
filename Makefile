# The README's two commands, `make demo` and `make test`, start from a machine
# with only Python 3.11+ and make: every target creates what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PYTHONPATH := $(CURDIR)/examples

.PHONY: demo test lint typecheck pytest bench fuzz soak system-deps clean

$(STAMP): pyproject.toml requirements/dev.txt examples/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[hawk,redis,login,typed]' -r requirements/dev.txt -r examples/requirements.txt
	touch $(STAMP)

system-deps:
	scripts/system-deps

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

pytest: $(STAMP) system-deps
	$(BIN)/pytest

## bench: speed of negotiation, formatters, Hawk and the nonce stores, as ratios
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_responsive.py
	$(BIN)/python benchmarks/bench_hawk.py
	$(BIN)/python benchmarks/bench_nonce_store.py
	$(BIN)/python benchmarks/bench_typed.py

## fuzz: a bounded coverage-guided run over negotiation and header parsing
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py

## soak: the long load and fault runs
soak: $(STAMP) system-deps
	$(BIN)/pytest -m soak --override-ini="addopts=-ra --strict-markers"

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
