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


def missing_for_year(ws: Workspace, year: int) -> list[tuple[str, str]]:
    """(key, label) of every figure ``year``'s file leaves out, not published yet."""
    from vergoeding.core.limits import FIGURE_LABELS

    return [(k, FIGURE_LABELS[k]) for k in ws.limits.for_year(year).missing_keys()]


def check_limits(ws: Workspace, path: Path) -> list[Finding]:
    """``limits check FILE``: what disagrees in the file, and what changes against the
    figures in force for its year."""
    from vergoeding.core.limits import FiscalLimits
    from vergoeding.data.limits import load_limits_file
    from vergoeding.data.locate import shipped_rates_dir

    def against(year: int) -> FiscalLimits | None:
        if year not in ws.limits.years:
            return None
        in_force = ws.limits.for_year(year)
        if Path(in_force.origin).resolve() != path.resolve():
            return in_force
        shipped = shipped_rates_dir() / "limits" / f"{year}.toml"  # the file it replaces
        if shipped.is_file() and shipped.resolve() != path.resolve():
            return load_limits_file(shipped)
        return None

    from vergoeding.data.limits_check import check_limits_file

    return check_limits_file(path, against)


def draft_limits(ws: Workspace, year: int) -> tuple[Path, int]:
    """``limits draft YEAR``: write a draft year file into the organisation's own limits
    folder (never over an existing file); returns the file and the year it copies from."""
    from vergoeding.data.limits_check import draft_text
    from vergoeding.errors import ConfigError
    from vergoeding.render.files import write_atomic

    if not ws.settings.own_rates:
        raise ConfigError(
            "er is nog geen eigen map met tarieven ingesteld; het concept hoort niet in de map van het programma. "
            f"Geef er een op: 'vergoeding --rates MAP limits draft {year}' (of VERGOEDING_RATES, of [paths] rates "
            "in vergoeding.toml). De map moet bestaan; de jaarbestanden komen in MAP/limits/.")
    folder = ws.settings.limits_dir
    target = folder / f"{year}.toml"
    if target.exists():
        raise ConfigError(f"{target} bestaat al; er is niets overschreven. Controleer het met "
                          f"'vergoeding limits check {target}'.")
    text, base = draft_text(year, ws.limits)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
    return target, base


def rates_on(ws: Workspace, on: date, role: str | None = None) -> tuple[RateCard, list[RoleRate]]:
    card = ws.ratecard
    return card, card.rates_on(on, role)


def check_rate_card(ws: Workspace, path: Path) -> list[Finding]:
    _card, findings = check_ratecard(path, ws.limits)
    return findings
