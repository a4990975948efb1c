# Set-up is automatic: every target creates .venv and builds what is missing first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
API_PORT ?= 8000
CHROMIUM := /usr/bin/chromium
WRK := /usr/bin/wrk
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test build browser wrk bench venv clean-outputs api

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

api: build
	$(BIN)/uvicorn api.main:app --host 127.0.0.1 --port $(API_PORT) --loop uvloop --http httptools

# The browser tests drive Debian's Chromium: Playwright's own download is unreachable.
# Without root the tests skip and say how to install it.
browser: $(CHROMIUM)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends chromium; \
	else \
		echo "No $(CHROMIUM): browser tests will skip. Install it with:"; \
		echo "  sudo apt-get install -y --no-install-recommends chromium"; \
	fi

test: build browser
	$(BIN)/python -m pytest

# The API load bench drives wrk from Debian's packages; without it the bench stops at once.
wrk: $(WRK)

$(WRK):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends wrk; \
	else \
		echo "No $(WRK): the API load bench cannot run. Install it with:"; \
		echo "  sudo apt-get install -y --no-install-recommends wrk"; \
	fi

bench: build wrk
	$(BIN)/python -m bench

clean-outputs:
	rm -rf data/processed data/kb.duckdb models/topic
