"""The xlsx pre-scan (``importing/xlsxscan.py``; the sheets are read by ``importing/sheetxml.py``)
since it became fast (issue 25): rows counted in the bytes only where that count is a lower bound, expat with one handler per start tag,
and ElementTree again for a sheet with a DOCTYPE. Each test is a file the scan must read as
the XML says, whichever of those paths it takes. Scan-level (no command, no database)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile_files import SHEET1, sheet_xml, workbook

from bench.import_case import huge_workbook
from vergoeding.errors import InputError
from vergoeding.importing import sheetxml, xlsxscan

DECL = '<?xml version="1.0" encoding="UTF-8"?>'


def book(tmp_path: Path, xml: str | bytes, name: str = "uren.xlsx") -> Path:
    """A one-sheet workbook whose sheet part holds exactly ``xml`` (bytes: as they are)."""
    path = tmp_path / name
    workbook(path, [("uren", SHEET1, "<x/>", None)])
    data = xml if isinstance(xml, bytes) else xml.encode("utf-8")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "tmp.xlsx", "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == SHEET1 else src.read(info))
    (tmp_path / "tmp.xlsx").replace(path)
    return path


def refusal(path: Path, max_rows: int = xlsxscan.MAX_ROWS) -> str:
    with pytest.raises(InputError) as caught:
        xlsxscan.scan(path, max_rows=max_rows)
    return caught.value.message


def test_a_sheet_far_too_large_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row tags are counted in the bytes; the XML parser never starts (it took minutes on a
    million rows). Just under the limit the same file is parsed and passes."""
    path = tmp_path / "groot.xlsx"
    huge_workbook(path, 60)
    assert xlsxscan.scan(path, max_rows=61)[SHEET1].rows == 61
    monkeypatch.setattr(sheetxml, "_parse", lambda *a: pytest.fail("the sheet was parsed"))
    assert refusal(path, max_rows=50) == ("groot.xlsx, blad uren: blad 'uren' heeft meer dan 50 rijen; dat is te veel "
                                          "voor één keer inlezen: splits het bestand, bijvoorbeeld per maand")


@pytest.mark.parametrize("extra", [
    '<!-- <row r="9"> <row> -->',  # a comment
    '<?note <row r="9"> <row> ?>',  # a processing instruction
    '<![CDATA[<row r="9"> <row>]]>',  # text in CDATA
])
def test_row_tags_that_are_no_rows_are_not_counted(tmp_path: Path, extra: str) -> None:
    """Where the bytes hold ``<row`` that is no row element, the count is not trusted: the
    parser counts the four rows there are, under a limit of four."""
    xml = sheet_xml().replace("<sheetData>", f"<sheetData>{extra * 3}")
    assert xlsxscan.scan(book(tmp_path, xml), max_rows=4)[SHEET1].rows == 4


@pytest.mark.parametrize("how", ["prefixed", "utf-16", "declared latin-1"])
def test_rows_the_byte_count_misses_are_counted_by_the_parser(tmp_path: Path, how: str) -> None:
    """Rows with a namespace prefix (``<x:row``), and a sheet in another encoding: the byte
    count finds fewer (or none), the parser finds them all and refuses the fifth row of four."""
    if how == "prefixed":
        data: str | bytes = sheet_xml([["opdracht", "datum"]] * 5, prefix="x", dimension="A1:B5")
    elif how == "utf-16":
        data = sheet_xml([["opdracht", "datum"]] * 5, dimension="A1:B5").replace("UTF-8", "UTF-16").encode("utf-16")
    else:
        data = sheet_xml([["opdracht", "datum"]] * 5, dimension="A1:B5").replace("UTF-8", "ISO-8859-1")
    assert "heeft meer dan 4 rijen" in refusal(book(tmp_path, data), max_rows=4)
    assert xlsxscan.scan(book(tmp_path, data), max_rows=5)[SHEET1].rows == 5


def test_a_doctype_is_read_as_before(tmp_path: Path) -> None:
    """A DOCTYPE can declare entities: the sheet is read by ElementTree as it was before the
    fast scan. An entity that expands to a hidden row is a hidden row; an undefined entity
    is damage; a DOCTYPE without entities reads as any sheet."""
    hidden = sheet_xml().replace(DECL, DECL + '<!DOCTYPE worksheet [<!ENTITY r "<row r=\'9\' hidden=\'1\'>'
                                 '<c r=\'A9\'><v>1</v></c></row>">]>').replace("</sheetData>", "&r;</sheetData>")
    assert "uren.xlsx, blad uren: rij 9 is verborgen" in refusal(book(tmp_path, hidden))
    undefined = sheet_xml().replace(DECL, DECL + '<!DOCTYPE worksheet SYSTEM "blad.dtd">').replace(">training<",
                                                                                                   ">&weg;<")
    assert refusal(book(tmp_path, undefined)) == "uren.xlsx: blad 'uren' is beschadigd (geen geldige XML)"
    plain = xlsxscan.scan(book(tmp_path, sheet_xml().replace(DECL, DECL + "<!DOCTYPE worksheet>")))[SHEET1]
    assert (plain.rows, plain.last_row, plain.last_column, plain.dimension) == (4, 4, 4, "A1:D4")


def test_cell_references_as_the_format_writes_them(tmp_path: Path) -> None:
    """References in every form a reader meets (absolute, lower case, with spaces, none, out
    of order): the last row and column are the cells' own."""
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c><c r="$C$1"><v>3</v></c></row>'
            '<row r="2"><c r="b2"><v>1</v></c><c r=" F2 "><v>2</v></c><c r="C2"><v>3</v></c></row>'
            '<row><c r="A3"><v>1</v></c><c r="B7"><v>1</v></c></row>'
            '<row r="4"><c r="Q"><v>1</v></c><c><v>1</v></c></row>')
    xml = (f'{DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{rows}</sheetData></worksheet>')
    sheet = xlsxscan.scan(book(tmp_path, xml))[SHEET1]
    assert (sheet.rows, sheet.last_row, sheet.last_column) == (4, 7, 6)
    stale = xml.replace("<sheetData>", '<dimension ref="A1:F4"/><sheetData>')
    assert "loopt tot F4, maar er staan cellen tot F7" in refusal(book(tmp_path, stale))
