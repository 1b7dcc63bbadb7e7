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

This module holds what the checks share (declarations, limit fields), the organisation's
eligibility and "also employed here"; the hourly presumption is in
:mod:`~vergoeding.core.checks_hourly`, the month and year caps in
:mod:`~vergoeding.core.checks_caps`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from vergoeding.core.compensation import (
    CAPPED_REGIMES,
    PricedEntry,
)
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import Figure
from vergoeding.core.nl import eur
from vergoeding.core.period import Period, year
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
