# The two commands of the README: `make run` serves the graph, `make test` runs the tests.
# Both create the virtual environment and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test build clean

$(BIN)/innograph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/innograph
	$(BIN)/innograph build

run: build
	$(BIN)/innograph serve

test: $(BIN)/innograph
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .innograph
