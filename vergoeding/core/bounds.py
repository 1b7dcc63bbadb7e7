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

from vergoeding.errors import InputError

Kind = Literal["money", "km", "count", "minutes"]


@dataclass(frozen=True)
class Bound:
    maximum: Decimal
    kind: Kind
    what: str  # "per regel", "per eenheid", ...

    def text(self) -> str:
        m = self.maximum
        if self.kind == "money":
            return "€ " + f"{m:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + f" {self.what}".rstrip()
        if self.kind == "minutes":
            return f"{int(m) // 60:,} uur {self.what}".replace(",", ".").rstrip()
        unit = " km" if self.kind == "km" else ""
        return f"{int(m):,}{unit} {self.what}".replace(",", ".").rstrip()


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
        shown = f"{value:,}".replace(",", ".") if isinstance(value, int) and bound.kind != "minutes" else None
        if isinstance(value, Decimal):
            shown = (f"{value:f}" if len(f"{value:f}") <= 24 else f"{value:.3e}").replace(".", ",")
        now = f" (nu {shown})" if shown else ""
        raise InputError(f"te groot{now}: hoogstens {bound.text()}; controleer het getal "
                         "(een tikfout?)", field=field)
