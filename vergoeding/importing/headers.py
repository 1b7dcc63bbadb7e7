"""Finding the table in a sheet as offices make them: which kind of rows a sheet holds is
read from its header row, not from its name (``Blad1`` or ``Uren oktober`` will do); title
rows above the header are skipped; and the columns offices add are understood:

* a column with the expert's NAME next to a code (hours: the engagement's expert;
  engagements and declarations: the expert code) is cross-checked against that code
  (:mod:`vergoeding.importing.load`), never refused as unknown;
* any other unknown column (``opmerking``, ``totaal``) is named in a notice and not read;
  it is refused only when it looks like a misspelt known column (``datm``: "bedoelt u
  datum?"), because then a value would silently be lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any

from vergoeding.errors import InputError
from vergoeding.importing.fields import SHEETS, Sheet, normalise_header

MAX_TITLE_ROWS = 20  # non-empty rows above the header row that are skipped as titles
NAME_HEADERS = frozenset({"naam", "naam deskundige", "deskundige naam", "naam ervaringsdeskundige",
                          "ervaringsdeskundige", "medewerker", "naam medewerker", "deskundige"})
NAME_SHEETS = frozenset({"entry", "engagement", "declaration"})  # rows that name an expert by code
CLOSE = 0.8  # difflib ratio from which an unknown header is taken for a misspelling


def is_name_column(spec: Sheet, header: str) -> bool:
    h = normalise_header(header)
    return spec.entity in NAME_SHEETS and h in NAME_HEADERS and h not in spec.field_by_header()


def misspelt(spec: Sheet, header: str) -> str | None:
    """The known column ``header`` most likely means, when it looks like a misspelling."""
    known = {normalise_header(f.title): f.title for f in spec.fields}
    hit = get_close_matches(normalise_header(header), list(known), n=1, cutoff=CLOSE)
    return known[hit[0]] if hit else None


def _score(spec: Sheet, cells: Sequence[Any]) -> tuple[bool, int]:
    """(every required column is there, how many cells are columns of ``spec``)."""
    by_header = spec.field_by_header()
    titles = {normalise_header(f.title): f for f in spec.fields}
    found: set[str] = set()
    for h in (normalise_header(str(c)) for c in cells if isinstance(c, str) and c.strip()):
        f = by_header.get(h)
        if f is None and (meant := misspelt(spec, h)) is not None:
            f = titles[normalise_header(meant)]  # counts here; parse_table refuses the misspelling
        if f is not None:
            found.add(f.attr)
    return all(f.attr in found for f in spec.fields if f.required), len(found)


def find_header(rows: Sequence[tuple[int, Sequence[Any]]], named: Sheet | None, *, file: str,
                sheet: str | None) -> tuple[Sheet, int] | None:
    """(the kind of rows, the position in ``rows`` of the header row): the first of the
    first :data:`MAX_TITLE_ROWS` non-empty rows that holds every required column of a kind.
    When it fits several kinds equally (``code`` and ``naam`` only), the sheet's or file's
    name decides; when that does not either, it is refused. None: no such row."""
    for pos, (_, cells) in enumerate(rows[:MAX_TITLE_ROWS]):
        fits = [(n, spec) for spec in SHEETS for full, n in [_score(spec, cells)] if full]
        if not fits:
            continue
        best = max(n for n, _ in fits)
        top = [spec for n, spec in fits if n == best]
        if len(top) == 1:
            return top[0], pos
        if named in top:
            return named, pos
        raise InputError(f"uit de kolomkoppen blijkt niet of dit {' of '.join(s.name for s in top)} zijn; "
                         f"noem het blad (of het bestand) {top[0].name} of {top[1].name}", file=file, sheet=sheet)
    return None
