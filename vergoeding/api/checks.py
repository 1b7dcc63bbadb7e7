"""``check``: load the administration, price it and run the pure checks (``room`` is
:mod:`vergoeding.api.room`).

The input of the checks is made in :mod:`~vergoeding.api.check_input` (entry by entry) or
:mod:`~vergoeding.api.checks_summed` (sums per engagement and month, for large ranges).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from vergoeding.api.check_input import (
    check_input,
    price_all,
    price_frozen,
)
from vergoeding.api.checks_summed import (
    fast_check_input,
    priced_sums,
)
from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.findings import Finding, sort_findings
from vergoeding.core.period import Period, month_of
from vergoeding.core.period import year as year_period
from vergoeding.core.work import Engagement
from vergoeding.errors import InputError, VergoedingError
from vergoeding.store import queries
from vergoeding.store.open_lines import late_ranges
from vergoeding.store.schema import entries

if TYPE_CHECKING:
    from vergoeding.api.payout_decision import Checked


def resolve_period(period: Period | None, year: int | None, today: date) -> Period:
    if period is not None and year is not None:
        raise InputError("geef --period of --year, niet allebei")
    if year is not None:
        return year_period(year)
    return period or month_of(today)


def check(ws: Workspace, period: Period | None = None, year: int | None = None, expert: str | None = None,
          *, today: date | None = None) -> list[Finding]:
    """Findings for ``period`` (or the whole ``year``; default the month of ``today``)."""
    if today is None:
        if period is None and year is None:
            raise InputError("geef een periode, een jaar of de datum van vandaag")
        today = (period.last_day if period is not None else date(year or 1900, 12, 31))
    findings = _check(ws, period, year, expert, today, _check_input_by_size)
    if year is not None:  # a whole year: also the paid lines that come out differently under today's figures
        from vergoeding.api.recheck import recheck_year

        findings = sort_findings([*findings, *recheck_year(ws, year, expert)])
    if today.month in (12, 1):  # December and January: what the third-party report will need
        from vergoeding.api.reports import derden_readiness

        findings = sort_findings([*findings, *derden_readiness(ws, today, expert)])
    return findings


# Below this many entries in the checked range (the year up to the period's end), pricing
# entry by entry is cheaper than pricing every distinct value per price class (a month of a
# small network: about half the CPU of the summed path, which pays off from some thousands of
# entries). Both paths give the same findings (tests/test_perf_paths.py).
SUMMED_FROM = 2_000


def _check_input_by_size(ws: Workspace, conn: Connection, period: Period, *, expert: str | None,
                         today: date, engagements: Sequence[Engagement] | None = None) -> CheckInput:
    scope = Period(date(period.start.year, 1, 1), period.end)
    few = len(conn.execute(select(entries.c.id).where(entries.c.work_date >= scope.start,
                                                      entries.c.work_date < scope.end)
                           .limit(SUMMED_FROM)).all()) < SUMMED_FROM
    make = check_input if few else fast_check_input
    return make(ws, conn, period, expert=expert, today=today, engagements=engagements)


def _check_per_entry(ws: Workspace, period: Period | None = None, year: int | None = None,
                     expert: str | None = None, *, today: date | None = None) -> list[Finding]:
    """:func:`check` with every entry priced one by one (the reference for the summed path)."""
    if today is None:
        today = (period.last_day if period is not None else date(year or 1900, 12, 31))
    return _check(ws, period, year, expert, today, check_input)


def _check(ws: Workspace, period: Period | None, year: int | None, expert: str | None, today: date,
           make_input: Callable[..., CheckInput]) -> list[Finding]:
    p = resolve_period(period, year, today)
    from vergoeding.api.coverage import gap_findings, price_gaps

    with ws.engine.connect() as conn:
        if expert:
            queries.expert(conn, expert)  # NotFoundError with a clear message
        scope = Period(date(p.start.year, 1, 1), p.end)
        engs = queries.all_engagements(conn, expert_code=expert)
        gaps, late = price_gaps(ws, conn, scope, engs, all_engagements=expert is None)
        names: dict[str, str] = {}
        if not gaps:
            ci = make_input(ws, conn, p, expert=expert, today=today, engagements=engs)
        else:
            # lines without a price are reported and left out; the rest is checked one by one
            ci = check_input(ws, conn, p, expert=expert, today=today, skip=frozenset(g.entry_id for g in gaps),
                             engagements=engs)
            names = {x.code: x.name for x in ci.experts}
        # a payout of the period also pays approved lines of earlier months (late lines): their
        # experts need the payment data too (looked up only for experts that lack some)
        lacking = {x.code for x in ci.experts if not x.iban or x.date_of_birth is None or not x.bsn
                   or not x.address.complete}
        ids = [g.id for g in engs if g.expert_code in lacking]
        if ids and p.start > scope.start:
            late |= {eid for eid, _, _ in late_ranges(conn, p.start, ids)}
        ci = replace(ci, late=[g for g in engs if g.id in late])
        billing = billing_findings(ws, conn, p, expert=expert, engagements=engs)
    checked = run_checks(ci)
    found = [*gap_findings(ws, gaps, names, p.label or str(p)), *checked] if gaps else checked
    # the payout's own holds for a check of one month (a payout pays per month); a quarter or a
    # year is checked on the rules alone: deciding a payout of a year would price every open line
    # of it one by one (a year of a large network: minutes, see docs/PERFORMANCE.md). The
    # decision takes this check's input and findings when its scope is this month (priced entry
    # by entry: ``hourly_priced`` is set only by the summed path), instead of checking again.
    if _one_month(p):
        from vergoeding.api.payout_decision import Checked

        done = Checked(expert, today, gaps, ci, checked) if ci.hourly_priced is None else Checked(expert, today)
        holds = payout_findings(ws, p, today, expert, found, checked=done)
    else:
        holds = []
    return sort_findings([*found, *holds, *billing])


def _one_month(p: Period) -> bool:
    return p.start.day == 1 and p.end == (p.start + timedelta(days=32)).replace(day=1)


def payout_findings(ws: Workspace, period: Period, today: date, expert: str | None,
                    found: Sequence[Finding], *, checked: Checked | None = None) -> list[Finding]:
    """What ``vergoeding payout --period P`` would hold, with the same reasons: the payout's own
    decision (:func:`vergoeding.api.payout_decision.decide`), never a second opinion. The errors behind
    a hold that this check did not see (an earlier month's open line) are added too.
    ``checked``: what this check computed, for the decision to take instead of checking again."""
    from vergoeding.api.payout_decision import decide, hold_findings
    from vergoeding.core.findings import Severity

    try:
        d = decide(ws, period, today, expert=expert, checked=checked)
    except VergoedingError:  # an error that stops the whole payout: check reports it already
        return []
    held = {h.expert for h in d.held}
    seen = {(f.rule, f.expert) for f in found}
    earlier = [f for f in d.findings if f.severity is Severity.ERROR and f.expert in held
               and (f.rule, f.expert) not in seen]
    return [*earlier, *hold_findings(d)]


def billing_findings(ws: Workspace, conn: Connection, period: Period, *, expert: str | None,
                     engagements: Sequence[Engagement] | None = None) -> list[Finding]:
    """Approved billable work up to the period's end that no invoice holds yet, per client and
    period of work (revenue that would otherwise be lost), and billable payroll engagements
    without a client rate."""
    from vergoeding.api.billing import open_billable

    return open_billable(ws, conn, period, expert=expert, engagements=engagements)


def engagement_warnings(ws: Workspace, code: str) -> list[Finding]:
    """What the rules say about an engagement as entered: a volunteer's hourly rate above the
    presumption for the expert's age (per age phase; :mod:`vergoeding.core.age_rate`), for the
    rate from the start and for every rate change from a date (each over its own stretch)."""
    from vergoeding.core.age_rate import rate_age_findings
    from vergoeding.core.checks_report import engagement_bsn_notice
    from vergoeding.core.rates import Override, resolve_rate

    with ws.engine.connect() as conn:
        g = queries.engagement(conn, code)
        ex = queries.expert(conn, g.expert_code)
        try:
            own = queries.own_organisation(conn)
        except VergoedingError:  # no own organisation yet: nothing to report to
            own = None
    out: list[Finding] = []
    if own is not None and (bsn := engagement_bsn_notice(g, ex, own)) is not None:
        out.append(bsn)
    for frm, until, own_expert, own_client in g.rate_spans():
        override = Override(own_expert, own_client, g.unit)
        try:
            rate = resolve_rate(ws.ratecard, g.role, g.regime, frm, level=g.level,
                                override=None if override == Override() else override)
            expert_rate, unit = rate.expert, rate.unit
        except VergoedingError:
            if own_expert is None or g.unit is None:
                continue
            expert_rate, unit = own_expert, g.unit
        try:
            out += rate_age_findings(replace(g, start=frm, end=until), ex, expert_rate, unit, ws.limits)
        except VergoedingError:  # no fiscal figures for that year: nothing to compare with
            continue
    return out


__all__ = ["check", "check_input", "engagement_warnings", "fast_check_input", "price_all", "price_frozen",
           "priced_sums", "resolve_period"]
