"""The prices a contract states: what :func:`~vergoeding.core.compensation.price_entry` pays
for one unit of work on each day of the engagement, per stretch of equal prices.

A contract must never state a price of its own: the stretches are found by pricing one unit
of work (one hour, one meeting, ...) with the same function that prices the logged hours for
payouts, statements and invoices, on every day where the price can change: the engagement's
start, each change in its own rate history, and each ``valid_from``/``valid_to`` of the rate
card's rates for its role and regime. Pure: the rate card and fiscal limits are passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.core.compensation import price_entry
from vergoeding.core.limits import LimitsBook
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import Unit
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import NotFoundError


@dataclass(frozen=True)
class PaidRate:
    """One stretch ``[start, end)`` (``end`` None = open) with the prices of one unit."""

    start: date
    end: date | None
    expert: Decimal
    client: Decimal
    unit: Unit


def change_days(g: Engagement, card: RateCard) -> list[date]:
    """Every day inside the engagement on which a price may change, the start first."""
    days = {g.start, *(frm for frm, *_ in g.rate_spans())}
    try:
        rates = card.role(g.role).rates
    except NotFoundError:
        rates = ()
    for r in rates:
        if r.regime is g.regime:
            days.update(d for d in (r.valid_from, r.valid_to) if d is not None)
    return sorted(d for d in days if g.active_on(d))


def one_unit(g: Engagement, day: date) -> Entry:
    """One hour, or one meeting/session/day/month, on ``day``: priced, it gives the unit prices."""
    return Entry(id=0, engagement_code=g.code, work_date=day, minutes=60, quantity=1)


def paid_rates(g: Engagement, card: RateCard, limits: LimitsBook, *, need_client: bool) -> list[PaidRate]:
    """The engagement's prices per stretch, as the pricing pays them. A day without a price
    (no rate on the card then) raises for the start and is left out after it: the work of such
    a stretch cannot be priced, and the checks name it (``api.coverage``)."""
    out: list[PaidRate] = []
    days = change_days(g, card)
    for i, day in enumerate(days):
        try:
            p = price_entry(one_unit(g, day), g, card, limits, need_client=need_client)
        except NotFoundError:
            if i == 0:
                raise
            continue
        if out and (out[-1].expert, out[-1].client, out[-1].unit) == (p.expert_unit_price, p.client_unit_price, p.unit):
            continue
        if out:
            out[-1] = PaidRate(out[-1].start, day, out[-1].expert, out[-1].client, out[-1].unit)
        out.append(PaidRate(day, g.end, p.expert_unit_price, p.client_unit_price, p.unit))
    return out
