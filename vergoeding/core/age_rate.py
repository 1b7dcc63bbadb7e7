"""The volunteer's hourly rate and the age on the day of the work (Wet LB 1964 art. 2 lid 6;
the tax office's hourly presumption: 21 and older, or younger than 21).

Used when an engagement is added or edited (a warning when the rate is above the presumption
for the expert's age) and by the volunteer contract. The presumption is a norm of the tax
office, not a price: the pricing (``core.compensation.price_entry``) pays the engagement's
rate at any age, so the contract states that rate (``core.contract_rates``) and, in an age
phase where it is above the presumption, names the presumption, the day the phase ends (the
21st birthday) and the recorded justification, or that one is needed
(:func:`presumptions_exceeded`). It never states a lower rate than the one that is paid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.core.compensation import CAPPED_REGIMES
from vergoeding.core.contract_rates import PaidRate
from vergoeding.core.dates import age_on
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.nl import eur
from vergoeding.core.regimes import Unit
from vergoeding.core.work import Engagement, Expert


def birthday_21(dob: date) -> date:
    try:
        return dob.replace(year=dob.year + 21)
    except ValueError:  # 29 February
        return date(dob.year + 21, 3, 1)


@dataclass(frozen=True)
class RatePhase:
    start: date
    end: date | None  # exclusive; None = open
    under_21: bool
    presumption: Figure
    engagement_rate: Decimal
    justified: bool

    @property
    def above(self) -> bool:
        return self.engagement_rate > self.presumption.amount


@dataclass(frozen=True)
class PresumptionNote:
    """An age phase in which the rate paid is above the hourly presumption for that age."""

    start: date
    end: date | None  # exclusive; the 21st birthday ends the phase under 21
    under_21: bool
    presumption: Decimal
    paid: Decimal  # the highest hourly rate paid in the phase
    justified: bool


def rate_phases(g: Engagement, ex: Expert | None, rate: Decimal, unit: Unit, limits: LimitsBook) -> list[RatePhase]:
    """The age phases of an hourly volunteer engagement (empty for other regimes/units)."""
    if g.regime not in CAPPED_REGIMES or unit is not Unit.UUR:
        return []
    dob = ex.date_of_birth if ex else None
    justified = bool(g.hourly_justification)
    # a year whose hourly presumption is not published yet has no phase to compare: no
    # phases (the contract states the rate without a presumption; the check warns that the
    # figure is missing)
    if dob is None or age_on(dob, g.start) >= 21:
        fig = limits.for_day(g.start).volunteer_hour(21, g.start)
        return [] if fig is None else [RatePhase(g.start, g.end, False, fig, rate, justified)]
    b21 = birthday_21(dob)
    young = limits.for_day(g.start).volunteer_hour(20, g.start)
    if young is None:
        return []
    phases = [RatePhase(g.start, b21 if g.end is None or b21 < g.end else g.end, True, young, rate, justified)]
    if g.end is None or b21 < g.end:
        try:
            adult = limits.for_day(b21).volunteer_hour(21, b21)
        except Exception:  # noqa: BLE001 - the year's figures are not published yet
            adult = None
        if adult is None:
            adult = limits.for_day(g.start).volunteer_hour(21, g.start)
        if adult is not None:
            phases.append(RatePhase(b21, g.end, False, adult, rate, justified))
    return phases


def presumptions_exceeded(g: Engagement, ex: Expert | None, paid: Sequence[PaidRate],
                          limits: LimitsBook) -> list[PresumptionNote]:
    """Per age phase of an hourly volunteer engagement, a note when a rate that the pricing
    pays in it (``paid``: :func:`vergoeding.core.contract_rates.paid_rates`) is above the
    phase's hourly presumption; empty when every rate paid stays within it."""
    hourly = [p for p in paid if p.unit is Unit.UUR]
    if not hourly:
        return []
    out = []
    for ph in rate_phases(g, ex, hourly[0].expert, Unit.UUR, limits):
        rates = [p.expert for p in hourly if (ph.end is None or p.start < ph.end) and (p.end is None or ph.start < p.end)]
        if rates and max(rates) > ph.presumption.amount:
            out.append(PresumptionNote(ph.start, ph.end, ph.under_21, ph.presumption.amount, max(rates), ph.justified))
    return out


def _eur(amount: Decimal) -> str:
    """€ 1.234,56 in running text: the one Dutch formatter of the core and the documents."""
    return eur(amount)


def rate_age_findings(g: Engagement, ex: Expert | None, rate: Decimal, unit: Unit,
                      limits: LimitsBook) -> list[Finding]:
    """A warning per age phase whose rate is above the hourly presumption (an info when a
    justification is recorded)."""
    out = []
    for ph in rate_phases(g, ex, rate, unit, limits):
        if not ph.above:
            continue
        who = "jonger dan 21" if ph.under_21 else "21 jaar of ouder"
        when = (f"tot de 21e verjaardag op {ph.end:%d-%m-%Y}" if ph.under_21 and ph.end and ex and ex.date_of_birth
                and ph.end == birthday_21(ex.date_of_birth) else f"vanaf {ph.start:%d-%m-%Y}")
        message = (f"Het uurtarief van {_eur(rate)} ligt boven het vermoeden van {_eur(ph.presumption.amount)} per "
                   f"uur voor iemand van {who} ({when}). Boven dat bedrag gaat de Belastingdienst ervan uit dat "
                   "de vrijwilligersvergoeding marktconform is.")
        figures = {"uurtarief": _eur(rate), "vermoeden per uur": _eur(ph.presumption.amount), "leeftijd": who}
        if ph.justified:
            out.append(Finding(Severity.INFO, "engagement.rate_age", message + " Er is een onderbouwing vastgelegd.",
                               expert=g.expert_code, engagement=g.code, figures=figures,
                               limit=ph.presumption.amount, limit_source=ph.presumption.source,
                               limit_confirmed=ph.presumption.confirmed, where=f"opdracht {g.code}"))
            continue
        out.append(Finding(
            Severity.WARNING, "engagement.rate_age", message + " Het contract noemt het tarief en dit vermoeden, "
            "en dat de organisatie moet kunnen uitleggen waarom de vergoeding niet marktconform is.",
            "Verlaag het tarief (--expert-rate), kies een tarief per leeftijd (niveau junior tot de 21e verjaardag), "
            "of leg vast waarom de vergoeding niet marktconform is (--justification).",
            expert=g.expert_code, engagement=g.code, figures=figures, limit=ph.presumption.amount,
            limit_source=ph.presumption.source, limit_confirmed=ph.presumption.confirmed, where=f"opdracht {g.code}"))
    return out
