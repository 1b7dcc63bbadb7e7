"""The hard month and year caps of the volunteer allowance (Wet LB 1964 art. 2 lid 6).

A month is tested on the allowance that belongs to the work done IN that month (the
entry's work date), never on the payment date; what counts is described in
:mod:`vergoeding.core.checks_volunteer`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vergoeding.core.caps_story import CAP_ADVICE, CONSEQUENCE, crossed_name
from vergoeding.core.checks_volunteer import (
    DECLARED_LABEL,
    RECEIPTS_TEXT,
    Declaration,
    _eur,
    _limit_fields,
    _unconfirmed,
    capped,
    capped_by_expert,
    declarations_by_expert,
    expert_of,
)
from vergoeding.core.compensation import (
    CAPPED_REGIMES,
    PricedEntry,
    allowance_years,
    counts_towards_caps,
)
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.money import ZERO, money_sum
from vergoeding.core.period import Period, month, period_text, year
from vergoeding.core.regimes import Regime

# --- month and year caps -------------------------------------------------------------------


@dataclass(frozen=True)
class CapTotals:
    own: Decimal
    declared: Decimal
    receipts: Decimal = ZERO  # part of ``own``: receipts that count next to an allowance

    @property
    def total(self) -> Decimal:
        return self.own + self.declared


def _counted(items: list[PricedEntry]) -> tuple[Decimal, Decimal]:
    """What ``items`` count towards the caps, and the receipts in it. Whether an allowance
    is paid in the year is decided over the same ``items`` (the caller passes the year)."""
    allowance = allowance_years(items)
    own = money_sum(counts_towards_caps(p, allowance) for p in items)
    receipts = money_sum(p.expenses_receipt for p in items
                         if (expert_of(p), p.entry.work_date.year) in allowance)
    return own, receipts


def month_totals(priced: Iterable[PricedEntry], declarations: Iterable[Declaration],
                 expert: str, y: int, m: int, until: date | None = None) -> CapTotals:
    """Counted for month ``m`` of ``y``. ``priced``: the expert's entries of the year (an
    allowance anywhere in the year makes the month's receipts count); ``until``: only work
    dated before it (room on a day)."""
    year_items = [p for p in capped(priced) if expert_of(p) == expert and p.entry.work_date.year == y
                  and (until is None or p.entry.work_date < until)]
    allowance = allowance_years(year_items)
    items = [p for p in year_items if p.entry.work_date.month == m]
    own = money_sum(counts_towards_caps(p, allowance) for p in items)
    receipts = money_sum(p.expenses_receipt for p in items) if (expert, y) in allowance else ZERO
    declared = money_sum(d.amount for d in declarations
                         if d.expert_code == expert and d.year == y and d.month == m)
    return CapTotals(own, declared, receipts)


def month_table(mine: Sequence[PricedEntry], declarations: Sequence[Declaration],
                 expert: str) -> dict[tuple[int, int], CapTotals]:
    """:func:`month_totals` of every month in which ``expert`` has capped work, in one pass
    (the same sums in the same order; the month cap of a year's check asks every month)."""
    by_year: dict[int, list[PricedEntry]] = defaultdict(list)
    for p in capped(mine):
        if expert_of(p) == expert:
            by_year[p.entry.work_date.year].append(p)
    out: dict[tuple[int, int], CapTotals] = {}
    for y, year_items in by_year.items():
        allowance = allowance_years(year_items)
        by_month: dict[int, list[PricedEntry]] = defaultdict(list)
        for p in year_items:
            by_month[p.entry.work_date.month].append(p)
        for m, items in by_month.items():
            own = money_sum(counts_towards_caps(p, allowance) for p in items)
            receipts = money_sum(p.expenses_receipt for p in items) if (expert, y) in allowance else ZERO
            declared = money_sum(d.amount for d in declarations
                                 if d.expert_code == expert and d.year == y and d.month == m)
            out[(y, m)] = CapTotals(own, declared, receipts)
    return out


def year_totals(priced: Iterable[PricedEntry], declarations: Iterable[Declaration],
                expert: str, y: int, until: date | None = None) -> CapTotals:
    """Counted in year ``y`` (work dates before ``until`` when given) plus every declaration
    of that year (per month up to ``until``'s month, and whole-year declarations)."""
    items = [p for p in capped(priced) if expert_of(p) == expert and p.entry.work_date.year == y
             and (until is None or p.entry.work_date < until)]
    own, receipts = _counted(items)
    declared = money_sum(
        d.amount for d in declarations
        if d.expert_code == expert and d.year == y
        and (d.month is None or until is None or date(y, d.month, 1) < until))
    return CapTotals(own, declared, receipts)


def _cap_figures(t: CapTotals, fig: Figure, regimes: set[Regime]) -> dict[str, str]:
    figures = {
        "geteld bij ons": _eur(t.own),
        DECLARED_LABEL: _eur(t.declared),
        "totaal geteld": _eur(t.total),
        "grens": _eur(fig.amount),
        "erboven": _eur(t.total - fig.amount),
        "regime": ", ".join(sorted(r.value for r in regimes)),
    }
    if t.receipts:
        figures["waarvan werkelijke kosten (bonnetjes)"] = _eur(t.receipts)
    if not t.declared:
        del figures[DECLARED_LABEL]
    return figures


def _told(regimes: Iterable[Regime], y: int) -> str:
    """What the expert's letters call the allowance from now on (core/caps_story.py: the
    same words as the statement, the year statement and 'vergoeding room')."""
    names = sorted({crossed_name(r.label) for r in regimes if r in CAPPED_REGIMES}) or [crossed_name("Vrijwilligersvergoeding")]
    return f" Op de brieven aan de deskundige heet het in {y} voortaan: {' / '.join(repr(n.lower()) for n in names)}."


def month_cap(priced: Sequence[PricedEntry], declarations: Sequence[Declaration],
              limits: LimitsBook, period: Period) -> list[Finding]:
    """Each month of ``period``, per expert: counted allowance of the work done in that month
    plus allowances declared from other organisations for that month, against the month cap."""
    out: list[Finding] = []
    by_expert = capped_by_expert(priced)
    decl_by_expert = declarations_by_expert(declarations)
    experts = sorted({code for code, items in by_expert.items() if any(p.entry.work_date in period for p in items)}
                     | {d.expert_code for d in declarations if d.month is not None
                        and date(d.year, d.month, 1) in period})
    months = list(period.months())
    for code in experts:
        mine = by_expert.get(code, [])
        table = month_table(mine, decl_by_expert.get(code, []), code)
        for mp in months:
            y, m = mp.start.year, mp.start.month
            if y not in limits.years:
                continue  # no figures for the year: its lines are reported as payout.no_price
            t = table.get((y, m))
            if t is None:
                continue  # no capped work in the month: nothing counted here (t.own would be 0)
            fig = limits.for_year(y).figure("volunteer_month", mp.start)
            if t.total <= fig.amount or t.own <= ZERO:
                continue
            regimes = {p.regime for p in mine if p.entry.work_date in mp}
            engs = sorted({p.engagement.code for p in mine if p.entry.work_date in mp})
            declared = f" (waarvan {_eur(t.declared)} opgegeven door andere organisaties)" if t.declared else ""
            out.append(Finding(
                Severity.ERROR, "volunteer.month_cap",
                f"Voor het werk in {period_text(mp)} telt {_eur(t.total)} mee voor de vrijwilligersgrens{declared}; "
                f"de maandgrens is {_eur(fig.amount)}, dus {_eur(t.total - fig.amount)} te veel. Elke maand "
                "wordt apart getoetst, middelen over het jaar mag niet."
                + (RECEIPTS_TEXT.format(receipts=_eur(t.receipts), year=y) if t.receipts else "")
                + " " + CONSEQUENCE.format(year=y) + _told(regimes, y) + _unconfirmed(fig),
                CAP_ADVICE, expert=code, engagement=", ".join(engs) or None, period=mp.label,
                figures=_cap_figures(t, fig, regimes), where=f"maand {period_text(mp)}",
                **_limit_fields(fig)))
        out += _earlier_months_over(code, mine, decl_by_expert.get(code, []), limits, period)
    return out


def _earlier_months_over(code: str, mine: Sequence[PricedEntry], declarations: Sequence[Declaration],
                         limits: LimitsBook, period: Period) -> list[Finding]:
    """Months of the period's first year BEFORE the period that go over the month cap only
    now: their receipts count because of an allowance for work in ``period`` (the first of
    the year), and they did not count up to the start of ``period``. No earlier check could
    see it, so the check of the period that brings the allowance says it, before payment
    (the whole allowance of the year would be wages). Reported once: a later period's check
    does not repeat it (``check --year`` shows every month)."""
    out: list[Finding] = []
    y = period.start.year
    for m in range(1, period.start.month + 1):
        mp = month(y, m)
        if mp.end > period.start:
            break
        now = month_totals(mine, declarations, code, y, m, until=period.end)
        fig = limits.for_year(y).figure("volunteer_month", mp.start)
        if now.total <= fig.amount or now.own <= ZERO or not now.receipts:
            continue
        before = month_totals(mine, declarations, code, y, m, until=period.start)
        if before.total > fig.amount:
            continue  # already over before this period: an earlier check said so
        regimes = {p.regime for p in mine if p.entry.work_date in mp}
        engs = sorted({p.engagement.code for p in mine if p.entry.work_date in mp})
        paid_in = sorted({p.engagement.code for p in mine if p.entry.work_date in period and p.allowance > ZERO})
        declared = f" (waarvan {_eur(now.declared)} opgegeven door andere organisaties)" if now.declared else ""
        out.append(Finding(
            Severity.ERROR, "volunteer.month_cap",
            f"Voor het werk in {period_text(mp)} telt nu {_eur(now.total)} mee voor de vrijwilligersgrens{declared}; "
            f"de maandgrens is {_eur(fig.amount)}, dus {_eur(now.total - fig.amount)} te veel. Tot nu toe kreeg "
            f"de vrijwilliger in {y} alleen kosten vergoed (geen maximum); door de vergoeding "
            f"voor het werk in {period_text(period)}"
            + (f" (opdracht {', '.join(paid_in)})" if paid_in else "") + " tellen de bonnetjes van "
            f"{period_text(mp)} ({_eur(now.receipts)}) nu wel mee (Belastingdienst, 'Vergoeding voor inzet en voor "
            "kosten')." + " " + CONSEQUENCE.format(year=y) + _told(regimes, y) + _unconfirmed(fig),
            CAP_ADVICE + f" Of vergoed in {y} alleen kosten (geen vergoeding voor het werk): dan hebben "
            "de bonnetjes geen maximum.",
            expert=code, engagement=", ".join(engs) or None, period=mp.label,
            figures=_cap_figures(now, fig, regimes), where=f"maand {period_text(mp)}",
            **_limit_fields(fig)))
    return out


def year_cap(priced: Sequence[PricedEntry], declarations: Sequence[Declaration],
             limits: LimitsBook, period: Period) -> list[Finding]:
    """The year cap for each year that ``period`` touches, counting the year up to the end
    of ``period`` (the caller passes every entry of that year up to then)."""
    out: list[Finding] = []
    for y in range(period.start.year, period.last_day.year + 1):
        yp = year(y)
        until = min(period.end, yp.end)
        by_expert = capped_by_expert(priced)
        decl_by_expert = declarations_by_expert(declarations)
        codes = sorted({code for code, items in by_expert.items()
                        if any(p.entry.work_date in period and p.entry.work_date.year == y for p in items)})
        for code in codes:
            mine = by_expert[code]
            t = year_totals(mine, decl_by_expert.get(code, []), code, y, until)
            fig = limits.for_year(y).figure("volunteer_year", until - timedelta(days=1))
            if t.total <= fig.amount:
                continue
            regimes = {p.regime for p in mine if p.entry.work_date.year == y}
            declared = f" (waarvan {_eur(t.declared)} opgegeven door andere organisaties)" if t.declared else ""
            out.append(Finding(
                Severity.ERROR, "volunteer.year_cap",
                f"In {y} telt tot nu toe {_eur(t.total)} mee voor de vrijwilligersgrens{declared}; de "
                f"jaargrens is {_eur(fig.amount)}, dus {_eur(t.total - fig.amount)} te veel, ook als "
                "elke maand onder de maandgrens bleef."
                + (RECEIPTS_TEXT.format(receipts=_eur(t.receipts), year=y) if t.receipts else "")
                + " " + CONSEQUENCE.format(year=y) + _told(regimes, y) + _unconfirmed(fig),
                CAP_ADVICE, expert=code, period=str(y), figures=_cap_figures(t, fig, regimes),
                where=f"jaar {y}", **_limit_fields(fig)))
    return out
