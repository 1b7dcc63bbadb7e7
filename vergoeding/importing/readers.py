"""Reading import files into raw tables: a workbook from any office suite (.xlsx, .xlsm,
.ods, .xls; read with python-calamine after the checks in ``workbook`` and ``xlsxscan``) or
.csv files (delimiter ``;`` or ``,`` sniffed; UTF-8, UTF-8 with BOM, or Windows-1252 as Dutch
Excel saves it).

What a sheet or CSV file holds is read from its header row (``headers.find_header``), which
may sit below title rows; the sheet's or file's name only decides when the headers fit
several kinds. Row numbers are the numbers the user sees in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vergoeding.errors import InputError
from vergoeding.importing.fields import SHEETS, Sheet, normalise_header
from vergoeding.importing.headers import find_header
from vergoeding.importing.workbook import Sheet as WorkbookSheet
from vergoeding.importing.workbook import read as read_sheets
from vergoeding.importing.xlsxscan import MAX_ROWS

IGNORED_SHEETS = {"uitleg", "lijsten", "toelichting"}
MAX_CSV_BYTES = 200_000_000


@dataclass
class RawTable:
    file: str
    sheet: str | None  # None for CSV
    spec: Sheet
    headers: list[str]
    rows: list[tuple[int, Sequence[Any]]] = field(default_factory=list)  # (row number, values)
    header_row: int = 1
    problems: list[InputError] = field(default_factory=list)  # found while reading (formulas, merged cells)
    notices: list[str] = field(default_factory=list)  # columns that are not read (load.parse_table)


def _sheet_for(name: str) -> Sheet | None:
    n = normalise_header(name)
    for spec in SHEETS:
        if n == spec.name or n in spec.aliases or n == spec.entity:
            return spec
    return None


def _sheet_for_file(path: Path) -> Sheet | None:
    stem = path.stem.lower()
    for spec in SHEETS:
        if spec.name in stem or any(a in stem for a in spec.aliases):
            return spec
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _nonblank(values: Any) -> bool:
    for v in values:
        if v is not None and (not isinstance(v, str) or v.strip()):
            return True
    return False


def _table(file: str, sheet: str | None, named: Sheet | None,
           rows: Iterable[tuple[int, Sequence[Any]]]) -> RawTable | None:
    """The header row (found by its columns, below any title rows; else the first non-empty
    row of a sheet or file whose name says what it holds) and the rows under it. Empty rows
    are skipped; their numbers are kept, so a message names the row the user sees. None:
    nothing in it, or (without ``named``) no header row of any kind."""
    filled = [(n, vals) for n, vals in rows if _nonblank(vals)]
    if not filled:
        return None
    found = find_header(filled, named, file=file, sheet=sheet)
    if found is None:
        if named is None:
            return None
        spec, pos = named, 0
    else:
        spec, pos = found
    header = filled[pos][1]
    last = max((i for i, v in enumerate(header) if not _blank(v)), default=-1)
    headers = ["" if _blank(v) else str(v).strip() for v in header[: last + 1]]
    return RawTable(file, sheet, spec, headers, filled[pos + 1:], header_row=filled[pos][0])


WORKBOOKS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls"}


def read_workbook(path: Path) -> list[RawTable]:
    """Every sheet with rows of a known kind; an unknown sheet with data, a hidden sheet of a
    known kind, merged cells and formulas without a result are refused (see ``workbook``)."""
    tables: list[RawTable] = []
    unknown: list[str] = []  # sheets with data but no header row of any kind (a cover sheet)
    for sh in read_sheets(path, WORKBOOKS[path.suffix.lower()]):
        named = _sheet_for(sh.title)
        rows = list(enumerate(sh.rows, start=1))
        if named is None and normalise_header(sh.title) in IGNORED_SHEETS:
            continue
        table = _table(path.name, sh.title, named, rows)
        if table is None:
            if any(_nonblank(vals) for _, vals in rows):
                unknown.append(sh.title)
            continue
        if sh.hidden:
            raise InputError(f"blad {sh.title!r} is verborgen; een verborgen blad wordt niet stilletjes "
                             "ingelezen. Maak het zichtbaar (rechtsklik op een bladtab > Zichtbaar maken) als "
                             "het mee moet, of verwijder het", file=path.name, sheet=sh.title)
        if sh.merged or sh.formulas or sh.formula_check:
            table = _check_cells(path, sh, table)
        tables.append(table)
    names = ", ".join(s.name for s in SHEETS)
    if unknown and not tables:
        raise InputError(f"blad {unknown[0]!r} wordt niet herkend (verwacht: {names}); er staat geen rij "
                         "met de kolomkoppen van een van die bladen in", file=path.name)
    for title in unknown:  # next to recognised sheets: said, not read
        tables[0].notices.append(f"{path.name}: blad {title!r} wordt niet ingelezen (geen rij met de kolomkoppen "
                                 f"van {names})")
    return tables


def _check_cells(path: Path, sh: WorkbookSheet, table: RawTable) -> RawTable:
    """Merged cells, and formulas without a stored result (a workbook written by a program,
    never opened and saved in Excel): the value would silently be empty, so each is an error
    naming the cell."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    title, spec = sh.title, table.spec
    headers = table.headers

    by_header = spec.field_by_header()

    def where(row: int, col: int, message: str) -> InputError:
        header = headers[col - 1] if 0 < col <= len(headers) and headers[col - 1] else None
        f = by_header.get(normalise_header(header)) if header else None
        return InputError(message, file=path.name, sheet=title, row=row, field=f.title if f else header)

    for ref in sh.merged:
        try:
            min_col, min_row, _, max_row = range_boundaries(ref)
        except ValueError:
            continue
        if (max_row or 0) < table.header_row:
            continue  # a title block above the table (merged across columns, as offices make it)
        table.problems.append(where(min_row or 0, min_col or 0, f"cellen {ref} zijn samengevoegd; maak het samenvoegen "
                                                                "ongedaan en vul elke cel apart in"))
    if sh.formulas or sh.formula_check:
        values = {n: vals for n, vals in table.rows}
        for row, col, formula in (_formula_cells(path, title) if sh.formula_check else sh.formulas):
            vals = values.get(row, ())
            if row > table.header_row and (col > len(vals) or _blank(vals[col - 1])):
                table.problems.append(where(row, col, f"cel {get_column_letter(col)}{row} bevat een formule "
                                                      f"({_short(formula)}) zonder opgeslagen uitkomst; open het "
                                                      "bestand in Excel en sla het op, of plak de cellen als waarden"))
    table.problems.sort(key=lambda e: e.row or 0)
    return table


def _formula_cells(path: Path, title: str) -> Iterator[tuple[int, int, str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        for row in wb[title].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    yield int(cell.row), int(cell.column), str(cell.value)
    finally:
        wb.close()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode(data: bytes, file: str | None = None) -> str:
    """The text of a CSV file: encoding decided on the whole file, shape checked (``csvcheck``)."""
    from vergoeding.importing.csvcheck import decode as decide

    return decide(data, file)


def read_csv(path: Path) -> list[RawTable]:
    named = _sheet_for_file(path)
    if path.stat().st_size > MAX_CSV_BYTES:
        raise InputError(f"het bestand is groter dan {MAX_CSV_BYTES // 1_000_000} MB; splits het, bijvoorbeeld per maand",
                         file=path.name)
    text = decode(path.read_bytes(), path.name)
    if "\x00" in text:
        raise InputError("dit is geen tekstbestand (het bevat nul-tekens); sla het op als CSV", file=path.name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if "\t" in first and first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        table = _table(path.name, None, named, _limited(_physical_rows(reader, path.name), path.name))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(f"een cel is langer dan {csv.field_size_limit():,} tekens".replace(",", "."),
                             file=path.name, row=reader.line_num) from None
        if "unexpected end of data" in str(exc):
            raise InputError("een aanhalingsteken (\") wordt nergens afgesloten; vanaf deze regel zou de rest van "
                             "het bestand één cel worden. Controleer de aanhalingstekens in deze regel",
                             file=path.name, row=_open_quote_line(text, delimiter)) from None
        raise InputError(f"geen geldige CSV ({_csv_reason(str(exc), delimiter)}); controleer de aanhalingstekens "
                         "in deze regel", file=path.name, row=reader.line_num) from None
    if table is None and named is None and text.strip():
        names = ", ".join(f"{s.name}.csv" for s in SHEETS)
        raise InputError(f"uit de bestandsnaam blijkt niet wat erin staat (en uit de kolomkoppen ook niet); noem "
                         f"het bijvoorbeeld {names}", file=path.name)
    return [table] if table else []


def _physical_rows(reader: Any, file: str) -> Iterator[tuple[int, list[str]]]:
    """(line number of the row's first line, cells). A row that spans more than one line
    (a line break inside quotes) is refused, naming its lines: in an import it is nearly
    always a quote that was not closed, which would silently merge rows into one cell.
    A line break inside a cell is possible in an Excel workbook (.xlsx)."""
    last = 0
    for cells in reader:
        first, last = last + 1, reader.line_num
        if last > first and any("\n" in c or "\r" in c for c in cells):
            raise InputError(f"een cel loopt door over regel {first} tot en met {last}; waarschijnlijk ontbreekt "
                             "een afsluitend aanhalingsteken (\"), waardoor regels samen één rij zouden worden. "
                             "Zet elke rij op één regel (een regeleinde in een cel kan alleen in een .xlsx-bestand)",
                             file=file, row=first)
        yield first, cells


def _open_quote_line(text: str, delimiter: str) -> int:
    """The line on which a quote opens that is never closed."""
    inside, line, opened = False, 1, 1
    prev = delimiter
    for ch in text:
        if ch == '"':
            if not inside and prev in (delimiter, "\n", "\r"):
                inside, opened = True, line
            elif inside:
                inside = False
        if ch == "\n":
            line += 1
        prev = ch
    return opened


def _limited(rows: Iterator[tuple[int, list[str]]], file: str) -> Iterator[tuple[int, list[str]]]:
    for n, row in rows:
        if n > MAX_ROWS:
            raise InputError(f"meer dan {MAX_ROWS:,} regels; splits het bestand, bijvoorbeeld per maand"
                             .replace(",", "."), file=file)
        yield n, row


def _csv_reason(text: str, delimiter: str) -> str:
    """The csv module's complaint (English) in Dutch."""
    shown = {";": "puntkomma", ",": "komma", "\t": "tab"}.get(delimiter, repr(delimiter))
    if "expected after" in text:
        return (f"na een afsluitend aanhalingsteken (\") moet een {shown} of het einde van de regel komen; staat er "
                "een aanhalingsteken midden in een cel, typ het dan dubbel (\"\")")
    if "new-line character" in text:
        return "een regeleinde midden in een cel zonder aanhalingstekens"
    return "de cellen zijn niet te scheiden"


def read_file(path: Path) -> list[RawTable]:
    if not path.is_file():
        raise InputError("bestand niet gevonden", file=str(path))
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        return read_workbook(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise InputError(f"onbekend soort bestand {suffix!r} (verwacht .xlsx, .ods, .xls of .csv)", file=path.name)
