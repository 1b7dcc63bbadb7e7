"""CSV for spreadsheets: one convention for every CSV file the program writes for people
(``report derden -o x.csv``, every listing with ``--format csv``).

**The convention (Dutch Excel opens it with a double-click, columns and amounts intact):**

- separator ``;`` (Dutch Excel's list separator), line end CR LF, UTF-8 with a BOM (without
  the BOM Excel reads UTF-8 as Windows-1252: "CafÃ©");
- quoting by Python's :mod:`csv` module (``QUOTE_MINIMAL``): a field that holds the
  separator, a double quote, a CR or a LF is enclosed in double quotes, with the quotes
  doubled. A line break inside a note stays inside its cell, never starts a new row;
- amounts and other decimals with a decimal comma and no thousands separator (``1234,56``,
  ``-3,00``); whole numbers as digits; dates as ``jjjj-mm-dd`` (ISO 8601, which Excel reads
  as a date in every locale); yes/no as ``ja``/``nee``;
- **text never starts a formula.** A text cell whose first character is ``=``, ``+``, ``-``,
  ``@``, a tab, a CR or a LF, or one of their full-width forms (``＝ ＋ － ＠``), also when
  hidden behind any invisible character (white space including U+2028/U+2029, a BOM,
  zero-width and other format characters, blank fillers), gets a leading apostrophe
  (OWASP's advice; the spreadsheet shows the text as typed, with the apostrophe). Numbers
  are numbers by type (a ``Decimal``), never by the look of a text: an expert named "-1"
  is text and is neutralised; a credit amount -3,00 is a number and is not.
- control characters and escape sequences are removed from text
  (:func:`vergoeding.core.text.printable`).

A spreadsheet still changes some values it reads from CSV: a BSN or postcode that starts
with 0 loses the zero, a long number becomes 1,23E+17. For such values use the xlsx
version (``report derden -o x.xlsx``), which stores them as text. JSON output is never
changed (it is data for scripts).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vergoeding.core.money import unsigned_zero
from vergoeding.core.text import printable

DELIMITER = ";"
BOM = "\ufeff"
LINE_END = "\r\n"

_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# Hangul and Braille fillers: letters by category, blank on screen
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    """What a spreadsheet may skip, or a reader cannot see, before the first character:
    white space of any kind (including the line and paragraph separators U+2028/U+2029),
    format characters (zero-width, BOM, direction marks, invisible operators, tag
    characters), controls, combining marks with nothing to combine with (U+034F, variation
    selectors) and blank letters. A category test rather than a list, so that no invisible
    character is forgotten."""
    return ch.isspace() or unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch in _BLANK_LETTERS


_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Mn", "Me"})


def csv_text(value: str) -> str:
    """Text for a CSV cell: printable, and prefixed with ``'`` when a spreadsheet could read
    it as a formula."""
    text = printable(value, multiline=True)
    for ch in text:
        if ch in _TRIGGERS:
            return "'" + text
        if not _invisible(ch):
            break
    return text


def decimal_text(value: Decimal | int) -> str:
    """A number in the Dutch convention: decimal comma, no thousands separator."""
    if isinstance(value, Decimal):
        return f"{unsigned_zero(value):f}".replace(".", ",")  # never "-0,00"
    return str(value)


def cell(value: Any) -> str:
    """Any value as a CSV cell under the convention above."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal | int):
        return decimal_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return csv_text(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """The whole file as text (encode as UTF-8): BOM, header, rows."""
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    w = csv.writer(buf, delimiter=DELIMITER, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    w.writerow([csv_text(h) for h in header])
    for row in rows:
        w.writerow([cell(v) for v in row])
    return buf.getvalue()


def read_back(text: str) -> list[list[str]]:
    """Parse a file written by :func:`to_csv` (tests, and the reader's documentation)."""
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=DELIMITER))
