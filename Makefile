# Two commands from a fresh clone: `make demo` and `make test` (README, "Quick start").
# Both create .venv when it is missing; `python3` so that this works on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup sysdeps demo test test-sqlite docs bench clean distclean

setup: sysdeps $(STAMP)

# System libraries for PDF rendering and pdftotext (Debian); warns when it cannot install.
sysdeps:
	@bash .ci/sysdeps.sh

# Reinstall only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml | sysdeps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e ".[dev]"
	@touch $@

# The most complete main job that exists: a fictional administration built in demo/
# (demo/vergoeding.db and the documents).
demo: setup
	$(BIN)/vergoeding demo --out demo

# The suite runs twice, side by side: on SQLite and on a throwaway PostgreSQL cluster
# (.ci/test-both.sh starts and removes it). `make test-sqlite` runs only the first.
test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	bash .ci/test-both.sh $(BIN)/pytest

test-sqlite: setup
	$(BIN)/pytest

# Regenerate docs/CLI.md from the click commands (tests/test_docs_cli.py checks it).
docs: setup
	$(BIN)/python docs/gen_cli.py

# SQLite at full size, then the database cases on a throwaway PostgreSQL server (a tenth the size).
bench: setup
	bash .ci/with-pg.sh $(BIN)/python -m bench

clean:
	rm -rf build dist demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
