"""What an entry is worth: to the expert under the engagement's regime, and to the client
at client rates. Pure: the rate card and fiscal limits are passed in.

Rounding (see :mod:`vergoeding.core.money`): each amount of a priced entry (fee, travel,
client amount) is rounded to the cent once, here; everything after is sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from vergoeding.core.limits import LimitsBook
from vergoeding.core.money import ZERO, round_cents
from vergoeding.core.rates import Override, RateCard, resolve_rate
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.core.work import Engagement, Entry

# Regimes whose payments are tested against the volunteer caps.
CAPPED_REGIMES = (Regime.VRIJWILLIGER, Regime.VACATIEGELD)


@dataclass(frozen=True)
class PricedEntry:
    entry: Entry
    engagement: Engagement
    unit: Unit
    quantity: Decimal  # hours (exact, e.g. 2.5) or meetings/sessions/days
    expert_unit_price: Decimal
    client_unit_price: Decimal
    fee: Decimal  # the allowance / fee for the work itself
    travel: Decimal  # km x rate (a fixed rate: counts towards the volunteer caps)
    expenses_fixed: Decimal  # forfait expenses without receipts: count towards the caps
    expenses_receipt: Decimal  # actual costs with receipts: do not count
    inkind: Decimal  # vouchers/gifts in kind at value: count, but are not paid out
    client_amount: Decimal  # billable value at client rates (service only)
    trace: tuple[str, ...]

    @property
    def regime(self) -> Regime:
        return self.engagement.regime

    @property
    def cap_amount(self) -> Decimal:
        """What counts towards the volunteer caps (Wet LB art. 2 lid 6)."""
        return self.fee + self.travel + self.expenses_fixed + self.inkind

    @property
    def payable(self) -> Decimal:
        """What is transferred to the expert (in-kind items are given, not paid)."""
        return self.fee + self.travel + self.expenses_fixed + self.expenses_receipt

    @property
    def fixed_allowance(self) -> bool:
        """A fixed allowance (per meeting/month or lump sum): no hourly presumption test."""
        return self.unit is not Unit.UUR or self.entry.amount is not None


def quantity_of(entry: Entry, unit: Unit) -> Decimal:
    if unit is Unit.UUR:
        return Decimal(entry.minutes) / Decimal(60)
    return Decimal(entry.quantity)


def price_entry(entry: Entry, engagement: Engagement, card: RateCard, limits: LimitsBook) -> PricedEntry:
    override = Override(engagement.expert_rate, engagement.client_rate, engagement.unit)
    if override == Override():
        override = None  # type: ignore[assignment]
    if engagement.regime is Regime.LOONDIENST:
        unit = engagement.unit or Unit.UUR
        q = quantity_of(entry, unit)
        return PricedEntry(entry, engagement, unit, q, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO,
                           ("loondienst: alleen uren, de salarisadministratie rekent",))
    rate = resolve_rate(card, engagement.role, engagement.regime, entry.work_date,
                        level=engagement.level, override=override)
    trace = list(rate.trace)
    q = quantity_of(entry, rate.unit)
    if entry.amount is not None:
        fee = round_cents(entry.amount)
        trace.append(f"vast bedrag voor deze regel: {fee}")
    else:
        fee = round_cents(q * rate.expert)
        trace.append(f"{q.normalize():f} {rate.unit.value} x {rate.expert} = {fee}")
    travel = ZERO
    if engagement.travel_policy is TravelPolicy.KM and entry.km:
        km_rate = engagement.km_rate
        if km_rate is None:
            km_rate = limits.for_day(entry.work_date).figure("km_allowance").amount
            trace.append(f"km-vergoeding volgens fiscale grens {entry.work_date.year}: {km_rate}")
        travel = round_cents(entry.km * km_rate)
        trace.append(f"reiskosten {entry.km.normalize():f} km x {km_rate} = {travel} (telt mee voor de grenzen)")
    receipt = round_cents(entry.expense) if entry.expense_receipt else ZERO
    fixed = ZERO if entry.expense_receipt else round_cents(entry.expense)
    client_amount = round_cents(q * rate.client)
    return PricedEntry(entry, engagement, rate.unit, q, rate.expert, rate.client, fee, travel,
                       fixed, receipt, round_cents(entry.inkind), client_amount, tuple(trace))
