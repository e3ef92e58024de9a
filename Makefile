# The two commands of the README: `make run` serves the graph, `make test` runs the tests.
# Both create the virtual environment and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Debian packages the tests drive: Chromium, in which the network page is checked as a browser shows it.
SYSTEM_PACKAGES := chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test build clean system-packages

$(BIN)/innograph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/innograph
	$(BIN)/innograph build

run: build
	$(BIN)/innograph serve

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

test: $(BIN)/innograph system-packages
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .innograph
