"""A quick look inside an .xlsx before openpyxl reads it: how many rows each sheet has
(a workbook far too large is refused in a fraction of a second, before openpyxl would
spend minutes on it), whether a sheet holds formulas, and which cells are merged.

The sheets are streamed from the zip in chunks; nothing is kept but the counts.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from vergoeding.errors import InputError

MAX_ROWS = 250_000  # per sheet; a year of hours of a large network is about 100,000
_CHUNK = 1 << 20
_OVERLAP = 64  # longer than any match below
_TAGS = re.compile(rb'<(?:[A-Za-z]\w*:)?(?:(row)[\s>]|(f)[\s>/]|mergeCell\s+ref="([^"]{1,40})")')
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetScan:
    name: str
    rows: int = 0
    formulas: bool = False
    merged: list[str] = field(default_factory=list)


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Part path (xl/worksheets/sheet1.xml) -> sheet name, from the workbook and its rels."""
    try:
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet") and sheet.get(_REL) in targets:
            target = targets[sheet.get(_REL)]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out[part] = sheet.get("name", part)
    return out


def scan(path: Path, max_rows: int = MAX_ROWS) -> dict[str, SheetScan]:
    """Part path -> what is in that sheet. Raises InputError for a sheet with more than
    ``max_rows`` rows (stops reading as soon as it sees one too many)."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"dit is geen Excel-werkmap (.xlsx): het bestand is onleesbaar of beschadigd ({exc})",
                         file=path.name) from None
    out: dict[str, SheetScan] = {}
    with z:
        names = _sheet_names(z)
        for info in z.infolist():
            part = info.filename
            if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
                continue
            sheet = out[part] = SheetScan(names.get(part, posixpath.basename(part)))
            try:
                _scan_part(z, part, sheet, max_rows)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
                raise InputError(f"blad {sheet.name!r} is beschadigd ({type(exc).__name__})", file=path.name) from None
            if sheet.rows > max_rows:
                raise InputError(f"blad {sheet.name!r} heeft meer dan {_dutch(max_rows)} rijen; dat is te veel "
                                 "voor één keer inlezen: splits het bestand, bijvoorbeeld per maand",
                                 file=path.name, sheet=sheet.name)
    return out


def _scan_part(z: zipfile.ZipFile, part: str, sheet: SheetScan, max_rows: int) -> None:
    carry = b""
    with z.open(part) as f:
        while True:
            chunk = f.read(_CHUNK)
            data = carry + chunk
            cut = len(data) if not chunk else max(len(data) - _OVERLAP, 0)
            for m in _TAGS.finditer(data, 0, len(data)):
                if m.start() >= cut:
                    break
                if m.group(1):
                    sheet.rows += 1
                elif m.group(2):
                    sheet.formulas = True
                else:
                    sheet.merged.append(m.group(3).decode("ascii", "replace"))
            if sheet.rows > max_rows or not chunk:
                return
            carry = data[cut:]
