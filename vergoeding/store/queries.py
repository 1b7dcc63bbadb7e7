"""Reading the administration into core values (:mod:`vergoeding.core.work`): lookups by code
and lists. Rows become values in :mod:`~vergoeding.store.rows`; the summed entries of the
checks' fast path are in :mod:`~vergoeding.store.sums`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, select

from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Entry, Expert, Organisation
from vergoeding.errors import NotFoundError
from vergoeding.store.codes import code_is
from vergoeding.store.rate_history import with_history
from vergoeding.store.rows import (
    engagement_from_row,
    entry_from_row,
    expert_from_row,
    organisation_from_row,
)
from vergoeding.store.schema import engagements, entries, experts, organisations


def own_organisation(conn: Connection) -> Organisation:
    r = conn.execute(select(organisations).where(organisations.c.kind == "own")).first()
    if r is None:
        raise NotFoundError("eigen organisatie ontbreekt: voeg die toe met 'vergoeding org add --own ...'")
    return organisation_from_row(r)


def organisation(conn: Connection, code: str) -> Organisation:
    r = conn.execute(select(organisations).where(code_is(organisations.c.code, code))).first()
    if r is None:
        raise NotFoundError(f"organisatie {code!r} bestaat niet")
    return organisation_from_row(r)


def all_organisations(conn: Connection, kind: str | None = None) -> list[Organisation]:
    q = select(organisations).order_by(organisations.c.code)
    if kind:
        q = q.where(organisations.c.kind == kind)
    return [organisation_from_row(r) for r in conn.execute(q)]


def expert(conn: Connection, code: str) -> Expert:
    r = conn.execute(select(experts).where(code_is(experts.c.code, code))).first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige {code!r} bestaat niet")
    return expert_from_row(r)


def all_experts(conn: Connection, codes: Iterable[str] | None = None) -> list[Expert]:
    q = select(experts).order_by(experts.c.code)
    if codes is not None:
        q = q.where(experts.c.code.in_(list(codes)))
    return [expert_from_row(r) for r in conn.execute(q)]


def _engagement_select() -> Select[Any]:
    return (
        select(engagements, experts.c.code.label("expert_code"), organisations.c.code.label("client_code"))
        .join(experts, experts.c.id == engagements.c.expert_id)
        .join(organisations, organisations.c.id == engagements.c.client_id)
    )


def engagement(conn: Connection, code: str) -> Engagement:
    r = conn.execute(_engagement_select().where(code_is(engagements.c.code, code))).first()
    if r is None:
        raise NotFoundError(f"opdracht {code!r} bestaat niet")
    return with_history(conn, [engagement_from_row(r)])[0]


def all_engagements(conn: Connection, *, expert_code: str | None = None, client_code: str | None = None) -> list[Engagement]:
    q = _engagement_select().order_by(engagements.c.code)
    if expert_code:
        q = q.where(code_is(experts.c.code, expert_code))
    if client_code:
        q = q.where(code_is(organisations.c.code, client_code))
    return with_history(conn, [engagement_from_row(r) for r in conn.execute(q)])


def load_entries(
    conn: Connection,
    *,
    period: Period | None = None,
    expert_code: str | None = None,
    client_code: str | None = None,
    engagement_code: str | None = None,
    statuses: Sequence[str] | None = None,
) -> list[Entry]:
    """Entries (with their engagement code), oldest first, filtered as asked."""
    q = (
        select(entries, engagements.c.code.label("engagement_code"))
        .join(engagements, engagements.c.id == entries.c.engagement_id)
        .order_by(entries.c.work_date, entries.c.id)
    )
    if period is not None:
        q = q.where(entries.c.work_date >= period.start, entries.c.work_date < period.end)
    if expert_code:
        # the expert's id first (a constant for the planner): experts -> engagements (by expert)
        # -> entries (by engagement and date), instead of walking the period's entries by date
        q = q.where(engagements.c.expert_id == select(experts.c.id).where(code_is(experts.c.code, expert_code))
                    .scalar_subquery())
    if client_code:
        q = q.join(organisations, organisations.c.id == engagements.c.client_id).where(code_is(organisations.c.code, client_code))
    if engagement_code:
        q = q.where(code_is(engagements.c.code, engagement_code))
    if statuses:
        q = q.where(entries.c.status.in_(list(statuses)))
    return [entry_from_row(r) for r in conn.execute(q)]
