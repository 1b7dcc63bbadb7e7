"""Writes the office-sheet corpus next to this file (committed; run only to change them):
``.venv/bin/python tests/data/office/make_office.py`` (needs LibreOffice for .ods and .xls).

Hours sheets as offices make them, for engagement G001 of expert E001 "Fatima el Amrani"
(tests/test_import_office.py): a title block above the header, a renamed sheet, a name
column, an "opmerking" column; the same workbook as .ods and .xls; and the refusals that must
hold for every format (a hidden sheet, merged cells in the table, a misspelt column, a name
that belongs to someone else)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["opdracht", "naam deskundige", "datum", "uren", "km", "opmerking"]
ROWS = [["G001", "Fatima el Amrani", dt.date(2026, 10, 5), 2, 12, "training team Noord"],
        ["G001", "el amrani, fatima", "6-10-2026", "1:30", None, None],
        ["g001", "E001", 46302, 1.5, 3.5, "serienummer als datum"]]


def office(name: str, *, sheet: str = "Uren oktober", header: list[str] | None = None,
           rows: list[list[object]] | None = None, hidden: bool = False, merge: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Voorblad" if hidden else sheet
    if hidden:
        ws["A1"] = "Zie het andere blad"
        ws = wb.create_sheet(sheet)
        ws.sheet_state = "hidden"
    ws["B1"] = "Stichting Ervaringskracht - urenoverzicht"
    ws.merge_cells("B1:G1")  # a title block: merged above the table is fine
    ws["B2"] = "oktober 2026"
    for c, v in enumerate(header or HEADER, start=2):
        ws.cell(row=4, column=c, value=v)
    for r, row in enumerate(rows or ROWS, start=5):
        for c, v in enumerate(row, start=2):
            ws.cell(row=r, column=c, value=v)
    if merge:
        ws.merge_cells(merge)
    path = HERE / name
    wb.save(path)
    return path


def convert(path: Path, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        ext, "--outdir", tmp, str(path)], check=True, capture_output=True, timeout=300)
        shutil.move(Path(tmp) / f"{path.stem}.{ext}", HERE / f"{path.stem}.{ext}")


def main() -> None:
    base = office("kantoor.xlsx")
    convert(base, "ods")
    convert(base, "xls")
    office("andere-naam.xlsx", rows=[["G001", "Piet Jansen", dt.date(2026, 10, 5), 2, 12, None]])
    office("typfout.xlsx", header=["opdracht", "naam deskundige", "datm", "uren", "km", "opmerking"])
    convert(office("verborgen.xlsx", hidden=True), "ods")
    convert(office("samengevoegd.xlsx", merge="E5:E6"), "ods")
    convert(office("samengevoegd.xlsx", merge="E5:E6"), "xls")
    for tmp in ("verborgen.xlsx", "samengevoegd.xlsx"):
        (HERE / tmp).unlink()


if __name__ == "__main__":
    main()
