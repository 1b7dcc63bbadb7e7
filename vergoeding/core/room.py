"""Tax-free room left for an expert: the month cap and the year cap minus what already
counts (our own payments by work date, plus what the expert declared from other
organisations). Never negative; ``over_*`` says by how much a cap is already exceeded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.core.checks_volunteer import Declaration, month_totals, year_totals
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.money import ZERO


@dataclass(frozen=True)
class CapRoom:
    label: str  # "2026-11" or "2026"
    limit: Figure
    counted: Decimal  # our own payments that count
    declared: Decimal  # declared from other organisations

    @property
    def total(self) -> Decimal:
        return self.counted + self.declared

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.limit.amount - self.total)

    @property
    def over(self) -> Decimal:
        return max(ZERO, self.total - self.limit.amount)


@dataclass(frozen=True)
class Room:
    expert: str
    on: date
    month: CapRoom
    year: CapRoom

    @property
    def left(self) -> Decimal:
        """What can still be paid tax-free this month (the smaller of both rooms)."""
        return min(self.month.left, self.year.left)


def room_on(expert: str, priced: Sequence[PricedEntry], declarations: Sequence[Declaration],
            limits: LimitsBook, on: date) -> Room:
    """Room in the month and the year of ``on``: everything booked with a work date in that
    month / year counts (also work dated later in the month: it uses room too)."""
    lim = limits.for_day(on)
    m = month_totals(priced, declarations, expert, on.year, on.month)
    y = year_totals(priced, declarations, expert, on.year)
    return Room(
        expert, on,
        CapRoom(f"{on.year}-{on.month:02d}", lim.volunteer_month, m.own, m.declared),
        CapRoom(str(on.year), lim.volunteer_year, y.own, y.declared),
    )
