# Nanbei: two commands do everything on a fresh machine with Python 3.11 (3.12, 3.13 also work).
#   make reports   create the environment if missing, run every notebook, render HTML reports
#   make test      create the environment if missing, run the whole test suite
# Also: make lab (JupyterLab on the project kernel), make gallery, make lock, make data, make bench.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Runtime (make reports, make lab) and test (make test) environments share the venv; the test
# extra (reference packages, pytest, ruff) is installed only for the tests.
STAMP      := $(VENV)/.nanbei-runtime
STAMP_TEST := $(VENV)/.nanbei-test

.PHONY: env reports gallery test test-pythons lab lock data bench clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), f"Nanbei needs Python 3.11 to 3.13, {sys.executable} is {sys.version.split()[0]}; run: make PYTHON=/path/to/python3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --python $(PY) --compile-bytecode -r requirements/lock.txt -e .
	$(PY) -m ipykernel install --sys-prefix --name nanbei --display-name "Python 3 (nanbei)"
	touch $(STAMP)

$(STAMP_TEST): $(STAMP) requirements/lock-test.txt
	$(VENV)/bin/uv pip install --python $(PY) --compile-bytecode -r requirements/lock-test.txt -e .
	touch $(STAMP_TEST)

# Every notebook (the `default` configuration of runs.toml), in parallel, into build/reports/
# (gallery: build/reports/index.html).  NOTEBOOKS=00_data (or a configuration name) runs less;
# RUN_ARGS passes more options, e.g. RUN_ARGS="--jobs 1 -p fast=true".
reports: $(STAMP)
	$(VENV)/bin/nanbei run $(NOTEBOOKS) $(RUN_ARGS)

# Rebuild build/reports/index.html and results.csv from what is there (no notebook runs).
gallery: $(STAMP)
	$(VENV)/bin/nanbei gallery

test: $(STAMP_TEST)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The suite on every other supported Python this machine has (own venvs; skipped with a message
# when an interpreter is missing).
test-pythons:
	@for v in 3.12 3.13; do \
		py=""; \
		for c in python$$v $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v 2>/dev/null); do \
			if $$c -c 'import sys' >/dev/null 2>&1; then py=$$c; break; fi; \
		done; \
		if [ -n "$$py" ]; then \
			echo "== Python $$v: $$py"; \
			$(MAKE) --no-print-directory test PYTHON=$$py VENV=.venv-$$v || exit 1; \
		else echo "Python $$v not found: skipped"; fi; \
	done

# JupyterLab on notebooks/ with the project kernel, on LAB_PORT (as root too: --allow-root), its
# kernels over IPC sockets (no plain-text TCP).  LAB_ARGS passes more, e.g. LAB_ARGS=--no-browser.
LAB_PORT ?= 8888
LAB_IP   ?= 127.0.0.1
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ServerApp.ip=$(LAB_IP) --ServerApp.port=$(LAB_PORT) \
		--ServerApp.port_retries=0 --KernelManager.transport=ipc \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Regenerate the pinned locks from pyproject.toml (universal: Linux, macOS, Windows; Python
# 3.11-3.13).  The runtime lock is constrained by the test lock, so shared pins are identical.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra data --universal \
		--python-version 3.11 -o requirements/lock-test.txt
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
		-c requirements/lock-test.txt -o requirements/lock.txt

# Rebuild data/tidy and data/SHA256SUMS from data/raw (verified against SHA256SUMS first;
# ACCEPT_RAW=1 when a change to data/raw is intended).
data: $(STAMP)
	$(PY) data/build.py $(if $(ACCEPT_RAW),--accept-raw-changes)

# Every benchmark against its reference package or baseline, timed in the same run, ending with
# one table of the ratios now and at the previous run (benchmarks/ratios.csv, updated by the
# run; a slowdown beyond 25% is flagged and fails).  BENCH_ARGS passes options, e.g.
# BENCH_ARGS="--only did synth" or "--no-save" (see benchmarks/run_all.py).
bench: $(STAMP_TEST)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf build

# The workshop (notebooks/workshop/, guide in INSTRUCTOR.md): writes the participants' copy without
# solutions (build/workshop/student/ and nanbei-workshop-student.zip) and the instructor's copy
# (build/workshop/instructor/), then runs the instructor's copy and fails unless every exercise's
# check passes.  NO_CHECK=1 only writes the copies; WORKSHOP_LANG=zh checks in Chinese.
.PHONY: workshop
workshop: $(STAMP)
	$(PY) -m nanbei.workshop build notebooks/workshop --output build/workshop \
		--lang $(or $(WORKSHOP_LANG),en) $(if $(NO_CHECK),--no-check)
