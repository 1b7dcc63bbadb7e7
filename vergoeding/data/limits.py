"""Load ``rates/limits/YEAR.toml`` files into :class:`FiscalLimits`."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from vergoeding.core.limits import (
    OPTIONAL_FIGURES,
    REQUIRED_FIGURES,
    Figure,
    FiscalLimits,
    LimitsBook,
    is_draft_source,
)
from vergoeding.data.common import Amount, Fraction, pydantic_problems, read_toml, where
from vergoeding.data.tomlpos import line_of
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
    """A figure is one table (valid the whole year from ``valid_from``) or an array of tables
    (``[[km_allowance]]``) when it changes within the year, each with its own ``valid_from``."""

    model_config = _FROZEN
    year: int
    volunteer_hour_21_plus: list[_Figure] | None = None  # not published yet: left out (see core/limits.py)
    volunteer_hour_under_21: list[_Figure] | None = None
    volunteer_month: list[_Figure]
    volunteer_year: list[_Figure]
    km_allowance: list[_Figure]
    vat_standard: list[_Rate]
    kor_threshold: list[_Figure]
    bijstand_gift_disregard: list[_Figure] | None = None
    bijstand_earnings_disregard: list[_Figure] | None = None
    fictitious_employment_share: list[_Rate] | None = None
    minimum_wage_hour: list[_Figure] = []


def load_limits_file(path: Path) -> FiscalLimits:
    data, lines = read_toml(path)
    # a figure written as one table is a list of one version; messages keep the table's name
    tables = {k for k in (*REQUIRED_FIGURES, *OPTIONAL_FIGURES) if isinstance(data.get(k), dict)}
    data = {k: [v] if k in tables else v for k, v in data.items()}
    try:
        model = _LimitsFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for key, ln, m in pydantic_problems(exc, path, lines):
            head = key.split("[", 1)[0].split(".", 1)[0]
            if head in tables and key.startswith(f"{head}[0]"):
                key = head + key[len(head) + 3:]
                ln = line_of(lines, key)
            problems.append((key, ln, m))
        msg = "; ".join(f"{where(path, ln, key)}: {m}" for key, ln, m in problems)
        raise DataFileError(msg) from None
    if path.stem.isdigit() and int(path.stem) != model.year:
        raise DataFileError(f"year = {model.year}, maar de bestandsnaam zegt {path.stem}", file=str(path))
    figures: dict[str, Figure] = {}
    changes: list[Figure] = []
    for key in (*REQUIRED_FIGURES, *OPTIONAL_FIGURES):
        got = getattr(model, key)
        if got is None:
            continue
        versions = got
        if not versions:
            raise DataFileError(f"{where(path, lines.get(key), key)}: geen bedrag; geef minstens één [[{key}]]")
        for i, f in enumerate(versions):
            name = key if key in tables else f"{key}[{i}]"
            if f.valid_from.year != model.year:
                ln = lines.get(f"{name}.valid_from")
                raise DataFileError(
                    f"{where(path, ln, name + '.valid_from')}: valid_from {f.valid_from} ligt niet in {model.year}"
                )
        ordered = sorted(versions, key=lambda f: f.valid_from)
        if key not in tables and ordered[0].valid_from != date(model.year, 1, 1):
            raise DataFileError(
                f"{where(path, lines.get(f'{key}[0].valid_from'), key)}: de eerste versie moet gelden vanaf "
                f"1 januari {model.year} (nu {ordered[0].valid_from}); een wijziging in het jaar is een "
                "volgende [[...]] met een latere valid_from")
        if len({f.valid_from for f in ordered}) != len(ordered):
            raise DataFileError(f"{where(path, lines.get(key), key)}: twee versies met dezelfde valid_from")
        made = [Figure(key, f.label, f.amount, f.unit, f.valid_from, f.source, _confirmed(f), f.note) for f in ordered]
        figures[key] = made[0]
        changes += made[1:]
    wages = tuple(
        Figure("minimum_wage_hour", w.label, w.amount, w.unit, w.valid_from, w.source, _confirmed(w), w.note)
        for w in model.minimum_wage_hour
    )
    return FiscalLimits(year=model.year, figures=figures, minimum_wage=wages, origin=str(path),
                        changes=tuple(changes), version=file_version(model.year, path.read_bytes()))


def _confirmed(f: _Figure) -> bool:
    """A figure whose source says it was copied by 'limits draft' is never confirmed."""
    return f.confirmed and not is_draft_source(f.source)


def file_version(year: int, data: bytes) -> str:
    """The version of a year's figures kept with every paid line: the year and the first 12
    hex digits of the SHA-256 of the file (any edit of the file gives another version)."""
    return f"{year}:{hashlib.sha256(data).hexdigest()[:12]}"


def load_limits(limits_dir: Path, fallback: Path | None = None, *, own: bool = True) -> LimitsBook:
    """Every ``YEAR.toml`` in ``limits_dir`` (the organisation's folder); a year that folder
    does not have is read from ``fallback`` (the shipped files), when given. Messages that ask
    for a new file name ``limits_dir``."""
    dirs = [d for d in (limits_dir, fallback) if d is not None and d.is_dir()]
    if not dirs:
        raise MissingYearError(f"map met fiscale grenzen niet gevonden: {limits_dir}")
    by_year: dict[int, FiscalLimits] = {}
    for folder in dirs:
        for p in sorted(folder.glob("*.toml")):
            if folder is not dirs[0] and p.stem.isdigit() and int(p.stem) in by_year:
                continue  # the organisation's own file for that year wins
            lim = load_limits_file(p)
            by_year.setdefault(lim.year, lim)
    return LimitsBook(by_year, where=str(limits_dir), own=own)
