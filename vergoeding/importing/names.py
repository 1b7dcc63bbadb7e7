"""The expert's name next to a code in an import (hours, engagements, declarations): checked
against the name the code belongs to, as people write names (case, accents, commas and word
order do not count), so that no hour is booked on the wrong person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from vergoeding.errors import InputError
from vergoeding.importing.headers import is_name_column
from vergoeding.importing.load import ParsedRow, _show, _where
from vergoeding.store import schema as s


def _plain_name(text: str) -> tuple[str, ...]:
    """A name compared as people write it: case, accents, commas and word order do not count."""
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(sorted(bare.casefold().replace(",", " ").replace(".", " ").split()))


def check_names(conn: Connection, rows: list[ParsedRow]) -> list[InputError]:
    """A name next to a code must be the name of that code's expert (or the expert's code):
    hours and declarations name the expert by engagement or expert code; a name that belongs
    to someone else is an error naming both, so no hour is booked on the wrong person. Runs
    after the import's own experts and engagements are added (they count)."""
    by_engagement: dict[str, tuple[str, str]] = {}
    by_expert: dict[str, tuple[str, str]] = {}
    eng_codes = sorted({str(_code_of(pr)) for pr in rows if pr.table.spec.entity == "entry"})
    exp_codes = sorted({str(_code_of(pr)) for pr in rows if pr.table.spec.entity != "entry"})
    g, x = s.engagements, s.experts
    for i in range(0, len(eng_codes), 500):
        for code, xcode, name in conn.execute(select(g.c.code, x.c.code, x.c.name).join(x, x.c.id == g.c.expert_id)
                                              .where(func.lower(g.c.code).in_([c.lower() for c in eng_codes[i:i + 500]]))):
            by_engagement[code.casefold()] = (xcode, name)
    for i in range(0, len(exp_codes), 500):
        for xcode, name in conn.execute(select(x.c.code, x.c.name).where(func.lower(x.c.code).in_([c.lower() for c in exp_codes[i:i + 500]]))):
            by_expert[xcode.casefold()] = (xcode, name)
    errors = []
    for pr in rows:
        code = str(_code_of(pr))
        entry = pr.table.spec.entity == "entry"
        who = (by_engagement if entry else by_expert).get(code.casefold())
        given = pr.expert_name or ""
        if who is None or given.casefold() == who[0].casefold() or _plain_name(given) == _plain_name(who[1]):
            continue  # an unknown code has its own error
        header = next((h for h in pr.table.headers if h and is_name_column(pr.table.spec, h)), "naam")
        of = f"opdracht {code} is van" if entry else f"deskundige {code} heet"
        errors.append(_where(pr.table, pr.row, header, f"{_show(given)} past niet bij de code: {of} {who[1]} "
                             f"({who[0]}). Controleer de code of de naam"))
    return errors


def _code_of(pr: ParsedRow) -> Any:
    v = pr.values
    return v.engagement if pr.table.spec.entity == "entry" else v.get("expert", "")
