"""price_entry to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from checks_helpers import KM, engagement, priced

from vergoeding.core.regimes import Regime, Unit

D = Decimal


@pytest.mark.parametrize(("case", "eng", "kw", "fee", "travel", "fixed", "receipt", "inkind", "cap", "payable"), [
    ("2.5 h at card 5.75 (2026)", engagement(), dict(minutes=150), "14.38", "0.00", "0.00", "0.00", "0.00", "14.38", "14.38"),
    ("2025 card rate 5.50", engagement(), dict(minutes=60), "5.50", "0.00", "0.00", "0.00", "0.00", "5.50", "5.50"),
    ("km at year rate 0.23", engagement(travel_policy=KM), dict(minutes=60, km="17.5"), "5.75", "4.03", "0.00", "0.00", "0.00", "9.78", "9.78"),
    ("km at override 0.19", engagement(travel_policy=KM, km_rate=D("0.19")), dict(minutes=60, km="10"), "5.75", "1.90", "0.00", "0.00", "0.00", "7.65", "7.65"),
    ("km ignored without policy", engagement(), dict(minutes=60, km="10"), "5.75", "0.00", "0.00", "0.00", "0.00", "5.75", "5.75"),
    ("forfait expense counts", engagement(), dict(minutes=60, expense="7.50"), "5.75", "0.00", "7.50", "0.00", "0.00", "13.25", "13.25"),
    ("receipt expense not counted", engagement(), dict(minutes=60, expense="31.20", receipt=True), "5.75", "0.00", "0.00", "31.20", "0.00", "5.75", "36.95"),
    ("in kind counts, not paid", engagement(), dict(minutes=60, inkind="25.00"), "5.75", "0.00", "0.00", "0.00", "25.00", "30.75", "5.75"),
    ("lump sum", engagement(), dict(amount="150.00"), "150.00", "0.00", "0.00", "0.00", "0.00", "150.00", "150.00"),
    ("per meeting vacatiegeld 60", engagement(regime=Regime.VACATIEGELD), dict(quantity=3), "180.00", "0.00", "0.00", "0.00", "0.00", "180.00", "180.00"),
    ("override rate 4.333 x 1.5h", engagement(rate="4.333"), dict(minutes=90), "6.50", "0.00", "0.00", "0.00", "0.00", "6.50", "6.50"),
    ("override unit per meeting", engagement(rate="45.00", unit=Unit.BIJEENKOMST), dict(quantity=2), "90.00", "0.00", "0.00", "0.00", "0.00", "90.00", "90.00"),
])
def test_price_entry(case: str, eng, kw, fee, travel, fixed, receipt, inkind, cap, payable) -> None:  # type: ignore[no-untyped-def]
    day = date(2025, 6, 2) if "2025" in case else date(2026, 3, 2)
    p = priced(eng, day, **kw)
    assert (p.fee, p.travel, p.expenses_fixed, p.expenses_receipt, p.inkind) == (D(fee), D(travel), D(fixed), D(receipt), D(inkind)), case
    assert p.cap_amount == D(cap), case
    assert p.payable == D(payable), case


def test_fixed_allowance_flags() -> None:
    assert priced(engagement(), date(2026, 3, 2), amount="100").fixed_allowance
    assert priced(engagement(regime=Regime.VACATIEGELD), date(2026, 3, 2), quantity=1).fixed_allowance
    assert not priced(engagement(), date(2026, 3, 2), minutes=60).fixed_allowance


def test_client_amount_at_client_rate() -> None:
    p = priced(engagement(rate="5.00"), date(2026, 3, 2), minutes=150)
    assert p.client_amount == D("100.00")  # 2.5 h x 40.00
