# Nanbei: two commands do everything on a fresh machine with Python 3.11.
#   make reports   create the environment if missing, run every notebook, render HTML reports
#   make test      create the environment if missing, run the whole test suite
# Also: make lab (JupyterLab on the project kernel), make lock, make data, make bench.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.nanbei-installed

.PHONY: env reports test lab lock data bench clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Nanbei needs Python 3.11, {sys.executable} is {sys.version.split()[0]}; run: make PYTHON=/path/to/python3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --python $(PY) --compile-bytecode -r requirements/lock.txt -e .
	$(PY) -m ipykernel install --sys-prefix --name nanbei --display-name "Python 3.11 (nanbei)"
	touch $(STAMP)

reports: $(STAMP)
	$(PY) -m nanbei.reports $(NOTEBOOKS)

test: $(STAMP)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

# Regenerate the pinned lock from pyproject.toml (universal: Linux, macOS, Windows).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra data --universal \
		--python-version 3.11 -o requirements/lock.txt

# Rebuild data/tidy and data/SHA256SUMS from data/raw (verified against SHA256SUMS first;
# ACCEPT_RAW=1 when a change to data/raw is intended).
data: $(STAMP)
	$(PY) data/build.py $(if $(ACCEPT_RAW),--accept-raw-changes)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf build
