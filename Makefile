# govdata: `make demo` runs the main job on the bundled reports, `make test` runs every test.
# Both create .venv/ on first use. `make help` lists every target.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW ?= data/raw
PROCESSED ?= data/processed
REPORTS ?= reports

.DEFAULT_GOAL := help
.PHONY: help venv demo ingest test test-fast lint format lab docs fuzz-long bench-ingest clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# setup.py and the C sources: the PDF reader's C loops are built by the editable install.
$(STAMP): pyproject.toml setup.py $(wildcard govdata/formats/*.c govdata/formats/*.h)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# rfc3987-syntax is optional for jsonschema and adds ~1.4 s to every altair/papermill import
	@# (see docs/development.md); it must be removed after every install, so this step comes last.
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax 2>/dev/null || true
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

venv: $(STAMP) ## Create .venv/ and install govdata with its dependencies

demo: $(STAMP) ## Ingest data/raw, check it, run every notebook into HTML briefings (prints reports/index.html)
	$(BIN)/govdata ingest $(RAW) --out $(PROCESSED)
	$(BIN)/govdata check $(PROCESSED)
	$(BIN)/govdata briefings --data $(PROCESSED) --out $(REPORTS)
	@echo "frames: $(PROCESSED)/current/<frame>/year=<YYYY>/ (Parquet partitioned by year); briefings: $(REPORTS)/index.html"

ingest: demo ## Alias of demo

test: $(STAMP) ## Lint and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Unit tests only (seconds)
	$(BIN)/python -m pytest tests/unit -q

lint: $(STAMP) ## Ruff lint
	$(BIN)/ruff check .

format: $(STAMP) ## Ruff format and fix imports
	$(BIN)/ruff check --fix .

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

docs: $(STAMP) ## Regenerate the generated parts of docs/ (column tables of docs/schema.md, key tables of docs/facts.md)
	$(BIN)/python -c "from govdata.schema import update_schema_doc; update_schema_doc()"
	$(BIN)/python -c "from govdata.fact_keys import update_facts_doc; update_facts_doc()"

fuzz-long: $(STAMP) ## MUTATIONS (10,000) mutations of data/raw and ../shared/real through load (figures in test-artifacts/fuzz-long.json), N (5000) examples per property/fuzz test, a PER_CELL x 12 round trip
	GOVDATA_FUZZ_MUTATIONS=$(or $(MUTATIONS),10000) $(BIN)/python -m pytest tests/fuzz/test_fuzz_corpus.py -q
	GOVDATA_HYPOTHESIS=long GOVDATA_HYPOTHESIS_EXAMPLES=$(or $(N),5000) $(BIN)/python -m pytest tests/fuzz tests/property -q \
		--ignore=tests/fuzz/test_fuzz_corpus.py
	$(BIN)/python bench/bench_round_trip.py --per-cell $(or $(PER_CELL),300)

bench-ingest: $(STAMP) ## Ingest benchmarks, 1k/10k/100k synthetic reports (prints figures; ~20 min)
	$(BIN)/python bench/bench_ingest.py --sizes 1000 10000 100000 --trends

clean: ## Remove generated outputs (keeps data/raw and .venv)
	rm -rf $(PROCESSED) $(REPORTS) test-artifacts .pytest_cache .ruff_cache
