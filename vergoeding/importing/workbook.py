"""The cells of a workbook from any office suite: Excel (.xlsx, .xlsm, .xls) and
LibreOffice/OpenOffice (.ods), read with python-calamine (a maintained Rust reader, several
times faster than openpyxl).

Every guarantee of the import holds for each kind before calamine reads a cell:

* .xlsx/.xlsm: ``xlsxscan.scan`` first (zip bomb, rows counted, formulas, merged cells,
  hidden sheets); a formula without a stored result reads as empty and is named by the
  reader (``readers._check_cells``).
* .ods (a zip as well): the same zip check (``xlsxscan.open_checked``), then a streamed
  scan of ``content.xml`` (:func:`scan_ods`): rows counted, merged cells (a spanned cell)
  and formulas without a stored value found, naming the cell.
* .xls (an older binary format, not a zip): at most :data:`MAX_XLS_BYTES` (the format
  itself holds at most 65,536 rows a sheet); Excel always stores a formula's result, and
  calamine reports merged cells.

A hidden sheet is refused for every kind (calamine's sheet metadata, and for .xlsx the
scan as well). Cells come back as calamine gives them: text, float, bool, date, datetime,
time or timedelta; an empty cell is ``""``. Rows start at A1, so a row's index + 1 is the
row number the user sees and a cell's index is its column.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vergoeding.errors import InputError
from vergoeding.importing.xlsxscan import MAX_ROWS, _dutch, open_checked

MAX_XLS_BYTES = 50_000_000
_CHUNK = 1 << 20
_OVERLAP = 4096  # longer than any start tag below
_ODS_TAGS = re.compile(
    rb"<table:table(?=[\s>])([^>]{0,2000})>|<table:table-row(?=[\s/>])([^>]{0,2000})>|"
    rb"<table:table-cell(?=[\s/>])([^>]{0,4000})/?>|<table:covered-table-cell(?=[\s/>])([^>]{0,2000})/?>")
_ATTR = re.compile(rb'([\w:-]+)="([^"]*)"')


@dataclass
class Sheet:
    title: str
    hidden: bool
    rows: list[list[Any]]
    merged: list[str] = field(default_factory=list)  # A1 ranges, e.g. "B2:B3"
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # without a stored result: (row, col, formula)
    formula_check: bool = False  # .xlsx: the reader looks the formulas up itself (openpyxl, only when the scan saw one)


def _ref(row: int, col: int) -> str:
    """A 1-based cell -> 'B2'."""
    letters, n = "", col
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row}"


def read(path: Path, kind: str) -> list[Sheet]:
    """Every sheet of the workbook at ``path`` (``kind``: xlsx, ods or xls), in workbook order."""
    from vergoeding.importing import xlsxscan

    name = path.name
    extra: dict[str, Sheet] = {}
    hidden_parts: set[str] = set()
    formula_sheets: set[str] = set()
    if kind == "xlsx":
        scans = xlsxscan.scan(path)  # refuses a far too large or broken workbook before a cell is read
        for info in scans.values():
            extra[info.name] = Sheet(info.name, info.hidden, [], list(info.merged))
            if info.hidden:
                hidden_parts.add(info.name)
            if info.formulas:
                formula_sheets.add(info.name)
    elif kind == "ods":
        extra = scan_ods(path)
    elif path.stat().st_size > MAX_XLS_BYTES:
        raise InputError(f"het bestand is groter dan {MAX_XLS_BYTES // 1_000_000} MB; splits het, bijvoorbeeld "
                         "per maand", file=name)
    try:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise InputError(f"kan het bestand niet lezen als werkmap ({_reason(exc)}); open het in Excel of "
                         "LibreOffice en sla het opnieuw op als Excel-werkmap", file=name) from None
    out: list[Sheet] = []
    try:
        for meta in wb.sheets_metadata:
            title = str(meta.name)
            hidden = meta.visible != SheetVisibleEnum.Visible or title in hidden_parts
            ws = wb.get_sheet_by_name(title)
            if getattr(ws, "height", 0) > MAX_ROWS:
                raise InputError(f"blad {title!r} heeft meer dan {_dutch(MAX_ROWS)} rijen; dat is te veel voor één "
                                 "keer inlezen: splits het bestand, bijvoorbeeld per maand", file=name, sheet=title)
            known = extra.get(title)
            sheet = Sheet(title, hidden or bool(known and known.hidden), ws.to_python(skip_empty_area=False))
            if known is not None:
                sheet.merged, sheet.formulas = known.merged, known.formulas
            if kind == "xls":
                sheet.merged = [f"{_ref(a + 1, b + 1)}:{_ref(c + 1, d + 1)}"
                                for (a, b), (c, d) in (getattr(ws, "merged_cell_ranges", None) or ())]
            sheet.formula_check = title in formula_sheets
            out.append(sheet)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet calamine cannot parse
        raise InputError(f"kan het bestand niet lezen als werkmap ({_reason(exc)}); open het in Excel of "
                         "LibreOffice en sla het opnieuw op als Excel-werkmap", file=name) from None
    finally:
        wb.close()
    return out


def _reason(exc: BaseException) -> str:
    """Why calamine could not read the workbook, in Dutch (its own messages are English)."""
    kind = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if kind == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return "het bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord"
    if kind == "WorksheetNotFound":
        return f"blad {text[:80]!r} staat in de lijst van bladen, maar is niet te vinden; het bestand is beschadigd"
    if found := re.search(r"[Ff]ile not found '([^']{1,120})'", text):
        return f"het onderdeel {found.group(1)} ontbreekt of staat op een plek die vergoeding niet leest"
    if kind == "XmlError" or "xml" in text.lower():
        return "een onderdeel is geen geldige XML; het bestand is beschadigd"
    if kind == "ZipError" or "zip" in text.lower():
        return "het zip-bestand is beschadigd"
    return "het bestand is beschadigd of in een vorm die vergoeding niet kent"


def scan_ods(path: Path, max_rows: int = MAX_ROWS) -> dict[str, Sheet]:
    """Sheet name -> what the scan of ``content.xml`` found (rows are not kept): refuses a zip
    bomb and a sheet of more than ``max_rows`` rows before calamine reads it; notes merged
    cells and formulas without a stored value (both named by cell)."""
    out: dict[str, Sheet] = {}
    with open_checked(path, "OpenDocument-werkmap (.ods)", "OpenDocument-werkblad") as z:
        try:
            with z.open("content.xml") as f:
                _scan_content(f, out, path.name, max_rows)
        except KeyError:
            raise InputError("dit is geen OpenDocument-werkmap (.ods): content.xml ontbreekt", file=path.name) from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
            raise InputError("de werkmap is beschadigd (het zip-bestand of content.xml is onleesbaar); sla het "
                             "opnieuw op in LibreOffice", file=path.name) from None
    return out


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(raw))


def _scan_content(f: Any, out: dict[str, Sheet], file: str, max_rows: int) -> None:
    from html import unescape

    carry = b""
    sheet: Sheet | None = None
    row = cur = col = 0
    while True:
        chunk = f.read(_CHUNK)
        data = carry + chunk
        cut = len(data) if not chunk else max(len(data) - _OVERLAP, 0)
        pos = 0
        for m in _ODS_TAGS.finditer(data):
            if m.start() >= cut:
                break
            pos = m.end()
            if m.group(1) is not None:
                a = _attrs(m.group(1))
                title = unescape(a.get(b"table:name", b"").decode("utf-8", "replace"))
                sheet = out[title] = Sheet(title, False, [])
                row = 0
            elif m.group(2) is not None:
                a = _attrs(m.group(2))
                cur = row + 1
                row += int(a.get(b"table:number-rows-repeated", b"1") or 1)
                col = 0
            elif m.group(3) is not None and sheet is not None:
                a = _attrs(m.group(3))
                col += 1
                if cur > max_rows and b"office:value-type" in a:  # trailing empty rows are not counted
                    raise InputError(f"blad {sheet.title!r} heeft meer dan {_dutch(max_rows)} rijen; dat is te veel "
                                     "voor één keer inlezen: splits het bestand, bijvoorbeeld per maand",
                                     file=file, sheet=sheet.title)
                rows_span = int(a.get(b"table:number-rows-spanned", b"1") or 1)
                cols_span = int(a.get(b"table:number-columns-spanned", b"1") or 1)
                if rows_span > 1 or cols_span > 1:
                    sheet.merged.append(f"{_ref(cur, col)}:{_ref(cur + rows_span - 1, col + cols_span - 1)}")
                formula = a.get(b"table:formula")
                if formula is not None and b"office:value-type" not in a:
                    sheet.formulas.append((cur, col, unescape(formula.decode("utf-8", "replace"))
                                           .removeprefix("of:")))
                col += int(a.get(b"table:number-columns-repeated", b"1") or 1) - 1
            elif m.group(4) is not None:
                col += int(_attrs(m.group(4)).get(b"table:number-columns-repeated", b"1") or 1)
        if not chunk:
            return
        carry = data[max(pos, cut):]


def column_count(rows: Sequence[Sequence[Any]]) -> int:
    return max((len(r) for r in rows), default=0)
