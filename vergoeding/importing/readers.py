"""Reading import files into raw tables: an .xlsx workbook (a sheet per entity, read with
openpyxl in read-only mode) or .csv files whose name says the entity (delimiter ``;`` or
``,`` sniffed; UTF-8, UTF-8 with BOM, or Windows-1252 as Dutch Excel saves it).

Row numbers are the numbers the user sees in Excel (the header is row 1 when it is the
first row)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vergoeding.errors import InputError
from vergoeding.importing.fields import SHEETS, Sheet, normalise_header

IGNORED_SHEETS = {"uitleg", "lijsten", "toelichting"}


@dataclass
class RawTable:
    file: str
    sheet: str | None  # None for CSV
    spec: Sheet
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, values)


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


def _table(file: str, sheet: str | None, spec: Sheet, rows: list[tuple[int, list[Any]]]) -> RawTable | None:
    data = [(n, vals) for n, vals in rows if not all(_blank(v) for v in vals)]
    if not data:
        return None
    header_no, header = data[0]
    last = max((i for i, v in enumerate(header) if not _blank(v)), default=-1)
    headers = ["" if _blank(v) else str(v).strip() for v in header[: last + 1]]
    return RawTable(file, sheet, spec, headers, [(n, list(v)) for n, v in data[1:] if n > header_no])


def read_xlsx(path: Path) -> list[RawTable]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise InputError(f"kan het Excel-bestand niet lezen ({type(exc).__name__}: {exc})", file=path.name) from None
    tables: list[RawTable] = []
    try:
        for ws in wb.worksheets:
            rows = [(i, list(values)) for i, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
            spec = _sheet_for(ws.title)
            if spec is None:
                if normalise_header(ws.title) in IGNORED_SHEETS or not any(
                        not _blank(v) for _, vals in rows for v in vals):
                    continue
                names = ", ".join(s.name for s in SHEETS)
                raise InputError(f"blad {ws.title!r} wordt niet herkend (verwacht: {names})", file=path.name)
            table = _table(path.name, ws.title, spec, rows)
            if table is not None:
                tables.append(table)
    finally:
        wb.close()
    return tables


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Dutch Excel's 'CSV (puntkomma)')."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(path: Path) -> list[RawTable]:
    spec = _sheet_for_file(path)
    if spec is None:
        names = ", ".join(f"{s.name}.csv" for s in SHEETS)
        raise InputError(f"uit de bestandsnaam blijkt niet wat erin staat; noem het bijvoorbeeld {names}",
                         file=path.name)
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if "\t" in first and first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(i, list(r)) for i, r in enumerate(reader, start=1)]
    table = _table(path.name, None, spec, rows)
    return [table] if table else []


def read_file(path: Path) -> list[RawTable]:
    if not path.is_file():
        raise InputError("bestand niet gevonden", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise InputError(f"onbekend soort bestand {suffix!r} (verwacht .xlsx of .csv)", file=path.name)
