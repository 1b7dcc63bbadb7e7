"""Fiscal limits of one year, as values. Loaded from ``rates/limits/YEAR.toml`` by
:mod:`vergoeding.data.limits`; the core never reads files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.errors import MissingYearError

# Figures every year file must carry (the key in the file -> what it is).
REQUIRED_FIGURES: Mapping[str, str] = {
    "volunteer_hour_21_plus": "vrijwilligersvergoeding per uur, 21+",
    "volunteer_hour_under_21": "vrijwilligersvergoeding per uur, onder 21",
    "volunteer_month": "vrijwilligersvergoeding per maand",
    "volunteer_year": "vrijwilligersvergoeding per jaar",
    "km_allowance": "onbelaste kilometervergoeding",
    "vat_standard": "algemeen btw-tarief",
    "kor_threshold": "omzetgrens KOR",
}
OPTIONAL_FIGURES: Mapping[str, str] = {
    "bijstand_gift_disregard": "vrijlating giften in de bijstand per jaar",
    "bijstand_earnings_disregard": "inkomstenvrijlating bijstand (25%), ten hoogste per maand",
    "fictitious_employment_share": "fictieve dienstbetrekking: deel van het minimumloon",
}


@dataclass(frozen=True)
class Figure:
    """One figure with where it comes from. ``confirmed`` is False for a figure that only
    secondary sources give: users see that mark."""

    key: str
    label: str
    amount: Decimal
    unit: str
    valid_from: date
    source: str
    confirmed: bool
    note: str = ""

    @property
    def source_year(self) -> int:
        return self.valid_from.year


@dataclass(frozen=True)
class FiscalLimits:
    """The figures of one year. A figure can change within the year (the minimum wage on 1
    July, any other figure when the law changes it): ``figures`` holds each figure as it
    starts the year, ``changes`` the later versions (each with its own ``valid_from``), and
    ``figure(key, on)`` gives the version valid ON a day. Checks pass the work date."""

    year: int
    figures: Mapping[str, Figure]
    minimum_wage: tuple[Figure, ...] = ()
    origin: str = ""
    changes: tuple[Figure, ...] = ()

    def figure(self, key: str, on: date | None = None) -> Figure:
        """The figure ``key`` valid on ``on`` (default: as the year starts)."""
        try:
            current = self.figures[key]
        except KeyError:
            raise MissingYearError(
                f"het bedrag {key!r} ontbreekt voor {self.year} in {self.origin or 'de grenzen'}"
            ) from None
        if on is not None:
            for f in sorted(self.changes, key=lambda f: f.valid_from):
                if f.key == key and f.valid_from <= on:
                    current = f
        return current

    def versions(self, key: str) -> list[Figure]:
        """Every version of figure ``key`` in this year, oldest first."""
        first = self.figures.get(key)
        return [*([first] if first else []), *sorted((f for f in self.changes if f.key == key),
                                                     key=lambda f: f.valid_from)]

    @property
    def change_days(self) -> list[date]:
        """Days within the year on which some figure changes (1 January excluded)."""
        return sorted({f.valid_from for f in (*self.changes, *self.minimum_wage)
                       if f.valid_from != date(self.year, 1, 1)})

    @property
    def volunteer_month(self) -> Figure:
        return self.figure("volunteer_month")

    @property
    def volunteer_year(self) -> Figure:
        return self.figure("volunteer_year")

    def volunteer_hour(self, age: int, on: date | None = None) -> Figure:
        """The hourly presumption for someone of ``age`` on the day of the work ``on``."""
        return self.figure("volunteer_hour_21_plus" if age >= 21 else "volunteer_hour_under_21", on)

    def minimum_wage_on(self, day: date) -> Figure | None:
        """The statutory minimum hourly wage (21+) in force on ``day``; None before 2024,
        when no hourly minimum wage existed."""
        current: Figure | None = None
        for f in sorted(self.minimum_wage, key=lambda f: f.valid_from):
            if f.valid_from <= day:
                current = f
        return current

    def all_figures(self) -> list[Figure]:
        """Every figure with its versions within the year, each key's versions together."""
        order = {k: i for i, k in enumerate(self.figures)}
        rest = sorted([*self.changes, *self.minimum_wage], key=lambda f: (order.get(f.key, len(order)), f.valid_from))
        out = list(self.figures.values())
        for f in rest:
            after = max((i for i, g in enumerate(out) if g.key == f.key), default=len(out) - 1)
            out.insert(after + 1, f)
        return out


class LimitsBook:
    """Fiscal limits for several years. A missing year is an error that names the file to
    add, never a silent fallback to another year."""

    def __init__(self, by_year: Mapping[int, FiscalLimits], where: str = "rates/limits") -> None:
        self._by_year = dict(by_year)
        self.where = where

    def for_year(self, year: int) -> FiscalLimits:
        try:
            return self._by_year[year]
        except KeyError:
            have = ", ".join(str(y) for y in sorted(self._by_year)) or "geen"
            raise MissingYearError(
                f"geen fiscale grenzen voor {year}: voeg het bestand {self.where}/{year}.toml toe "
                f"(aanwezig: {have}). Er wordt nooit teruggevallen op een ander jaar."
            ) from None

    def for_day(self, day: date) -> FiscalLimits:
        return self.for_year(day.year)

    @property
    def years(self) -> list[int]:
        return sorted(self._by_year)
