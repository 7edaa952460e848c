# Two commands from a fresh clone: `make serve` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
READER_WHEELS := .cache/reader-wheels/.downloaded
LEDGER := .cache/ledger.json
export PYTHONHASHSEED := 0
export NO_MKDOCS_2_WARNING := 1

.PHONY: help setup serve build pdf test verify readme mutation bench bench-site screenshots clean system-deps torch

help:
	@echo "make serve        build and serve the site with live reload at http://127.0.0.1:8000"
	@echo "make test         every test: pytest, doctests, equation checks, strict build, browser tests"
	@echo "make build        the strict static build into site/, with the proofs as one PDF"
	@echo "make pdf          the same build; prints where the PDF is (site/checked-derivations.pdf)"
	@echo "make verify       check every equation and print the ledger"
	@echo "make readme       write the README's sentence of what is proved from the ledger"
	@echo "make mutation     the full mutation test of the equations"
	@echo "make bench        time the losses (writes benchmarks/results.json)"
	@echo "make bench-site   time page loads, builds, a rebuild under serve and verify of a page"
	@echo "make screenshots  a PNG of every page in both colour schemes, in screenshots/"
	@echo "make system-deps  install Chromium and the fonts CI tests with (Debian; needs root)"
	@echo "make torch        install PyTorch 2.13.0 (CPU) for the comparison tests and benchmark"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[docs,test]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# the sympy and mpmath wheels the reader's checker runs in the browser (Pyodide), pinned by their hashes
$(READER_WHEELS): reader-wheels.txt $(STAMP)
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r reader-wheels.txt -d $(@D)
	touch $@

setup: $(STAMP) $(NPM_STAMP) $(READER_WHEELS)

# the ledger of equation checks, which the site build reads
verify: setup
	$(BIN)/derivations verify --json $(LEDGER)

# the README says what is proved only as the ledger does
readme: verify
	$(BIN)/derivations readme --ledger $(LEDGER)

# notebooks are executed afresh: mkdocs-jupyter's cache is keyed on the notebook text only
# then the print page (mkdocs-print-site-plugin) is printed to one PDF by headless Chromium
build: verify
	DERIVATIONS_NB_CACHE=false $(BIN)/mkdocs build --strict --clean
	$(BIN)/python -m derivations.site.print_page site site/checked-derivations.pdf

pdf: build
	@echo "the proofs as one PDF: site/checked-derivations.pdf"

serve: setup
	DERIVATIONS_NB_CACHE=true DERIVATIONS_PRINT_PAGE=false $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --watch src

test: build
	$(BIN)/python -m pytest

mutation: setup
	$(BIN)/derivations mutation

bench: setup
	$(BIN)/python benchmarks/bench_losses.py --output benchmarks/results.json

bench-site: setup
	$(BIN)/python benchmarks/bench_site.py
	$(BIN)/python benchmarks/bench_reader.py

screenshots: build
	$(BIN)/python tests/browser/screenshots.py --out screenshots

# Chromium prints the PDF and runs the browser tests. The site ships its own fonts (npm), so the other fonts are here
# only to be present: CI lays out and prints with Debian's common font families installed, as a reader's machine has
# them, and the tests show that no page and no PDF takes one of them (#29). poppler-utils renders the PDF's pages.
SYSTEM_PACKAGES := chromium chromium-driver fonts-dejavu-core fonts-liberation fonts-noto-core poppler-utils
system-deps:
	dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES))

# optional: PyTorch's CPU build, the outside reference of tests/test_torch.py and of make bench (never unpinned)
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0

clean:
	rm -rf site .cache screenshots
