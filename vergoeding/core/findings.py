"""Checks return findings; they do not raise. The caller (CLI) decides the exit code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def dutch(self) -> str:
        """The severity as a person reads it in a sheet, a PDF or a CSV: "fout", "waarschuwing",
        "let op" (see :data:`SEVERITY_LABELS`; the value stays in JSON)."""
        return SEVERITY_LABELS[self.value]

    @property
    def label(self) -> str:
        """The same word in capitals, at the head of a finding in a terminal: "FOUT"."""
        return self.dutch.upper()


# The one mapping of severities to Dutch: every renderer (terminal, xlsx, PDF, CSV) reads it.
SEVERITY_LABELS: Mapping[str, str] = MappingProxyType({"error": "fout", "warning": "waarschuwing", "info": "let op"})


def severity_label(severity: str) -> str:
    """error -> fout, warning -> waarschuwing, info -> let op; anything else as it is."""
    return SEVERITY_LABELS.get(str(severity), str(severity))


_EMPTY: Mapping[str, str] = MappingProxyType({})

# What a person reads in a terminal instead of the rule id (the id stays in JSON and CSV, for
# scripts). Short, Dutch, and naming the subject, not the verdict: the severity and the message
# say what is wrong. A rule without its own label gets the label of its area (the part before
# the dot), so a new check is never shown with an English id.
RULE_LABELS: Mapping[str, str] = MappingProxyType({
    "volunteer.month_cap": "maandgrens vrijwilligersvergoeding",
    "volunteer.year_cap": "jaargrens vrijwilligersvergoeding",
    "volunteer.hourly_presumption": "uurvergoeding vrijwilliger",
    "volunteer.org_not_eligible": "organisatie en vrijwilligersvergoeding",
    "volunteer.also_employed": "vrijwilliger ook in dienst of zzp",
    "benefit.bijstand_under_27": "bijstand onder 27",
    "benefit.bijstand_27_plus": "bijstand",
    "benefit.ww": "WW-uitkering",
    "benefit.uwv": "UWV-uitkering",
    "engagement.budget": "budget opdracht",
    "engagement.rate_age": "tarief en leeftijd",
    "freelance.minimum_wage": "zzp-tarief en minimumloon",
    "freelance.dba_enforcement": "Wet DBA: boetes vanaf 2027",
    "limits.missing_figure": "bedrag nog niet bekend",
    "limits.unconfirmed": "bedragen nog niet bevestigd",
    "payment.missing_data": "betaalgegevens",
    "report.derden_data": "gegevens opgave derden",
    "engagement.bsn_needed": "BSN nodig voor opgave derden",
    "particulier.fictitious_employment": "fictieve dienstbetrekking",
    "payout.own_data": "gegevens eigen organisatie",
    "payout.no_price": "geen prijs",
    "payout.held": "aangehouden",
    "payout.override_unused": "betalen ondanks fouten had geen effect",
    "limits.changed": "grensbedragen gewijzigd",
    "limits.file": "bestand met grensbedragen",
    "limits.not_in_file": "grensbedrag ontbreekt",
    "limits.year_mismatch": "ander jaar in het bestand met grensbedragen",
    "invoice.not_invoiced": "nog niet gefactureerd",
    "invoice.no_client_rate": "geen tarief opdrachtgever",
    "sepa.name_shortened": "naam ingekort (SEPA)",
    "ratecard.syntax": "tariefkaart onleesbaar",
    "ratecard.field": "tariefkaart",
    "ratecard.overlap": "tarieven overlappen",
    "ratecard.gap": "gat tussen tarieven",
    "ratecard.validity_empty": "geldigheid tarief",
    "ratecard.regime_not_offered": "regime niet aangeboden",
    "ratecard.regime_missing": "tarief voor regime ontbreekt",
    "ratecard.client_below_expert": "opdrachtgever onder deskundige",
    "ratecard.volunteer_hour_above_presumption": "uurvergoeding vrijwilliger",
    "ratecard.freelance_at_minimum_wage": "zzp-tarief en minimumloon",
})
AREA_LABELS: Mapping[str, str] = MappingProxyType({
    "volunteer": "vrijwilligersvergoeding", "benefit": "uitkering", "engagement": "opdracht",
    "freelance": "zzp", "payment": "betaalgegevens", "particulier": "particulier",
    "payout": "uitbetaling", "sepa": "SEPA-batch", "ratecard": "tariefkaart", "limits": "fiscale grenzen",
    "rate": "tarief", "expert": "deskundige", "invoice": "factuur", "report": "opgave derden",
    "organisation": "organisatie", "org": "organisatie",
})


def rule_label(rule: str) -> str:
    """The Dutch label of a rule id for people: ``volunteer.month_cap`` -> "maandgrens
    vrijwilligersvergoeding"; an unknown rule -> its area's label, else "controle"."""
    if rule in RULE_LABELS:
        return RULE_LABELS[rule]
    return AREA_LABELS.get(rule.partition(".")[0], "controle")


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    ``rule`` is a stable id (scripts may rely on it); ``message`` explains in plain Dutch
    what is wrong and ``advice`` what the user can do. ``figures`` holds the amounts that
    led to it, as text. ``limit_*`` name the limit and where the figure comes from.
    """

    severity: Severity
    rule: str
    message: str
    advice: str = ""
    expert: str | None = None
    engagement: str | None = None
    period: str | None = None
    figures: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    limit: Decimal | None = None
    limit_source: str | None = None
    limit_year: int | None = None
    limit_confirmed: bool | None = None
    where: str = ""

    @property
    def label(self) -> str:
        """The rule as a person reads it (see :data:`RULE_LABELS`); ``rule`` is for scripts."""
        return rule_label(self.rule)

    def as_dict(self) -> dict[str, object]:
        """For scripts: the stable ``severity`` and ``rule`` ids, each with its Dutch label beside it."""
        return {
            "severity": self.severity.value,
            "severity_label": self.severity.dutch,
            "rule": self.rule,
            "rule_label": self.label,
            "expert": self.expert,
            "engagement": self.engagement,
            "period": self.period,
            "figures": dict(self.figures),
            "limit": None if self.limit is None else str(self.limit),
            "limit_source": self.limit_source,
            "limit_year": self.limit_year,
            "limit_confirmed": self.limit_confirmed,
            "where": self.where,
            "message": self.message,
            "advice": self.advice,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(
        findings,
        key=lambda f: (order[f.severity], f.expert or "", f.period or "", f.rule, f.where),
    )
