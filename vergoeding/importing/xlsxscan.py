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

What is read is what Excel and LibreOffice read (issue 20, item 6): the workbook part is
found through the package's own relationships (``_rels/.rels``), its sheets through the
workbook's (``xl/_rels/workbook.xml.rels``), wherever the parts are stored; a part no
relationship points at is no sheet. Part names are matched as OPC says (without regard to
case, percent-encoding undone), and a zip that holds one name twice is refused: which copy a
reader takes is not the file's to decide. Each sheet is parsed as XML (``importing/sheetxml.py``:
expat, so attribute quoting, namespace prefixes and entities are as the XML says, not as a
regular expression expects; a sheet far too large is refused from a count of its row tags
before it is parsed). Refused, naming sheet and rows or columns, because the user does not see
what would be imported or the file misstates itself:

* hidden rows, including rows hidden by a filter (Excel's AutoFilter), rows of height 0 and
  the rows a sheet hides by default (``zeroHeight``), and hidden columns (or of width 0) that
  hold cells: make them visible (or delete them) first;
* a ``<dimension>`` that does not cover the cells (a stale one: readers that trust it drop
  rows) or claims far more than the sheet has (a 3 KB file claiming 17 billion cells made
  the reader pad every row);
* more than :data:`MAX_COLUMNS` columns.
"""

from __future__ import annotations

import posixpath
import urllib.parse
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from vergoeding.errors import InputError
from vergoeding.importing.sheetxml import SheetScan, cell_position, local_name, scan_part

MAX_ROWS = 250_000  # per sheet; a year of hours of a large network is about 100,000
MAX_INFLATED = 400_000_000  # bytes, all members together; 250,000 rows of hours take ~100 MB
MAX_RATIO = 200  # real workbooks compress 5 to 30 times; a bomb thousands of times
MAX_MEMBERS = 10_000
MAX_COLUMNS = 1_000  # an import sheet has a dozen; a header of thousands is no import file
SLACK_ROWS, SLACK_COLUMNS = 10_000, 1_000  # a dimension may claim this much more than the cells (formatting)
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _member(z: zipfile.ZipFile, part: str) -> zipfile.ZipInfo | None:
    """The zip member of a part name, as OPC matches it: without regard to case."""
    info = z.NameToInfo.get(part)
    if info is not None:
        return info
    folded = part.casefold()
    return next((i for i in z.infolist() if i.filename.casefold() == folded), None)


def _xml(z: zipfile.ZipFile, part: str) -> ElementTree.Element | None:
    info = _member(z, part)
    if info is None:
        return None
    if info.file_size > 50_000_000:  # a workbook or relationships part is kilobytes
        return None
    try:
        return ElementTree.fromstring(z.read(info))
    except ElementTree.ParseError:
        return None


def _resolve(base_dir: str, target: str) -> str:
    """A relationship target as a part name: absolute (``/xl/x.xml``) or relative to the source's folder."""
    target = urllib.parse.unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, target)).lstrip("/")


def _targets(z: zipfile.ZipFile, source: str, external: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part) of the part ``source`` (``""`` for the package); the
    ids of relationships to something outside the file are added to ``external``."""
    folder, name = posixpath.split(source)
    rels = _xml(z, posixpath.join(folder, "_rels", f"{name}.rels"))
    out: dict[str, tuple[str, str]] = {}
    for r in rels if rels is not None else ():
        if local_name(r.tag) != "Relationship":
            continue
        if r.get("TargetMode", "Internal") != "External":
            out[r.get("Id", "")] = (r.get("Type", ""), _resolve(folder, r.get("Target", "")))
        elif external is not None:
            external.add(r.get("Id", ""))
    return out


def workbook_part(z: zipfile.ZipFile) -> str:
    """The workbook's part, found as Excel finds it: the package's officeDocument relationship."""
    for kind, part in _targets(z, "").values():
        if kind.endswith("/officeDocument"):
            return part
    return "xl/workbook.xml"


def _sheet_names(z: zipfile.ZipFile, hidden: set[str] | None = None,
                 unlinked: list[str] | None = None) -> dict[str, str]:
    """Part path -> sheet name, in workbook order, from the workbook and its relationships
    (wherever the parts are stored); the parts of hidden sheets (state hidden or veryHidden)
    are added to ``hidden``, the names of sheets whose relationship is missing or points
    outside the file to ``unlinked`` (a reader that ignores that reads a part unscanned)."""
    book = workbook_part(z)
    wb = _xml(z, book)
    if wb is None:
        return {}
    external: set[str] = set()
    targets = _targets(z, book, external)
    out: dict[str, str] = {}
    for sheet in wb.iter():
        if local_name(sheet.tag) != "sheet":
            continue
        rid = sheet.get(_REL) or next((v for k, v in sheet.attrib.items() if local_name(k) == "id"), None)
        if rid not in targets:
            if unlinked is not None:
                unlinked.append(sheet.get("name", "?"))
            continue
        part = targets[rid][1]
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
    seen: set[str] = set()
    for info in infos:
        if info.filename.casefold() in seen:
            raise InputError(f"de werkmap bevat het deel {info.filename} twee keer; welk van de twee een programma "
                             "leest, is niet te zeggen. Dat doet Excel nooit: open het bestand in Excel of "
                             "LibreOffice en sla het opnieuw op", file=file)
        seen.add(info.filename.casefold())
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


def open_checked(path: Path, kind: str, save_as: str) -> zipfile.ZipFile:
    """The workbook's zip (.xlsx or .ods), its members checked by :func:`check_inflation`
    before anything is inflated; a file that is no zip is refused, naming what it should be
    (``kind``) and how to save it again (``save_as``)."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"dit is geen {kind}: het bestand is onleesbaar of beschadigd (geen geldig zip-bestand); "
                         f"sla het opnieuw op als {save_as}", file=path.name) from None
    try:
        check_inflation(z, path.name)
    except BaseException:
        z.close()
        raise
    return z


def scan(path: Path, max_rows: int = MAX_ROWS) -> dict[str, SheetScan]:
    """Part path -> what is in that sheet, for every sheet of the workbook. Raises
    InputError for a sheet with more than ``max_rows`` rows (stops reading as soon as it sees
    one too many), and for hidden rows or columns, a misstated dimension or too many columns
    in a visible sheet (see the module docstring)."""
    out: dict[str, SheetScan] = {}
    with open_checked(path, "Excel-werkmap (.xlsx)", "Excel-werkmap") as z:
        hidden: set[str] = set()
        unlinked: list[str] = []
        names = _sheet_names(z, hidden, unlinked)
        if unlinked:
            raise InputError(f"blad {unlinked[0]!r} verwijst niet naar een deel in het bestand (de verwijzing ontbreekt "
                             "of wijst naar iets buiten de werkmap); het bestand is beschadigd. Open het in Excel of "
                             "LibreOffice en sla het opnieuw op", file=path.name, sheet=unlinked[0])
        for part, name in names.items():
            member = _member(z, part)
            if member is None:
                raise InputError(f"blad {name!r} verwijst naar een deel dat niet in het bestand staat ({part}); het "
                                 "bestand is beschadigd. Open het in Excel of LibreOffice en sla het opnieuw op",
                                 file=path.name, sheet=name)
            sheet = out[part] = SheetScan(name, hidden=part in hidden)
            try:
                scan_part(z, member, sheet, max_rows)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, ElementTree.ParseError,
                    expat.ExpatError) as exc:
                raise InputError(f"blad {sheet.name!r} is beschadigd ({_damage(exc)})", file=path.name) from None
            if sheet.rows > max_rows:
                raise InputError(f"blad {sheet.name!r} heeft meer dan {_dutch(max_rows)} rijen; dat is te veel "
                                 "voor één keer inlezen: splits het bestand, bijvoorbeeld per maand",
                                 file=path.name, sheet=sheet.name)
            if not sheet.hidden and not _ignored(sheet.name):
                refuse_unseen(sheet, path.name)
    return out


def _damage(exc: BaseException) -> str:
    if isinstance(exc, ElementTree.ParseError | expat.ExpatError):
        return "geen geldige XML"
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "het zip-bestand is beschadigd"
    return "onleesbaar"


def _ignored(name: str) -> bool:
    """Sheets the import passes by (an 'uitleg' sheet): their layout is nobody's business."""
    try:
        from vergoeding.importing.fields import normalise_header
        from vergoeding.importing.readers import IGNORED_SHEETS
    except ImportError:  # pragma: no cover - a reader without such sheets
        return False
    return normalise_header(name) in IGNORED_SHEETS


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:8])
    return shown + (f" en nog {_dutch(len(rows) - 8)}" if len(rows) > 8 else "")


def refuse_unseen(sheet: SheetScan, file: str) -> None:
    """What the user does not see, or what the file misstates, is refused (module docstring)."""
    from vergoeding.importing.cells import column_letter

    if sheet.last_column > MAX_COLUMNS:
        raise InputError(f"blad {sheet.name!r} heeft cellen tot kolom {column_letter(sheet.last_column)} "
                         f"({_dutch(sheet.last_column)} kolommen); een importblad heeft hoogstens "
                         f"{_dutch(MAX_COLUMNS)} kolommen", file=file, sheet=sheet.name)
    if sheet.hidden_rows:
        how = "weggefilterd (een filter staat aan) of verborgen" if sheet.filtered else "verborgen"
        word = "rij" if len(sheet.hidden_rows) == 1 else "rijen"
        raise InputError(f"{word} {_rows_text(sheet.hidden_rows)} {'is' if word == 'rij' else 'zijn'} {how}; wat u "
                         "niet ziet, wordt niet stilletjes ingelezen. Zet het filter uit of maak de rijen zichtbaar "
                         "(en verwijder wat niet mee moet), sla op en lees opnieuw in", file=file, sheet=sheet.name)
    for first, last in sheet.hidden_columns:
        if first <= sheet.last_column:
            cols = column_letter(first) + (f" tot en met {column_letter(min(last, sheet.last_column))}"
                                           if min(last, sheet.last_column) > first else "")
            raise InputError(f"kolom {cols} is verborgen; wat u niet ziet, wordt niet stilletjes ingelezen. Maak de "
                             "kolom zichtbaar (of verwijder haar), sla op en lees opnieuw in", file=file,
                             sheet=sheet.name)
    if sheet.dimension is None:
        return
    bounds = _range(sheet.dimension)
    if bounds is None:
        return
    last_row, last_col = bounds
    real = f"{column_letter(max(sheet.last_column, 1))}{max(sheet.last_row, 1)}"
    if sheet.last_row > last_row or sheet.last_column > last_col:
        raise InputError(f"het bestand zegt dat het blad loopt tot {sheet.dimension.split(':')[-1]}, maar er staan "
                         f"cellen tot {real}; een programma dat het bestand zo gelooft, laat rijen weg. Open het "
                         "bestand in Excel of LibreOffice en sla het opnieuw op", file=file, sheet=sheet.name)
    if last_row > sheet.last_row + SLACK_ROWS or last_col > sheet.last_column + SLACK_COLUMNS:
        raise InputError(f"het bestand zegt dat het blad loopt tot {sheet.dimension.split(':')[-1]} "
                         f"({_dutch(last_row)} rijen, {_dutch(last_col)} kolommen), maar er staan cellen tot {real}; "
                         "open het bestand in Excel of LibreOffice en sla het opnieuw op", file=file, sheet=sheet.name)


def _range(ref: str) -> tuple[int, int] | None:
    """The last row and column of ``A1:C3`` (or of a single cell)."""
    cell = cell_position(ref.split(":")[-1])
    return cell
