"""Excel output with openpyxl: typed cells (numbers, dates), Dutch number formats, a frozen
header row, an autofilter, and no formula injection: text from user data that starts with
``= + - @`` (or a tab/CR) is written as a text cell that Excel will not evaluate.

Use :class:`Workbook` for documents (a few sheets) and ``write_only=True`` for large
overviews (streamed, constant memory).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeGuard

from openpyxl import Workbook as _OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vergoeding.core.money import ZERO, unsigned_zero
from vergoeding.core.text import printable

EURO = '"€" #,##0.00;"€" -#,##0.00'
DECIMAL2 = "#,##0.00"
HOURS = "#,##0.00"
INTEGER = "0"
DATE = "DD-MM-YYYY"
TEXT = "@"

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column: header text, key in the row mapping, number format, width."""

    header: str
    key: str
    fmt: str | None = None  # EURO, DECIMAL2, DATE, INTEGER; None = general/text
    width: int = 14


def safe_value(value: Any) -> Any:
    """What goes into a cell: Decimal stays numeric, dates stay dates, text that Excel would
    read as a formula is kept as text (the cell's data type is forced to string)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return unsigned_zero(value)  # a credit note's -0.00 is 0 in the cell, not "-0"
    if isinstance(value, int | date | datetime):
        return value
    return printable(str(value), multiline=True)  # no control character: openpyxl would refuse it


def _is_dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_DANGEROUS)


class Workbook:
    """A thin wrapper that writes typed, safe sheets and returns bytes."""

    def __init__(self, *, write_only: bool = False) -> None:
        self.write_only = write_only
        self._cached: list[tuple[int, str, Decimal | int]] = []
        self._wb = _OpenpyxlWorkbook(write_only=write_only)
        if not write_only:
            self._wb.remove(self._wb.active)

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[dict[str, Any]],
        *,
        totals: dict[str, Any] | None = None,
        heading: Sequence[str] = (),
    ) -> int:
        """Add a sheet; returns the number of data rows written. ``heading`` lines go above
        the table (e.g. organisation and period); the header row is frozen."""
        ws = self._wb.create_sheet(title=title[:31])
        bold = Font(bold=True)
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        header_row = len(heading) + 1
        if self.write_only:
            ws.freeze_panes = f"A{header_row + 1}"  # must be set before rows are streamed
            for line in heading:
                c = WriteOnlyCell(ws, value=safe_value(line))
                if _is_dangerous(line):
                    c.data_type = "s"
                ws.append([c])
            ws.append([self._wo_cell(ws, c.header, None, bold) for c in columns])
        else:
            for i, line in enumerate(heading, start=1):
                self._set(ws.cell(row=i, column=1), line, None)
            for i, col in enumerate(columns, start=1):
                cell = ws.cell(row=header_row, column=i, value=col.header)
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        n = 0
        summed = {c.key: ZERO for c in columns if _summable((totals or {}).get(c.key))}
        for row in rows:
            n += 1
            values = [row.get(c.key) for c in columns]
            for key in summed:
                v = row.get(key)
                summed[key] += v if isinstance(v, Decimal | int) and not isinstance(v, bool) else ZERO
            if self.write_only:
                ws.append([self._wo_cell(ws, v, c.fmt, col=i) for i, (v, c) in enumerate(zip(values, columns, strict=True))])
            else:
                r = header_row + n
                for i, (v, c) in enumerate(zip(values, columns, strict=True), start=1):
                    self._set(ws.cell(row=r, column=i), v, c.fmt)
        last_data = header_row + n
        # Also in write-only mode: openpyxl writes the filter when the sheet is closed.
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_data, header_row)}"
        if totals:
            shown: list[Any] = []
            for i, c in enumerate(columns):
                # A total that is the sum of its column is a formula, its value cached for
                # readers that do not calculate (see :meth:`to_bytes`); a total that is not
                # (hours rounded per line, a figure of its own) stays the figure.
                total = totals.get(c.key)
                if n and c.key in summed and _summable(total) and Decimal(total) == summed[c.key]:
                    letter = get_column_letter(i + 1)
                    shown.append(_Formula(f"=SUM({letter}{header_row + 1}:{letter}{last_data})", total))
                    self._cached.append((len(self._wb.worksheets), f"{letter}{last_data + 1}", total))
                else:
                    shown.append(total)
            if self.write_only:
                ws.append([self._wo_cell(ws, v, c.fmt, bold) for v, c in zip(shown, columns, strict=True)])
            else:
                for i, (v, c) in enumerate(zip(shown, columns, strict=True), start=1):
                    cell = ws.cell(row=last_data + 1, column=i)
                    self._set(cell, v, c.fmt)
                    cell.font = bold
        return n

    @staticmethod
    def _set(cell: Any, value: Any, fmt: str | None) -> None:
        if isinstance(value, _Formula):
            cell.value = value.formula
            if fmt:
                cell.number_format = fmt
            return
        v = safe_value(value)
        cell.value = v
        if _is_dangerous(v):
            cell.data_type = "s"
        if fmt and v is not None and not isinstance(v, str):
            cell.number_format = fmt
        elif isinstance(v, date) and not fmt:
            cell.number_format = DATE

    @staticmethod
    def _wo_cell(ws: Any, value: Any, fmt: str | None, font: Font | None = None, col: int = 0) -> Any:
        """A streamed cell. openpyxl writes a row by assigning each plain value into the last
        Cell object seen in that row, so a plain value inherits the style of a Cell before it.
        Only safe text (where a number format changes nothing) goes in plain; every other
        value gets its own Cell, sharing one style object per format (safe in write-only mode:
        each row is serialised at once and its cells are dropped)."""
        if isinstance(value, _Formula):
            cell = WriteOnlyCell(ws, value=value.formula)
            if fmt:
                cell.number_format = fmt
            if font is not None:
                cell.font = font
            return cell
        v = safe_value(value)
        if v is None:
            return None
        dangerous = _is_dangerous(v)
        if isinstance(v, str) and not dangerous and font is None:
            return v
        wants_fmt = fmt if (fmt and not isinstance(v, str)) else (DATE if isinstance(v, date) else None)
        if font is None and not dangerous:
            # One reusable Cell per format: openpyxl serialises the row inside append(),
            # before the next row reuses the object.
            cache = ws.__dict__.setdefault("_vergoeding_cells", {})
            cell = cache.get((wants_fmt, col))
            if cell is None:
                cell = cache[(wants_fmt, col)] = WriteOnlyCell(ws, value=None)
                if wants_fmt:
                    cell.number_format = wants_fmt
            cell.value = v
            return cell
        cell = WriteOnlyCell(ws, value=v)
        if dangerous:
            cell.data_type = "s"
        if wants_fmt:
            cell.number_format = wants_fmt
        if font is not None:
            cell.font = font
        return cell

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return cache_values(buf.getvalue(), self._cached) if self._cached else buf.getvalue()


@dataclass(frozen=True)
class _Formula:
    """A total written as a formula; ``value`` is what it comes to (the cached value)."""

    formula: str
    value: Decimal | int


def _summable(value: Any) -> TypeGuard[Decimal | int]:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def cache_values(data: bytes, cached: Sequence[tuple[int, str, Decimal | int]]) -> bytes:
    """Write each formula's value into the workbook (``<f>SUM(..)</f><v>12.34</v>``).

    openpyxl writes a formula with an empty value, which Excel fills on opening but a reader
    that does not calculate (openpyxl with ``data_only=True``, pandas, a phone's viewer, a
    script) sees as empty. The value is known when the total is written, so it goes into the
    sheet's XML here: no spreadsheet program is started. ``cached`` holds (sheet number from 1,
    cell, value); openpyxl names the parts ``xl/worksheets/sheet<N>.xml`` in sheet order."""
    by_part: dict[str, dict[str, str]] = {}
    for sheet, ref, value in cached:
        by_part.setdefault(f"xl/worksheets/sheet{sheet}.xml", {})[ref] = str(unsigned_zero(Decimal(value)))
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            refs = by_part.get(info.filename)
            if not refs:
                dst.writestr(info, src.read(info.filename))
                continue
            with src.open(info) as part, dst.open(info, "w") as into:
                _fill_streamed(part, into, refs)
            if refs:  # pragma: no cover - openpyxl changed how it writes a formula
                raise RuntimeError(f"formulewaarde niet geschreven in {info.filename}: {sorted(refs)}")
    return out.getvalue()


def _fill_streamed(part: Any, into: Any, refs: dict[str, str], chunk: int = 1 << 20) -> None:
    """Copy a sheet's XML from ``part`` to ``into`` a megabyte at a time, filling the value of
    each formula in ``refs`` (popped when written). A sheet of 100,000 lines is some hundred MB
    of XML: read whole and rewritten, it held the payout overview above its 500 MB bound
    (docs/PERFORMANCE.md, case 3). A cell element never crosses a piece: each piece ends
    before the last ``<c `` read so far, the rest waits for the next."""
    def fill(m: re.Match[bytes]) -> bytes:
        value = refs.pop(m.group(2).decode(), None)
        return m.group(0) if value is None else m.group(1) + b"<v>" + value.encode() + b"</v>"

    rest = b""
    while block := part.read(chunk):
        rest += block
        cut = rest.rfind(b"<c ")
        if cut > 0:
            into.write(_EMPTY_FORMULA.sub(fill, rest[:cut]))
            rest = rest[cut:]
    into.write(_EMPTY_FORMULA.sub(fill, rest))


_EMPTY_FORMULA = re.compile(rb'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)')
