"""Importing hours from the sheet an office has (tests/data/office/, made by make_office.py
there): a title block above the header, a sheet named 'Uren oktober', an expert-name column
cross-checked against the code, an 'opmerking' column named in a notice; the same workbook as
.xlsx, .ods and .xls gives the same entries; and the refusals hold for every format."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.api import ledger as api
from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s

OFFICE = Path(__file__).resolve().parent / "data" / "office"
EXPECTED = [("2026-10-05", 120, "12", "training team Noord"), ("2026-10-06", 90, "0", ""),
            ("2026-10-07", 90, "3.5", "")]


@pytest.fixture
def db(tmp_db: Path) -> Path:
    w = open_workspace(db=str(tmp_db))
    api.add_organisation(w, api.OrganisationData(code="UTR", name="Gemeente Utrecht"))
    api.add_expert(w, api.ExpertData(code="E001", name="Fatima el Amrani"))
    api.add_engagement(w, api.EngagementData(code="G001", expert="E001", client="UTR", role="trainer",
                                             regime="vrijwilliger", start_date=date(2026, 1, 1),
                                             end_date=date(2027, 1, 1), travel_policy="km"))
    w.close()
    return tmp_db


def stored(path: Path) -> list[tuple[str, int, str, str]]:
    w = open_workspace(db=str(path))
    try:
        with w.engine.connect() as conn:
            e = s.entries
            return [(r[0].isoformat(), r[1], r[2], r[3]) for r in
                    conn.execute(select(e.c.work_date, e.c.minutes, e.c.km, e.c.activity).order_by(e.c.work_date))]
    finally:
        w.close()


def run(runner: CliRunner, cli: click.Group, name: str) -> Any:
    result = runner.invoke(cli, ["import", str(OFFICE / name)], env={"VERGOEDING_TODAY": "2026-11-01"})
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name", ["kantoor.xlsx", "kantoor.ods", "kantoor.xls"])
def test_office_workbook_in_every_format(name: str, db: Path, runner: CliRunner, cli: click.Group) -> None:
    result = run(runner, cli, name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "uren: 3 toegevoegd\n"
    # the title rows are skipped, the name column is checked, the extra column is named
    assert result.stderr == (f"let op: {name}, blad Uren oktober: kolom 'opmerking' wordt niet ingelezen "
                             "(geen kolom van uren)\n")
    assert [(d, m, km) for d, m, km, _ in stored(db)] == [(d, m, km) for d, m, km, _ in EXPECTED]


def test_a_name_of_someone_else_is_refused(db: Path, runner: CliRunner, cli: click.Group) -> None:
    result = run(runner, cli, "andere-naam.xlsx")
    assert result.exit_code == 1 and result.stdout == ""
    assert ("andere-naam.xlsx, blad Uren oktober, rij 5, kolom/veld naam deskundige: 'Piet Jansen' past niet bij "
            "de code: opdracht G001 is van Fatima el Amrani (E001). Controleer de code of de naam") in result.stderr
    assert stored(db) == []


def test_a_misspelt_column_is_refused(db: Path, runner: CliRunner, cli: click.Group) -> None:
    result = run(runner, cli, "typfout.xlsx")
    assert result.exit_code == 1
    assert ("typfout.xlsx, blad Uren oktober, kolom/veld datm: onbekende kolom; bedoelt u 'datum'?"
            in result.stderr)
    assert stored(db) == []


@pytest.mark.parametrize(("name", "message"), [
    ("verborgen.ods", "verborgen.ods, blad Uren oktober: blad 'Uren oktober' is verborgen"),
    ("samengevoegd.ods", "samengevoegd.ods, blad Uren oktober, rij 5, kolom/veld uren: cellen E5:E6 zijn "
                         "samengevoegd"),
    ("samengevoegd.xls", "samengevoegd.xls, blad Uren oktober, rij 5, kolom/veld uren: cellen E5:E6 zijn "
                         "samengevoegd"),
])
def test_refusals_hold_for_ods_and_xls(name: str, message: str, db: Path, runner: CliRunner,
                                       cli: click.Group) -> None:
    result = run(runner, cli, name)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr, result.stderr
    assert stored(db) == []


def test_an_ods_zip_bomb_is_refused_before_reading(tmp_path: Path, db: Path, runner: CliRunner,
                                                   cli: click.Group, monkeypatch: pytest.MonkeyPatch) -> None:
    import struct
    import zipfile

    import python_calamine

    path = tmp_path / "bom.ods"
    path.write_bytes((OFFICE / "kantoor.ods").read_bytes())
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x01\x02")
    while data[i + 46:i + 46 + 11] != b"content.xml":
        i = data.find(b"PK\x01\x02", i + 4)
    struct.pack_into("<I", data, i + 24, 1_500_000_000)  # the declared uncompressed size of content.xml
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("content.xml").file_size == 1_500_000_000
    opened: list[object] = []
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", lambda *a, **k: opened.append(a))
    result = runner.invoke(cli, ["import", str(path)])
    assert result.exit_code == 1
    assert "bom.ods: deel content.xml zou uitpakken tot 1.500 MB" in result.stderr
    assert opened == []
