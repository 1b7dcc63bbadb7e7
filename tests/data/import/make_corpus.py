"""Writes the bad-input corpus next to this file (the files are committed; run this only to
change them): ``.venv/bin/python tests/data/import/make_corpus.py``.

Every file is an hours import for engagement G001 (see tests/test_import_corpus.py for the
administration it is imported into, and what each file must give). The workbook with a
million rows is not here: the test writes it in a temporary directory."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["opdracht", "datum", "uren", "activiteit", "km", "onkosten", "bonnetje"]


def book(name: str, rows: list[list[object]], sheet: str = "uren", header: list[str] | None = None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    wb.save(HERE / name)
    return wb


def main() -> None:
    (HERE / "not-a-zip.xlsx").write_text("opdracht;datum;uren\nG001;3-10-2026;2\n", encoding="utf-8")
    book("wrong-sheet.xlsx", [["G001", "3-10-2026", 2]], sheet="Blad1")  # found by its headers
    book("unknown-sheet.xlsx", [["Fatima", "rood"]], sheet="Blad1", header=["naam", "kleur"])
    book("missing-column.xlsx", [["G001", 2, "training"]], header=["opdracht", "uren", "activiteit"])

    wb = Workbook()
    ws = wb.active
    ws.title = "uren"
    ws.append(HEADER)
    ws.append(["G001", dt.datetime(2026, 10, 5), 2, "training"])
    ws.append(["G001", None, 1.5, "voorbereiding"])
    ws.merge_cells("B2:B3")  # one date for two rows, the way a planner likes it
    wb.save(HERE / "merged-cells.xlsx")

    # openpyxl writes the formula but no result: read with data_only the cell is empty
    book("formulas.xlsx", [["G001", dt.datetime(2026, 10, 5), "=1+1", "training", "=2*6"],
                           ["G001", dt.datetime(2026, 10, 6), 2, "training", 3]])
    # the same formulas with the results Excel stores when it saves: those results are used
    with zipfile.ZipFile(HERE / "formulas.xlsx") as src, \
            zipfile.ZipFile(HERE / "formulas-saved.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
                data = data.replace(b"<f>2*6</f><v></v>", b"<f>2*6</f><v>12</v>")
            dst.writestr(info, data)
    book("text-in-number.xlsx", [["G001", "5-10-2026", 2, "training", 3], [None] * 7,
                                 ["G001", "6-10-2026", "twee", "training", "twaalf"]])
    book("dutch-dates.xlsx", [
        ["G001", "3-10-2026", 2, "training", 12, 4.5, "ja"],
        ["G001", "4 oktober 2026", "1:30", "voorbereiding"],
        ["G001", 46300, 2.5, "gesprek", "7,5"],  # Excel serial 46300 = 5 October 2026
        ["G001", dt.datetime(2026, 10, 6), "0,75", "overleg", None, "2,30", "nee"],
    ])
    book("empty-rows.xlsx", [["G001", "7-10-2026", 1, "training"], [None] * 7, ["", " ", None],
                             ["G001", "8-10-2026", 2, "training"], [None] * 7, [None] * 7,
                             ["G001", "9-10-2026", 3, "training"]])
    book("huge-string.xlsx", [["G001", "10-10-2026", 1, "x" * 1_048_576]])

    text = ("opdracht;datum;uren;activiteit;km;onkosten;bonnetje\r\n"
            "G001;12-10-2026;2,5;café-overleg;12,5;4,50;ja\r\n"
            "G001;13-10-2026;1;voorlichting € en ë;;;\r\n")
    (HERE / "uren-cp1252.csv").write_bytes(text.encode("cp1252"))
    (HERE / "uren-bom.csv").write_bytes(text.replace("12-10", "14-10").replace("13-10", "15-10").encode("utf-8-sig"))
    (HERE / "uren-puntkomma.csv").write_text(
        "opdracht;datum;uren;activiteit;km;onkosten;bonnetje\n"
        "G001;16-10-2026;1,25;training;12,5;1.234,56;ja\n"
        "G001;17-10-2026;0,5;training;3,0;0,05;nee\n", encoding="utf-8")
    (HERE / "uren-binary.csv").write_bytes(b"opdracht;datum;uren\nG001;18-10-2026;\x81\x8d\x90\n")


if __name__ == "__main__":
    main()
