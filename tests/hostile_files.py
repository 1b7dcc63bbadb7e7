"""Hostile import files built by hand (zipfile, no openpyxl): a workbook whose parts are
where its relationships say, not where a reader expects them, with hidden, filtered or
zero-height rows, hidden or zero-width columns, merged cells and dimensions written as the
XML allows, and CSV files mixing encodings or with absurd numbers of fields.

Every workbook is an hours import for engagement G001 of the corpus administration
(tests/test_hostile_corpus.py): a header and three rows of October 2026. Built without the
hostile part (``clean=True``) the same file imports its three rows: the refusal is for what
was added, nothing else."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

HEADER = ["opdracht", "datum", "uren", "activiteit"]
ROWS = [["G001", "7-10-2026", 1, "training"], ["G001", "8-10-2026", 2, "voorbereiding"],
        ["G001", "9-10-2026", 3, "overleg"]]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_BOOK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _letters(col: int) -> str:
    """1 -> A, 1002 -> ALN."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: list[list[object]] | None = None, *, dimension: str | None = "A1:D4", before: str = "",
              after: str = "", row_attrs: dict[int, str] | None = None, prefix: str = "",
              numbered: bool = True) -> str:
    """A worksheet part; ``prefix`` writes every element with a namespace prefix (``x:row``);
    ``numbered=False`` leaves the rows without their number (``r``), as the format allows."""
    rows = [HEADER, *ROWS] if rows is None else rows
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{_MAIN}" xmlns:r="{_R}"'
    out = [f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>']
    if dimension:
        out.append(f'<{p}dimension ref="{dimension}"/>')
    out.append(before)
    out.append(f"<{p}sheetData>")
    for i, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_letters(j + 1)}{i}", v) for j, v in enumerate(row) if v is not None)
        if prefix:
            cells = cells.replace("<c ", f"<{p}c ").replace("</c>", f"</{p}c>").replace("<v>", f"<{p}v>") \
                .replace("</v>", f"</{p}v>").replace("<is>", f"<{p}is>").replace("</is>", f"</{p}is>") \
                .replace("<t>", f"<{p}t>").replace("</t>", f"</{p}t>")
        number = f' r="{i}"' if numbered else ""
        out.append(f'<{p}row{number}{(row_attrs or {}).get(i, "")}>{cells}</{p}row>')
    out.append(f"</{p}sheetData>{after}</{p}worksheet>")
    return "".join(out)


def workbook(path: Path, sheets: list[tuple[str, str, str, str | None]], *, book: str = "xl/workbook.xml",
             target: Callable[[str], str] = lambda part: "/" + part, duplicate: str | None = None,
             rels: Callable[[str], str] = lambda text: text) -> None:
    """A workbook at ``path``; ``sheets``: (name, part, xml, state). ``target`` writes a part's
    name as the workbook's relationship gives it; ``duplicate`` stores that part twice (the
    second copy a one-row sheet); ``rels`` edits the workbook's relationships part."""
    folder, name = book.rsplit("/", 1)
    overrides = "".join(f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.'
                        f'spreadsheetml.worksheet+xml"/>' for _, part, _, _ in sheets)
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   f'xml"/><Override PartName="/{book}" ContentType="application/vnd.openxmlformats-officedocument.'
                   f'spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                   f'Type="{_BOOK_TYPE}" Target="/{book}"/></Relationships>')
        edit, links, items = rels, [], []
        for i, (title, part, xml, state) in enumerate(sheets, start=1):
            links.append(f'<Relationship Id="rId{i}" Type="{_SHEET_TYPE}" Target="{target(part)}"/>')
            items.append(f'<sheet name="{title}" sheetId="{i}"{f" state={chr(34)}{state}{chr(34)}" if state else ""} '
                         f'r:id="rId{i}"/>')
            z.writestr(part, xml)
            if part == duplicate:
                z.writestr(part, sheet_xml([HEADER, ROWS[0]], dimension="A1:D2"))
        z.writestr(f"{folder}/_rels/{name}.rels", edit(f'<?xml version="1.0"?><Relationships xmlns="{_PKG}">'
                                                       f'{"".join(links)}</Relationships>'))
        z.writestr(book, f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_R}"><sheets>{"".join(items)}'
                         "</sheets></workbook>")


SHEET1 = "xl/worksheets/sheet1.xml"


def xlsx(clean: bool = False, *, hidden_sheet: str | None = None, book: str = "xl/workbook.xml",
         part: str = SHEET1, target: Callable[[str], str] = lambda part: "/" + part, duplicate: bool = False,
         missing_part: bool = False, rels: Callable[[str], str] = lambda text: text,
         **sheet: object) -> Callable[[Path, Path], None]:
    """A ``prepare`` for the corpus: writes ``uren.xlsx`` into the work folder. The keyword
    arguments go to :func:`sheet_xml`; ``hidden_sheet``: a second, very hidden sheet with two
    more rows stored at that part."""
    def prepare(out: Path, _db: Path) -> None:
        if clean:
            sheets = [("uren", SHEET1, sheet_xml(), None)]
            workbook(out / "uren.xlsx", sheets)
            return
        sheets = [("uren", part, sheet_xml(**sheet), None)]  # type: ignore[arg-type]
        if hidden_sheet:
            sheets = [("uren", part, sheet_xml([HEADER, ROWS[0]], dimension="A1:D2"), None),
                      ("meer", hidden_sheet, sheet_xml([HEADER, *ROWS[1:]], dimension="A1:D3"), "veryHidden")]
        workbook(out / "uren.xlsx", sheets, book=book, target=target, duplicate=part if duplicate else None, rels=rels)
        if missing_part:
            with zipfile.ZipFile(out / "uren.xlsx") as src, zipfile.ZipFile(out / "kapot.xlsx", "w") as dst:
                for info in src.infolist():
                    if info.filename != part:
                        dst.writestr(info, src.read(info))
            (out / "kapot.xlsx").replace(out / "uren.xlsx")
    return prepare


def csv_bytes(data: bytes, name: str = "uren.csv") -> Callable[[Path, Path], None]:
    def prepare(out: Path, _db: Path) -> None:
        (out / name).write_bytes(data)
    return prepare


CSV_HEADER = b"opdracht;datum;uren;activiteit\n"
CSV_ROWS = "G001;7-10-2026;1;café-overleg\nG001;8-10-2026;2;voorbereiding\nG001;9-10-2026;3;overleg\n"
