"""CSV cells that a spreadsheet will not run as a formula.

Finance staff open CSV files in Excel or LibreOffice, which evaluate a cell starting with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) as a formula — an expert named
``=HYPERLINK(...)`` would become a live link. Such text gets a leading apostrophe (the
OWASP advice; the spreadsheet shows the text as typed). Plain numbers such as ``-3.00`` are
left alone. JSON output is never changed."""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)*")


def csv_text(value: str) -> str:
    if value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
