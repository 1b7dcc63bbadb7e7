"""Fiscal limits of one year, as values. Loaded from ``rates/limits/YEAR.toml`` by
:mod:`vergoeding.data.limits`; the core never reads files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.errors import MissingYearError

# Figures every year file must carry (the key in the file -> what it is).
REQUIRED_FIGURES: Mapping[str, str] = {
    "volunteer_month": "vrijwilligersvergoeding per maand",
    "volunteer_year": "vrijwilligersvergoeding per jaar",
    "km_allowance": "onbelaste kilometervergoeding",
    "vat_standard": "algemeen btw-tarief",
    "kor_threshold": "omzetgrens KOR",
}
# Figures a year file may leave out while they are not published yet (the hourly presumptions
# are a tax-office norm that only a publication for the year gives; see docs/NEW-YEAR.md). A
# check that needs a missing figure is skipped with a warning naming the figure and the file
# (``core/checks_figures.py``); it never stops a payment on its own.
OPTIONAL_FIGURES: Mapping[str, str] = {
    "volunteer_hour_21_plus": "vrijwilligersvergoeding per uur, 21+",
    "volunteer_hour_under_21": "vrijwilligersvergoeding per uur, onder 21",
    "bijstand_gift_disregard": "vrijlating giften in de bijstand per jaar",
    "bijstand_earnings_disregard": "inkomstenvrijlating bijstand (25%), ten hoogste per maand",
    "fictitious_employment_share": "fictieve dienstbetrekking: deel van het minimumloon",
}
FIGURE_LABELS: Mapping[str, str] = {**REQUIRED_FIGURES, **OPTIONAL_FIGURES,
                                    "minimum_wage_hour": "wettelijk minimumuurloon, 21+"}

# The source of a figure copied by 'vergoeding limits draft' from an earlier year: such a figure
# is never confirmed, whatever the file says (a lazy copy can never pass as confirmed).
DRAFT_SOURCE = "nog niet gepubliceerd; overgenomen uit"

# The first year with a statutory minimum wage per hour (before: per month/week/day). From
# then on a year without it is a missing figure, not a year without one.
HOURLY_MINIMUM_WAGE_FROM = 2024


def is_draft_source(source: str) -> bool:
    return source.strip().lower().startswith(DRAFT_SOURCE)


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
    version: str = ""  # "2027:<12 hex>": the year and a digest of the file's bytes (kept with paid lines)

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

    def get(self, key: str, on: date | None = None) -> Figure | None:
        """The figure ``key`` valid on ``on``, or None when the file leaves it out (not
        published yet): the caller skips what needs it and says so."""
        if key not in self.figures:
            return None
        return self.figure(key, on)

    def missing(self, key: str) -> bool:
        return key not in self.figures

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

    def volunteer_hour(self, age: int, on: date | None = None) -> Figure | None:
        """The hourly presumption for someone of ``age`` on the day of the work ``on``; None
        while the year's figure is not published (the hourly test is then skipped)."""
        return self.get(hour_key(age), on)

    def minimum_wage_on(self, day: date) -> Figure | None:
        """The statutory minimum hourly wage (21+) in force on ``day``; None before 2024,
        when no hourly minimum wage existed."""
        current: Figure | None = None
        for f in sorted(self.minimum_wage, key=lambda f: f.valid_from):
            if f.valid_from <= day:
                current = f
        return current

    def minimum_wage_gap(self, day: date) -> str | None:
        """Which minimum wage is missing for work on ``day`` ("1 januari 2027"), or None. The
        figure changes on 1 January and 1 July; a year from 2024 on without the figure for
        the half year of ``day`` has a gap (before 2024 there was no hourly minimum wage)."""
        if day.year < HOURLY_MINIMUM_WAGE_FROM:
            return None
        half = date(day.year, 7, 1) if day >= date(day.year, 7, 1) else date(day.year, 1, 1)
        if any(f.valid_from >= half for f in self.minimum_wage if f.valid_from <= day):
            return None
        return f"{half.day} {'juli' if half.month == 7 else 'januari'} {half.year}"

    def missing_keys(self) -> list[str]:
        """Figures this year's file leaves out while they are not published (the checks
        that need them warn and skip): the hourly presumptions, the minimum wage (from 2024)
        and the bijstand earnings disregard (from 2026, when it became a figure here)."""
        out = [k for k in ("volunteer_hour_21_plus", "volunteer_hour_under_21") if k not in self.figures]
        if self.year >= 2026 and "bijstand_earnings_disregard" not in self.figures:
            out.append("bijstand_earnings_disregard")
        if self.year >= HOURLY_MINIMUM_WAGE_FROM and not self.minimum_wage:
            out.append("minimum_wage_hour")
        return out

    def unconfirmed(self, keys: Iterable[str], on: date | None = None) -> list[Figure]:
        """The figures among ``keys`` that are present and not confirmed."""
        return [f for k in keys if (f := self.get(k, on)) is not None and not f.confirmed]

    def all_figures(self) -> list[Figure]:
        """Every figure with its versions within the year, each key's versions together."""
        order = {k: i for i, k in enumerate(self.figures)}
        rest = sorted([*self.changes, *self.minimum_wage], key=lambda f: (order.get(f.key, len(order)), f.valid_from))
        out = list(self.figures.values())
        for f in rest:
            after = max((i for i, g in enumerate(out) if g.key == f.key), default=len(out) - 1)
            out.insert(after + 1, f)
        return out


def hour_key(age: int) -> str:
    return "volunteer_hour_21_plus" if age >= 21 else "volunteer_hour_under_21"


class LimitsBook:
    """Fiscal limits for several years. A missing year is an error that names the file to
    add, never a silent fallback to another year. ``where`` is the folder a new year file
    belongs in: the organisation's own folder when ``own`` (else the shipped one, and the
    message says to set up an own folder first)."""

    def __init__(self, by_year: Mapping[int, FiscalLimits], where: str = "rates/limits", own: bool = True) -> None:
        self._by_year = dict(by_year)
        self.where = where
        self.own = own

    def add_file_hint(self, year: int) -> str:
        """How to add the file of ``year``: the organisation's folder and the command that
        drafts it."""
        if self.own:
            return (f"maak het bestand {self.where}/{year}.toml met 'vergoeding limits draft {year}' (een "
                    "concept met de bedragen van het laatste jaar, alles onbevestigd) en vul de bedragen aan "
                    "zodra ze gepubliceerd zijn")
        return (f"stel eerst een eigen map met tarieven in (--rates MAP, VERGOEDING_RATES of [paths] rates in "
                f"vergoeding.toml) en maak daar het bestand limits/{year}.toml met "
                f"'vergoeding --rates MAP limits draft {year}' (een concept met de bedragen van het laatste jaar, "
                "alles onbevestigd)")

    def for_year(self, year: int) -> FiscalLimits:
        try:
            return self._by_year[year]
        except KeyError:
            have = ", ".join(str(y) for y in sorted(self._by_year)) or "geen"
            raise MissingYearError(
                f"geen fiscale grenzen voor {year}: {self.add_file_hint(year)} (aanwezig: {have}). "
                "Er wordt nooit teruggevallen op een ander jaar."
            ) from None

    def version(self, year: int) -> str:
        """The version of the figures of ``year`` (see FiscalLimits.version), or ""."""
        lim = self._by_year.get(year)
        return lim.version if lim else ""

    def for_day(self, day: date) -> FiscalLimits:
        return self.for_year(day.year)

    @property
    def years(self) -> list[int]:
        return sorted(self._by_year)
