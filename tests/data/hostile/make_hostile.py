"""Writes the hostile-input import files next to this file (the files are committed; run
this only to change them): ``.venv/bin/python tests/data/hostile/make_hostile.py``.

Each file is imported into the administration of tests/test_hostile_corpus.py (engagement
G001 of expert E001 for client UTR, October 2026, travel by km). ``cases.toml`` holds what
each file (and each command line) must give: exit code and the lines of the message.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HOURS = "opdracht;datum;uren;activiteit;km;onkosten\n"


def csv(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def book(name: str, sheets: dict[str, list[list[object]]], hidden: dict[str, str] | None = None) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if hidden and title in hidden:
            ws.sheet_state = hidden[title]
    wb.save(HERE / name)


def main() -> None:
    # --- CSV quoting: rows are never merged silently
    csv("uren-open-quote.csv", HOURS + 'G001;5-10-2026;2;"training;0;0\nG001;6-10-2026;2;overleg;0;0\n'
        'G001;7-10-2026;2;gesprek";0;0\nG001;8-10-2026;1;intake;0;0\n')
    csv("uren-quote-eof.csv", HOURS + 'G001;5-10-2026;2;training;0;0\nG001;6-10-2026;2;"overleg;0;0\n'
        "G001;7-10-2026;2;gesprek;0;0\n")
    csv("uren-quote-mid.csv", HOURS + 'G001;5-10-2026;2;"training"extra;0;0\n')
    csv("uren-cr-in-cell.csv", HOURS + 'G001;5-10-2026;2;"training\r=HYPERLINK(""x"")";0;0\n')
    # --- columns: twice, or a value under no header
    csv("uren-dubbele-kolom.csv", "opdracht;datum;uren;activiteit;uren\nG001;5-10-2026;2;training;7\n")
    csv("uren-zonder-kop.csv", HOURS + "G001;5-10-2026;2;training;0;0;99\n")
    book("dubbele-kolom.xlsx", {"uren": [["opdracht", "datum", "uren", "Uren"], ["G001", dt.date(2026, 10, 5), 2, 3]]})
    # --- hidden sheets are never imported silently
    book("verborgen-blad.xlsx", {"uitleg": [["lees mij"]],
                                 "uren": [["opdracht", "datum", "uren"], ["G001", dt.date(2026, 10, 5), 2]]},
         hidden={"uren": "hidden"})
    book("heel-verborgen-blad.xlsx", {"uitleg": [["lees mij"]],
                                      "uren": [["opdracht", "datum", "uren"], ["G001", dt.date(2026, 10, 5), 2]]},
         hidden={"uren": "veryHidden"})
    # --- a decompression bomb: a sheet of 30 MB of blanks in a file of tens of kilobytes
    book("frame.tmp.xlsx", {"uren": [["opdracht", "datum", "uren"]]})
    with zipfile.ZipFile(HERE / "frame.tmp.xlsx") as src, \
            zipfile.ZipFile(HERE / "zip-bom.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000)
            dst.writestr(info.filename, data)
    (HERE / "frame.tmp.xlsx").unlink()
    # --- the text rule: control characters, escapes, direction overrides, a BSN
    csv("uren-stuurteken.csv", HOURS + "G001;5-10-2026;2;train\x01ing;0;0\n")
    csv("uren-ansi.csv", HOURS + "G001;5-10-2026;2;\x1b[31mrood\x1b[0m;0;0\n")
    csv("uren-richting.csv", HOURS + "G001;5-10-2026;2;training \u202egnineert;0;0\n")
    csv("uren-bsn.csv", HOURS + "G001;5-10-2026;2;gesprek over 111222333;0;0\n")
    csv("deskundigen-verticale-tab.csv", "code;naam\nE099;Jan\x0bJansen\n")
    csv("organisaties-osc.csv", 'code;naam\nX01;"\x1b]0;pwned\x07Gemeente X"\n')
    book("deskundigen-bsn.xlsx", {"deskundigen": [["code", "naam"], ["E098", "Piet 111.222.333"]]})
    book("uren-c1.xlsx", {"uren": [["opdracht", "datum", "uren", "activiteit"],
                                   ["G001", dt.date(2026, 10, 5), 2, "A\x85B"]]})
    # --- bounds: the same as on the command line
    csv("uren-km.csv", HOURS + "G001;5-10-2026;2;training;99999999999999999999;0\n")
    csv("uren-onkosten.csv", HOURS + "G001;5-10-2026;2;training;0;100000000\n")
    csv("uren-aantal.csv", "opdracht;datum;uren;aantal\nG001;5-10-2026;2;5000\n")
    csv("uren-natura.csv", "opdracht;datum;uren;in natura\nG001;5-10-2026;2;250000\n")
    csv("opdrachten-tarief.csv", "code;deskundige;opdrachtgever;rol;regime;startdatum;tarief deskundige\n"
        "G099;E001;UTR;trainer;vrijwilliger;1-10-2026;50000\n")
    csv("verklaringen-bedrag.csv", "deskundige;jaar;bedrag;organisatie\nE001;2026;5000000;Buurthuis\n")


if __name__ == "__main__":
    main()
