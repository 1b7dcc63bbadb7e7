"""What the write side of the administration shares (:mod:`~vergoeding.store.ledger` for
organisations, experts, declarations and engagements; :mod:`~vergoeding.store.entries` for
hour entries): the Dutch field names used in every message, the audit log, and small helpers.

Field names in messages are the Dutch column names of the import template
(:data:`LABELS`), so a message means the same on the command line and in a workbook.
Every change writes an ``audit_log`` row (who, when, what); a BSN never enters the log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from vergoeding.core.bounds import check_bound
from vergoeding.core.money import round_cents, to_cents
from vergoeding.core.text import clean_text
from vergoeding.errors import FIELD_LABELS, InputError, mask_bsns
from vergoeding.store import schema as s
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc

# Dutch names of the fields: used in messages and as the import template's column headers
# (one table, in vergoeding.errors, so that every InputError names its field in Dutch).
LABELS = FIELD_LABELS

STATUS_LABELS = {"logged": "ingevoerd", "approved": "goedgekeurd", "settled": "uitbetaald"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


def _err(message: str, attr: str) -> InputError:
    return InputError(message, field=attr)  # InputError names the field in Dutch (FIELD_LABELS)


# ---------------------------------------------------------------------------- audit


def audit(conn: Connection, actor: str, action: str, entity: str, entity_id: int | None,
          detail: Mapping[str, Any] | None = None) -> None:
    conn.execute(insert(s.audit_log).values(
        at=now_utc(), actor=actor, action=action, entity=entity, entity_id=entity_id,
        detail=json.dumps(_jsonable(detail or {}), ensure_ascii=False, sort_keys=True)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): (_bsn_note(v) if k == "bsn" and v else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, str):
        return mask_bsns(value)  # a BSN typed into free text before the input rule existed
    return value


def _bsn_note(value: Any) -> str:
    """The audit log never holds a BSN: an edit says it changed, a new record that one is on file."""
    return "(gewijzigd)" if isinstance(value, list | tuple) else "(vastgelegd)"


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a != b:
            out[f.name] = ["***", "***"] if f.name == "bsn" else [a, b]
    return out


# ---------------------------------------------------------------------------- helpers


def _text(value: str | None) -> str:
    return (value or "").strip()


# free text that may hold line breaks; every other text field is one line
MULTILINE = frozenset({"description", "hourly_justification", "note", "expense_note", "inkind_note", "reason"})
# identifiers: checked by their own rule (python-stdnum), never a "BSN in free text"
_IDENTIFIERS = frozenset({"bsn", "kvk", "vat_id", "iban", "bic", "oin", "postcode", "email", "contact_email",
                          "phone", "code", "engagement", "expert", "client"})


def clean(attr: str, value: str | None) -> str:
    """:func:`vergoeding.core.text.clean_text` for the field ``attr`` (named in Dutch in the
    message); identifiers skip the BSN test, their own check is stricter."""
    return clean_text(value, field=LABELS.get(attr, attr), multiline=attr in MULTILINE,
                      allow_bsn=attr in _IDENTIFIERS)


def clean_fields(d: Any) -> Any:
    """The dataclass ``d`` with every text field through :func:`clean` (the same rule for
    the command line and the import); a copy only when something changed."""
    from dataclasses import replace

    changes = {}
    for f in fields(d):
        v = getattr(d, f.name)
        if isinstance(v, str):
            c = clean(f.name, v)
            if c != v:
                changes[f.name] = c
    return replace(d, **changes) if changes else d


def bounded(attr: str, value: Decimal | int | None, bound: str | None = None) -> None:
    """:func:`vergoeding.core.bounds.check_bound` with the Dutch field name."""
    check_bound(bound or attr, value, field=LABELS.get(attr, attr))


def _opt(value: str | None) -> str | None:
    v = _text(value)
    return v or None


def _maybe(check: Any, value: str | None, **kw: Any) -> str | None:
    """Empty -> None; otherwise the checked, normalised value."""
    v = _opt(value)
    return None if v is None else str(check(v, **kw))


def fits(table: Any, values: Mapping[str, Any]) -> None:
    """Refuse a text longer than its column (``String(n)``) before the database sees it:
    PostgreSQL would raise an error mid-transaction, SQLite would silently store it."""
    for name, value in values.items():
        col = table.c.get(name)
        limit = getattr(getattr(col, "type", None), "length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            raise _err(f"te lang: hoogstens {limit} tekens, nu {len(value)} ({value[:20]}...)", name)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - an INSERT always returns its key
        raise RuntimeError("no primary key returned")
    return int(key[0])


def _check_code(code: str) -> str:
    c = _text(code)
    if not _CODE.match(c):
        raise _err(f"{code!r} is geen geldige code (letters, cijfers, - _ . ; hoogstens 40 tekens)", "code")
    return c


def _cents(v: Decimal | None) -> int | None:
    return None if v is None else to_cents(round_cents(v))


def _non_negative(value: Decimal | int | None, attr: str) -> None:
    if value is not None and value < 0:
        raise _err(f"mag niet negatief zijn (nu {value})", attr)


def next_code(conn: Connection, table: str, prefix: str) -> str:
    """The next free code ``PREFIX001``, ``PREFIX002``... for a table with a code column."""
    t = s.metadata.tables[table]
    taken = {r[0] for r in conn.execute(select(t.c.code).where(t.c.code.like(f"{prefix}%")))}
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _id_of(conn: Connection, table: Any, code: str, what: str, attr: str) -> int:
    found = conn.execute(select(table.c.id).where(table.c.code == code)).scalar()  # as stored: the index
    if found is None:  # typed in another case
        found = conn.execute(select(table.c.id).where(code_is(table.c.code, code))).scalar()
    if found is None:
        raise _err(f"{what} {code!r} bestaat niet", attr)
    return int(found)
