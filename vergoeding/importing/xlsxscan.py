"""A quick look inside an .xlsx before openpyxl reads it: how many rows each sheet has
(a workbook far too large is refused in a fraction of a second, before openpyxl would
spend minutes on it), whether a sheet holds formulas, which cells are merged, and which
sheets are hidden.

Before anything is inflated, the zip's central directory is checked (a decompression
bomb, e.g. 1.5 MB that inflates to 1.5 GB, is refused at once and in constant memory):
the sum of the declared uncompressed sizes may not exceed :data:`MAX_INFLATED`, and no
member larger than 10 MB may be compressed more than :data:`MAX_RATIO` times. Python's
zipfile never inflates a member beyond its declared size, so the declared sizes are a real
bound for openpyxl too. The sheets are then streamed from the zip in chunks; nothing is
kept but the counts.
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
MAX_INFLATED = 400_000_000  # bytes, all members together; 250,000 rows of hours take ~100 MB
MAX_RATIO = 200  # real workbooks compress 5 to 30 times; a bomb thousands of times
MAX_MEMBERS = 10_000
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
    hidden: bool = False


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _sheet_names(z: zipfile.ZipFile, hidden: set[str] | None = None) -> dict[str, str]:
    """Part path (xl/worksheets/sheet1.xml) -> sheet name, from the workbook and its rels;
    the parts of hidden sheets (state hidden or veryHidden) are added to ``hidden``."""
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
            if hidden is not None and sheet.get("state") in ("hidden", "veryHidden"):
                hidden.add(part)
    return out


def check_inflation(z: zipfile.ZipFile, file: str) -> None:
    """Refuse a workbook whose members would inflate too far (see the module docstring)."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"de werkmap bestaat uit {_dutch(len(infos))} delen; dat is geen gewone Excel-werkmap",
                         file=file)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 10_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"deel {info.filename} zou uitpakken tot {_dutch(info.file_size // 1_000_000)} MB, "
                             f"{info.file_size // max(info.compress_size, 1)} keer zo groot als in het bestand; "
                             "dat is geen gewone werkmap (mogelijk een zip-bom). Sla het bestand opnieuw op in "
                             "Excel of splits het", file=file)
    if total > MAX_INFLATED:
        raise InputError(f"de werkmap pakt uit tot {_dutch(total // 1_000_000)} MB (hoogstens "
                         f"{_dutch(MAX_INFLATED // 1_000_000)} MB); splits het bestand, bijvoorbeeld per maand",
                         file=file)


def scan(path: Path, max_rows: int = MAX_ROWS) -> dict[str, SheetScan]:
    """Part path -> what is in that sheet. Raises InputError for a sheet with more than
    ``max_rows`` rows (stops reading as soon as it sees one too many)."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError("dit is geen Excel-werkmap (.xlsx): het bestand is onleesbaar of beschadigd (geen geldig "
                         "zip-bestand); sla het opnieuw op als Excel-werkmap", file=path.name) from None
    out: dict[str, SheetScan] = {}
    with z:
        check_inflation(z, path.name)
        hidden: set[str] = set()
        names = _sheet_names(z, hidden)
        for info in z.infolist():
            part = info.filename
            if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
                continue
            sheet = out[part] = SheetScan(names.get(part, posixpath.basename(part)), hidden=part in hidden)
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
