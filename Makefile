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

# A Debian package installed as root; anyone else is told what it is for and how to get it.
# $(1) package, $(2) the file it brings, $(3) what happens without it.
define apt_install
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $(1); \
	else \
		echo "No $(2): $(3) Install it with:"; \
		echo "  sudo apt-get install -y --no-install-recommends $(1)"; \
	fi
endef

# The browser tests drive Debian's Chromium: Playwright's own download is unreachable.
# Without root the tests skip and say how to install it.
browser: $(CHROMIUM)

$(CHROMIUM):
	$(call apt_install,chromium,$(CHROMIUM),browser tests will skip.)

test: build browser
	$(BIN)/python -m pytest

# The API load bench drives wrk from Debian's packages; without it the bench stops at once.
wrk: $(WRK)

$(WRK):
	$(call apt_install,wrk,$(WRK),the API load bench cannot run.)

bench: build wrk
	$(BIN)/python -m bench

clean-outputs:
	rm -rf data/processed data/kb.duckdb models/topic
