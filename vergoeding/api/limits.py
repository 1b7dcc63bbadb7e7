"""Fiscal limits and rate cards: show and check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vergoeding.api.workspace import Workspace
from vergoeding.core.findings import Finding
from vergoeding.core.limits import Figure
from vergoeding.core.rates import RateCard, RoleRate
from vergoeding.data.ratecard import check_ratecard


def limits_for_year(ws: Workspace, year: int) -> list[Figure]:
    """Every figure of ``year`` (raises MissingYearError naming the file to add)."""
    return ws.limits.for_year(year).all_figures()


def rates_on(ws: Workspace, on: date, role: str | None = None) -> tuple[RateCard, list[RoleRate]]:
    card = ws.ratecard
    return card, card.rates_on(on, role)


def check_rate_card(ws: Workspace, path: Path) -> list[Finding]:
    _card, findings = check_ratecard(path, ws.limits)
    return findings
