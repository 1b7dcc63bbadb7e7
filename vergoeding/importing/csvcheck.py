"""A CSV file's bytes as text, decided on the whole file (issue 20, item 6), and its shape
checked before the csv module builds a single row.

Encoding. UTF-16 with its BOM (Excel's "Unicode-tekst"); else UTF-8 (with or without BOM)
when the WHOLE file is UTF-8; else Windows-1252 (Dutch Excel's "CSV (puntkomma)") when the
file holds no UTF-8 at all. A file that is UTF-8 except for some bytes (one line pasted from
a Windows-1252 file: "café" next to "caf\\xe9") is refused, naming the line of the first
byte that does not fit: decoding it all as Windows-1252 turned every "é" into "Ã©" without a
word. A byte Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90, 0x9D) is refused with its
line too.

Shape. A line with more than :data:`MAX_COLUMNS` separators (a header of five million
fields cost 5 GB in the csv module) is refused with its line number, before parsing.
"""

from __future__ import annotations

import io
import re

from vergoeding.errors import InputError

MAX_COLUMNS = 1_000  # an import file has a dozen columns

# A valid multi-byte UTF-8 sequence (RFC 3629): proof that (part of) the file is UTF-8.
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_SAVE_AS = "sla het bestand op als 'CSV UTF-8 (door komma's gescheiden)'"


def _line(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def decode(data: bytes, file: str | None = None) -> str:
    """The text of a CSV file (see the module docstring); InputError naming the line otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"dit UTF-16-bestand is beschadigd (onleesbaar teken op positie {exc.start}); "
                             f"{_SAVE_AS}", file=file) from None
        return check_shape(text, file)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return check_shape(data[bom:].decode("utf-8"), file)
    except UnicodeDecodeError as exc:
        bad = bom + exc.start  # the position in the file, the BOM counted
    if bom or _UTF8_MULTI.search(data):
        raise InputError(f"deze regel bevat een teken dat geen UTF-8 is (byte 0x{data[bad]:02X}), "
                         "terwijl de rest van het bestand UTF-8 is: het bestand is uit twee bronnen samengesteld. "
                         f"Typ de tekens op die regel opnieuw, of {_SAVE_AS}", file=file, row=_line(data, bad)) from None
    try:
        return check_shape(data.decode("cp1252"), file)
    except UnicodeDecodeError as exc:
        raise InputError("deze regel bevat een teken dat in UTF-8 noch in Windows-1252 bestaat "
                         f"(byte 0x{data[exc.start]:02X}); {_SAVE_AS}", file=file, row=_line(data, exc.start)) from None


def check_shape(text: str, file: str | None = None) -> str:
    """``text`` when no line has more than :data:`MAX_COLUMNS` separators of any kind."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_COLUMNS and max(line.count(";"), line.count(","), line.count("\t")) >= MAX_COLUMNS:
            fields = max(line.count(";"), line.count(","), line.count("\t")) + 1
            raise InputError(f"deze regel heeft {fields:,} kolommen; een importbestand heeft er hoogstens "
                             f"{MAX_COLUMNS:,}. Is dit het goede bestand?".replace(",", "."), file=file, row=number)
    return text
