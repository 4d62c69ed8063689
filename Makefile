# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint typecheck clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "crmdesk needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m crmdesk --demo

# The suite runs twice, in two random orders (pytest-randomly): each run draws new seeds unless
# given, and prints them; `make test SEED1=123 SEED2=456` repeats an order that failed.
SEED1 ?= $(shell $(PYTHON) -c 'import random; print(random.randrange(2**32))')
SEED2 ?= $(shell $(PYTHON) -c 'import random; print(random.randrange(2**32))')
# Drawn once here, not again at each use.
SEED1 := $(SEED1)
SEED2 := $(SEED2)
PYTEST := QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --dist loadgroup -p randomly

test: $(STAMP)
	$(VENV)/bin/ruff check .
	@echo "make test: order seeds SEED1=$(SEED1) SEED2=$(SEED2) (repeat with: make test SEED1=$(SEED1) SEED2=$(SEED2))"
	$(PYTEST) --randomly-seed=$(SEED1)
	$(PYTEST) --randomly-seed=$(SEED2)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy crmdesk/model crmdesk/store crmdesk/remote crmdesk/sync crmdesk/secrets.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
