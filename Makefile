# make run  — set everything up and start the client (demo mode)
# make test — set everything up and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint venv clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/gjj-desk --demo

# The rules' own tests run under coverage (tracing slows pure Python by ~50 %, so not the
# whole suite); tools/check_coverage.py then fails if any rule line went unrun.
RULE_TESTS := tests/services/rules tests/services/engine

# The rest runs on every core (pytest-xdist): each module stays on one worker (loadscope), so a
# module's fundserver starts once; ports, folders and databases are per test or per module.
# `make test WORKERS=0` runs it in one process.
WORKERS ?= auto

# The stall probes (marker `stall`) bound how long the UI thread is blocked; they run alone after
# the rest, in one process, so another worker's tests never take the cores from under them. A
# probe that saw one gap over the bound is run again, twice at most (pytest-rerunfailures, only
# for UIThreadBlockedError): on a shared 2-core machine a worker's burst of pure Python or the OS
# now and then delays one tick ~100 ms; a real stall (seconds, in every run) still fails.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadscope -m "not stall" $(RULE_TESTS:%=--ignore=%)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 0 -m stall --reruns 2 --only-rerun UIThreadBlockedError $(RULE_TESTS:%=--ignore=%)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(WORKERS) --cov --cov-report= $(RULE_TESTS)
	$(BIN)/python tools/check_coverage.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app fundserver tests bench
	$(BIN)/mypy

# Every bench script, each printing its figure beside its comparison and the ratio (issue 12);
# the README's development section shows the latest figures.
bench: $(STAMP)
	for b in bench/*_bench.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; echo; done

# make dist       — the one-folder bundle for this platform (dist/gjj-desk/) and, where NSIS's
#                   makensis exists, the setup program (installer/; see README 安装与升级)
# make dist-check — the bundle starts offscreen, shows the window, matches the source tree
DIST_STAMP := $(VENV)/.dist-installed
.PHONY: dist dist-check

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(BIN)/python installer/build.py

dist-check: dist
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/dist_check.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
