"""Installing for a shared database: ``pip install 'vergoeding[postgresql]'`` brings the driver
(psycopg); without it, a PostgreSQL URL gives a Dutch message naming that command, never
"No module named 'psycopg'"."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from vergoeding.errors import ConfigError
from vergoeding.store.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
URL = "postgresql+psycopg://anna:geheim@127.0.0.1:1/vergoeding"


@pytest.fixture
def no_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where only ``pip install vergoeding`` ran: importing psycopg fails."""
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ModuleNotFoundError


def test_the_extra_brings_psycopg() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = meta["optional-dependencies"]["postgresql"]
    assert [d.split(">")[0] for d in extra] == ["psycopg[binary]"]
    assert not any(d.startswith("psycopg") for d in meta["dependencies"])  # SQLite needs nothing extra


def test_missing_driver_names_the_install_command(no_psycopg: None) -> None:
    with pytest.raises(ConfigError) as exc:
        make_engine(URL)
    msg = exc.value.message
    assert msg == ("database postgresql+psycopg://anna:***@127.0.0.1:1/vergoeding: het stuurprogramma voor "
                   "PostgreSQL (psycopg) is niet geïnstalleerd; installeer het met: "
                   "pip install 'vergoeding[postgresql]'. Er is niets gewijzigd.")


def test_missing_driver_on_the_command_line(no_psycopg: None, runner: CliRunner, cli: click.Group) -> None:
    r = runner.invoke(cli, ["--db", URL, "expert", "list"], prog_name="vergoeding")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "pip install 'vergoeding[postgresql]'" in r.stderr
    assert "No module named" not in r.stderr and "geheim" not in r.stderr and "Traceback" not in r.stderr
