"""Records with a code (organisations, experts): a frozen dataclass whose fields are the table's
columns, read, added and edited the same way (``store/organisations.py``, ``store/experts.py``).
Every change is checked against the column sizes and writes an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypedDict, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection

from vergoeding.core import ids
from vergoeding.errors import NotFoundError
from vergoeding.store.base import _changes, _check_code, _err, _id_of, _new_id, _text, audit, fits
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc

R = TypeVar("R")


def read(conn: Connection, table: Any, cls: type[R], code: str, what: str) -> R:
    """The record with ``code`` (any case) as a ``cls``; NotFoundError names ``what``."""
    r = conn.execute(sa.select(table).where(code_is(table.c.code, code))).mappings().first()
    if r is None:
        raise NotFoundError(f"{what} {code!r} bestaat niet")
    return cls(**{f.name: r[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def refuse_taken_code(conn: Connection, table: Any, code: str, what: str) -> None:
    """A new record's code may not exist yet, in any case."""
    if conn.execute(sa.select(table.c.id).where(code_is(table.c.code, code))).first():
        raise _err(f"{what} {code!r} bestaat al", "code")


def insert(conn: Connection, actor: str, table: Any, entity: str, values: Mapping[str, Any],
                  detail: Mapping[str, Any]) -> int:
    """Insert a checked record (each text within its column) with the audit row ``add``."""
    fits(table, values)
    new_id = _new_id(conn.execute(sa.insert(table).values(**values, created_at=now_utc())))
    audit(conn, actor, "add", entity, new_id, detail)
    return new_id


def update(conn: Connection, actor: str, table: Any, entity: str, what: str, code: str,
                  old: Any, new: Any) -> None:
    """Write the fields that differ between ``old`` and ``new`` (the code stays), with the
    audit row ``edit`` listing them; nothing when nothing changed."""
    if new.code != old.code:
        raise _err("de code kan niet worden gewijzigd", "code")
    diff = _changes(old, new)
    if diff:
        rid = _id_of(conn, table, code, what, "code")
        values = {k: getattr(new, k) for k in diff}
        fits(table, values)
        conn.execute(sa.update(table).where(table.c.id == rid).values(**values))
        audit(conn, actor, "edit", entity, rid, {"code": code, "changes": diff})


class Named(TypedDict):
    code: str
    name: str
    street: str
    postcode: str
    city: str


def named_fields(d: Any) -> Named:
    """The code, name and address of an organisation or expert in their stored form."""
    pc = _text(d.postcode)
    return Named(code=_check_code(d.code), name=_text(d.name), street=_text(d.street),
                 postcode=ids.postcode(pc) if pc else "", city=_text(d.city))
