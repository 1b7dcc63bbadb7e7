"""Fictitious employment (fictieve dienstbetrekking) for payments to a private person.

Uitvoeringsbesluit loonbelasting 1965 art. 2c: someone who works personally, usually on at
least two days a week, for pay of at least two fifths of the minimum wage, in an arrangement
longer than a month, is treated as an employee for payroll tax. The organisation then
withholds payroll tax (the anonymous rate of 52% without a BSN) and makes no third-party
report. Art. 2e lid 2 lists exceptions, among them work of a mainly intellectual nature and
a written agreement, made before the first payment, that art. 2c does not apply; the
organisation records such an exception per engagement with who decided and why
(:class:`RuleException`), and the warning becomes an info that names it.

How the tool reads the pattern (decisions, documented here and in docs/RULES.md):

* Weeks are ISO weeks (Monday to Sunday); a work day is a day with an entry.
* A week "qualifies" when it has work on at least 2 days AND its pay (what the person
  receives: fee, travel, expenses, in kind) is at least 2/5 of the weekly minimum wage:
  the hourly minimum wage valid on the week's last work day (21+, the figure valid on the
  work date) x 36 hours, the shortest common full-time week, so the tool warns rather
  early than late.
* "Usually": at least half of the weeks from the first to the last week with work qualify,
  and at least two weeks qualify.
* "Longer than a month": the engagement runs longer than a month (its end date, or while
  open the last work day, more than one calendar month after its start).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vergoeding.core.compensation import PricedEntry
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import LimitsBook
from vergoeding.core.money import ZERO, money_sum, round_cents
from vergoeding.core.nl import eur
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime

RULE = "particulier.fictitious_employment"
SOURCE = "Uitvoeringsbesluit loonbelasting 1965 art. 2c (uitzonderingen: art. 2e lid 2)"
FRACTION = Decimal(2) / Decimal(5)
WEEK_HOURS = Decimal(36)

EXCEPTION_KINDS: Mapping[str, str] = {
    "intellectueel": "werk van overwegend intellectuele aard",
    "overeenkomst": "vóór de eerste betaling schriftelijk overeengekomen dat art. 2c niet geldt",
}


@dataclass(frozen=True)
class RuleException:
    """An exception to a rule, recorded per engagement: which, who decided, why, when."""

    engagement_code: str
    rule: str
    kind: str
    decided_by: str
    reason: str
    decided_on: date
    agreed_on: date | None = None  # the written agreement's date (kind 'overeenkomst')

    @property
    def label(self) -> str:
        return EXCEPTION_KINDS.get(self.kind, self.kind)


def _eur(amount: Decimal) -> str:
    """€ 1.234,56 in running text: the one Dutch formatter of the core and the documents."""
    return eur(amount)


def one_month_after(day: date) -> date:
    """The same day a month later (the last day of the next month when it is shorter)."""
    y, m = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fictitious_employment(priced: Sequence[PricedEntry], limits: LimitsBook, period: Period,
                          exceptions: Sequence[RuleException] = ()) -> list[Finding]:
    """A warning per private-person engagement with work in ``period`` whose pattern (every
    entry up to the end of ``period`` that the caller passes) looks like art. 2c."""
    by_eng: dict[str, list[PricedEntry]] = defaultdict(list)
    for p in priced:
        if p.regime is Regime.PARTICULIER and p.entry.work_date < period.end:
            by_eng[p.engagement.code].append(p)
    excepted = {e.engagement_code: e for e in exceptions if e.rule == RULE}
    out: list[Finding] = []
    for code, items in sorted(by_eng.items()):
        if not any(p.entry.work_date in period for p in items):
            continue
        eng = items[0].engagement
        weeks: dict[date, list[PricedEntry]] = defaultdict(list)
        for p in items:
            weeks[_monday(p.entry.work_date)].append(p)
        first_week, last_week = min(weeks), max(weeks)
        span = (last_week - first_week).days // 7 + 1
        qualifying = 0
        thresholds: set[Decimal] = set()
        for items_w in weeks.values():
            days = {p.entry.work_date for p in items_w if p.payable + p.inkind > ZERO}
            if len(days) < 2:
                continue
            last_day = max(days)
            mw = limits.for_day(last_day).minimum_wage_on(last_day)
            if mw is None:
                continue
            lim = limits.for_day(last_day)
            share = (lim.figure("fictitious_employment_share", last_day).amount
                     if "fictitious_employment_share" in lim.figures else FRACTION)
            threshold = round_cents(mw.amount * WEEK_HOURS * share)
            thresholds.add(threshold)
            if money_sum(p.payable + p.inkind for p in items_w) >= threshold:
                qualifying += 1
        last_work = max(p.entry.work_date for p in items)
        runs_until = eng.end - timedelta(days=1) if eng.end else last_work
        longer_than_month = runs_until > one_month_after(eng.start)
        if not (qualifying >= 2 and 2 * qualifying >= span and longer_than_month):
            continue
        figures = {
            "weken met werk (van eerste tot laatste)": str(span),
            "weken met 2+ werkdagen en genoeg beloning": str(qualifying),
            "2/5 minimumloon per week (36 uur)": ", ".join(_eur(t) for t in sorted(thresholds)),
            "looptijd": f"{eng.start:%d-%m-%Y} t/m {runs_until:%d-%m-%Y}",
        }
        message = (
            f"Opdracht {code} (betaling aan particulier) lijkt een fictieve dienstbetrekking: werk op "
            f"gewoonlijk minstens twee dagen per week ({qualifying} van {span} weken), voor minstens 2/5 "
            "van het minimumloon, langer dan een maand (Uitvoeringsbesluit loonbelasting 1965 art. 2c). "
            "Dan geldt de betaling als loon: de organisatie moet loonheffing inhouden en afdragen "
            "(zonder BSN het anonieme tarief van 52%) in plaats van de betaling op te geven als "
            "uitbetaling aan derden."
        )
        exc = excepted.get(code)
        if exc is not None and exc.kind == "overeenkomst" and (
                exc.agreed_on is None or exc.agreed_on > min(p.entry.work_date for p in items)):
            message += (f" De vastgelegde schriftelijke afspraak ({exc.agreed_on:%d-%m-%Y}) is van na het eerste "
                        "werk: de uitzondering geldt alleen als de afspraak vóór de eerste betaling is "
                        "gemaakt." if exc.agreed_on else "")
            exc = None
        if exc is not None:
            figures["uitzondering"] = exc.label
            out.append(Finding(
                Severity.INFO, RULE,
                message + f" Vastgelegde uitzondering (art. 2e lid 2): {exc.label}; besloten door "
                f"{exc.decided_by} op {exc.decided_on:%d-%m-%Y}, reden: {exc.reason}",
                "Bewaar de onderbouwing (en bij een schriftelijke afspraak de getekende overeenkomst) bij "
                "de administratie.",
                expert=eng.expert_code, engagement=code, period=str(period), figures=figures,
                limit_source=SOURCE, where=f"opdracht {code}"))
            continue
        out.append(Finding(
            Severity.WARNING, RULE, message,
            "Betaal dit werk via de salarisadministratie (regime loondienst; opting-in kan ook, "
            "samen gekozen en vóór de eerste betaling gemeld). Geldt een uitzondering (werk van "
            "overwegend intellectuele aard, of vóór de eerste betaling schriftelijk afgesproken dat "
            "art. 2c niet geldt), leg die vast met wie besliste en waarom: vergoeding engagement "
            f"exception {code} --kind intellectueel|overeenkomst --decided-by ... --reason ...",
            expert=eng.expert_code, engagement=code, period=str(period), figures=figures,
            limit_source=SOURCE, where=f"opdracht {code}"))
    return out
