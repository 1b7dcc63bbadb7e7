"""Lines without a price: no rate (rate card nor the engagement's own rate) or no fiscal
figures (``rates/limits/YEAR.toml``) on the work date. Pure: the caller finds the lines
(:mod:`vergoeding.api.coverage`) and passes them as :class:`PriceGap`.

``check`` and ``payout`` report them with the same finding (rule ``payout.no_price``, an
error that names the expert, so the payout holds that expert and pays the others). One
finding per expert, engagement and cause, with the work dates grouped ("05-01-2027 t/m
07-01-2027, 12-01-2027") and the fix: the file to add the figures to, or the command that
gives the engagement its own rate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from vergoeding.core.findings import Finding, Severity
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.work import Engagement

RULE = "payout.no_price"
RATE = "rate"  # no rate on the rate card and no own rate of the engagement
LIMITS = "limits"  # no fiscal figures for the year of the work date
MAX_CHUNKS = 6


@dataclass(frozen=True)
class PriceGap:
    """One open line that cannot be priced. ``kind``: :data:`RATE` or :data:`LIMITS`."""

    entry_id: int
    engagement: Engagement
    work_date: date
    kind: str


def dates_text(days: Sequence[date]) -> str:
    """Work dates grouped: consecutive days as a range, at most a few groups."""
    ordered = sorted(set(days))
    runs: list[tuple[date, date]] = []
    for d in ordered:
        if runs and d == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    parts = [f"{a:%d-%m-%Y}" if a == b else f"{a:%d-%m-%Y} t/m {b:%d-%m-%Y}" for a, b in runs]
    if len(parts) > MAX_CHUNKS:
        rest = sum((b - a).days + 1 for a, b in runs[MAX_CHUNKS - 1:])
        parts = [*parts[:MAX_CHUNKS - 1], f"nog {rest} andere dag(en)"]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def _unit_hint(g: Engagement) -> str:
    if g.unit is not None:
        return g.unit.value
    return Unit.BIJEENKOMST.value if g.regime is Regime.VACATIEGELD else Unit.UUR.value


def no_price_findings(gaps: Sequence[PriceGap], names: Mapping[str, str], period: str, *,
                      limits_where: str, card_origin: str, limit_years: Sequence[int] = (),
                      add_file_hint: Callable[[int], str] | None = None) -> list[Finding]:
    """One error per expert, engagement and cause (and year, for missing figures)."""
    groups: dict[tuple[str, str, str, int], list[PriceGap]] = {}
    for gap in gaps:
        g = gap.engagement
        year = gap.work_date.year if gap.kind == LIMITS else 0
        groups.setdefault((g.expert_code, g.code, gap.kind, year), []).append(gap)
    out: list[Finding] = []
    for (expert, code, kind, year), items in sorted(groups.items()):
        g = items[0].engagement
        name = names.get(expert, expert)
        days = [x.work_date for x in items]
        when = dates_text(days)
        n = len(items)
        figures = {"ontbreekt": "tarief" if kind == RATE else "fiscale grenzen",
                   "data": ",".join(sorted({d.isoformat() for d in days})), "regels": str(n)}
        if kind == LIMITS:
            have = f" (de laatste is {max(limit_years)})" if limit_years else ""
            how = (add_file_hint(year) if add_file_hint is not None
                   else f"voeg het bestand {limits_where}/{year}.toml toe")
            message = (f"Geen fiscale grenzen voor {year}: {n} regel(s) van {name} ({expert}), opdracht {code}, "
                       f"op {when} kunnen niet worden berekend en getoetst. {how[0].upper()}{how[1:]}.")
            advice = (f"Het concept neemt de bedragen over van het laatste jaar{have}, allemaal onbevestigd; "
                      f"controleer daarna opnieuw. Tot dan wordt {name} niet uitbetaald.")
            figures["bestand"] = f"{limits_where}/{year}.toml"
        else:
            message = (f"Geen tarief voor {name} ({expert}), opdracht {code}, op {when}: rol '{g.role}' "
                       f"({g.regime.value}, niveau {g.level}) heeft dan geen tarief op de tariefkaart en de "
                       f"opdracht heeft geen eigen tarief. Geef de opdracht een eigen tarief met 'vergoeding "
                       f"engagement edit {code} --expert-rate BEDRAG --unit {_unit_hint(g)}'.")
            advice = (f"Of voeg in de tariefkaart {card_origin} een tarief toe voor rol '{g.role}', regime "
                      f"{g.regime.value}, geldig op {min(days):%d-%m-%Y}. Tot dan wordt {name} niet uitbetaald.")
            figures["tariefkaart"] = card_origin
        out.append(Finding(Severity.ERROR, RULE, message, advice, expert=expert, engagement=code, period=period,
                           figures=figures, where=f"opdracht {code}"))
    return out
