"""Shared fixtures. Tests never depend on the developer's environment: every
``VERGOEDING_*`` variable is removed for each CliRunner invocation."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from vergoeding.__main__ import load_cli

REPO = Path(__file__).resolve().parent.parent
RATES = REPO / "rates"

# A hang guard for subprocesses and queues, not a speed requirement: far beyond anything a
# busy machine needs, it only turns a deadlock into a failure instead of a CI run that never
# ends. Tests assert behaviour, never time (timing lives in `make bench`, as ratios).
HANG_GUARD = 1800  # seconds


def clean_env(**extra: str) -> dict[str, str]:
    """``os.environ`` without any ``VERGOEDING_*`` variable, plus ``extra`` (for subprocesses)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERGOEDING_")}
    env.update(extra)
    return env


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a fresh SQLite database (the file does not exist yet)."""
    return tmp_path / "vergoeding.db"


@pytest.fixture
def cli() -> click.Group:
    """The root click group, loaded the way the console script loads it."""
    group = load_cli().cli
    assert isinstance(group, click.Group)
    return group


@pytest.fixture
def runner(tmp_db: Path) -> CliRunner:
    """A CliRunner with separate ``result.stdout`` / ``result.stderr`` (click 8.2+), the
    ``VERGOEDING_*`` environment cleared and the database pointed at ``tmp_db``."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    return CliRunner(env={**unset, "VERGOEDING_DB": str(tmp_db)})


@pytest.fixture(scope="session")
def ubl_rules():  # type: ignore[no-untyped-def]
    """The UBL 2.1 XSD and the official e-invoice rule sets (CEN, Peppol, NLCIUS), compiled
    once per test session (a few seconds) and shared by every test that validates UBL."""
    from einvoice_rules import UblRules

    rules = UblRules()
    yield rules
    rules.close()
