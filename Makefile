# The two commands of the README: `make run` serves the graph, `make test` runs the tests.
# Both create the virtual environment and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Debian packages: WeasyPrint draws PDF briefs with Pango and a font with Vietnamese glyphs; the tests
# check pages in Chromium and PDF pages with poppler's pdftoppm, and run on Virtuoso as a backend.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils virtuoso-opensource-7
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test build clean system-packages run-packages test-packages

# The JavaScript SPARQL client the tests drive (Comunica), installed from npm as tests/js/package-lock.json locks it.
JS_CLIENTS := tests/js/node_modules/.package-lock.json

$(BIN)/innograph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/innograph
	$(BIN)/innograph build

run: build run-packages
	$(BIN)/innograph serve

run-packages:
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(RUN_PACKAGES)"

test-packages:
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(TEST_PACKAGES)"

$(JS_CLIENTS): tests/js/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-packages PACKAGES="nodejs npm"
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error

system-packages:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# Lint, then the whole suite on the embedded store, then on Oxigraph's server as the backend (tests/backends.py), then
# the protocol, named-query, network and brief tests on Virtuoso.
VIRTUOSO_TESTS := tests/test_w3c.py tests/test_competency.py tests/test_network.py tests/test_brief.py
test: $(BIN)/innograph test-packages $(JS_CLIENTS)
	$(BIN)/ruff check graph api tests scripts
	$(BIN)/pytest -q
	INNOGRAPH_TEST_BACKEND=oxigraph-server $(BIN)/pytest -q
	INNOGRAPH_TEST_BACKEND=virtuoso $(BIN)/pytest -q $(VIRTUOSO_TESTS)

clean:
	rm -rf $(VENV) .innograph tests/js/node_modules
