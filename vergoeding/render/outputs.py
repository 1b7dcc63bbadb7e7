"""Which path an output file may be written to: the one rule every writer uses
(:func:`vergoeding.render.files.write_atomic` calls :func:`check_output` before it writes a
byte, and a command that records something before it writes, such as ``payout``, calls it
first for every file).

An output path is refused when it

* holds a control character or another invisible character (an escape sequence pasted
  into the name: the file would be made and its name echoed raw to the terminal);
* is a folder, a device, a pipe or a socket (``-o /dev/full``, ``-o /tmp``);
* is a symbolic link, or a file with more than one name (a hard link): replacing it would
  cut the link, or the other name would keep the old content, and the link may lead to the
  administration itself;
* has an extension that does not fit what is written (a PDF to ``c.xlsx``, an Excel file to
  ``v.db``): the format is read from the bytes themselves (``%PDF-``, a zip, ``<?xml``, a
  UTF-8 BOM), so no writer can pass the wrong one;
* exists and is not a file of that same kind that vergoeding made: the administration (any
  SQLite database, whatever its name: ``-o v.db`` used to turn the database into a PDF), a
  user's own document, a file of another kind. Files vergoeding makes are recognised by their
  make: a PDF made by WeasyPrint, a workbook made by openpyxl (or with vergoeding as its
  creator), UBL and SEPA XML (``Invoice``, ``CreditNote``, ``Document``), and CSV with the BOM
  every CSV of vergoeding starts with. Writing the same document again (a second ``invoice
  render``, a payout's files finished later) is therefore allowed.

Every refusal is a :class:`~vergoeding.errors.ConfigError` naming the path and what to do.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from vergoeding.errors import ConfigError

# kind -> (allowed extensions, Dutch name). The first extension is the one to suggest.
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "een PDF"),
    "xlsx": ((".xlsx",), "een Excel-werkmap"),
    "xml": ((".xml", ".ubl"), "een XML-bestand"),
    "csv": ((".csv", ".txt"), "een CSV-bestand"),
    "text": ((".txt", ".csv", ".toml", ".json", ".md"), "een tekstbestand"),
}
_SQLITE = b"SQLite format 3\x00"
_BOM = b"\xef\xbb\xbf"
_PYDYF = b"\n%\xf0\x9f\x96\xa4\n"  # the second line of every PDF pydyf (WeasyPrint) writes
_OUR_XML = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(Invoice|CreditNote|Document)[\s>]")


def kind_of(data: bytes) -> str:
    """The kind of file these bytes are (see :data:`KINDS`)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"<?xml") or data.startswith(_BOM + b"<?xml"):
        return "xml"
    if data.startswith(_BOM):
        return "csv"
    return "text"


def check_output(path: str | Path, data: bytes) -> Path:
    """``path`` if ``data`` may be written there; otherwise a :class:`ConfigError`."""
    target = Path(path)
    from vergoeding.core.text import is_clean, printable

    if not is_clean(str(target)):  # an escape sequence or bidi override typed or pasted into the name
        raise ConfigError(f"de bestandsnaam {printable(str(target))} bevat een onzichtbaar stuurteken (bijvoorbeeld "
                          "een escape-reeks uit geplakte tekst); typ de naam opnieuw. Er is niets geschreven.")
    kind = kind_of(data)
    exts, what = KINDS[kind]
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        from vergoeding.failures import os_reason

        raise ConfigError(f"kan {target} niet schrijven: {os_reason(exc)}; kies een ander bestand. Er is niets "
                          "geschreven.") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"{target} is een map; geef een bestandsnaam, bijvoorbeeld {target / ('bestand' + exts[0])}. "
                          "Er is niets geschreven.")
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise ConfigError(f"{target} is een snelkoppeling (symbolische link) naar {os.readlink(target)}; vergoeding "
                          "schrijft niet via een link, want die kan naar de administratie of een ander bestand "
                          "wijzen. Geef de echte bestandsnaam of een nieuwe naam. Er is niets geschreven.")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{target} is geen gewoon bestand (een apparaat, pipe of socket); geef een bestandsnaam, "
                          f"bijvoorbeeld uitvoer{exts[0]}. Er is niets geschreven.")
    suffix = target.suffix.lower()
    if suffix not in exts:
        shown = f"de extensie {target.suffix!r}" if target.suffix else "geen extensie"
        raise ConfigError(f"{target} heeft {shown}, maar wat geschreven wordt is {what}; geef een naam die eindigt "
                          f"op {' of '.join(exts[:2])}, bijvoorbeeld {target.with_suffix(exts[0]).name}. Er is "
                          "niets geschreven.")
    if st is None:
        return target
    if st.st_nlink > 1:
        raise ConfigError(f"{target} heeft nog een andere naam (een harde link, {st.st_nlink} namen); vergoeding "
                          "overschrijft zo'n bestand niet, want die andere naam kan de administratie zijn. Kies een "
                          "nieuwe naam. Er is niets geschreven.")
    problem = _not_ours(target, kind)
    if problem:
        raise ConfigError(f"{target} bestaat al en {problem}; vergoeding overschrijft alleen bestanden die het zelf "
                          "zo gemaakt heeft. Kies een nieuwe naam, of verplaats het bestand eerst. Er is niets "
                          "geschreven.")
    return target


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def _not_ours(path: Path, kind: str) -> str | None:
    """Why the existing file at ``path`` is not a ``kind`` file made by vergoeding, or None."""
    head = _head(path)
    if head.startswith(_SQLITE):
        return "is een database (mogelijk de administratie zelf)"
    found = kind_of(head) if head else "leeg"
    if found == "leeg":
        return "is een leeg bestand dat vergoeding niet gemaakt heeft"
    if found != kind:
        return f"is {KINDS[found][1] if found in KINDS else 'een ander soort bestand'}, geen {KINDS[kind][1][4:]}"
    if kind == "pdf":
        return None if _pdf_made_here(head) else "is een PDF die niet door vergoeding gemaakt is"
    if kind == "xlsx":
        return None if _xlsx_made_here(path) else "is een werkmap die niet door vergoeding gemaakt is"
    if kind == "xml":
        return None if _OUR_XML.search(head) else "is een XML-bestand dat geen factuur of SEPA-bestand is"
    if kind == "text":
        return "is een tekstbestand dat vergoeding niet gemaakt heeft" if b"\x00" in head else None
    return None


def _pdf_made_here(head: bytes) -> bool:
    """WeasyPrint (through pydyf) starts every PDF with the same binary comment line."""
    return head.startswith(b"%PDF-") and _PYDYF in head[:32]


def _xlsx_made_here(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")[:4096]
    except Exception:  # noqa: BLE001 - an unreadable workbook is not ours
        return False
    m = re.search(rb"<(?:\w+:)?creator[^>]*>([^<]*)<", core)
    return m is not None and m.group(1).strip().lower() in (b"openpyxl", b"vergoeding")
