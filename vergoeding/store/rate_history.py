"""Rate changes from a date (table ``engagement_rates``, migration 11).

The engagement's own rate columns are the rates from the start; each row here applies from its
``valid_from`` until the next row (NULL = the rate card). Readers load the history of many
engagements in ONE query (:func:`histories`) and put it on the core ``Engagement``
(``rate_history``); pricing then asks ``Engagement.rates_on(work date)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from vergoeding.core.work import Engagement, RateChange
from vergoeding.store import schema as s
from vergoeding.store.base import _cents, _new_id, _text, audit
from vergoeding.store.db import now_utc
from vergoeding.store.rows import _money


def histories(conn: Connection, engagement_ids: Iterable[int] | None = None) -> dict[int, tuple[RateChange, ...]]:
    """engagement id -> its rate changes, oldest first; one query for all (or the given) engagements."""
    r = s.engagement_rates
    q = select(r.c.engagement_id, r.c.valid_from, r.c.expert_rate_cents, r.c.client_rate_cents
               ).order_by(r.c.engagement_id, r.c.valid_from)
    if engagement_ids is not None:
        ids = list(engagement_ids)
        if not ids:
            return {}
        q = q.where(r.c.engagement_id.in_(ids))
    out: dict[int, list[RateChange]] = {}
    for eid, frm, e, c in conn.execute(q):
        out.setdefault(int(eid), []).append((frm, _money(e), _money(c)))
    return {k: tuple(v) for k, v in out.items()}


def with_history(conn: Connection, engs: list[Engagement]) -> list[Engagement]:
    """``engs`` with their rate history filled (one query)."""
    if not engs:
        return engs
    hist = histories(conn, None if len(engs) > 500 else [g.id for g in engs])
    return [replace(g, rate_history=hist[g.id]) if g.id in hist else g for g in engs]


@dataclass(frozen=True)
class RateRow:
    """One stored rate change, for ``engagement show``."""

    valid_from: date
    expert_rate: Decimal | None
    client_rate: Decimal | None
    reason: str | None
    created_at: object
    created_by: str


def rate_rows(conn: Connection, engagement_id: int) -> list[RateRow]:
    r = s.engagement_rates
    return [RateRow(x.valid_from, _money(x.expert_rate_cents), _money(x.client_rate_cents), x.reason,
                    x.created_at, x.created_by)
            for x in conn.execute(select(r).where(r.c.engagement_id == engagement_id).order_by(r.c.valid_from))]


def set_rate_from(conn: Connection, actor: str, engagement_id: int, code: str, valid_from: date,
                  expert_rate: Decimal | None, client_rate: Decimal | None, reason: str | None) -> int:
    """Record the rates from ``valid_from``; a row of the same day is replaced (the audit row
    keeps what it was)."""
    r = s.engagement_rates
    old = conn.execute(select(r).where(r.c.engagement_id == engagement_id, r.c.valid_from == valid_from)).first()
    values = dict(expert_rate_cents=_cents(expert_rate), client_rate_cents=_cents(client_rate),
                  reason=_text(reason) or None, created_at=now_utc(), created_by=actor)
    detail: dict[str, object] = {"code": code, "from": valid_from, "expert_rate": expert_rate,
                                 "client_rate": client_rate, "reason": values["reason"]}
    if old is not None:
        conn.execute(update(r).where(r.c.id == old.id).values(**values))
        detail["replaced"] = {"expert_rate": _money(old.expert_rate_cents),
                              "client_rate": _money(old.client_rate_cents), "reason": old.reason,
                              "created_at": old.created_at, "created_by": old.created_by}
        row_id = int(old.id)
    else:
        row_id = _new_id(conn.execute(insert(r).values(engagement_id=engagement_id, valid_from=valid_from, **values)))
    audit(conn, actor, "rate_from", "engagement", engagement_id, detail)
    return row_id
