"""The command line speaks Dutch: every ``--help`` and a sample of error paths carry no English
click phrase and no amount written with a decimal point. The command list is read from the
CLI itself, so commands added later are covered too."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from clitools import all_commands

from vergoeding.commands import _nl


def _click_msgids() -> Iterator[tuple[str, str | None]]:
    """Every (singular, plural) text click passes through gettext, read from its source."""
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if args:
                    yield args[0], (args[1] if node.func.id == "ngettext" and len(args) > 1 else None)


MSGIDS = list(_click_msgids())


def test_click_source_was_read() -> None:
    assert ("Show this message and exit.", None) in MSGIDS and len(MSGIDS) > 50


@pytest.mark.parametrize("singular,plural", MSGIDS, ids=lambda m: (m or "")[:40])
def test_every_click_message_has_a_dutch_text(singular: str, plural: str | None) -> None:
    assert singular in _nl.MESSAGES, f"click message not translated in vergoeding/commands/_nl.py: {singular!r}"
    if plural is not None:
        assert singular in _nl.PLURALS, f"plural not translated: {plural!r}"
    # the placeholders survive translation (else .format() would fail or lose a value)
    fields = set(re.findall(r"\{[^}]*\}|%\([a-z]+\)s", singular))
    assert fields <= set(re.findall(r"\{[^}]*\}|%\([a-z]+\)s", _nl.MESSAGES[singular])) | {"{e}"}


def _english_fragments() -> set[str]:
    """The fixed words of click's messages ("Show this message and exit.", "Missing option", ...)."""
    out = set()
    for singular, plural in MSGIDS:
        for text in (singular, plural or ""):
            for part in re.split(r"\{[^}]*\}|%\([a-z]+\)s|\n\t", text):
                part = part.strip(" .:!?()'")
                if len(part) >= 6 and " " in part or part in ("Usage", "Options", "Commands", "Aborted", "required"):
                    out.add(part)
    return out


ENGLISH = sorted(_english_fragments() | {
    "[OPTIONS]", "COMMAND", "[ARGS]", "TEXT", "INTEGER", "FLOAT", "BOOLEAN", "PATH", "FILE", "DIRECTORY",
    "FILENAME", "Error", "version", "default:", "env var", "NUMBER", "ENTRY_ID", "CONCEPT_ID", "FILES",
})
# An amount with a decimal point: "€ 535.29", "8154.19", "Grens 3.40" (a date 23.11.2026 is not one).
POINT_MONEY = re.compile(r"€\s?-?\d[\d.]*\.\d{2}(?!\d)|(?<![\d.])\d+\.\d{2}(?![\d.])")


def assert_dutch(text: str, where: str) -> None:
    found = [e for e in ENGLISH if re.search(rf"(?<![A-Za-z-]){re.escape(e)}(?![A-Za-z])", text)]
    assert not found, f"{where}: English click text {found} in:\n{text}"
    money = POINT_MONEY.findall(text)
    assert not money, f"{where}: amount with a decimal point {money} in:\n{text}"


def test_the_checks_catch_what_they_look_for() -> None:
    for bad in ("Usage: x [OPTIONS]", "Error: Invalid value for '--x'", "totaal € 535.29", "Grens 3.40 (2026)",
                "  -h, --help  Show this message and exit.", "--name TEXT"):
        with pytest.raises(AssertionError):
            assert_dutch(bad, "probe")
    assert_dutch("Gebruik: x [OPTIES]\nFout: Ongeldige waarde; € 1.234,56 op 23.11.2026, versie 0.1.0", "probe")


ALL_COMMANDS = all_commands()


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "vergoeding")
def test_help_is_dutch(runner: CliRunner, cli: click.Group, path: tuple[str, ...]) -> None:
    result = runner.invoke(cli, [*path, "--help"], prog_name="vergoeding")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Gebruik: vergoeding")
    assert_dutch(result.stdout, f"vergoeding {' '.join(path)} --help")


def test_version_is_dutch(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["--version"], prog_name="vergoeding")
    assert result.exit_code == 0 and result.stdout.startswith("vergoeding, versie ")


@pytest.fixture
def admin(runner: CliRunner, cli: click.Group) -> CliRunner:
    """A small administration: the own organisation, one client, one expert."""
    for args in (["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Test", "--kvk", "12345678"],
                 ["org", "add", "--code", "UTR", "--name", "Gemeente Utrecht"],
                 ["expert", "add", "--code", "E001", "--name", "Fatima el Amrani"],
                 ["expert", "declare", "--expert", "E001", "--year", "2026", "--month", "11", "--amount", "1234,5",
                  "--organisation", "Buurthuis"]):
        r = runner.invoke(cli, args)
        assert r.exit_code == 0, r.output
    return runner


ERRORS: list[tuple[list[str], int, str]] = [
    (["org", "list", "--format", "xml"], 2, "Ongeldige waarde voor '--format': 'xml' is geen geldige keuze"),
    (["org", "show"], 2, "Ontbrekend argument 'CODE'"),
    (["hours"], 2, "Ontbrekende optie '--expert'"),
    (["nope"], 2, "Onbekende opdracht 'nope'"),
    (["org", "lst"], 2, "Onbekende opdracht 'lst'"),
    (["org", "list", "--kindd", "own"], 2, "Onbekende optie '--kindd'"),
    (["approve", "--period", "2026-13"], 2, "maand 13 bestaat niet"),
    (["approve", "--period", "volgende maand"], 2, "is geen periode"),
    (["approve", "--period"], 2, "Optie '--period' heeft een waarde nodig"),
    (["org", "add", "--name", "X", "--payment-term", "999"], 2, "valt buiten het bereik"),
    (["expert", "declare", "--expert", "E001", "--year", "twee", "--amount", "1", "--organisation", "x"], 2,
     "geen geldig getal"),
    (["expert", "show", "E999"], 1, "'E999' bestaat niet"),
    (["invoice", "show", "2099-0001"], 1, "2099-0001"),
    (["engagement", "show", "G404"], 1, "G404"),
    (["org", "show", "UTR", "extra"], 2, "Onverwacht extra argument (extra)"),
    (["rates", "check", "/geen/bestand.toml"], 1, "/geen/bestand.toml"),
]


@pytest.mark.parametrize("args,code,message", ERRORS, ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_error_paths_are_dutch(admin: CliRunner, cli: click.Group, args: list[str], code: int, message: str) -> None:
    result = admin.invoke(cli, args, prog_name="vergoeding")
    assert result.exit_code == code, result.output
    assert message in result.stdout + result.stderr
    if code == 2:
        assert result.stdout == ""
    assert_dutch(result.stdout + result.stderr, f"vergoeding {' '.join(args)}")


def test_show_output_is_dutch_with_euros(admin: CliRunner, cli: click.Group) -> None:
    r = admin.invoke(cli, ["expert", "show", "E001"])
    assert r.exit_code == 0, r.output
    assert "naam                   Fatima el Amrani" in r.stdout
    assert "verklaringen           november 2026 Buurthuis: €\u00a01.234,50" in r.stdout
    assert "date_of_birth" not in r.stdout and "employed_by_us" not in r.stdout
    assert_dutch(r.stdout, "expert show")
    data = json.loads(admin.invoke(cli, ["expert", "show", "E001", "--format", "json"]).stdout)
    assert data["name"] == "Fatima el Amrani" and "€" not in json.dumps(data)
    r = admin.invoke(cli, ["org", "show", "EIGEN"])
    assert "soort                           eigen" in r.stdout and "KvK-nummer                      12345678" in r.stdout


def test_audit_says_when_it_is_cut_short(admin: CliRunner, cli: click.Group) -> None:
    r = admin.invoke(cli, ["audit", "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert "2 van 4 regels getoond; gebruik --limit voor meer." in r.stderr
    assert "toegevoegd" in r.stdout and "verklaring" in r.stdout
    data = json.loads(admin.invoke(cli, ["audit", "--limit", "2", "--format", "json"]).stdout)
    assert (data["total"], data["shown"], len(data["rows"])) == (4, 2, 2)
    assert data["rows"][-1]["action"] == "add" and data["rows"][-1]["entity"] == "declaration"
    r = admin.invoke(cli, ["audit"])
    assert "getoond" not in r.stderr


def test_check_json_has_decimal_strings_not_euro_texts(admin: CliRunner, cli: click.Group) -> None:
    from vergoeding.commands._common import finding_json
    from vergoeding.core.findings import Finding, Severity

    f = Finding(Severity.ERROR, "volunteer.month_cap", "te veel", figures={"geteld": "€\u00a01.281,06", "grens": "€ 220,00",
                                                                          "regime": "vrijwilliger"})
    assert finding_json(f)["figures"] == {"geteld": "1281.06", "grens": "220.00", "regime": "vrijwilliger"}
    data = json.loads(admin.invoke(cli, ["expert", "show", "E001", "--format", "json"]).stdout)
    assert data["declarations"] == [{"year": 2026, "month": 11, "organisation": "Buurthuis", "amount": "1234.50"}]


@pytest.mark.parametrize(("attr", "shown"), [("from", "vanaf"), ("amount", "vast bedrag"), ("client", "opdrachtgever"),
                                             ("output", "uitvoerbestand"), ("datum", "datum"), ("kleur", "kleur")])
def test_an_input_error_names_its_field_in_dutch(attr: str, shown: str) -> None:
    """Attribute names given as the field of an error read in Dutch; a field that is already
    a (Dutch) column name of a file stays as it is."""
    from vergoeding.errors import InputError

    err = InputError("iets klopt niet", field=attr)
    assert err.field == shown and str(err) == f"kolom/veld {shown}: iets klopt niet"
