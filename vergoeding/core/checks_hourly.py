"""The hourly presumption for volunteers (Wet LB 1964 art. 2 lid 6): an allowance per hour
above the hourly figure is not a volunteer allowance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.core.checks_volunteer import (
    _eur,
    _limit_fields,
    _unconfirmed,
    capped,
)
from vergoeding.core.compensation import (
    CAPPED_REGIMES,
    PricedEntry,
)
from vergoeding.core.dates import age_on
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import LimitsBook
from vergoeding.core.money import money_sum
from vergoeding.core.nl import number
from vergoeding.core.period import Period, month_of
from vergoeding.core.work import Engagement, Expert

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
        if fig is None or rate <= fig.amount:
            return  # not published yet: checks_figures.missing_figures says so
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
