"""Which unpaid lines lie where: the few queries behind the price-coverage check
(:mod:`vergoeding.api.coverage`).

"Open" lines are the ones a check prices or a payout may pay: every line that no payout paid
yet (any status) with a work date in a range, plus the approved, unpaid lines dated before it
(a payout pays those too, as late lines). Paid lines keep their amounts as paid and are never
priced again, so they are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, and_, func, or_, select

from vergoeding.store.schema import entries


def late_ranges(conn: Connection, before: date, engagement_ids: Sequence[int] | None = None
                ) -> list[tuple[int, date, date]]:
    """Per engagement, the first and last work date of its approved, unpaid lines dated
    before ``before`` (late lines a payout would pay). Usually none."""
    q = (select(entries.c.engagement_id, func.min(entries.c.work_date), func.max(entries.c.work_date))
         .where(entries.c.status == "approved", entries.c.work_date < before)
         .group_by(entries.c.engagement_id))
    if engagement_ids is not None:
        q = q.where(entries.c.engagement_id.in_(list(engagement_ids)))
    return [(int(r[0]), r[1], r[2]) for r in conn.execute(q)]


def open_lines_in(conn: Connection, engagement_ids: Sequence[int], start: date, end: date, *,
                  scope_start: date) -> list[tuple[int, int, date]]:
    """(entry id, engagement id, work date) of the open lines of ``engagement_ids`` with a
    work date in ``[start, end)``: not paid, and either on or after ``scope_start`` (any
    status) or approved (a late line)."""
    if not engagement_ids:
        return []
    q = (select(entries.c.id, entries.c.engagement_id, entries.c.work_date)
         .where(entries.c.engagement_id.in_(list(engagement_ids)), entries.c.work_date >= start,
                entries.c.work_date < end, entries.c.status != "settled",
                or_(entries.c.work_date >= scope_start, and_(entries.c.status == "approved")))
         .order_by(entries.c.work_date, entries.c.id))
    return [(int(r[0]), int(r[1]), r[2]) for r in conn.execute(q)]
