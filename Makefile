# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint typecheck clean dist dist-check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "crmdesk needs Python 3.11 or newer")'
	@echo "Setting up $(VENV): the first time takes a minute or two (later runs skip this)."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "- upgrading pip"
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "- installing crmdesk and its dependencies (pip names each one as it comes)"
	@$(PY) -m pip install --progress-bar on -e '.[dev]'
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

# -- packaging (packaging/README.md) --------------------------------------------------------------
# PyInstaller is the optional extra `dist`, installed here only: `make test` never needs it.
DIST_STAMP := $(VENV)/.dist-stamp
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' crmdesk/__init__.py)
ARCH := $(shell uname -m)
TARBALL := dist/crmdesk-$(VERSION)-linux-$(ARCH).tar.gz

$(DIST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,dist]'
	@touch $(DIST_STAMP)

# dist/crmdesk/ (the app folder, binary dist/crmdesk/crmdesk) and the Linux tarball beside it.
dist: $(DIST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/crmdesk.spec
	QT_QPA_PLATFORM=offscreen $(PY) packaging/linux_bundle.py dist/crmdesk $(TARBALL)

# Installs no system package: validates the desktop entry and metainfo with the system's
# validators where present (and says so where not), then runs the build tests (tests/dist: they
# run `make dist` when dist/crmdesk is missing or older than the sources) and the built app's size and start time against
# the start from source.
dist-check: $(STAMP)
	@if command -v desktop-file-validate >/dev/null; then \
		echo "desktop-file-validate packaging/io.github.crmdesk.CrmDesk.desktop"; \
		desktop-file-validate packaging/io.github.crmdesk.CrmDesk.desktop && echo "  valid"; \
	else echo "desktop-file-validate: NOT INSTALLED, desktop entry not validated (Debian: desktop-file-utils)"; fi
	@if command -v appstreamcli >/dev/null; then \
		echo "appstreamcli validate --no-net packaging/io.github.crmdesk.CrmDesk.metainfo.xml"; \
		appstreamcli validate --no-net packaging/io.github.crmdesk.CrmDesk.metainfo.xml; \
	else echo "appstreamcli: NOT INSTALLED, metainfo not validated (Debian: appstream)"; fi
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:randomly --run-dist tests/dist
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks.dist_start dist/crmdesk

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
