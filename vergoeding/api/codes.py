"""Codes as people type them (``e001`` for ``E001``): the stored spelling, for the CLI's code
options. A module of its own so that a command that only reads does not import the ledger's
write code to look a code up (``make bench``, case 9)."""

from __future__ import annotations

from vergoeding.api.workspace import Workspace


def stored_code(ws: Workspace, kind: str, code: str) -> str:
    """``e001`` -> ``E001``: the stored spelling of a code typed in another case (unknown: as given)."""
    from vergoeding.store import schema as s
    from vergoeding.store.codes import stored_code as lookup

    table = {"organisation": s.organisations, "expert": s.experts, "engagement": s.engagements}[kind]
    with ws.engine.connect() as conn:
        return lookup(conn, table, code)
