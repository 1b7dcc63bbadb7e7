"""What an entry is worth: to the expert under the engagement's regime, and to the client
at client rates. Pure: the rate card and fiscal limits are passed in.

Rounding (see :mod:`vergoeding.core.money`): each amount of a priced entry (fee, travel,
client amount) is rounded to the cent once, here; everything after is sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from decimal import Decimal

from vergoeding.core.limits import LimitsBook
from vergoeding.core.money import ZERO, round_cents
from vergoeding.core.rates import Override, RateCard, ResolvedRate, resolve_rate
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import NotFoundError

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
    expenses_receipt: Decimal  # actual costs with receipts: count only next to an allowance
    inkind: Decimal  # vouchers/gifts in kind at value: count, but are not paid out
    client_amount: Decimal  # billable value at client rates (service only)
    trace: tuple[str, ...]
    # Set by :func:`apply_cost_rule`: the expert gets an allowance for the work in this year,
    # so the receipts of this entry count towards the caps too.
    receipts_count: bool = False
    frozen_cap: Decimal | None = None  # a paid line: what counted towards the caps when it was paid

    @property
    def regime(self) -> Regime:
        return self.engagement.regime

    @property
    def allowance(self) -> Decimal:
        """The allowance for the work in the broad sense of Wet LB art. 2 lid 6: the fee, travel
        at a fixed rate per km, forfait expenses and gifts in kind. Always counts."""
        return self.fee + self.travel + self.expenses_fixed + self.inkind

    @property
    def cap_amount(self) -> Decimal:
        """What counts towards the volunteer caps (Wet LB art. 2 lid 6); receipts only when
        :func:`apply_cost_rule` marked the entry (see :func:`counts_towards_caps`). A paid line
        keeps the amount it counted for when it was paid (``frozen_cap``)."""
        if self.frozen_cap is not None:
            return self.frozen_cap
        return self.allowance + (self.expenses_receipt if self.receipts_count else ZERO)

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


def price_entry(entry: Entry, engagement: Engagement, card: RateCard, limits: LimitsBook, *,
                need_client: bool = True) -> PricedEntry:
    """``need_client=False`` (checks, payouts, statements): an engagement with its own expert
    price and unit is priced without the rate card when the card has no rate for it; the
    client price is then 0 (only invoices need it, and they price with ``need_client``)."""
    expert_rate, client_rate = engagement.rates_on(entry.work_date)
    override = Override(expert_rate, client_rate, engagement.unit)
    if override == Override():
        override = None  # type: ignore[assignment]
    if engagement.regime is Regime.LOONDIENST:
        # the payroll system pays the expert; the client is billed at the engagement's client
        # rate (no rate card for payroll: without a client rate nothing can be billed)
        unit = engagement.unit or Unit.UUR
        q = quantity_of(entry, unit)
        client = client_rate if client_rate is not None else ZERO
        return PricedEntry(entry, engagement, unit, q, ZERO, client, ZERO, ZERO, ZERO, ZERO, ZERO,
                           round_cents(q * client), ("loondienst: alleen uren, de salarisadministratie rekent",))
    try:
        rate = resolve_rate(card, engagement.role, engagement.regime, entry.work_date,
                            level=engagement.level, override=override)
    except NotFoundError:
        if need_client or override is None or override.expert is None or override.unit is None:
            raise
        rate = ResolvedRate(override.expert, ZERO, override.unit, (
            f"afspraak in de opdracht: deskundige {override.expert} per {override.unit.value}; geen "
            "opdrachtgeverstarief nodig voor deze berekening",))
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
            km_rate = limits.for_day(entry.work_date).figure("km_allowance", entry.work_date).amount
            trace.append(f"km-vergoeding volgens fiscale grens {entry.work_date.year}: {km_rate}")
        travel = round_cents(entry.km * km_rate)
        trace.append(f"reiskosten {entry.km.normalize():f} km x {km_rate} = {travel} (telt mee voor de grenzen)")
    receipt = round_cents(entry.expense) if entry.expense_receipt else ZERO
    fixed = ZERO if entry.expense_receipt else round_cents(entry.expense)
    client_amount = round_cents(q * rate.client)
    return PricedEntry(entry, engagement, rate.unit, q, rate.expert, rate.client, fee, travel,
                       fixed, receipt, round_cents(entry.inkind), client_amount, tuple(trace))


# --- what counts towards the caps ----------------------------------------------------------
#
# Belastingdienst, "Vergoeding voor inzet en voor kosten" (vrijwilligers): a volunteer who
# gets ONLY a reimbursement of costs actually made (receipts) has no allowance: no tax, no
# maximum. A volunteer who also gets an allowance for the work counts the reimbursed costs
# towards the month and year caps too (its example: € 4 an hour plus € 48 travel costs a
# week = € 208 a month, "meer dan het maximum per maand ... geen vrijwilligersvergoeding").
# The tool applies this per volunteer per year at our organisation: once any allowance
# (fee, fixed km rate, forfait expenses, gifts in kind) is paid for work in a year, every
# receipt of that year in a capped regime counts, also the receipts of earlier months.
# Benefit agencies keep their own view (UWV: proven costs are not offset), so the benefit
# notices speak of the allowance, not of this cap amount.

AllowanceYears = AbstractSet[tuple[str, int]]


def allowance_years(priced: Iterable[PricedEntry]) -> frozenset[tuple[str, int]]:
    """(expert code, year) pairs in which the expert gets an allowance for the work in a
    capped regime (the sum over the year is positive: a corrected-away fee does not count)."""
    sums: dict[tuple[str, int], Decimal] = {}
    for p in priced:
        if p.regime in CAPPED_REGIMES:
            key = (p.engagement.expert_code, p.entry.work_date.year)
            sums[key] = sums.get(key, ZERO) + p.allowance
    return frozenset(k for k, v in sums.items() if v > ZERO)


def counts_towards_caps(p: PricedEntry, allowance: AllowanceYears) -> Decimal:
    """What ``p`` counts towards the volunteer caps, given the years in which its expert gets
    an allowance (:func:`allowance_years` over that year's entries). Zero outside the capped
    regimes. This is THE rule; ``PricedEntry.cap_amount`` follows it once marked."""
    if p.regime not in CAPPED_REGIMES:
        return ZERO
    if (p.engagement.expert_code, p.entry.work_date.year) in allowance:
        return p.allowance + p.expenses_receipt
    return p.allowance


def apply_cost_rule(priced: Sequence[PricedEntry], context: Iterable[PricedEntry] | None = None
                    ) -> list[PricedEntry]:
    """``priced`` with ``receipts_count`` set where receipts count towards the caps. Whether
    an allowance is paid is decided on ``context`` (default ``priced``): pass every entry of
    the year(s) known so far, e.g. the check input of a payout."""
    allowance = allowance_years(priced if context is None else context)
    out = []
    for p in priced:
        flag = p.regime in CAPPED_REGIMES and (p.engagement.expert_code, p.entry.work_date.year) in allowance
        out.append(p if flag == p.receipts_count else replace(p, receipts_count=flag))
    return out
