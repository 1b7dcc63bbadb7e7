"""Volunteer allowance checks (Wet LB 1964 art. 2 lid 6): the hourly presumption, the hard
month and year caps, the organisation's eligibility and "also employed here".

Pure functions over priced entries. How amounts are counted
(:func:`vergoeding.core.compensation.counts_towards_caps`): the allowance itself, travel paid
per km at a fixed rate, forfait expenses and gifts in kind always count; reimbursement of
actual costs backed by receipts counts too once the volunteer gets an allowance for the work
in that year at our organisation (Belastingdienst, "Vergoeding voor inzet en voor kosten"),
and is uncapped only for a volunteer who gets costs only.

A month is tested on the allowance that belongs to the work done IN that month (the
entry's work date), never on the payment date, and never averaged over the year. A lump
sum counts in the month of its work date: a lump sum for several months of work is entered
as one entry per month of work (each with its own part of the amount).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypedDict

from vergoeding.core.caps_story import CAP_ADVICE, CONSEQUENCE, crossed_name
from vergoeding.core.compensation import (
    CAPPED_REGIMES,
    PricedEntry,
    allowance_years,
    counts_towards_caps,
)
from vergoeding.core.dates import age_on
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.money import ZERO, money_sum
from vergoeding.core.nl import eur, number
from vergoeding.core.period import Period, month, month_of, period_text, year
from vergoeding.core.regimes import Regime
from vergoeding.core.work import Engagement, Expert, Organisation

DECLARED_LABEL = "waarvan opgegeven door andere organisaties"

RECEIPTS_TEXT = (
    " Daarin zit {receipts} aan werkelijke kosten met bonnetjes: die tellen mee, omdat de vrijwilliger "
    "in {year} bij ons ook een vergoeding voor het werk krijgt (Belastingdienst, 'Vergoeding voor "
    "inzet en voor kosten'). Alleen wie uitsluitend kosten vergoed krijgt, heeft geen maximum."
)


@dataclass(frozen=True)
class Declaration:
    """An expert's own statement of volunteer allowances received from OTHER organisations.

    ``month`` None means an amount for the whole year (it counts towards the year cap only:
    it cannot be placed in a month)."""

    expert_code: str
    year: int
    month: int | None
    amount: Decimal
    organisation: str = ""
    note: str = ""


def _eur(amount: Decimal) -> str:
    """€ 1.234,56 in running text: the one Dutch formatter of the core and the documents."""
    return eur(amount)


class LimitFields(TypedDict):
    limit: Decimal
    limit_source: str
    limit_year: int
    limit_confirmed: bool


def _limit_fields(fig: Figure) -> LimitFields:
    return {"limit": fig.amount, "limit_source": fig.source, "limit_year": fig.source_year,
            "limit_confirmed": fig.confirmed}


def _unconfirmed(fig: Figure) -> str:
    return "" if fig.confirmed else " Let op: dit grensbedrag is NIET BEVESTIGD door de Belastingdienst."


def capped(entries: Iterable[PricedEntry]) -> list[PricedEntry]:
    return [p for p in entries if p.regime in CAPPED_REGIMES]


def expert_of(p: PricedEntry) -> str:
    return p.engagement.expert_code


def capped_by_expert(priced: Iterable[PricedEntry]) -> dict[str, list[PricedEntry]]:
    """The capped entries per expert code, in their order (an index: the checks look at one
    expert at a time, and scanning every entry per expert and month is quadratic)."""
    out: dict[str, list[PricedEntry]] = defaultdict(list)
    for p in priced:
        if p.regime in CAPPED_REGIMES:
            out[p.engagement.expert_code].append(p)
    return out


def declarations_by_expert(declarations: Iterable[Declaration]) -> dict[str, list[Declaration]]:
    out: dict[str, list[Declaration]] = defaultdict(list)
    for d in declarations:
        out[d.expert_code].append(d)
    return out


# --- hourly presumption --------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyWork:
    """Hourly volunteer work of one engagement at one rate within one month, summed by the
    caller (the fast path of the checks): the first and last work day, the "dd-mm" label of
    every work day and the hours. The caller keeps the age on ``first`` and ``last`` on the
    same side of 21 (otherwise it passes single entries)."""

    engagement: Engagement
    rate: Decimal
    first: date
    last: date
    days: frozenset[str]
    hours: Decimal


@dataclass
class _HourlyGroup:
    engagement: Engagement
    first: date
    days: set[str]
    hours: list[Decimal]


def hourly_presumption(priced: Sequence[PricedEntry], experts: Mapping[str, Expert],
                       limits: LimitsBook, period: Period, summed: Sequence[HourlyWork] = ()) -> list[Finding]:
    """Volunteer rate per hour above the year's presumption, by age on the day of the work.

    Fixed allowances (per meeting/month, lump sums) are not tested per hour. Above the
    presumption: a warning, or an info when the engagement records why the allowance is not
    market-conform. ``summed``: more work, summed per engagement and month (see HourlyWork)."""
    groups: dict[tuple[str, str, str, Decimal], _HourlyGroup] = {}
    ages: dict[tuple[str, str, str, Decimal], set[int]] = defaultdict(set)

    def add(eng: Engagement, rate: Decimal, first: date, last: date, days: Iterable[str], hours: Decimal) -> None:
        if first not in period:
            return
        ex = experts.get(eng.expert_code)
        dob = ex.date_of_birth if ex else None
        age = age_on(dob, first) if dob else 21
        fig = limits.for_day(first).volunteer_hour(age, first)
        if rate <= fig.amount:
            return
        key = (eng.code, month_of(first).label, fig.key, rate)
        g = groups.get(key)
        if g is None:
            g = groups[key] = _HourlyGroup(eng, first, set(), [])
        g.days.update(days)
        g.hours.append(hours)
        ages[key].add(age)
        if last != first and dob:
            ages[key].add(age_on(dob, last))

    for p in capped(priced):
        if p.fixed_allowance or p.quantity <= 0:
            continue
        day = p.entry.work_date
        add(p.engagement, p.expert_unit_price, day, day, (day.strftime("%d-%m"),), p.quantity)
    for w in summed:
        if w.engagement.regime in CAPPED_REGIMES and w.hours > 0:
            add(w.engagement, w.rate, w.first, w.last, w.days, w.hours)
    out: list[Finding] = []
    for key, g in sorted(groups.items(), key=lambda kv: kv[0]):
        code, month_label, fig_key, rate = key
        eng = g.engagement
        fig = limits.for_day(g.first).figure(fig_key, g.first)
        ex = experts.get(eng.expert_code)
        age_text = "21 jaar of ouder" if fig_key.endswith("21_plus") else "jonger dan 21"
        days = ", ".join(sorted(g.days))
        figures = {
            "uurvergoeding": _eur(rate),
            "leeftijd op de werkdag": ", ".join(str(a) for a in sorted(ages[key])),
            "werkdagen": days,
            "uren": number(money_sum(g.hours), 2),
            "vermoeden per uur": _eur(fig.amount),
        }
        if ex and ex.date_of_birth is None:
            figures["geboortedatum"] = "onbekend: getoetst als 21+"
        message = (
            f"De vrijwilligersvergoeding van {_eur(rate)} per uur ligt boven het vermoeden van "
            f"{_eur(fig.amount)} per uur voor iemand van {age_text} (leeftijd op de dag van het werk). "
            "Boven dat bedrag gaat de Belastingdienst ervan uit dat de vergoeding marktconform is, "
            "tenzij de organisatie onderbouwt waarom dat niet zo is." + _unconfirmed(fig)
        )
        if eng.hourly_justification:
            out.append(Finding(
                Severity.INFO, "volunteer.hourly_presumption",
                message + f" Vastgelegde onderbouwing: {eng.hourly_justification}",
                "Bewaar de onderbouwing bij de administratie; de maand- en jaargrens blijven gelden.",
                expert=eng.expert_code, engagement=code, period=month_label, figures=figures,
                where=f"opdracht {code}", **_limit_fields(fig)))
        else:
            out.append(Finding(
                Severity.WARNING, "volunteer.hourly_presumption", message,
                f"Verlaag de vergoeding per uur tot {_eur(fig.amount)}, of leg bij de opdracht vast waarom "
                "de vergoeding niet marktconform is (onderbouwing per uur).",
                expert=eng.expert_code, engagement=code, period=month_label, figures=figures,
                where=f"opdracht {code}", **_limit_fields(fig)))
    return out


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
        for mp in months:
            y, m = mp.start.year, mp.start.month
            if y not in limits.years:
                continue  # no figures for the year: its lines are reported as payout.no_price
            t = month_totals(mine, decl_by_expert.get(code, []), code, y, m)
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


# --- eligibility ---------------------------------------------------------------------------


def eligibility(is_anbi: bool, corporate_tax_liable: bool, may_pay_volunteers: bool) -> tuple[bool, str]:
    """May an organisation pay tax-free volunteer allowances (Wet LB 1964 art. 2 lid 6), and
    why, in words. ONE rule: the tax status decides (an ANBI, or not liable to corporate tax:
    yes); ``may_pay_volunteers`` is only the mark for a corporate-tax-liable organisation
    without ANBI status that may still pay them (a sports club) and changes nothing otherwise."""
    if is_anbi:
        return True, "want de organisatie is een ANBI"
    if not corporate_tax_liable:
        return True, "want de organisatie betaalt geen vennootschapsbelasting"
    if may_pay_volunteers:
        return True, ("want de organisatie is vpb-plichtig maar als sportclub of vergelijkbaar aangemerkt "
                      "(--may-pay-volunteers)")
    return False, ("want de organisatie is vennootschapsbelastingplichtig en geen ANBI of sportclub "
                   "(zet --anbi, --no-corporate-tax of --may-pay-volunteers als dat niet klopt)")


def organisation_eligible(org: Organisation) -> bool:
    """See :func:`eligibility`."""
    return eligibility(org.is_anbi, org.corporate_tax_liable, org.may_pay_volunteers)[0]


def org_not_eligible(priced: Sequence[PricedEntry], own: Organisation, period: Period) -> list[Finding]:
    if organisation_eligible(own):
        return []
    out = []
    first: dict[str, Engagement] = {}
    for p in priced:
        first.setdefault(p.engagement.code, p.engagement)
    for code in sorted({p.engagement.code for p in capped(priced) if p.entry.work_date in period}):
        eng = first[code]
        out.append(Finding(
            Severity.ERROR, "volunteer.org_not_eligible",
            f"{own.name} is vennootschapsbelastingplichtig en geen ANBI of sportclub: zij mag geen "
            "onbelaste vrijwilligersvergoeding betalen. Alles wat onder deze opdracht is betaald, is "
            "dan loon of inkomen.",
            "Controleer de gegevens van de eigen organisatie (ANBI, vennootschapsbelasting), of betaal "
            "de opdracht onder een ander regime (particulier, zzp of loondienst).",
            expert=eng.expert_code, engagement=code, period=str(period), where=f"opdracht {code}"))
    return out


def also_employed(priced: Sequence[PricedEntry], experts: Mapping[str, Expert],
                  engagements: Sequence[Engagement], period: Period) -> list[Finding]:
    """A volunteer who is also employed, or paid as a freelancer, by the same organisation in
    the same year cannot receive a tax-free volunteer allowance there."""
    out = []
    engs_by_expert: dict[str, list[Engagement]] = defaultdict(list)
    for e in engagements:
        engs_by_expert[e.expert_code].append(e)
    for y in range(period.start.year, period.last_day.year + 1):
        yp = year(y)
        codes = sorted({expert_of(p) for p in capped(priced) if p.entry.work_date in period and p.entry.work_date.year == y})
        for code in codes:
            ex = experts.get(code)
            other = sorted(
                e.code for e in engs_by_expert.get(code, [])
                if e.expert_code == code and e.regime in (Regime.ZZP, Regime.LOONDIENST)
                and e.start < yp.end and (e.end is None or e.end > yp.start))
            if not (ex and ex.employed_by_us) and not other:
                continue
            why = "staat bij ons in loondienst" if ex and ex.employed_by_us else \
                f"werkt in {y} ook als zzp'er of in loondienst voor ons (opdracht {', '.join(other)})"
            out.append(Finding(
                Severity.ERROR, "volunteer.also_employed",
                f"Deze deskundige {why}. Wie bij dezelfde organisatie werkt of als freelancer wordt "
                f"betaald, kan daar geen onbelaste vrijwilligersvergoeding krijgen: de hele vergoeding "
                f"van {y} wordt dan belast.",
                "Betaal het werk via de loonadministratie of als zzp-opdracht, of beëindig de andere "
                "opdracht; leg vast waarom het vrijwilligerswerk er los van staat als dat zo is.",
                expert=code, period=str(y), figures={"andere opdrachten": ", ".join(other) or "-"},
                where=f"jaar {y}"))
    return out
