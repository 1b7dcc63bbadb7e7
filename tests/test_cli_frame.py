"""The CLI frame: version, help with an example on every command, output formats, exit
codes, stdout/stderr, and what importing the library (or running a command) pulls in."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from clitools import all_commands
from conftest import HANG_GUARD, REPO, clean_env

from vergoeding import __version__

ALL_COMMANDS = all_commands()


def test_the_known_commands_are_there() -> None:
    assert {("limits", "show"), ("rates", "show"), ("rates", "check")} <= set(ALL_COMMANDS)


def test_version(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"vergoeding, versie {__version__}\n"


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "vergoeding")
def test_every_command_has_help_with_an_example(runner: CliRunner, cli: click.Group, path: tuple[str, ...]) -> None:
    result = runner.invoke(cli, [*path, "--help"], prog_name="vergoeding")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Gebruik: vergoeding {' '.join(path)}".rstrip())
    assert "Voorbeeld" in result.stdout, f"'vergoeding {' '.join(path)} --help' has no example"
    assert result.stderr == ""


def test_limits_show_json(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["limits", "show", "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["year"] == 2026
    figures = {f["key"]: f for f in data["figures"] if f["key"] != "minimum_wage_hour"}
    # DOMAIN.md (changed 2026-12-01): hourly figures secondary, month/year caps in the law text
    expected = {"volunteer_hour_21_plus": ("5.75", False, "minister"),
                "volunteer_hour_under_21": ("3.40", False, "minister"),
                "volunteer_month": ("220", True, "Wet LB 1964 art. 2 lid 6"),
                "volunteer_year": ("2200", True, "Wet LB 1964 art. 2 lid 6")}
    for key, (amount, confirmed, source) in expected.items():
        assert figures[key]["amount"] == amount
        assert figures[key]["confirmed"] is confirmed
        assert source in figures[key]["source"]
        assert figures[key]["valid_from"] == "2026-01-01"
    assert figures["vat_standard"]["amount"] == "0.21"
    assert figures["vat_standard"]["confirmed"] is True
    wages = [f for f in data["figures"] if f["key"] == "minimum_wage_hour"]
    assert [(w["amount"], w["valid_from"]) for w in wages] == [("14.71", "2026-01-01"), ("14.99", "2026-07-01")]
    assert all(f["source"] for f in data["figures"])
    assert all(f["source"] for f in data["figures"])
    assert result.stderr == ""  # the "not confirmed" note is for people (table) only


def test_limits_show_csv(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["limits", "show", "--year", "2024", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")  # the spreadsheet convention (render/csvtext.py)
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff")), delimiter=";"))
    assert list(rows[0]) == ["sleutel", "bedrag", "eenheid", "vanaf", "bevestigd", "omschrijving", "bron"]  # Dutch headers
    by_key = {r["sleutel"]: r for r in rows if r["sleutel"] != "minimum_wage_hour"}
    assert by_key["volunteer_month"]["bedrag"] == "210"
    assert by_key["volunteer_month"]["bevestigd"] == "ja"
    assert [(r["vanaf"], r["bedrag"]) for r in rows if r["sleutel"] == "minimum_wage_hour"] == [
        ("2024-01-01", "13,27"), ("2024-07-01", "13,68")]


def test_limits_show_table_marks_unconfirmed(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["limits", "show", "--year", "2026", "--breed"])  # one line a figure
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Fiscale grenzen 2026"
    month = next(line for line in lines if line.startswith("volunteer_month "))
    assert "220" in month and " ja " in month
    hour = next(line for line in lines if line.startswith("volunteer_hour_21_plus "))
    assert "€\u00a05,75" in hour and "NEE - niet bevestigd" in hour
    assert "secundaire bronnen" in result.stderr
    assert "Bevestigd door wettekst of Belastingdienst: 9 van 12 bedragen" in result.stderr


def test_limits_show_defaults_to_this_year(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["limits", "show", "--format", "json"], env={"VERGOEDING_TODAY": "2025-05-01"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"] == 2025


def test_missing_year_is_a_domain_error(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["limits", "show", "--year", "2028"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("fout: geen fiscale grenzen voor 2028: stel eerst een eigen map met tarieven in")
    assert "'vergoeding --rates MAP limits draft 2028'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [["limits", "show", "--year", "abc"], ["limits", "show", "--format", "xml"], ["limits", "nope"],
     ["rates", "check"], ["--no-such-option"]],
)
def test_bad_usage_exits_2(runner: CliRunner, cli: click.Group, args: list[str]) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Gebruik:" in result.stderr or "Fout" in result.stderr


def test_bad_config_is_exit_2(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--rates", str(tmp_path / "nope"), "limits", "show"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_rates_folder_from_the_environment(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    (tmp_path / "limits").mkdir()
    (tmp_path / "limits" / "2026.toml").write_text(
        (REPO / "rates" / "limits" / "2026.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(cli, ["limits", "show", "--year", "2021"], env={"VERGOEDING_RATES": str(tmp_path)})
    assert result.exit_code == 1
    assert f"maak het bestand {tmp_path}/limits/2021.toml met 'vergoeding limits draft 2021'" in result.stderr
    assert "aanwezig: 2022, 2023, 2024, 2025, 2026, 2027" in result.stderr
    # a year the organisation's folder lacks comes from the shipped files; its own file wins
    own = runner.invoke(cli, ["limits", "show", "--year", "2026", "--format", "json"],
                        env={"VERGOEDING_RATES": str(tmp_path)})
    assert own.exit_code == 0
    assert {r["source"] for r in json.loads(own.stdout)["figures"]} and \
        runner.invoke(cli, ["limits", "show", "--year", "2025"], env={"VERGOEDING_RATES": str(tmp_path)}).exit_code == 0


# --- what gets imported (subprocesses: a clean interpreter each) -----------------------

LIBRARY_IMPORT = """
import pkgutil, sys, importlib
import vergoeding
# vergoeding.web is an application at the edge like the command line: Flask itself imports click
names = [m.name for m in pkgutil.walk_packages(vergoeding.__path__, "vergoeding.")
         if not m.name.startswith(("vergoeding.commands", "vergoeding.web"))]
for name in names:
    importlib.import_module(name)
assert "vergoeding.api" in sys.modules and "vergoeding.core.money" in sys.modules
print(len(names), "click" in sys.modules)
"""


def test_importing_the_library_never_imports_click(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", LIBRARY_IMPORT], capture_output=True, text=True,
                          cwd=tmp_path, env=clean_env(), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    count, click_loaded = proc.stdout.split()
    assert int(count) >= 20
    assert click_loaded == "False", "a library module imports click; keep it in cli.py and vergoeding/commands/"


RUN_CLI = """
import sys
from vergoeding.__main__ import load_cli
try:
    load_cli().cli.main(sys.argv[1:], prog_name="vergoeding")
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"weasyprint", "openpyxl", "jinja2", "sqlalchemy"})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize(
    "args",
    [["limits", "show", "--year", "2026"], ["rates", "show", "--on", "2026-03-01"],
     ["rates", "check", str(REPO / "rates" / "ratecard.toml")]],
    ids=["limits show", "rates show", "rates check"],
)
def test_commands_that_render_nothing_do_not_import_renderers(tmp_path: Path, args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-c", RUN_CLI, *args], capture_output=True, text=True,
                          cwd=tmp_path, env=clean_env(VERGOEDING_DB=str(tmp_path / "x.db")), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    heavy = proc.stderr.strip().splitlines()[-1].removeprefix("HEAVY=").split(",")
    assert "weasyprint" not in heavy
    assert "openpyxl" not in heavy
    assert proc.stdout.strip()


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "vergoeding", "limits", "show", "--year", "2022", "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {f["key"]: f["amount"] for f in data["figures"]}["volunteer_month"] == "180"
