# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Terminal tables fit 100 columns (issue 21, item 4; ``vergoeding/commands/_table.py``): every
command with a table, on an administration with long names, prints no line over 100
characters and still every word and every amount of the wide table; ``--breed`` prints the wide
table, one line a record; ``--format csv`` and ``json`` are not wrapped."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import builders as b
import click
import pytest
from click.testing import CliRunner
from test_bank_import import camt

from vergoeding.api.workspace import open_workspace
from vergoeding.commands._table import block_lines, table_lines, wrap
from vergoeding.mail.outbox import Mail, queue_many

ANNA = "Anna-Maria van den Berg-Oosterhuis"
MO = "Mohamed Abdelkader el Bouzidi-Verschuren"
CLIENT = "Gemeente Utrechtse Heuvelrug en de Vallei van de Kromme Rijn"
WORK = "Meedenken over armoedebeleid en schuldhulpverlening in de wijk Overvecht-Noord"
ENV = {"VERGOEDING_TODAY": "2026-11-20"}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Long names everywhere; October worked, invoiced, partly paid by the bank; a portal account."""
    from vergoeding.__main__ import load_cli

    cli = load_cli().cli
    path = tmp_path_factory.mktemp("narrow") / "narrow.db"
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Netwerk Ervaringskracht Midden-Nederland en Omstreken")
        b.org(c, "GEM", name=CLIENT, city="Wijk bij Duurstede")
        b.expert(c, "E001", name=ANNA, city="Nieuwegein-Zuid")
        b.expert(c, "E002", name=MO, city="Utrecht")
        b.engagement(c, "G001", "E001", "GEM", description="Ervaringsdeskundige inzet bij het toegangsteam jeugd en gezin")
        b.engagement(c, "G002", "E002", "GEM", description="Klantpanel armoede en schulden, wijk Overvecht en Kanaleneiland")
        b.expert(c, "E003", name="Johannes Wilhelmus van der Heijden-Scholten")
        b.engagement(c, "G003", "E003", "GEM", regime="particulier", description="Schrijven van een adviesrapport")
        for day in (5, 12, 19, 26):
            b.entry(c, "G001", date(2026, 10, day), minutes=300, activity=WORK, km="18.5")
        for day in range(5, 28):  # 23 x 3 h x 5.75 = 396.75: over the month cap
            b.entry(c, "G002", date(2026, 10, day), minutes=180, activity="Klantpanel armoede en schulden")
    eng.dispose()
    env = {"VERGOEDING_DB": str(path), **ENV}
    run = CliRunner(env=env).invoke
    r = run(cli, ["invoice", "create", "--client", "GEM", "--period", "2026-10"])
    assert r.exit_code == 0, r.output
    number = json.loads(run(cli, ["invoice", "list", "--format", "json"]).stdout)[0]["number"]
    statement = path.parent / "afschrift.xml"
    statement.write_bytes(camt([{"ref": "B1", "date": "2026-11-18", "amount": "100.00", "who": CLIENT,
                                 "text": f"Gedeeltelijke betaling factuur {number} {CLIENT}"}]))
    assert run(cli, ["bank", "import", str(statement)]).exit_code in (0, 1)
    mail = "anna-maria.vandenberg-oosterhuis@ervaringskracht-midden.example.org"
    assert run(cli, ["user", "invite", "--expert", "E001", "--email", mail, "--print-link"]).exit_code == 0
    ws = open_workspace(db=str(path))
    queue_many(ws, [Mail("statement", mail, f"Uw specificatie van oktober 2026 ({ANNA}, {WORK})", "tekst")])
    ws.close()
    assert run(cli, ["engagement", "exception", "G003", "--kind", "intellectueel", "--decided-by",
                     "A. de Vries-Zwanenburg, controller financiën en bedrijfsvoering", "--reason",
                     "schrijft adviesrapporten over armoedebeleid voor de gemeenteraad en de wethouder"]).exit_code == 0
    return path, number


def commands(number: str) -> list[list[str]]:
    return [["expert", "list"], ["org", "list"], ["engagement", "list"], ["expert", "show", "E001"],
            ["org", "show", "GEM"], ["engagement", "show", "G001"], ["invoice", "list"], ["invoice", "show", number],
            ["contracts"], ["audit"], ["bank", "list"], ["limits", "show", "--year", "2026"], ["rates", "show"],
            ["room", "--expert", "E002", "--on", "2026-10-31"], ["check", "--period", "2026-10"],
            ["hours", "--expert", "E001", "--year", "2026"], ["statement", "--expert", "E001", "--year", "2026"],
            ["user", "list"], ["mail", "list"], ["engagement", "exception", "G003", "--list"]]


TABLES = [["expert", "list"], ["org", "list"], ["engagement", "list"], ["invoice", "list"], ["contracts"],
          ["bank", "list"], ["limits", "show", "--year", "2026"], ["rates", "show"], ["user", "list"], ["mail", "list"]]


def words(text: str) -> list[str]:
    """Every word of an output, in order; an amount ("€ 1.234,56", no-break space) is one word;
    the rule of dashes under a header is not a word."""
    return [w for w in re.split(r"[ \t\n]+", text) if w and set(w) != {"-"}]


def values(wide: str) -> str:
    """The wide output without its header line (a narrow block leaves out the names of empty cells)."""
    lines = wide.splitlines()
    header = {i - 1 for i, line in enumerate(lines) if line and set(line.replace(" ", "")) == {"-"}}
    return "\n".join(line for i, line in enumerate(lines) if i not in header)


def invoke(cli: click.Group, db: Path, args: list[str]):
    return CliRunner(env={"VERGOEDING_DB": str(db), **ENV}).invoke(cli, args)


def test_every_table_fits_100_columns_and_keeps_every_word_and_amount(cli, admin) -> None:
    db, number = admin
    for args in commands(number):
        narrow, wide = invoke(cli, db, args), invoke(cli, db, [*args, "--breed"])
        assert narrow.exit_code == wide.exit_code and narrow.exit_code in (0, 1), (args, narrow.output)
        too_long = [line for line in narrow.stdout.splitlines() if len(line) > 100]
        assert too_long == [], (args, too_long)
        missing = Counter(words(values(wide.stdout))) - Counter(words(narrow.stdout))
        assert not missing, (args, missing)
    # the wide ones really were wide: the fix is not vacuous
    wide_lines = {tuple(a): max(map(len, invoke(cli, db, [*a, "--breed"]).stdout.splitlines())) for a in TABLES}
    assert sum(n > 100 for n in wide_lines.values()) >= 5, wide_lines


def test_long_names_and_amounts_are_read_whole(cli, admin) -> None:
    db, number = admin
    out = invoke(cli, db, ["expert", "list"]).stdout
    assert ANNA in out and MO in out  # fits: not wrapped at all
    shown = invoke(cli, db, ["invoice", "show", number]).stdout
    # 4 x 5 h x the client rate 37.50 = 750.00; 23 x 3 h = 69 h x 37.50 = 2,587.50
    assert "€\u00a0750,00" in shown and "€\u00a02.587,50" in shown
    check = invoke(cli, db, ["check", "--period", "2026-10"]).stdout
    assert "€ 396,75" in check and "€ 220,00" in check  # a wrapped message never splits an amount
    room = invoke(cli, db, ["room", "--expert", "E002", "--on", "2026-10-31"]).stdout
    assert "oktober 2026" in room and "€\u00a0396,75" in room


def test_breed_prints_one_line_a_record_and_machine_formats_are_unchanged(cli, admin) -> None:
    db, _ = admin
    for args in TABLES:
        wide = invoke(cli, db, [*args, "--breed"]).stdout.splitlines()
        csv_plain = invoke(cli, db, [*args, "--format", "csv"]).stdout
        assert invoke(cli, db, [*args, "--format", "csv", "--breed"]).stdout == csv_plain, args
        records = len(csv_plain.splitlines()) - 1
        dashes = next(i for i, line in enumerate(wide) if set(line.replace(" ", "")) == {"-"})
        assert len(wide) - dashes - 1 == records > 0, (args, wide)
        js = invoke(cli, db, [*args, "--format", "json"]).stdout
        assert js == invoke(cli, db, [*args, "--format", "json", "--breed"]).stdout and "\n" in js
    lines = invoke(cli, db, ["expert", "list", "--format", "csv"]).stdout.splitlines()
    assert any(ANNA in line for line in lines)
    assert json.loads(invoke(cli, db, ["org", "list", "--format", "json"]).stdout)[1]["name"] == CLIENT


def test_the_layout_wraps_in_the_column_then_falls_back_to_blocks() -> None:
    names = ["code", "naam", "bedrag"]
    rows = [["E001", ANNA, "€\u00a01.234,56"], ["E002", "Bram", "€\u00a05,00"]]
    assert table_lines(names, rows, width=34) == [  # the name wraps in its column, between words
        "code  naam              bedrag",
        "----  ----------------  ----------",
        "E001  Anna-Maria van    €\u00a01.234,56",
        "      den",
        "      Berg-Oosterhuis",
        "E002  Bram              €\u00a05,00"]
    assert table_lines(names, rows, width=30) == [  # the longest words do not fit side by side: blocks
        "code    E001", "naam    Anna-Maria van den", "        Berg-Oosterhuis", "bedrag  €\u00a01.234,56", "",
        "code    E002", "naam    Bram", "bedrag  €\u00a05,00"]
    assert table_lines(names, rows, width=None)[2] == "E001  " + ANNA + "  €\u00a01.234,56"
    assert block_lines([("naam", ANNA), ("plaats", "")], width=60) == ["naam  " + ANNA]  # an empty value is left out
    assert wrap("de grens is € 220,00, dus € 61,06 te veel", indent="    ", width=32) == [
        "    de grens is € 220,00, dus", "    € 61,06 te veel"]
