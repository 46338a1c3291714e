# cxlink: `make demo` and `make test` work on a fresh clone (Python 3.11, no venv yet).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

# One setting places the landing zone and the warehouse. Exported for the targets that run dbt
# or the docs server themselves (prepare, docs); everything else reads it, and every other
# CXLINK_* setting, through cxlink/settings (`make settings` lists them).
CXLINK_DATA_DIR ?= $(CURDIR)/data
export CXLINK_DATA_DIR := $(abspath $(CXLINK_DATA_DIR))
# dagster.yaml lives at the repo root; so does run history (git-ignored).
export DAGSTER_HOME := $(CURDIR)
# No telemetry, no network: dbt, Dagster and GX stay quiet and offline.
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := false

DEMO_CUSTOMERS ?= 5000
DEMO_SEED ?= 42
STAMP := $(VENV)/.cxlink-installed

.PHONY: help setup prepare tagger settings demo run dev docs report test lint format bench fault-injection models train-tagger clean postgres-server chromium demo-sources sources workbook-pdf

help:
	@echo "make setup  create .venv, parse the dbt project, train the comment tagger (step logs: build/setup/)"
	@echo "make demo   set up, generate demo data into \$$CXLINK_DATA_DIR/landing, run everything, print a summary"
	@echo "make demo-sources  the demo through connectors: HubSpot and Stripe APIs (local stand-ins) and Qualtrics exports"
	@echo "make run    run everything on the landing zone as it is (your own files), print a summary"
	@echo "make sources  check \$$CXLINK_DATA_DIR/sources.yml and show where each source stands"
	@echo "make dev    open the Dagster UI (http://127.0.0.1:3000) on this project"
	@echo "make docs   serve the dbt docs of the last run (http://127.0.0.1:8080)"
	@echo "make metrics  query the semantic layer (MetricFlow): the saved headline queries, or METRICS=... GROUP_BY=... (docs/semantic-layer.md)"
	@echo "make report serve the last run's report with charts (http://127.0.0.1:8081)"
	@echo "make workbook-pdf  print the finance workbook to \$$CXLINK_DATA_DIR/cxlink_finance.pdf with LibreOffice (to see how it prints)"
	@echo "make test   set up and run the test suite"
	@echo "make bench  stage timings and peak memory at the default and 10x demo scale; translation throughput; fault injection"
	@echo "make fault-injection  kill -9 at each stage, two runs at once, a full disk, hostile inputs: one line per case, N of M held"
	@echo "make models install argos translation packages from \$$CXLINK_ARGOS_MODELS (fetch them if online)"
	@echo "make lint   ruff + sqlfluff"
	@echo "make train-tagger  train + evaluate the comment tagger into its shared models folder (~/.cache/cxlink/models), print macro-F1 and sentiment accuracy"
	@echo "make settings  every CXLINK_* setting with its default and current value"
	@echo "settings: CXLINK_DATA_DIR=$(CXLINK_DATA_DIR) DEMO_CUSTOMERS=$(DEMO_CUSTOMERS)"

# Setup steps run through tools/with_progress.py (standard library only): one line when a step
# starts, a progress line at least every 10 s with its latest output line, "done in N s" at the
# end; the full output goes to build/setup/<step>.log, and a failure prints the log's last lines
# and its path. STEP is for the steps after the venv exists, with the venv's Python.
SETUP_LOGS := build/setup
STEP = $(BIN)/python tools/with_progress.py --log $(SETUP_LOGS)/$(1).log --label

# cxlink needs Python 3.11 (pyproject's requires-python): checked before a venv is made with
# the wrong one, and on an existing venv made with another Python.
define check_python
@py=$$(test -x $(BIN)/python && echo $(BIN)/python || echo $(PYTHON)); \
	$$py -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  version=$$($$py --version 2>&1) || version="not found"; \
	  echo "setup: cxlink needs Python 3.11, but $$py is $$version: install python3.11 or set PYTHON=/path/to/python3.11 (and rm -rf $(VENV) if it was made with another Python)" >&2; \
	  exit 1; }
endef

# torch first, from pip: pip finds the local CPU build of 2.13.0; any other route pulls a
# multi-GB CUDA build (argostranslate -> stanza -> torch). Then everything else, constrained by
# the committed lock file.
$(STAMP): pyproject.toml requirements.lock
	$(check_python)
	@test -x $(BIN)/python || $(PYTHON) tools/with_progress.py --log $(SETUP_LOGS)/venv.log \
	  --label "creating the virtual environment $(VENV)" -- $(PYTHON) -m venv $(VENV)
	@$(call STEP,torch) "installing torch 2.13.0 (CPU) into $(VENV) (first time: a few minutes)" \
	  -- $(BIN)/pip install --disable-pip-version-check --progress-bar off "torch==2.13.0"
	@$(call STEP,pip) "installing Python dependencies into $(VENV) (first time: a few minutes)" \
	  -- $(BIN)/pip install --disable-pip-version-check --progress-bar off -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP) prepare tagger

# dbt needs a manifest before Dagster can load the project (dagster-dbt reads it at import).
# Parsed with the --vars the pipeline passes, so its dbt steps can reuse the parse (dbt parses
# everything again when the vars differ).
prepare: $(STAMP)
	@$(call STEP,dbt-parse) "parsing the dbt project (the manifest Dagster loads)" \
	  -- bash -c 'cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --vars "$$(../$(BIN)/python -m cxlink.settings --dbt-vars)"'

# The comment tagger, trained ahead of the first run once per model version into its shared
# models directory (--if-missing: a second or so when that version is already there).
tagger: $(STAMP)
	@$(call STEP,tagger) "training the comment tagger (once per model version; cached after)" \
	  --show-result -- $(BIN)/python -m cxlink.tagging.train --if-missing

settings: $(STAMP)
	$(BIN)/python -m cxlink.settings

demo: setup
	@$(BIN)/cxlink generate-demo --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --overwrite
	@$(BIN)/cxlink run

# The same demo delivered the way companies' systems deliver it (docs/sources.md): customers as
# a HubSpot CRM, billing as a Stripe account (both served on 127.0.0.1 for the length of the
# run), feedback as Qualtrics exports, read through a generated sources.yml. Clean rows only:
# the deliberately broken demo rows have no vendor form. `make demo` removes it again.
demo-sources: setup
	$(BIN)/cxlink generate-demo --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --overwrite --clean-only --as-sources
	$(BIN)/cxlink run --demo-vendors

run: setup
	$(BIN)/cxlink run

sources: setup
	$(BIN)/cxlink sources

# The code location (orchestration.definitions, named "cxlink") comes from [tool.dagster] in
# pyproject.toml.
dev: setup
	$(BIN)/dagster dev

# The semantic layer (docs/semantic-layer.md): MetricFlow's `mf query` on the last run's
# warehouse, run from dbt_project/ (mf reads its target/semantic_manifest.json, which `prepare`
# writes). Without METRICS it prints the saved queries below; METRICS=nps,mrr
# GROUP_BY=metric_time__quarter,segment WHERE="{{ Entity('segment') }} = 'smb'" asks for others.
# The file check comes first: the adapter would create an empty warehouse where none exists.
MF_SAVED_QUERIES ?= headline_figures churn_by_nps_category monthly_kpis
MF := ../$(BIN)/mf query --quiet --decimals 4
.PHONY: metrics
metrics: prepare
	@test -f "$(CXLINK_DATA_DIR)/warehouse.duckdb" || { echo "no warehouse at $(CXLINK_DATA_DIR)/warehouse.duckdb: run \`make demo\` or \`make run\` first" >&2; exit 1; }
	@cd dbt_project && if [ -n "$(METRICS)" ]; then \
	  $(MF) --metrics "$(METRICS)" $(if $(GROUP_BY),--group-by "$(GROUP_BY)") $(if $(WHERE),--where "$(WHERE)"); \
	else for query in $(MF_SAVED_QUERIES); do \
	  echo "mf query --saved-query $$query"; $(MF) --saved-query $$query || exit 1; echo; done; fi

# dbt docs of the last build (written by the dbt step of every run to $CXLINK_DATA_DIR/dbt_docs).
DOCS_PORT ?= 8080
docs: setup
	test -f "$(CXLINK_DATA_DIR)/dbt_docs/index.html" || { echo "no dbt docs yet: run \`make demo\` or \`make run\` first" >&2; exit 1; }
	cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir . --target-path "$(CXLINK_DATA_DIR)/dbt_docs" --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

# How the finance workbook prints, through LibreOffice (apt-get install libreoffice-calc): the
# PDF goes beside exports/, never into it (each exports set is replaced whole).
WORKBOOK := $(CXLINK_DATA_DIR)/exports/cxlink_finance.xlsx
workbook-pdf:
	test -f "$(WORKBOOK)" || { echo "no workbook yet: run \`make demo\` or \`make run\` first" >&2; exit 1; }
	command -v soffice >/dev/null || { echo "soffice not found: apt-get install -y libreoffice-calc" >&2; exit 1; }
	soffice --headless --convert-to pdf --outdir "$(CXLINK_DATA_DIR)" "$(WORKBOOK)" >/dev/null
	@echo "$(CXLINK_DATA_DIR)/cxlink_finance.pdf"

# The report every run writes ($CXLINK_DATA_DIR/report/index.html: one self-contained file, which
# also opens straight from disk), served on 127.0.0.1 until Ctrl-C. docs/report.md.
REPORT_PORT ?= 8081
report:
	@test -f "$(CXLINK_DATA_DIR)/report/index.html" || { echo "no report yet in $(CXLINK_DATA_DIR)/report: run \`make demo\` or \`make run\` first" >&2; exit 1; }
	@echo "report: http://127.0.0.1:$(REPORT_PORT)/  (or open $(CXLINK_DATA_DIR)/report/index.html in a browser; Ctrl-C stops the server)"
	@py=$$(test -x $(BIN)/python && echo $(BIN)/python || echo $(PYTHON)); \
	  exec $$py -m http.server --bind 127.0.0.1 --directory "$(CXLINK_DATA_DIR)/report" $(REPORT_PORT)

# Lint first (fast, and CI should fail on it), then the suite on two workers. The tests that share
# a costly session fixture (the demo run, the topic warehouses, a known-answer pipeline) form one
# xdist group each, so one worker builds it once (tests/conftest.py); the last lines say how often
# each was built and which tests were slowest.
test: setup postgres-server chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 dbt_project/models dbt_project/macros dbt_project/tests
	$(BIN)/pytest -q -n 2 --dist loadgroup --durations=10

# The postgres source kind's tests start a real PostgreSQL server of their own (initdb on a temp
# directory, a free port on 127.0.0.1; tests/sources/postgres_server.py): only the server binaries
# are needed. Installed once from the distribution (Debian/Ubuntu), quietly; apt's errors show.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || { \
	  echo "installing the PostgreSQL server (apt-get install postgresql) for the postgres kind's tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

# The report's browser test (tests/report/test_report_browser.py) drives headless Chromium: Debian's
# package, installed once like the PostgreSQL server above, quietly; apt's errors show. Nothing
# downloads a browser build of its own.
chromium:
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || { \
	  echo "installing Chromium (apt-get install chromium) for the report's browser test"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 dbt_project/models dbt_project/macros dbt_project/tests

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix dbt_project/models

bench: setup
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.translation
	$(BIN)/python -m benchmarks.tagging
	$(BIN)/python -m benchmarks.fault_injection

# Faults and hostile input injected into real `cxlink run`s (benchmarks/fault_injection.py): one
# line per case, held or broke, then "N of M held"; exit code 1 when a case broke. About a dozen
# runs on a 150-customer demo. FAULTS="--groups disk" (runs, disk, inputs) or FAULTS="--only 2099" picks cases.
fault-injection: setup
	$(BIN)/python -m benchmarks.fault_injection $(FAULTS)

# Translation packages (.argosmodel) from $CXLINK_ARGOS_MODELS (default $CXLINK_DATA_DIR/argos-models)
# into argos' package folder (ARGOS_PACKAGES_DIR); with internet, the demo languages' packages
# are fetched from the argos index. Without them every non-English comment stays `no_model`.
models: $(STAMP)
	$(BIN)/python -m cxlink.translate models

# The comment tagger (cxlink/tagging): trained from assets/tagging/labeled_statements.csv and
# assets/taxonomy/topics.yaml into $CXLINK_TAGGER_MODELS_DIR/tagger-<version>/ (default
# ~/.cache/cxlink/models, shared by every data directory) with its evaluation report. `make setup`
# trains it when that version is missing; the text/statement_tags asset would otherwise.
train-tagger: $(STAMP)
	$(BIN)/python -m cxlink.tagging.train

clean:
	rm -rf dbt_project/target dbt_project/logs $(SETUP_LOGS) .pytest_cache .ruff_cache
