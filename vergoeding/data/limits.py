"""Load ``rates/limits/YEAR.toml`` files into :class:`FiscalLimits`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from vergoeding.core.limits import REQUIRED_FIGURES, Figure, FiscalLimits, LimitsBook
from vergoeding.data.common import Amount, Fraction, pydantic_problems, read_toml, where
from vergoeding.errors import DataFileError, MissingYearError

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class _Figure(BaseModel):
    model_config = _FROZEN
    label: str
    amount: Amount
    unit: str
    valid_from: date
    source: str
    confirmed: bool
    note: str = ""


class _Rate(_Figure):
    amount: Fraction


class _LimitsFile(BaseModel):
    model_config = _FROZEN
    year: int
    volunteer_hour_21_plus: _Figure
    volunteer_hour_under_21: _Figure
    volunteer_month: _Figure
    volunteer_year: _Figure
    km_allowance: _Figure
    vat_standard: _Rate
    kor_threshold: _Figure
    bijstand_gift_disregard: _Figure | None = None
    minimum_wage_hour: list[_Figure] = []


def load_limits_file(path: Path) -> FiscalLimits:
    data, lines = read_toml(path)
    try:
        model = _LimitsFile.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(exc, path, lines)
        msg = "; ".join(f"{where(path, ln, key)}: {m}" for key, ln, m in problems)
        raise DataFileError(msg) from None
    if path.stem.isdigit() and int(path.stem) != model.year:
        raise DataFileError(f"year = {model.year}, maar de bestandsnaam zegt {path.stem}", file=str(path))
    figures = {}
    for key in (*REQUIRED_FIGURES, "bijstand_gift_disregard"):
        f = getattr(model, key)
        if f is None:
            continue
        if f.valid_from.year != model.year:
            ln = lines.get(f"{key}.valid_from")
            raise DataFileError(
                f"{where(path, ln, key + '.valid_from')}: valid_from {f.valid_from} ligt niet in {model.year}"
            )
        figures[key] = Figure(key, f.label, f.amount, f.unit, f.valid_from, f.source, f.confirmed, f.note)
    wages = tuple(
        Figure("minimum_wage_hour", w.label, w.amount, w.unit, w.valid_from, w.source, w.confirmed, w.note)
        for w in model.minimum_wage_hour
    )
    return FiscalLimits(year=model.year, figures=figures, minimum_wage=wages, origin=str(path))


def load_limits(limits_dir: Path) -> LimitsBook:
    """Every ``YEAR.toml`` in ``limits_dir``."""
    if not limits_dir.is_dir():
        raise MissingYearError(f"map met fiscale grenzen niet gevonden: {limits_dir}")
    by_year = {}
    for p in sorted(limits_dir.glob("*.toml")):
        lim = load_limits_file(p)
        by_year[lim.year] = lim
    return LimitsBook(by_year, where=str(limits_dir))
