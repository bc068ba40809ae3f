# regencord: `make run` (the main job on the embedded database) and `make test` (lint, types,
# import contracts, suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint types contracts suite clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/regencord demo --out regencord-demo

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

types: $(STAMP_DEV)
	$(BIN)/mypy

# The import layers of docs/architecture.md ([tool.importlinter] in pyproject.toml).
contracts: $(STAMP_DEV)
	$(BIN)/lint-imports

suite: $(STAMP_DEV)
	$(BIN)/pytest -q

test: lint types contracts suite

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
