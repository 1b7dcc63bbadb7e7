"""Approved work not invoiced yet, summed per engagement, month and kind: the query behind
``invoice.not_invoiced`` (:mod:`vergoeding.api.billing`).

A year of a large network is a million lines, and only the groups are reported: the database
sums them, and reads the table in order when the range holds most of it (``scan_hint``; the
date index would look up every row, five times slower at a million entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.types import Date

from vergoeding.core.work import Engagement
from vergoeding.store.sums import month_starts, scan_hint


@dataclass(frozen=True)
class BillableSum:
    """Approved (or paid), billable lines of one engagement and month that no invoice holds."""

    engagement_id: int
    month: str  # YYYY-MM
    correction: bool  # corrections of invoiced work (only where corrections are billed)
    count: int
    minutes: int
    first: date
    last: date


def open_billable_sums(conn: Connection, end: date, engagements: Sequence[Engagement], *,
                       all_engagements: bool) -> list[BillableSum]:
    """The approved and paid lines of ``engagements`` dated before ``end`` that no invoice
    holds, of the billable ones (corrections only where the engagement passes them on), per
    engagement, month and kind. ``all_engagements``: ``engagements`` is every engagement (the
    query then reads the whole table instead of looking the lines up per engagement). The
    client's kind is the caller's to check.

    The database groups the lines of every engagement (no join: a look-up of the engagement
    per line cost a fifth of the query); which engagements are billable is decided here."""
    by_id = {g.id: g for g in engagements}
    if not by_id:
        return []
    params: dict[str, object] = {"end": end}
    if conn.dialect.name == "sqlite":
        month = "substr(e.work_date, 1, 7)"
    else:
        # the month as its place among the month starts from the first work date on (a binary
        # search per line: date_part goes through a timestamp and a float, EXTRACT gives numeric);
        # the label comes from the group's first day
        first_day = conn.execute(text("SELECT MIN(work_date) FROM entries")).scalar()
        month = "width_bucket(e.work_date, CAST(:months AS DATE[]))"
        params["months"] = month_starts(first_day or end, end)
    if all_engagements:
        scan, which = scan_hint(conn, None, end), ""
    else:  # only integers are formatted into the text
        scan, which = "", f" AND e.engagement_id IN ({', '.join(str(int(i)) for i in by_id)})"
    sql = (
        f"SELECT e.engagement_id, {month}, CASE WHEN e.correction_of IS NULL THEN 0 ELSE 1 END, "  # noqa: S608
        "COUNT(*), SUM(e.minutes), MIN(e.work_date), MAX(e.work_date) "
        f"FROM entries e {scan} "
        f"WHERE e.work_date < :end AND e.status IN ('approved', 'settled') AND e.invoice_id IS NULL{which} "
        "GROUP BY 1, 2, 3")
    q = text(sql).bindparams(bindparam("end", type_=Date))
    out = []
    for eid, m, corr, n, minutes, first, last in conn.execute(q, params).all():
        g = by_id.get(int(eid))
        if g is None or not g.billable or (corr and not g.corrections_billed):
            continue
        first = _day(first)
        label = m if isinstance(m, str) else first.isoformat()[:7]
        out.append(BillableSum(int(eid), label, bool(corr), int(n), int(minutes or 0), first, _day(last)))
    return out


def _day(value: object) -> date:
    """A date from the database (SQLite returns the text of a MIN/MAX)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
