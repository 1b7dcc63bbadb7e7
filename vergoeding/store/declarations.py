"""Reading the experts' own declarations of allowances from other organisations."""

from __future__ import annotations

from sqlalchemy import Connection, select

from vergoeding.core.checks_volunteer import Declaration
from vergoeding.core.money import from_cents
from vergoeding.store.codes import code_is
from vergoeding.store.schema import declarations, experts


def load_declarations(conn: Connection, *, expert_code: str | None = None,
                      years: tuple[int, ...] | None = None) -> list[Declaration]:
    q = (select(declarations, experts.c.code.label("expert_code"))
         .join(experts, experts.c.id == declarations.c.expert_id)
         .order_by(declarations.c.year, declarations.c.month, declarations.c.id))
    if expert_code:
        q = q.where(code_is(experts.c.code, expert_code))
    if years:
        q = q.where(declarations.c.year.in_(list(years)))
    return [Declaration(r.expert_code, int(r.year), None if r.month is None else int(r.month),
                        from_cents(int(r.amount_cents)), r.organisation, r.note)
            for r in conn.execute(q)]
