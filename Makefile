# Set-up is automatic: every target creates .venv and builds what is missing first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test build bench venv clean-outputs

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# dvc repro reruns only the stages whose inputs, code or params changed.
build: venv
	$(BIN)/dvc repro

run: build
	$(BIN)/streamlit run app/main.py --server.port $(PORT)

test: build
	$(BIN)/python -m pytest

bench: build
	$(BIN)/python -m bench

clean-outputs:
	rm -rf data/processed data/kb.duckdb models/topic
