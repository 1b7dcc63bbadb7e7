"""Codes (E001, G003, UTR) as people type them: matched regardless of case, stored as entered.

``e001`` finds ``E001``. Adding a code that differs only in case from an existing one is
refused (``add_*`` compare with :func:`code_is` too), so a lookup matches at most one row.
``lower()`` is the same on SQLite and PostgreSQL for the ASCII letters codes are made of.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func


def code_is(column: Any, code: str) -> ColumnElement[bool]:
    return func.lower(column) == code.strip().lower()


def stored_code(conn: Any, table: Any, code: str) -> str:
    """The code as stored for ``code`` typed in any case (``e001`` -> ``E001``); an unknown code
    comes back as given, so the caller's own lookup says that it does not exist."""
    from sqlalchemy import select

    if conn.execute(select(table.c.code).where(table.c.code == code)).first() is not None:
        return code
    found = conn.execute(select(table.c.code).where(code_is(table.c.code, code)).limit(2)).scalars().all()
    return str(found[0]) if len(found) == 1 else code
