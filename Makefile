# Quick start: `make demo` (install + run on the bundled sample) and `make test` (install + checks).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := data/samples/siemens-fridge-2011.csv

.PHONY: demo report test lint bench bench-scale bench-huge sample clean

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
	bash scripts/system_deps.sh
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

bench: $(BIN)/stormwatch  ## scan against bare polars at 5M and 10M rows, 5 alternated turns (ROWS=…, REPEAT=…)
	$(BIN)/python benchmarks/bench_scan.py --rows $${ROWS:-5000000,10000000} --repeat $${REPEAT:-5}

bench-scale: $(BIN)/stormwatch  ## time and peak memory of a scan at 1M, 10M and 30M rows
	$(BIN)/python benchmarks/bench_scan.py --rows 1000000,10000000,30000000 --repeat 1 --scan-only

bench-huge: $(BIN)/stormwatch  ## 100M rows (~14 GB) made in /tmp, scanned once, deleted
	$(BIN)/python benchmarks/bench_scan.py --rows 100000000 --repeat 1 --scan-only \
		--dir /tmp/stormwatch-bench --delete

sample:  ## regenerate the bundled synthetic sample
	$(PYTHON) scripts/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
