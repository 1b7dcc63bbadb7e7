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
    def label(self) -> str:
        return {"error": "FOUT", "warning": "WAARSCHUWING", "info": "INFO"}[self.value]


_EMPTY: Mapping[str, str] = MappingProxyType({})


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

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "rule": self.rule,
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
