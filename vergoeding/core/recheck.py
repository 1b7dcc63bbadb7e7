"""Paid lines checked again under the figures in force now (``vergoeding check --year``).

A year is often paid under figures that are not confirmed yet (see ``checks_figures``).
When the confirmed figures arrive, finance needs to know which paid lines would now come
out differently, to correct them before the year statement. Every paid line keeps the
version of the figures it was checked against (``PaidLine.limits_version``) and the figures
themselves (``PaidLine.figures``: month and year cap, km allowance, hourly presumptions,
minimum wage). For each version that differs from the one in force, the figure-dependent
checks run twice over the year's paid lines (amounts as paid): once with the figures as
they were (rebuilt from what the lines kept) and once with the figures now. A paid line is
listed when the findings that concern it (same expert; its month, or the whole year)
differ. Pure; returns findings (rule ``limits.recheck``, a warning per line).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from vergoeding.core.checks_caps import month_cap, year_cap
from vergoeding.core.checks_fictitious import fictitious_employment
from vergoeding.core.checks_hourly import hourly_presumption
from vergoeding.core.checks_other import freelance_minimum_wage
from vergoeding.core.checks_volunteer import Declaration
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.findings import Finding, Severity, rule_label
from vergoeding.core.limits import Figure, FiscalLimits, LimitsBook
from vergoeding.core.nl import eur
from vergoeding.core.payout import PaidLine
from vergoeding.core.period import Period, parse_period
from vergoeding.core.period import year as year_period
from vergoeding.core.work import Expert

RULE = "limits.recheck"
_KEPT = {"maandgrens": "volunteer_month", "jaargrens": "volunteer_year", "km_allowance": "km_allowance",
         "uur_21_plus": "volunteer_hour_21_plus", "uur_onder_21": "volunteer_hour_under_21"}


def figures_then(now: FiscalLimits, kept: Mapping[str, str]) -> FiscalLimits:
    """The year's figures as a paid line was checked against them, rebuilt from what it kept
    (a figure it did not keep is taken as it is now)."""
    figures = dict(now.figures)
    for name, key in _KEPT.items():
        if name not in kept:
            continue
        value = kept[name]
        current = now.get(key)
        if value == "":
            figures.pop(key, None)  # not published then: the check was skipped
        elif current is not None:
            figures[key] = replace(current, amount=Decimal(value))
        else:
            figures[key] = Figure(key, key, Decimal(value), "", date(now.year, 1, 1), "zoals toen betaald", False)
    wages = now.minimum_wage
    if "minimumloon" in kept:
        wages = () if kept["minimumloon"] == "" else (
            Figure("minimum_wage_hour", "minimumloon", Decimal(kept["minimumloon"]), "EUR/uur",
                   date(now.year, 1, 1), "zoals toen betaald", False),)
    changes = tuple(c for c in now.changes if c.key not in {_KEPT[n] for n in kept if n in _KEPT})
    return replace(now, figures=figures, minimum_wage=wages, changes=changes, version="toen")


class _Book(LimitsBook):
    def __init__(self, base: LimitsBook, year: int, lim: FiscalLimits) -> None:
        super().__init__({y: (lim if y == year else base.for_year(y)) for y in base.years}, base.where, base.own)


def _run(priced: Sequence[PricedEntry], experts: Mapping[str, Expert], decl: Sequence[Declaration],
         book: LimitsBook, period: Period) -> list[Finding]:
    out = hourly_presumption(priced, experts, book, period)
    out += month_cap(priced, decl, book, period)
    out += year_cap(priced, decl, book, period)
    out += freelance_minimum_wage(priced, book, period)
    out += fictitious_employment(priced, book, period, ())
    return out


def _concerns(f: Finding, line: PaidLine) -> bool:
    if f.expert != line.expert:
        return False
    if not f.period:
        return True
    try:
        return line.work_date in parse_period(f.period)
    except Exception:  # noqa: BLE001 - a period text the parser does not know: the whole year
        return True


def _state(findings: Sequence[Finding], line: PaidLine) -> dict[tuple[str, str], Finding]:
    return {(f.rule, f.severity.value): f for f in findings
            if f.severity is not Severity.INFO and _concerns(f, line)}


def recheck_paid(year: int, lines: Sequence[PaidLine], priced: Sequence[PricedEntry],
                 experts: Mapping[str, Expert], declarations: Sequence[Declaration], limits: LimitsBook,
                 names: Mapping[str, str], period: Period | None = None,
                 describe: Callable[[PaidLine], str] | None = None) -> list[Finding]:
    """One warning per paid line of ``year`` whose check result differs under the figures
    in force now. ``priced``: every paid line of the year as priced (amounts as paid)."""
    if year not in limits.years:
        return []
    now = limits.for_year(year)
    scope = period or year_period(year)
    changed = [ln for ln in lines if ln.limits_version != now.version and ln.work_date.year == year]
    if not changed:
        return []
    after = _run(priced, experts, declarations, limits, scope)
    out: list[Finding] = []
    groups: dict[tuple[tuple[str, str], ...], list[PaidLine]] = {}
    for ln in changed:
        groups.setdefault(tuple(sorted(ln.figures.items())), []).append(ln)
    for kept, group in groups.items():
        then = figures_then(now, dict(kept))
        before = _run(priced, experts, declarations, _Book(limits, year, then), scope)
        diffs = _figure_diffs(then, now)
        for ln in sorted(group, key=lambda x: (x.expert, x.work_date, x.entry_id)):
            was, nu = _state(before, ln), _state(after, ln)
            if set(was) == set(nu):
                continue
            new = [f for k, f in sorted(nu.items()) if k not in was]
            gone = [f for k, f in sorted(was.items()) if k not in nu]
            what = "; ".join([*(f"nu {f.severity.label}: {f.label}" for f in new),
                              *(f"niet meer: {f.label}" for f in gone)])
            name = names.get(ln.expert, ln.expert)
            about = describe(ln) if describe else ""
            message = (f"Betaalde regel {ln.entry_id} van {name} ({ln.expert}), werk van {ln.work_date:%d-%m-%Y}, "
                       f"{eur(ln.payable)}, uitbetaling {ln.payout_number}{about}: {what}."
                       + (f" Gewijzigd: {diffs}." if diffs else "")
                       + (f" {new[0].message}" if new else ""))
            out.append(Finding(
                Severity.WARNING, RULE, message,
                "Corrigeer dit vóór het jaaroverzicht: bijvoorbeeld een correctieregel ('vergoeding correct') of, "
                "boven een grens, loonheffing via de salarisadministratie. Zie docs/NEW-YEAR.md.",
                expert=ln.expert, engagement=ln.engagement, period=f"{ln.work_date:%Y-%m}",
                figures={"regel": str(ln.entry_id), "werkdatum": ln.work_date.isoformat(),
                         "uitbetaling": ln.payout_number, "bedrag": str(ln.payable),
                         "versie toen": ln.limits_version or "onbekend", "versie nu": now.version,
                         "was": ", ".join(f"{f.rule} ({f.severity.value})" for _, f in sorted(was.items())) or "-",
                         "nu": ", ".join(f"{f.rule} ({f.severity.value})" for _, f in sorted(nu.items())) or "-"},
                limit_year=year, where=now.origin))
    return out


def _figure_diffs(then: FiscalLimits, now: FiscalLimits) -> str:
    out = []
    for key in _KEPT.values():
        a, b = then.get(key), now.get(key)
        if a is None and b is None:
            continue
        if a is None and b is not None:
            out.append(f"{rule_label_for(key)} nu {eur(b.amount)} (was nog niet bekend)")
        elif a is not None and b is None:
            out.append(f"{rule_label_for(key)} niet meer bekend (was {eur(a.amount)})")
        elif a is not None and b is not None and a.amount != b.amount:
            out.append(f"{rule_label_for(key)} {eur(a.amount)} wordt {eur(b.amount)}")
    return "; ".join(out)


def rule_label_for(key: str) -> str:
    return {"volunteer_month": "maandgrens", "volunteer_year": "jaargrens", "km_allowance": "kilometervergoeding",
            "volunteer_hour_21_plus": "uurnorm 21+", "volunteer_hour_under_21": "uurnorm onder 21"}.get(key, key)


__all__ = ["RULE", "figures_then", "recheck_paid", "rule_label"]
