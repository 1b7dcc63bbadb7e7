"""Start-up imports only what the command needs: ``--help``, ``--version`` and every
command's ``--help`` load no database, pydantic, openpyxl, WeasyPrint, babel or Jinja2
module, and not the limits or store code. A behaviour test (which modules Python loaded),
not a timing test: the CPU it costs is measured by ``make bench`` (case ``startup``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HANG_GUARD, clean_env

# which modules a fresh process loads; its database is a SQLite file on both runs: runs once
pytestmark = pytest.mark.no_database

HEAVY = ("sqlalchemy", "pydantic", "pydantic_core", "openpyxl", "weasyprint", "babel", "jinja2", "psycopg",
         "vergoeding.store", "vergoeding.data.limits", "vergoeding.data.ratecard", "vergoeding.documents",
         "vergoeding.render")


# Cheap on purpose, so the command line may use them anywhere (Dutch amounts and dates).
CHEAP = ("vergoeding.render", "vergoeding.render.formatting")


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m not in CHEAP and any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_dutch_formatting_is_cheap_to_import(tmp_path: Path) -> None:
    code = "import sys, vergoeding.render.formatting; print(' '.join(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    assert _heavy(proc.stdout.split()) == []


# The real entry point (``python -m vergoeding``), with the modules loaded at exit written
# to a file. (Not ``-X importtime``: it does not see modules loaded with importlib.)
RUN = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "vergoeding"
runpy.run_module("vergoeding", run_name="__main__", alter_sys=True)
"""


def _imported(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``python -m vergoeding ARGS``; the modules it had loaded when it exited."""
    dump = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", RUN, str(dump), *args], capture_output=True, text=True,
                          cwd=tmp_path, env=clean_env(VERGOEDING_DB=str(tmp_path / "x.db")), timeout=HANG_GUARD)
    return proc, json.loads(dump.read_text())


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["hours", "--help"], ["invoice", "create", "--help"],
                                  ["check", "--help"], ["limits", "show", "--help"]], ids=" ".join)
def test_help_and_version_import_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    proc, modules = _imported(args, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "click" in modules and "vergoeding.commands._common" in modules or args == ["--version"]
    assert _heavy(modules) == []
    assert not (tmp_path / "x.db").exists()  # nothing opened the database
    if args == ["--help"]:
        assert "Vergoedingen, facturen en contracten" in proc.stdout
        assert all(f"  {name} " in proc.stdout for name in ("hours", "room", "check", "invoice", "payout"))


# Every command's --help in one process, then the modules that process holds.
EVERY_HELP = """
import json, sys
import click
from vergoeding.__main__ import load_cli

root = load_cli().cli
seen = []

def walk(cmd, path):
    try:
        root.main([*path, "--help"], prog_name="vergoeding", standalone_mode=False)
    except SystemExit:
        pass
    seen.append(" ".join(path))
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            walk(cmd.get_command(ctx, name), [*path, name])

walk(root, [])
print(json.dumps({"seen": seen, "modules": sorted(sys.modules)}))
"""


def test_every_help_imports_nothing_heavy(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", EVERY_HELP], capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(VERGOEDING_DB=str(tmp_path / "x.db")), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.splitlines()[-1])
    assert {"", "hours", "room", "check", "invoice create", "org add", "rates check", "report derden"} <= set(out["seen"])
    assert len(out["seen"]) >= 40
    assert _heavy(out["modules"]) == []
    assert not (tmp_path / "x.db").exists()


def test_a_read_command_loads_its_own_module_only(tmp_path: Path) -> None:
    """``room`` needs the database and the limits, but not the invoice, payout or import code."""
    made, _ = _imported(["org", "add", "--code", "UTR", "--name", "Gemeente Utrecht"], tmp_path)
    assert made.returncode == 0, made.stderr  # a reading command refuses a database that is not there
    proc, modules = _imported(["room", "--expert", "E001", "--on", "2026-11-01"], tmp_path)
    assert "vergoeding.commands.checks" in modules and "sqlalchemy" in modules
    assert not {"vergoeding.commands.invoices", "vergoeding.commands.payout", "vergoeding.commands.importing",
                "openpyxl", "weasyprint"} & set(modules)
    assert proc.returncode != 0 and "E001" in proc.stderr  # the empty database has no such expert
