"""Periods are half-open date ranges ``[start, end)``, defined once here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from vergoeding.errors import InputError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})[-/](\d{4})$")
_MONTH_NAMED = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A half-open range of days: ``start`` is included, ``end`` is not."""

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty period {self.start}..{self.end}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def months(self) -> Iterator[Period]:
        """The calendar months that overlap this period, clipped to it."""
        cur = date(self.start.year, self.start.month, 1)
        while cur < self.end:
            nxt = months_after(cur, 1)
            yield Period(max(cur, self.start), min(nxt, self.end), f"{cur.year}-{cur.month:02d}")
            cur = nxt

    def overlaps(self, other: Period) -> bool:
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return self.label or f"{self.start.isoformat()}..{self.last_day.isoformat()}"


def months_after(first: date, n: int) -> date:
    """The first day of the month ``n`` months after the month of ``first`` (plain
    arithmetic: the checks ask this thousands of times, dateutil's relativedelta is slow)."""
    k = first.year * 12 + first.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def month(year: int, month_: int) -> Period:
    start = date(year, month_, 1)
    return Period(start, months_after(start, 1), f"{year}-{month_:02d}")


def year(year_: int) -> Period:
    return Period(date(year_, 1, 1), date(year_ + 1, 1, 1), f"{year_}")


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def parse_period(text: str, *, field: str | None = None) -> Period:
    """``2026-11``, ``11-2026`` or ``november 2026`` (month), ``2026-Q4`` (quarter), ``2026``
    (year) -> a half-open Period. Month names in Dutch, written out or short (``nov 2026``),
    any case."""
    s = " ".join(text.strip().lower().split())
    try:
        if m := _MONTH_NAMED.match(s):
            mo = _MONTH_NUMBERS.get(m.group(1), 0)
            if not mo:
                raise InputError(f"{text!r}: onbekende maand {m.group(1)!r} (bv. november 2026)", field=field)
            return month(int(m.group(2)), mo)
        if (m := _MONTH.match(s)) or (m := _MONTH_FIRST.match(s)):
            y, mo = (int(m.group(1)), int(m.group(2))) if m.re is _MONTH else (int(m.group(2)), int(m.group(1)))
            if not 1 <= mo <= 12:
                raise InputError(f"{text!r}: maand {mo} bestaat niet", field=field)
            return month(y, mo)
        if m := _QUARTER.match(s):
            y, q = int(m.group(1)), int(m.group(2))
            start = date(y, 3 * (q - 1) + 1, 1)
            return Period(start, months_after(start, 3), f"{y}-Q{q}")
        if m := _YEAR.match(s):
            return year(int(m.group(1)))
    except ValueError:  # year 0, or a period that ends after the year 9999
        raise InputError(f"{text!r}: deze periode valt buiten de kalender", field=field) from None
    raise InputError(
        f"{text!r} is geen periode (verwacht 2026-11, 11-2026, november 2026, 2026-Q4 of 2026)", field=field
    )


MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")
_MONTH_NUMBERS = {**{n: i for i, n in enumerate(MONTH_NAMES, 1)},
                  **{n[:3]: i for i, n in enumerate(MONTH_NAMES, 1)}, "sept": 9, "mrt": 3}


def period_text(p: Period) -> str:
    """How a person reads a period: ``november 2026``, ``4e kwartaal 2026``, ``2026``, or
    ``3-11-2026 t/m 30-11-2026`` for any other range."""
    if p.label:
        if m := _MONTH.match(p.label):
            return f"{MONTH_NAMES[int(m.group(2)) - 1]} {m.group(1)}"
        if m := _QUARTER.match(p.label):
            return f"{m.group(2)}e kwartaal {m.group(1)}"
        if _YEAR.match(p.label):
            return p.label
    return f"{p.start.strftime('%d-%m-%Y')} t/m {p.last_day.strftime('%d-%m-%Y')}"
