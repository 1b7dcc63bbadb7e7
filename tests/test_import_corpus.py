"""The bad-input corpus (tests/data/import/, written by make_corpus.py there) through the real
command, ``vergoeding import FILE``: every file gives the right entries, or a clear error
naming file, sheet, row and column, a non-zero exit, no traceback, and the database exactly
as before (every table compared row by row)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from dutch_only import assert_dutch
from sqlalchemy import select

from bench.import_case import huge_workbook
from vergoeding.api import ledger as api
from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s

CORPUS = Path(__file__).resolve().parent / "data" / "import"


@pytest.fixture
def db(tmp_db: Path) -> Path:
    w = open_workspace(db=str(tmp_db))
    api.add_organisation(w, api.OrganisationData(code="UTR", name="Gemeente Utrecht"))
    api.add_expert(w, api.ExpertData(code="E001", name="Fatima"))
    api.add_engagement(w, api.EngagementData(code="G001", expert="E001", client="UTR", role="trainer",
                                             regime="vrijwilliger", start_date=date(2026, 1, 1),
                                             end_date=date(2027, 1, 1), travel_policy="km"))
    w.close()
    return tmp_db


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    w = open_workspace(db=str(path))
    try:
        with w.engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in s.metadata.sorted_tables}
    finally:
        w.close()


def stored_entries(path: Path) -> list[tuple[str, int, str, int, bool, str]]:
    e = s.entries
    w = open_workspace(db=str(path))
    try:
        with w.engine.connect() as conn:
            rows = conn.execute(select(e.c.work_date, e.c.minutes, e.c.km, e.c.expense_cents, e.c.expense_receipt,
                                       e.c.activity).order_by(e.c.work_date))
            return [(r[0].isoformat(), r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]
    finally:
        w.close()


# file -> the entries it stores: (date, minutes, km, expense cents, receipt, activity)
GOOD = {
    "dutch-dates.xlsx": [("2026-10-03", 120, "12", 450, True, "training"),
                         ("2026-10-04", 90, "0", 0, False, "voorbereiding"),
                         ("2026-10-05", 150, "7.5", 0, False, "gesprek"),
                         ("2026-10-06", 45, "0", 230, False, "overleg")],
    "formulas-saved.xlsx": [("2026-10-05", 120, "12", 0, False, "training"),
                            ("2026-10-06", 120, "3", 0, False, "training")],
    "empty-rows.xlsx": [("2026-10-07", 60, "0", 0, False, "training"), ("2026-10-08", 120, "0", 0, False, "training"),
                        ("2026-10-09", 180, "0", 0, False, "training")],
    "uren-cp1252.csv": [("2026-10-12", 150, "12.5", 450, True, "café-overleg"),
                        ("2026-10-13", 60, "0", 0, False, "voorlichting € en ë")],
    "uren-bom.csv": [("2026-10-14", 150, "12.5", 450, True, "café-overleg"),
                     ("2026-10-15", 60, "0", 0, False, "voorlichting € en ë")],
    "wrong-sheet.xlsx": [("2026-10-03", 120, "0", 0, False, "")],  # sheet 'Blad1': an hours sheet by its headers
    "uren-puntkomma.csv": [("2026-10-16", 75, "12.5", 123456, True, "training"),
                           ("2026-10-17", 30, "3", 5, False, "training")],
}

# file -> the lines the error must show (each names file, sheet, row and column where they exist)
BAD = {
    "not-a-zip.xlsx": ["not-a-zip.xlsx: dit is geen Excel-werkmap (.xlsx)"],
    "unknown-sheet.xlsx": ["unknown-sheet.xlsx: blad 'Blad1' wordt niet herkend (verwacht: organisaties, "
                           "deskundigen, verklaringen, opdrachten, uren); er staat geen rij met de kolomkoppen van "
                           "een van die bladen in"],
    "missing-column.xlsx": ["missing-column.xlsx, blad uren, kolom/veld datum: verplichte kolom ontbreekt"],
    "merged-cells.xlsx": ["merged-cells.xlsx, blad uren, rij 2, kolom/veld datum: cellen B2:B3 zijn samengevoegd; "
                          "maak het samenvoegen ongedaan en vul elke cel apart in"],
    "formulas.xlsx": ["formulas.xlsx, blad uren, rij 2, kolom/veld uren: cel C2 bevat een formule (=1+1) zonder "
                      "opgeslagen uitkomst; open het bestand in Excel en sla het op, of plak de cellen als waarden",
                      "formulas.xlsx, blad uren, rij 2, kolom/veld km: cel E2 bevat een formule (=2*6) zonder "
                      "opgeslagen uitkomst"],
    "text-in-number.xlsx": ["2 fout(en) gevonden; er is niets opgeslagen.",
                            "text-in-number.xlsx, blad uren, rij 4, kolom/veld uren: 'twee' is geen duur",
                            "text-in-number.xlsx, blad uren, rij 4, kolom/veld km: 'twaalf' is geen bedrag"],
    "huge-string.xlsx": ["huge-string.xlsx, blad uren, rij 2, kolom/veld activiteit: tekst van ",
                         "tekens is te lang (hoogstens 1000)"],
    "uren-binary.csv": ["uren-binary.csv, rij 2: deze regel bevat een teken dat in UTF-8 noch in Windows-1252 bestaat"],
}


def run_import(runner: CliRunner, cli: click.Group, path: Path) -> Any:
    result = runner.invoke(cli, ["import", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_dutch(result.output)
    return result


def test_corpus_is_complete() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".csv")}
    assert files == set(GOOD) | set(BAD)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_file_stores_the_right_entries(name: str, db: Path, runner: CliRunner, cli: click.Group) -> None:
    result = run_import(runner, cli, CORPUS / name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"uren: {len(GOOD[name])} toegevoegd\n" and result.stderr == ""
    assert stored_entries(db) == GOOD[name]
    before = dump(db)
    again = run_import(runner, cli, CORPUS / name)  # the same file twice: stored once
    assert again.exit_code == 0 and "stonden er al en zijn overgeslagen" in again.stdout
    assert dump(db) == before


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_refused_clearly_and_changes_nothing(name: str, db: Path, runner: CliRunner,
                                                         cli: click.Group) -> None:
    before = dump(db)
    result = run_import(runner, cli, CORPUS / name)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("fout: ") and "er is niets opgeslagen" in result.stderr
    for line in BAD[name]:
        assert line in result.stderr, result.stderr
    assert len(result.stderr) < 1500  # a huge cell is never repeated in the message
    assert dump(db) == before


def test_one_megabyte_csv_cell(db: Path, tmp_path: Path, runner: CliRunner, cli: click.Group) -> None:
    path = tmp_path / "uren.csv"
    path.write_text("opdracht;datum;uren;activiteit\nG001;3-10-2026;2;training\n"
                    f"G001;4-10-2026;2;{'x' * 1_048_576}\n", encoding="utf-8")
    before = dump(db)
    result = run_import(runner, cli, path)
    assert result.exit_code == 1 and len(result.stderr) < 1000
    assert "uren.csv, rij 3: een cel is langer dan 131.072 tekens" in result.stderr
    assert dump(db) == before


def test_a_million_rows_is_refused_by_the_pre_scan(db: Path, tmp_path: Path, runner: CliRunner, cli: click.Group,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused before openpyxl opens the workbook, and the pre-scan stops reading the sheet
    soon after the limit (how long that takes is `make bench`'s business, case import_refusal)."""
    import openpyxl

    from vergoeding.importing import sheetxml, xlsxscan

    path = tmp_path / "miljoen.xlsx"
    huge_workbook(path, 1_000_000)
    before = dump(db)
    opened: list[Any] = []
    real_load = openpyxl.load_workbook

    def spy(*args: Any, **kwargs: Any) -> Any:  # records, then does the real thing
        opened.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    result = run_import(runner, cli, path)
    assert result.exit_code == 1
    assert ("miljoen.xlsx, blad uren: blad 'uren' heeft meer dan 250.000 rijen; dat is te veel voor één keer "
            "inlezen: splits het bestand, bijvoorbeeld per maand") in result.stderr
    assert opened == []  # openpyxl never read a row
    assert dump(db) == before
    # The scan counts rows in chunks and stops at the first chunk past the limit: it never
    # reads the other ~750,000 rows.
    sheet = xlsxscan.SheetScan("uren")
    with zipfile.ZipFile(path) as z:
        sheetxml.scan_part(z, "xl/worksheets/sheet1.xml", sheet, xlsxscan.MAX_ROWS)
    assert xlsxscan.MAX_ROWS < sheet.rows < 300_000, sheet.rows


def test_the_row_limit_counts_rows_not_bytes(db: Path, tmp_path: Path, runner: CliRunner, cli: click.Group) -> None:
    """Just under a (lowered) limit the same kind of file is read and stored."""
    from vergoeding.importing import xlsxscan

    path = tmp_path / "uren-klein.xlsx"
    huge_workbook(path, 3)
    assert xlsxscan.scan(path, max_rows=4)["xl/worksheets/sheet1.xml"].rows == 4
    with pytest.raises(Exception, match="meer dan 3 rijen"):
        xlsxscan.scan(path, max_rows=3)
    result = run_import(runner, cli, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "uren: 1 toegevoegd\nuren: 2 regel(s) stonden er al en zijn overgeslagen\n"
    assert stored_entries(db) == [("2026-10-05", 120, "0", 0, False, "")]
