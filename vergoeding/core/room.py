"""Tax-free room left for an expert: the month cap and the year cap minus what already
counts (our own payments by work date, plus what the expert declared from other
organisations). Never negative; ``over_*`` says by how much a cap is already exceeded.

Room on a day counts the work dated up to and including that day (work logged for later
days of the month is not yet done and does not use room on that day). Receipts count
as soon as an allowance is paid for work in the year up to that day
(:func:`vergoeding.core.compensation.counts_towards_caps`).

An earlier month of the year that is over the month cap (also one that went over later,
because its receipts started to count next to an allowance) leaves no tax-free room at all:
the whole allowance of the year is then taxable. ``Room.earlier`` lists such months and
``Room.left`` is zero."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vergoeding.core.caps_story import CapsFigures, CapsStory, EarlierOver, tell
from vergoeding.core.checks_caps import month_table, month_totals, year_totals
from vergoeding.core.checks_volunteer import Declaration
from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.money import ZERO


@dataclass(frozen=True)
class CapRoom:
    label: str  # "2026-11" or "2026"
    limit: Figure
    counted: Decimal  # our own payments that count
    declared: Decimal  # declared from other organisations
    receipts: Decimal = ZERO  # part of ``counted``: receipts that count next to an allowance

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
    earlier: tuple[CapRoom, ...] = ()  # earlier months of the year over the month cap
    regime_labels: tuple[str, ...] = ()  # the capped regimes the expert works under this year

    @property
    def crossed(self) -> bool:
        """A cap is crossed this year (an earlier month, this month or the year): nothing of
        the year's allowance is tax-free, and nothing "kan er nog bij"."""
        return bool(self.earlier) or self.month.over > ZERO or self.year.over > ZERO

    @property
    def left(self) -> Decimal:
        """What can still be paid tax-free this month (the smaller of both rooms; nothing when
        a cap is crossed this year)."""
        return ZERO if self.crossed else min(self.month.left, self.year.left)

    def figures(self) -> CapsFigures:
        return CapsFigures(
            self.month.label, self.month.limit.amount, self.month.total, self.year.label,
            self.year.limit.amount, self.year.total,
            tuple(EarlierOver(c.label, c.limit.amount, c.over) for c in self.earlier),
            self.month.limit.confirmed and self.year.limit.confirmed,
            self.regime_labels or ("Vrijwilligersvergoeding",))

    def story(self) -> CapsStory:
        """What the expert is told (:mod:`vergoeding.core.caps_story`)."""
        return tell(self.figures())


def room_on(expert: str, priced: Sequence[PricedEntry], declarations: Sequence[Declaration],
            limits: LimitsBook, on: date) -> Room:
    """Room in the month and the year of ``on``: work dated from the first of the month (of
    the year) up to and including ``on`` counts, with the declarations of those months."""
    lim = limits.for_day(on)
    until = on + timedelta(days=1)
    m = month_totals(priced, declarations, expert, on.year, on.month, until=until)
    y = year_totals(priced, declarations, expert, on.year, until=until)
    earlier = []
    # the earlier months in one pass (month_totals of each month filtered the year again)
    table = month_table([p for p in priced if p.entry.work_date.year == on.year and p.entry.work_date < until],
                        declarations, expert)
    for mo in range(1, on.month):
        fig = lim.figure("volunteer_month", date(on.year, mo, 1))
        t = table.get((on.year, mo))
        if t is None:  # no capped work that month: nothing of its own to be over with
            continue
        if t.total > fig.amount and t.own > ZERO:
            earlier.append(CapRoom(f"{on.year}-{mo:02d}", fig, t.own, t.declared, t.receipts))
    return Room(
        expert, on,
        CapRoom(f"{on.year}-{on.month:02d}", lim.figure("volunteer_month", on), m.own, m.declared, m.receipts),
        CapRoom(str(on.year), lim.figure("volunteer_year", on), y.own, y.declared, y.receipts),
        tuple(earlier),
        tuple(sorted({p.regime.label for p in priced if p.regime in CAPPED_REGIMES
                      and p.entry.work_date.year == on.year and p.entry.work_date < until})),
    )
