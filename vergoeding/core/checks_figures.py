"""Figures that are missing or not confirmed yet, and rules that change with the year.

A new year starts before its figures are published (the ministerial regulation, the minimum
wage twice a year, the tax office's hourly norm). That is a normal state, not a stop: a check
that needs a missing figure is skipped, and this module says so, once per year and figure,
as a warning that names the figure, the file and what was done instead. Payments under
figures that are not confirmed go through; the warning says they are provisional and how to
correct later (``vergoeding check --year``). Pure; returns findings.

Rule ids:

* ``limits.missing_figure`` (warning): a check needed a figure the year file leaves out
* ``limits.unconfirmed`` (warning): amounts paid are tested against unconfirmed figures
* ``freelance.dba_enforcement`` (info): zzp work from 2027, when the soft landing of the
  Wet DBA enforcement ends
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry
from vergoeding.core.dates import age_on
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import FIGURE_LABELS, FiscalLimits, LimitsBook, hour_key
from vergoeding.core.listing import few
from vergoeding.core.nl import eur
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.work import Expert

# Rules that change on a date (sources: ../shared/DOMAIN.md, "2027: what is known").
DBA_FINES_FROM = date(2027, 1, 1)  # end of the soft landing (minister's letter of 19 December 2025)
DBA_SOURCE = ("brief van de minister van Financiën van 19 december 2025 (zoals aangehaald door "
              "beroepsorganisaties): de zachte landing van de handhaving van de Wet DBA eindigt op 1 januari 2027")
PARTICIPATIEWET_CHANGES_FROM = date(2027, 1, 1)  # "Participatiewet in balans"

# What each check does when its figure is missing.
_INSTEAD = {
    "volunteer_hour_21_plus": ("de toets van het uurtarief (vermoeden, 21 jaar en ouder) is overgeslagen; de maand- "
                               "en jaargrens zijn wel getoetst"),
    "volunteer_hour_under_21": ("de toets van het uurtarief (vermoeden, jonger dan 21) is overgeslagen; de maand- en "
                                "jaargrens zijn wel getoetst"),
}
_HOURLY_KEYS = ("volunteer_hour_21_plus", "volunteer_hour_under_21")


def _fill_in(lim: FiscalLimits, book: LimitsBook) -> str:
    """Advice: where to add the figure and what to run afterwards."""
    y = lim.year
    own = f"{book.where}/{y}.toml"
    first = (f"Vul het aan in {own} zodra het gepubliceerd is" if book.own and lim.origin == own
             else f"Zodra het gepubliceerd is: {book.add_file_hint(y)}")
    return (f"{first}. Daarna: 'vergoeding limits check {own}' en 'vergoeding check --year {y}' (welke betaalde "
            "regels anders uitvallen). Tot dan wordt gewoon betaald.")


def missing_figures(priced: Sequence[PricedEntry], experts: Mapping[str, Expert], limits: LimitsBook,
                    period: Period) -> list[Finding]:
    """One warning per year and missing figure that work in ``period`` needs."""
    needed: dict[tuple[int, str], date] = {}  # (year, key or 'minimum_wage_hour:<half>') -> first day
    for p in priced:
        day = p.entry.work_date
        if day not in period or day.year not in limits.years:
            continue
        lim = limits.for_year(day.year)
        if p.regime in CAPPED_REGIMES and p.unit is Unit.UUR and not p.fixed_allowance and p.quantity > 0:
            ex = experts.get(p.engagement.expert_code)
            dob = ex.date_of_birth if ex else None
            key = hour_key(age_on(dob, day) if dob else 21)
            if lim.missing(key):
                needed.setdefault((day.year, key), day)
        if (p.regime is Regime.ZZP and p.unit is Unit.UUR) or p.regime is Regime.PARTICULIER:
            gap = lim.minimum_wage_gap(day)
            if gap is not None:
                k = (day.year, f"minimum_wage_hour:{gap}")
                needed[k] = min(day, needed.get(k, day))
    out: list[Finding] = []
    for (year, key), first in sorted(needed.items()):
        lim = limits.for_year(year)
        if key.startswith("minimum_wage_hour:"):
            gap = key.split(":", 1)[1]
            has_january = lim.minimum_wage_on(first) is not None
            name = f"het minimumloon per {gap}"
            instead = (f"tot het er is, toetst het programma zzp-tarieven en fictieve dienstbetrekking aan het "
                       f"minimumloon per 1 januari {year}" if has_january else
                       f"de toetsen 'zzp-tarief en minimumloon' en 'fictieve dienstbetrekking' zijn overgeslagen "
                       f"voor werk vanaf {first:%d-%m-%Y}")
            fig_key = "minimum_wage_hour"
        else:
            name = f"de {FIGURE_LABELS[key]}"
            instead = _INSTEAD.get(key, "de toets die dit bedrag nodig heeft is overgeslagen")
            fig_key = key
        out.append(Finding(
            Severity.WARNING, "limits.missing_figure",
            f"Voor {year} ontbreekt {name} ({fig_key}) in {lim.origin}: {instead}. Dat bedrag is nog niet "
            "gepubliceerd; de betaling gaat gewoon door.",
            _fill_in(lim, limits), period=str(period),
            figures={"bedrag": fig_key, "jaar": str(year), "bestand": lim.origin, "in plaats daarvan": instead},
            limit_year=year, limit_confirmed=False, where=lim.origin))
    return out


def unconfirmed_figures(priced: Sequence[PricedEntry], limits: LimitsBook, period: Period) -> list[Finding]:
    """One warning per year whose paid amounts are tested against (or priced with) figures
    that are not confirmed: the volunteer caps and the km allowance."""
    used: dict[int, set[str]] = {}
    for p in priced:
        day = p.entry.work_date
        if day not in period or day.year not in limits.years:
            continue
        keys = used.setdefault(day.year, set())
        if p.regime in CAPPED_REGIMES:
            keys.update(("volunteer_month", "volunteer_year"))
        if p.travel and p.entry.km and p.engagement.km_rate is None:
            keys.add("km_allowance")
    out: list[Finding] = []
    for year, keys in sorted(used.items()):
        lim = limits.for_year(year)
        order = ("volunteer_month", "volunteer_year", "km_allowance")
        figs = lim.unconfirmed([k for k in order if k in keys])
        if not figs:
            continue
        listed = ", ".join(f"{FIGURE_LABELS[f.key]} {eur(f.amount)}" for f in figs)
        out.append(Finding(
            Severity.WARNING, "limits.unconfirmed",
            f"Betaald onder voorbehoud: deze bedragen voor {year} zijn nog niet bevestigd: {listed} "
            f"(bestand {lim.origin}; bron: {figs[0].source}). Ze kunnen nog veranderen.",
            f"Zodra de bedragen voor {year} gepubliceerd zijn: zet ze in {limits.where}/{year}.toml met "
            f"confirmed = true, controleer met 'vergoeding limits check {limits.where}/{year}.toml' en kijk met "
            f"'vergoeding check --year {year}' welke betaalde regels anders uitvallen.",
            period=str(period), figures={f.key: eur(f.amount) for f in figs} | {"jaar": str(year),
                                                                                "bestand": lim.origin},
            limit_year=year, limit_source=figs[0].source, limit_confirmed=False, where=lim.origin))
    return out


def dba_enforcement(priced: Sequence[PricedEntry], period: Period) -> list[Finding]:
    """From 2027 the tax office can fine false self-employment by default (no soft landing)."""
    codes = sorted({p.engagement.code for p in priced if p.regime is Regime.ZZP
                    and p.entry.work_date in period and p.entry.work_date >= DBA_FINES_FROM})
    if not codes:
        return []
    return [Finding(
        Severity.INFO, "freelance.dba_enforcement",
        "Vanaf 1 januari 2027 kan de Belastingdienst bij schijnzelfstandigheid ook boetes opleggen: de zachte "
        f"landing van de Wet DBA is voorbij. Het gaat om de zzp-opdrachten "
        f"{few(codes, others='andere')}.",
        "Kijk na of de praktijk past bij zelfstandig werk (eigen werkwijze, vrije vervanging, geen gezag, "
        "eigen tarief, meer opdrachtgevers); anders: loondienst of een ander regime.",
        period=str(period), limit_source=DBA_SOURCE, where="zzp-opdrachten")]


__all__ = ["DBA_FINES_FROM", "PARTICIPATIEWET_CHANGES_FROM", "dba_enforcement", "missing_figures",
           "unconfirmed_figures"]
