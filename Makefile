# Two commands for a fresh clone (Python 3.11+ and pip are all it needs):
#   make demo   create .venv, install ecomplan, write the weekly report for examples/ into reports/
#   make test   create .venv, install ecomplan with test tools (and the Spark extra), run the whole test suite
#   make lint   ruff check, ruff format --check and mypy (clean before every commit)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUM    := $(shell cksum pyproject.toml | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-$(SUM)
TOOLS  := $(VENV)/.installed-test-$(SUM)

.PHONY: demo test lint bench clean examples

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("ecomplan needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The test tools (pytest, ruff, mypy, playwright, pyspark for the Spark tests): not needed to run ecomplan.
$(TOOLS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TOOLS)

demo: $(STAMP)
	$(BIN)/ecomplan report weekly --config examples/ecomplan.toml --week 2026-W47 --out-dir reports

test: $(TOOLS)
	$(BIN)/python -m pytest

lint: $(TOOLS)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

bench: $(TOOLS)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_kpi.py
	$(BIN)/python benchmarks/bench_inventory.py
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_spark.py

examples: $(STAMP)
	$(BIN)/python examples/generate.py

clean:
	rm -rf $(VENV) reports .pytest_cache .hypothesis benchmarks/_data
