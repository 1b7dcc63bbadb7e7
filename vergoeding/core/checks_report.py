"""The third-party report ("uitbetaalde bedragen aan derden"): its deadline, and what it will
need, asked for early (issue 19). The report of a year is due BEFORE 1 February of the next
year, without extension (belastingdienst.nl, "Uitbetaalde bedragen aan derden"). Pure.

Rule ids: ``report.derden_data`` (warning: a person on the coming report lacks BSN, address
or date of birth), ``engagement.bsn_needed`` (warning when an engagement for a reportable
regime is added for someone without a BSN; never a refusal).
"""

from __future__ import annotations

from datetime import date

from vergoeding.core.checks_other import reportable_regime
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.work import Engagement, Expert, Organisation

DEADLINE_SOURCE = ("belastingdienst.nl, 'Uitbetaalde bedragen aan derden': u levert de gegevens aan vóór 1 februari "
                   "na het jaar waarin u de bedragen hebt uitbetaald; uitstel is niet mogelijk")


def report_deadline(year: int) -> date:
    """The last day to hand in the report of ``year`` (31 January of the next year)."""
    return date(year + 1, 1, 31)


def deadline_text(year: int) -> str:
    return f"vóór 1 februari {year + 1} (geen uitstel mogelijk)"


def report_year_in_season(today: date) -> int | None:
    """The year whose report is being prepared on ``today``: from 1 December of that year
    until its deadline (31 January); otherwise None."""
    if today.month == 12:
        return today.year
    if today.month == 1:
        return today.year - 1
    return None


def derden_data_warning(ex: Expert, year: int, missing: list[str]) -> Finding:
    what = ", ".join(missing)
    fix = []
    if any("BSN" in m for m in missing):
        fix.append("--bsn ...")
    if any("adres" in m for m in missing):
        fix.append("--street ... --postcode ... --city ...")
    if any("geboortedatum" in m for m in missing):
        fix.append("--birth-date DD-MM-JJJJ")
    return Finding(
        Severity.WARNING, "report.derden_data",
        f"Opgave uitbetaalde bedragen aan derden over {year}, in te leveren {deadline_text(year)}: voor "
        f"{ex.name} ({ex.code}) {what}. Zonder deze gegevens kan de opgave niet worden gemaakt.",
        f"Vraag het nu op en vul het in met 'vergoeding expert edit {ex.code} {' '.join(fix)}'.",
        expert=ex.code, period=str(year), limit_source=DEADLINE_SOURCE, where=f"deskundige {ex.code}")


def engagement_bsn_notice(g: Engagement, ex: Expert, own: Organisation) -> Finding | None:
    """An engagement whose payments go on the third-party report, for someone without a BSN:
    ask for it now, not in January."""
    if not own.has_payroll_tax_number or ex.bsn or not reportable_regime(g, ex):
        return None
    return Finding(
        Severity.WARNING, "engagement.bsn_needed",
        f"Betalingen onder opdracht {g.code} ({g.regime.value}) komen in de opgave uitbetaalde bedragen aan derden, "
        f"met BSN, adres en geboortedatum, in te leveren vóór 1 februari na het jaar van betalen. Van {ex.name} "
        "is nog geen BSN bekend.",
        f"Vraag het BSN nu op en vul het in met 'vergoeding expert edit {ex.code} --bsn ...'.",
        expert=ex.code, engagement=g.code, limit_source=DEADLINE_SOURCE, where=f"opdracht {g.code}")


__all__ = ["DEADLINE_SOURCE", "deadline_text", "derden_data_warning", "engagement_bsn_notice",
           "report_deadline", "report_year_in_season"]
