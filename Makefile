# Atlas — build, check and test the handbook.
# Every target installs what it needs on first use; stamp files keep re-runs instant.

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
BUILDDIR    := _build
SPHINXBUILD := $(BIN)/sphinx-build
SPHINXOPTS  ?=
SOURCEDIR   ?= source
CONFDIR     ?= .
SPHINX_DIRS := -c $(CONFDIR) $(SOURCEDIR)
SPHINX      := $(SPHINXBUILD) $(SPHINX_DIRS)
HOST        ?= 127.0.0.1
# sphinx-simplepdf runs the `weasyprint` executable: the venv must come first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
PORT        ?= 8000

# Stamps: each records that one install step ran against the current lock files.
PY_STAMP    := $(VENV)/.atlas-python
TEST_STAMP  := $(VENV)/.atlas-test
NPM_STAMP   := node_modules/.atlas-npm
NPM_DEV_STAMP := node_modules/.atlas-npm-dev
# mermaid-cli (benchmark baseline only) must use Debian's chromium, never a download.
export PUPPETEER_SKIP_DOWNLOAD := 1

# Debian packages as PACKAGE:COMMAND (the check is `command -v`, so it costs nothing when present).
# chromium pre-renders the diagrams; graphviz draws the flow graphs of the review dashboard.
HTML_DEBIAN := chromium:chromium graphviz:dot
TEST_DEBIAN := $(HTML_DEBIAN) epubcheck:epubcheck poppler-utils:pdftoppm librsvg2-bin:rsvg-convert
# The LaTeX route `make bench` measures against the WeasyPrint volumes (Sphinx's -b latex with
# XeLaTeX and latexmk; the packages Sphinx's LaTeX documentation lists, and the FreeFont family).
TEXMF_LATEX := /usr/share/texlive/texmf-dist/tex/latex
BENCH_DEBIAN := latexmk:latexmk texlive-xetex:xelatex librsvg2-bin:rsvg-convert \
	texlive-latex-recommended:$(TEXMF_LATEX)/fancyvrb/fancyvrb.sty \
	texlive-latex-extra:$(TEXMF_LATEX)/capt-of/capt-of.sty \
	texlive-fonts-recommended:/usr/share/texlive/texmf-dist/fonts/tfm/adobe/helvetic/phvb.tfm \
	tex-gyre:/usr/share/texmf/tex/latex/tex-gyre/qtimes.sty \
	fonts-freefont-otf:/usr/share/fonts/opentype/freefont/FreeSerif.otf

.PHONY: help html check test pdf epub all serve clean bench lint deps test-deps new linkcheck

help: ## Show this help
	@echo "Atlas handbook — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12 | sed 's/^/  make /'

# --- set-up ------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(PY_STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --constraint requirements.lock --editable .
	touch $@

$(TEST_STAMP): $(PY_STAMP)
	$(BIN)/pip install --quiet --constraint requirements.lock --editable ".[test]"
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

$(NPM_DEV_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP) $@

deps: $(PY_STAMP) $(NPM_STAMP) ## Install the pinned Python and npm dependencies (done by every target)
	@tools/ensure-debian-packages $(HTML_DEBIAN) || \
		echo "Without chromium, diagrams render in the reader's browser; PDF and EPUB need it."

test-deps: deps $(TEST_STAMP)
	@tools/ensure-debian-packages $(TEST_DEBIAN)

# --- builds ------------------------------------------------------------------

html: deps ## Build the HTML site into _build/html (incremental)
	$(SPHINX) -b html -d $(BUILDDIR)/doctrees/html $(SPHINXOPTS) $(BUILDDIR)/html
	@echo "Open $(BUILDDIR)/html/index.html"

check: deps ## Strict build: fails on any warning, then lists every problem grouped by file
	$(SPHINX) -b html -d $(BUILDDIR)/doctrees/check -E -W --keep-going -n $(SPHINXOPTS) $(BUILDDIR)/check

linkcheck: deps ## Check every source address (needs the internet); report on review/links.html
	status=0; $(SPHINX) -b linkcheck -d $(BUILDDIR)/doctrees/linkcheck $(SPHINXOPTS) \
		$(BUILDDIR)/linkcheck || status=$$?; \
	$(MAKE) --no-print-directory html; \
	echo "Dead, moved and timed-out sources: $(BUILDDIR)/html/review/links.html"; exit $$status

new: deps ## Scaffold an entry: make new KIND=incident ID=INC-… TITLE="…" [ARGS="--system SYS-…"]
	@test -n "$(KIND)" -a -n "$(ID)" || { $(BIN)/atlas new --help; exit 2; }
	$(BIN)/atlas new $(KIND) $(ID) --title "$(TITLE)" $(ARGS)

pdf: deps ## Build the PDF volumes into _build/pdf (one part only: make pdf VOLUME=incidents)
	$(SPHINX) -b volumes -d $(BUILDDIR)/doctrees/pdf $(if $(VOLUME),-D atlas_volume=$(VOLUME)) \
		$(SPHINXOPTS) $(BUILDDIR)/pdf

epub: deps ## Build the EPUB into _build/epub
	$(SPHINX) -b epub -d $(BUILDDIR)/doctrees/epub $(SPHINXOPTS) $(BUILDDIR)/epub

all: pdf epub ## PDF + EPUB first, then the HTML site that ships and links them
	mkdir -p $(BUILDDIR)/downloads
	rm -f $(BUILDDIR)/downloads/*.pdf
	cp $(BUILDDIR)/pdf/atlas-*.pdf $(BUILDDIR)/pdf/volumes.json $(BUILDDIR)/epub/atlas.epub \
		$(BUILDDIR)/downloads/
	$(MAKE) --no-print-directory html

serve: deps ## Live preview on http://$(HOST):$(PORT) (sphinx-autobuild)
	$(BIN)/sphinx-autobuild --host $(HOST) --port $(PORT) --watch _ext --watch _static \
		-d $(BUILDDIR)/doctrees/serve $(SPHINXOPTS) $(SPHINX_DIRS) $(BUILDDIR)/serve

bench: $(NPM_DEV_STAMP) test-deps ## Benchmarks against the stock routes; results in _build/bench/results.json and the docs
	@tools/ensure-debian-packages $(BENCH_DEBIAN)
	$(BIN)/python -m atlas.bench.mermaid_render --count 200 \
		--out $(BUILDDIR)/bench/mermaid.json --docs source/_data/benchmarks.json
	$(BIN)/python -m atlas.bench.books --out $(BUILDDIR)/bench/books.json --docs source/_data/books.json
	$(BIN)/python -m atlas.bench.scale --diagrams 1500 \
		--out $(BUILDDIR)/bench/scale.json --docs source/_data/scale.json
	$(BIN)/python -m atlas.bench.volumes --diagrams 1500 \
		--out $(BUILDDIR)/bench/volumes.json --docs source/_data/volumes.json

# --- quality -----------------------------------------------------------------

test: test-deps ## Install test dependencies and run the test suite (what CI runs)
	$(BIN)/ruff check _ext tests conf.py
	$(BIN)/pytest

lint: test-deps ## ruff on the extension, tests and conf.py
	$(BIN)/ruff check _ext tests conf.py

clean: ## Remove build output (keeps .venv and node_modules)
	rm -rf $(BUILDDIR)
