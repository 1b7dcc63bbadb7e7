"""Does every open line have a price? The lines ``check`` and ``payout`` would price and that
have no rate (rate card nor the engagement's own rate) or no fiscal figures on their work date.

Fast when nothing is missing: no line is priced. Each engagement's range is cut into stretches
in which its price cannot change (1 January, the rate card's dates for its role, the
engagement's own start, end and rate changes); one line at the first day of each stretch is priced with the
real ``price_entry`` (cached per price signature). Only for a stretch that has no price are the
lines fetched (one indexed query per stretch), to name their dates. Ranges: the checked scope
(every unpaid line, any status) and, before it, the approved unpaid lines a payout pays late
(one grouped query).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from vergoeding.api.workspace import Workspace
from vergoeding.core.checks_prices import LIMITS, RATE, PriceGap, no_price_findings
from vergoeding.core.compensation import price_entry
from vergoeding.core.findings import Finding
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, TravelPolicy
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import MissingYearError, VergoedingError
from vergoeding.store.open_lines import late_ranges, open_lines_in


def _stretches(ws: Workspace, g: Engagement, lo: date, hi: date) -> list[tuple[date, date]]:
    days = {lo, g.start, *(date(y, 1, 1) for y in range(lo.year, hi.year + 1))}
    if g.end is not None:
        days.add(g.end)
    days.update(change[0] for change in _history(g))  # the engagement's own rate changes from a date
    role = ws.ratecard.roles.get(g.role)
    if role is not None:
        for r in role.rates:
            days.add(r.valid_from)
            if r.valid_to is not None:
                days.add(r.valid_to)
    cuts = sorted(d for d in days if lo <= d < hi)
    return list(zip(cuts, [*cuts[1:], hi], strict=True))


def _history(g: Engagement) -> tuple[tuple[date, Decimal | None, Decimal | None], ...]:
    """The engagement's rate changes from a date ((valid from, expert, client), oldest first),
    where the engagement has a rate history."""
    return tuple(getattr(g, "rate_history", ()))


def _problem(ws: Workspace, g: Engagement, day: date) -> str | None:
    """What is missing to price a line of ``g`` on ``day``: LIMITS, RATE or None."""
    if day.year not in ws.limits.years:
        return LIMITS
    if g.regime is Regime.LOONDIENST:
        return None  # hours only: the payroll system prices them
    km = Decimal(1) if g.travel_policy is TravelPolicy.KM else Decimal(0)
    try:
        price_entry(Entry(0, g.code, day, km=km), g, ws.ratecard, ws.limits, need_client=False)
    except MissingYearError:
        return LIMITS
    except VergoedingError:
        return RATE
    return None


def price_gaps(ws: Workspace, conn: Connection, scope: Period, engagements: Sequence[Engagement], *,
               all_engagements: bool = True, late_before: date | None = None) -> tuple[list[PriceGap], set[int]]:
    """The open lines of ``engagements`` without a price: every unpaid line in ``scope`` and
    the approved unpaid lines before it; and the engagements that have approved unpaid lines
    before ``late_before`` (default the scope's start: lines a payout pays late).
    ``all_engagements``: ``engagements`` is every engagement (the late-line query then needs
    no filter)."""
    by_id = {g.id: g for g in engagements}
    ranges: dict[int, list[tuple[date, date]]] = {g.id: [(scope.start, scope.end)] for g in engagements}
    ids = None if all_engagements else list(by_id)
    late: set[int] = set()
    for eid, first, last in late_ranges(conn, late_before or scope.start, ids):
        if eid in ranges:
            late.add(eid)
            if first < scope.start:
                ranges[eid].append((first, min(last + timedelta(days=1), scope.start)))
    cache: dict[tuple[object, ...], str | None] = {}
    failing: dict[tuple[date, date], dict[int, str]] = {}
    for eid, spans in ranges.items():
        g = by_id[eid]
        sig = (g.role, g.regime, g.level, g.expert_rate, g.client_rate, g.unit, g.travel_policy, g.km_rate,
               _history(g))
        for lo, hi in spans:
            for a, b in _stretches(ws, g, lo, hi):
                key = (*sig, a)
                if key not in cache:
                    cache[key] = _problem(ws, g, a)
                if cache[key] is not None:
                    failing.setdefault((a, b), {})[eid] = str(cache[key])
    gaps: list[PriceGap] = []
    for (a, b), kinds in sorted(failing.items()):
        for entry_id, eid, day in open_lines_in(conn, list(kinds), a, b, scope_start=scope.start):
            gaps.append(PriceGap(entry_id, by_id[eid], day, kinds[eid]))
    return gaps, late


def gap_findings(ws: Workspace, gaps: Sequence[PriceGap], names: Mapping[str, str], period: str) -> list[Finding]:
    return no_price_findings(gaps, names, period, limits_where=ws.limits.where, card_origin=ws.ratecard.origin,
                             limit_years=ws.limits.years, add_file_hint=ws.limits.add_file_hint)


__all__ = ["LIMITS", "RATE", "PriceGap", "gap_findings", "price_gaps"]
