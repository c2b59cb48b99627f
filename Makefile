# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   installs wvtext in .venv and analyses the shipped corpus into out/
#   make test   installs wvtext with its test extras in .venv and runs the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean fixtures

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("wvtext needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/wvtext analyse --out out --db out/wvtext.db

test: $(STAMP)
	$(BIN)/python -m pytest

fixtures: $(STAMP)
	$(BIN)/python tests/data/make_fixtures.py

clean:
	rm -rf $(VENV) out wvtext-out wvtext-synth wvtext-learned *.egg-info
