"""Pricing the entries of one expert's year with each distinct entry priced once per price
segment: what :func:`vergoeding.api.check_input.price_frozen` gives, for a fraction of the
work when entries repeat (a volunteer's year is a few hundred sessions of a few kinds).

A price segment is a stretch of days in which no rate (of the rate card or the engagement),
fiscal figure or year changes: the same days the summed path of the checks uses
(:mod:`vergoeding.api.checks_summed`). Within a segment ``price_entry`` depends only on the
engagement and the entry's values (minutes, quantity, amount, km, expenses, in kind), so an
entry with the same values is the first one's priced entry with its own entry in it (the
same amounts, unit and trace: ``tests/test_perf_paths.py`` compares both). A paid line keeps
its amounts as paid; an entry that cannot be priced raises the same error as before."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Entry
from vergoeding.store.payouts import paid_priced


def price_breakpoints(ws: Workspace, scope: Period, extra: Sequence[date]) -> list[date]:
    """Days inside ``scope`` on which a price or fiscal figure may change: the borders of the
    price segments (also of the summed path of the checks, :mod:`vergoeding.api.checks_summed`)."""
    days: set[date] = {date(y, 1, 1) for y in range(scope.start.year, scope.end.year + 1)}
    days.update(extra)
    for role in ws.ratecard.roles.values():
        for r in role.rates:
            days.add(r.valid_from)
            if r.valid_to is not None:
                days.add(r.valid_to)
    for y in range(scope.start.year, scope.end.year + 1):
        if y in ws.limits.years:
            days.update(f.valid_from for f in ws.limits.for_year(y).minimum_wage)
            days.update(ws.limits.for_year(y).change_days)  # any figure that changes within the year
    return sorted(d for d in days if scope.start < d < scope.end)


def price_frozen_once(ws: Workspace, conn: Connection, entries: Sequence[Entry],
                      engagements: Mapping[str, Engagement], scope: Period) -> list[PricedEntry]:
    """``price_frozen(ws, conn, entries, engagements)`` for entries in ``scope`` (others are
    priced one by one)."""
    settled = [e.id for e in entries if e.status == "settled"]
    paid = paid_priced(conn, settled, engagements) if settled else {}
    changes = [frm for g in engagements.values() for frm, *_ in g.rate_history]
    days = price_breakpoints(ws, scope, changes)
    known: dict[tuple[object, ...], PricedEntry] = {}
    out = []
    for e in entries:
        if e.id in paid:
            out.append(paid[e.id])
            continue
        g = engagements[e.engagement_code]
        if not scope.start <= e.work_date < scope.end:
            out.append(price_entry(e, g, ws.ratecard, ws.limits, need_client=False))
            continue
        key = (g.code, bisect_right(days, e.work_date), e.minutes, e.quantity, str(e.amount), str(e.km),
               str(e.expense), e.expense_receipt, str(e.inkind))
        first = known.get(key)
        if first is None:
            out.append(known.setdefault(key, price_entry(e, g, ws.ratecard, ws.limits, need_client=False)))
        else:
            out.append(replace(first, entry=e))
    return out
