"""One worksheet part of an .xlsx, read as XML for the facts the pre-scan
(``importing/xlsxscan.py``) decides on: rows (counted, and which are hidden), the last row
and column that hold cells, formulas, merged cells, the stated dimension, an AutoFilter,
rows hidden by default, hidden columns. Nothing else is built or kept.

Why a module of its own (issue 25): this is where the time of an import's pre-scan goes,
and it is read in two passes at C speed where they can be, while the package around it
(zip, relationships, what is refused) is small and slow-moving:

1. :func:`_rows_at_least` counts row tags in the bytes (a C loop), up to one chunk past the
   limit. The count is only used where it is a lower bound (see there); a sheet it finds
   too large is refused without parsing it. The pull parser before took over a minute for a
   sheet of a million rows, against a second for a bare pass over the bytes.
2. expat, the parser under ElementTree (same namespace and entity handling, the same
   errors), calls one small handler per start tag. ElementTree's pull parser built an
   element and two events for every tag: four times slower on a sheet of 100,000 rows. A
   sheet with a document type declaration (which may declare entities that expand to rows)
   is read again through ElementTree, as before, with the same handler.

Names match by local name in any namespace or none, attributes as the XML says them, as
before (``tests/test_xlsxscan.py``, and the hostile workbooks of ``tests/test_hostile_round3.py``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from vergoeding.importing.cells import column_letter

_CHUNK = 1 << 20
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


@dataclass
class SheetScan:
    name: str
    rows: int = 0
    formulas: bool = False
    merged: list[str] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: list[int] = field(default_factory=list)  # row numbers as Excel shows them
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # (first, last), 1-based
    filtered: bool = False  # the sheet has an AutoFilter (its hidden rows are filtered out)
    dimension: str | None = None  # as the file states it ("A1:C3")
    last_row: int = 0  # the cells as they really are
    last_column: int = 0


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def cell_position(ref: str) -> tuple[int, int] | None:
    """``B12`` -> (row 12, column 2)."""
    m = _CELL_REF.match(ref.strip())
    if m is None:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def _zero(value: str | None) -> bool:
    """A height or width of 0: the row or column is there, but nobody sees it."""
    try:
        return value is not None and float(value) <= 0
    except ValueError:
        return False


# What the scan looks at, by local name (any namespace or none, as before): a code per tag.
_ROW, _CELL, _FORMULA, _MERGE, _DIMENSION, _FILTER, _FORMAT, _COLUMN = range(1, 9)
_TAGS = {"row": _ROW, "c": _CELL, "f": _FORMULA, "mergeCell": _MERGE, "dimension": _DIMENSION,
         "autoFilter": _FILTER, "sheetFormatPr": _FORMAT, "col": _COLUMN}


class _Doctype(Exception):
    """The sheet has a document type declaration: scanned again by ElementTree (see scan_part)."""


def scan_part(z: zipfile.ZipFile, part: zipfile.ZipInfo | str, sheet: SheetScan, max_rows: int) -> None:
    """Read the sheet part into ``sheet``; stop at the first chunk with more than ``max_rows``
    rows (the caller refuses it). The two passes of the module docstring."""
    counted = _rows_at_least(z, part, max_rows)
    if counted > max_rows:
        sheet.rows = counted
        return
    try:
        _parse(z, part, sheet, max_rows, _expat_feed)
    except _Doctype:
        fresh = SheetScan(sheet.name, hidden=sheet.hidden)
        _parse(z, part, fresh, max_rows, _tree_feed)
        sheet.__dict__.update(fresh.__dict__)


def _parse(z: zipfile.ZipFile, part: zipfile.ZipInfo | str, sheet: SheetScan, max_rows: int, feeder: Any) -> None:
    """Feed the part in chunks to ``feeder``'s parser, which calls ``start(name, attributes)``
    for every start tag (the attributes as a flat list: name, value, name, value ...); stop at
    the first chunk with more than ``max_rows`` rows."""
    rows = row_no = col = last_row = last_column = 0
    row_text = "0"
    rows_hidden_by_default = False  # <sheetFormatPr zeroHeight="1">: a row without its own height is hidden
    kinds: dict[str, int] = {}  # tag name as the parser gives it -> code (0: not looked at)
    letters = _LETTERS

    def start(name: str, attrs: list[str]) -> None:
        nonlocal rows, row_no, row_text, col, last_row, last_column, rows_hidden_by_default
        kind = kinds.get(name, -1)
        if kind == -1:
            kind = kinds[name] = _TAGS.get(local_name(name), 0)
        if not kind:
            return
        if kind == _CELL:
            r = attrs[1] if attrs and attrs[0] == "r" else _attrs(attrs).get("r")
            if col + 1 < len(letters) and r == letters[col + 1] + row_text:
                col += 1  # "the next column, this row", as Excel writes it: what parsing r gives
                if row_no > last_row:
                    last_row = row_no
            else:
                at = cell_position(r) if r else None
                col = at[1] if at else col + 1  # a cell without r follows the one before it
                at_row = at[0] if at else row_no
                if at_row > last_row:
                    last_row = at_row
            if col > last_column:
                last_column = col
            return
        a = _attrs(attrs)
        if kind == _ROW:
            rows += 1
            r = a.get("r")
            row_no = int(r) if r and r.isdigit() else row_no + 1
            row_text = str(row_no)
            col = 0
            if (_truthy(a.get("hidden")) or _zero(a.get("ht"))
                    or (rows_hidden_by_default and not _truthy(a.get("customHeight")))):
                sheet.hidden_rows.append(row_no)
        elif kind == _FORMULA:
            sheet.formulas = True
        elif kind == _MERGE:
            merged = next((v for k, v in a.items() if local_name(k) == "ref"), "")
            sheet.merged.append(str(merged)[:40])
        elif kind == _DIMENSION:
            sheet.dimension = a.get("ref")
        elif kind == _FILTER:
            sheet.filtered = True
        elif kind == _FORMAT:
            rows_hidden_by_default = _truthy(a.get("zeroHeight"))
        elif kind == _COLUMN and (_truthy(a.get("hidden")) or _zero(a.get("width"))):
            try:
                sheet.hidden_columns.append((int(a.get("min", "0")), int(a.get("max", "0"))))
            except ValueError:
                pass

    feed = feeder(start)
    with z.open(part) as f:
        while True:
            chunk = f.read(_CHUNK)
            try:
                feed(chunk, not chunk)
            finally:
                sheet.rows, sheet.last_row, sheet.last_column = rows, last_row, last_column
            if rows > max_rows or not chunk:
                return


def _attrs(flat: list[str]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


def _expat_feed(start: Any) -> Any:
    parser = expat.ParserCreate(None, "}")  # as ElementTree creates it: names are "namespace}local"
    parser.ordered_attributes = True
    parser.StartElementHandler = start

    def doctype(*_: Any) -> None:
        raise _Doctype

    parser.StartDoctypeDeclHandler = doctype
    return parser.Parse


def _tree_feed(start: Any) -> Any:
    """ElementTree's pull parser (a sheet with a DOCTYPE: its entities as ElementTree expands
    them, and an undefined one refused as ElementTree refuses it)."""
    parser: Any = ElementTree.XMLPullParser(events=("start", "end"))
    data_parent: Any = None

    def feed(chunk: bytes, last: bool) -> None:
        nonlocal data_parent
        if chunk:
            parser.feed(chunk)
        if last:
            parser.close()
        for event, elem in parser.read_events():
            if event == "start":
                start(elem.tag, [x for pair in elem.attrib.items() for x in pair])
                if data_parent is None and local_name(elem.tag) == "sheetData":
                    data_parent = elem
            elif data_parent is not None and local_name(elem.tag) == "row":
                data_parent.clear()  # the rows read so far: nothing is kept

    return feed


_LETTERS = ["", *(column_letter(n) for n in range(1, 1_030))]  # column number -> letters; beyond: the regex


_ROW_TAGS = (b"<row ", b"<row>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")


def _rows_at_least(z: zipfile.ZipFile, part: zipfile.ZipInfo | str, max_rows: int) -> int:
    """How many rows the sheet has at least, counted in the bytes (a C loop) up to the first
    chunk with more than ``max_rows``; 0 when the count would not be a lower bound.

    In well-formed XML a ``<`` is markup outside comments, CDATA sections, processing
    instructions and the DTD: so in UTF-8 without any of those, every ``<row `` or ``<row>``
    opens a row element (the rows with a namespace prefix are not counted: a lower bound).
    Any ``<!`` or ``<?`` after the XML declaration, or another encoding than UTF-8, and this
    gives 0 (the parser counts). A sheet that is not well-formed before the count passes the
    limit is refused for its size, not for the XML (both are refusals; the count is true)."""
    count = 0
    carry = b""
    with z.open(part) as f:
        chunk = f.read(_CHUNK)
        head = chunk.removeprefix(b"\xef\xbb\xbf")
        if not head.startswith(b"<") or head[1:2] == b"\x00":
            return 0
        if head.startswith(b"<?"):  # only the XML declaration: <?xml version="1.0" encoding="UTF-8"?>
            end = head.find(b"?>")
            declared = _ENCODING.search(head, 0, end) if end > 0 else None
            if (end < 0 or head[5:6] not in (b" ", b"\t", b"\r", b"\n") or not head.startswith(b"<?xml")
                    or b"<" in head[1:end] or (declared is not None and declared.group(1).lower() != b"utf-8")):
                return 0
            chunk = head[end + 2:]
        while chunk:
            data = carry + chunk
            if b"<!" in data or b"<?" in data:
                return 0
            count += data.count(_ROW_TAGS[0]) + data.count(_ROW_TAGS[1])
            if count > max_rows:
                return count
            carry = data[-4:]  # shorter than a tag counted: none is counted twice
            chunk = f.read(_CHUNK)
    return count
