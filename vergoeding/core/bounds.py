"""The one definition of how large an amount or quantity may be.

Every amount and quantity that enters the administration (the command line, the import,
a correction) is checked here by the ledger functions that store it, so the command line
and the import refuse the same values with the same message. The bounds are far above any
real case and far below what the database (64-bit cents) or a payout total over a year of
a large network could overflow: a mistyped ``--km 99999999999999999999`` is refused at
once instead of being stored and breaking every later check and payout.

Decisions (the issue left the figures open):

===================  ==============  ===================================================
quantity             at most          why
===================  ==============  ===================================================
km (one line)        10.000 km        a week of driving around the country; per day far less
expense (one line)   € 100.000        a receipt for travel, a hotel or a course
in kind (one line)   € 100.000        a voucher or gift; the volunteer caps are far lower
fixed amount         € 1.000.000      a fixed fee for a project
rate (per unit)      € 10.000         per hour, session or day; a day rate of a specialist
km rate              € 10             per km (the tax-free figure is cents)
budget amount        € 100.000.000    an engagement's budget
budget hours         1.000.000 uur    an engagement's budget in hours
quantity (one line)  1.000            sessions or days on one line
declaration          € 1.000.000      a declared allowance from another organisation
time (one line)      24 uur           one day (checked with the other entries of the day)
===================  ==============  ===================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from vergoeding.core.nl import eur, number
from vergoeding.errors import InputError

Kind = Literal["money", "km", "count", "minutes"]


@dataclass(frozen=True)
class Bound:
    maximum: Decimal
    kind: Kind
    what: str  # "per regel", "per eenheid", ...

    def text(self) -> str:
        """The bound as a person reads it: "€ 1.000.000,00", "10.000 km per regel", "24 uur per dag"."""
        return f"{self.show(self.maximum)} {self.what}".rstrip()

    def show(self, value: Decimal | int) -> str:
        """A value of this kind in Dutch: € 1.234,56 (money), 10.000,5 km, 1.000 (count), 25 uur, 1.000:01 uur.
        A number too long to read is told by its length."""
        d = Decimal(value)
        digits = len(str(int(abs(d)))) if d.is_finite() else 0
        if digits > 24:
            return f"een getal van {digits} cijfers"
        if self.kind == "money":
            return eur(d)
        if self.kind == "minutes":
            h, m = divmod(int(d), 60)
            return f"{number(h, 0)}:{m:02d} uur" if m else f"{number(h, 0)} uur"
        unit = " km" if self.kind == "km" else ""
        return number(d, 2) + unit


BOUNDS: dict[str, Bound] = {
    "km": Bound(Decimal(10_000), "km", "per regel"),
    "expense": Bound(Decimal(100_000), "money", "per regel"),
    "inkind": Bound(Decimal(100_000), "money", "per regel"),
    "amount": Bound(Decimal(1_000_000), "money", ""),
    "quantity": Bound(Decimal(1_000), "count", "per regel"),
    "minutes": Bound(Decimal(24 * 60), "minutes", "per dag"),
    "expert_rate": Bound(Decimal(10_000), "money", "per eenheid"),
    "client_rate": Bound(Decimal(10_000), "money", "per eenheid"),
    "km_rate": Bound(Decimal(10), "money", "per km"),
    "budget_amount": Bound(Decimal(100_000_000), "money", ""),
    "budget_minutes": Bound(Decimal(1_000_000 * 60), "minutes", ""),
    "declaration_amount": Bound(Decimal(1_000_000), "money", ""),
}


def check_bound(attr: str, value: Decimal | int | None, *, field: str | None = None) -> None:
    """:class:`InputError` when ``value`` is larger than its bound (or not a finite
    number). ``None`` (not given) passes; negative values are the caller's rule."""
    if value is None:
        return
    bound = BOUNDS[attr]
    if isinstance(value, Decimal) and not value.is_finite():
        raise InputError(f"{value} is geen getal", field=field)
    if value > bound.maximum:
        raise InputError(f"te groot (nu {bound.show(value)}): hoogstens {bound.text()}; controleer het getal "
                         "(een tikfout?)", field=field)
