"""Core values for check tests (no database): priced entries from hand-made engagements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from conftest import RATES

from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.limits import LimitsBook
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.core.work import Address, Engagement, Entry, Expert, Organisation
from vergoeding.data.limits import load_limits
from vergoeding.data.ratecard import load_ratecard


@lru_cache(maxsize=1)
def limits() -> LimitsBook:
    return load_limits(RATES / "limits")


@lru_cache(maxsize=1)
def card() -> RateCard:
    return load_ratecard(RATES / "ratecard.toml", limits())


OWN = Organisation(1, "EIGEN", "own", "Stichting Eigen", Address("Plein 1", "3511 AA", "Utrecht"),
                   is_anbi=True, may_pay_volunteers=True, has_payroll_tax_number=True, iban="NL91ABNA0417164300")


def expert(code: str = "E1", dob: date | None = date(1980, 5, 17), **kw: Any) -> Expert:
    values: dict[str, Any] = dict(id=1, code=code, name=f"Deskundige {code}", address=Address("Kerkstraat 5", "3511 BB", "Utrecht"),
                                  date_of_birth=dob, iban="NL91ABNA0417164300", bsn="111222333")
    values.update(kw)
    return Expert(**values)


def engagement(code: str = "G1", expert_code: str = "E1", regime: Regime = Regime.VRIJWILLIGER, *,
               rate: str | None = None, unit: Unit | None = None, **kw: Any) -> Engagement:
    return Engagement(1, code, expert_code, "GEM", kw.pop("role", "adviseur"), regime, date(2020, 1, 1),
                      expert_rate=Decimal(rate) if rate else None, client_rate=Decimal("40.00") if rate else None,
                      unit=unit, **kw)


_ids = iter(range(1, 10**9))


def entry(eng: Engagement, day: date, *, minutes: int = 0, quantity: int = 0, km: str = "0", expense: str = "0.00",
          receipt: bool = False, inkind: str = "0.00", amount: str | None = None) -> Entry:
    return Entry(next(_ids), eng.code, day, minutes=minutes, quantity=quantity, km=Decimal(km),
                 expense=Decimal(expense), expense_receipt=receipt, inkind=Decimal(inkind),
                 amount=Decimal(amount) if amount is not None else None)


def priced(eng: Engagement, day: date, **kw: Any) -> PricedEntry:
    return price_entry(entry(eng, day, **kw), eng, card(), limits())


KM = TravelPolicy.KM
