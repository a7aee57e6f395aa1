# Quick start: `make demo` (install + run on the bundled sample) and `make test` (install + checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := data/samples/siemens-fridge-2011.csv

.PHONY: demo report test lint bench sample clean

$(BIN)/stormwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $@

demo: $(BIN)/stormwatch  ## rank the bundled sample as of its end, then as of the first morning
	$(BIN)/stormwatch scan $(SAMPLE) --format table
	$(BIN)/stormwatch scan $(SAMPLE) --format table --at 2011-09-27T08:00Z

report: $(BIN)/stormwatch  ## the HTML report of the bundled sample, as report.html
	$(BIN)/stormwatch report $(SAMPLE) --out report.html

test: $(BIN)/stormwatch  ## lint, type-check and run the test suite
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

bench: $(BIN)/stormwatch  ## speed and memory against bare polars (10M rows; ROWS=… to change)
	$(BIN)/python benchmarks/bench_scan.py --rows $${ROWS:-10000000}

sample:  ## regenerate the bundled synthetic sample
	$(PYTHON) scripts/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
