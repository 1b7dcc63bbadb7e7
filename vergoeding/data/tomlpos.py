"""Line numbers for keys in a TOML file, so that messages can say "file:line".

``tomllib`` gives values, not positions. This scanner follows table headers
(``[a.b]``, ``[[a.b]]`` with their array index) and ``key =`` lines and maps a dotted
path such as ``roles.trainer.rates[1].expert`` to its line. It is only used to point at
a place; a path it cannot find gets the line of its nearest known parent.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _clean(part: str) -> str:
    return part.strip().strip('"').strip("'")


def key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    prefix = ""
    for no, line in enumerate(text.splitlines(), start=1):
        if m := _HEADER.match(line):
            name = ".".join(_clean(p) for p in m.group(2).split("."))
            if m.group(1) == "[[":
                idx = counts.get(name, -1) + 1
                counts[name] = idx
                prefix = f"{name}[{idx}]"
            else:
                # a sub-table of the last array element: a.b[2].c
                prefix = name
                for arr, idx in counts.items():
                    if name.startswith(arr + "."):
                        prefix = f"{arr}[{idx}]{name[len(arr):]}"
            lines.setdefault(prefix, no)
            continue
        if m := _KEY.match(line):
            key = ".".join(_clean(p) for p in m.group(1).split("."))
            lines.setdefault(f"{prefix}.{key}" if prefix else key, no)
    return lines


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of ``path``, or of its nearest parent that has one."""
    p = path
    while p:
        if p in lines:
            return lines[p]
        cut = max(p.rfind("."), p.rfind("["))
        if cut <= 0:
            break
        p = p[:cut]
    return None


_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_NL = (
    ("Invalid value", "ongeldige waarde"),
    ("Invalid statement", "ongeldige regel"),
    ("Expected '=' after a key in a key/value pair", "na een sleutel hoort '='"),
    ("Cannot declare", "deze tabel of sleutel staat er al"),
    ("Cannot overwrite a value", "deze sleutel staat er al"),
    ("Unclosed array", "een lijst ([...]) wordt niet gesloten"),
    ("Unclosed inline table", "een tabel ({...}) wordt niet gesloten"),
    ("Unterminated string", "een tekst tussen aanhalingstekens wordt niet gesloten"),
    ("Illegal character", "een teken dat in TOML niet mag"),
    ("Invalid date or datetime", "ongeldige datum"),
    ("Expected newline or end of document after a statement", "na een waarde hoort een nieuwe regel"),
)


def toml_problem(exc: Exception) -> str:
    """tomllib's English message ("Invalid value (at line 2, column 8)") in Dutch, with its place."""
    text = str(exc)
    m = _PLACE.search(text)
    where = f"op regel {m.group(1)}, kolom {m.group(2)}" if m else "aan het einde van het bestand"
    what = next((nl for en, nl in _TOML_NL if text.startswith(en)), "fout in de schrijfwijze")
    return f"{what} {where}"
