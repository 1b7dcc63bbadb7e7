# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Benefit notices, budget, minimum wage and missing payment data, table-driven."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from checks_helpers import OWN, engagement, expert, limits, priced
from stdnum import iban

from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.period import month
from vergoeding.core.regimes import Benefit, Regime
from vergoeding.core.work import Address

NOV = month(2026, 11)
VOL = engagement("G1")


def run(entries, experts, engagements=None, budget=(), period=NOV):
    engs = engagements or list({p.engagement.code: p.engagement for p in entries}.values())
    return run_checks(CheckInput(period=period, priced=entries, experts=experts, engagements=engs, own=OWN,
                                 declarations=[], limits=limits(), today=date(2026, 12, 1), budget_priced=list(budget),
                                 iban_valid=iban.is_valid))


BENEFIT_CASES = [
    ("bijstand, 26, volunteer", Benefit.BIJSTAND, date(2000, 6, 1), [priced(VOL, date(2026, 11, 3), amount="50.00")],
     [("benefit.bijstand_under_27", "warning")]),
    ("bijstand, 27 on the day, volunteer within caps", Benefit.BIJSTAND, date(1999, 11, 3),
     [priced(VOL, date(2026, 11, 3), amount="50.00")], [("benefit.bijstand_27_plus", "info")]),
    ("bijstand 27+, private-person pay is income", Benefit.BIJSTAND, date(1980, 1, 1),
     [priced(engagement("G3", regime=Regime.PARTICULIER, rate="25.00"), date(2026, 11, 3), minutes=60)],
     [("benefit.bijstand_27_plus", "warning")]),
    ("ww within caps", Benefit.WW, date(1980, 1, 1), [priced(VOL, date(2026, 11, 3), amount="50.00")],
     [("benefit.ww", "info")]),
    ("ww over the month cap", Benefit.WW, date(1980, 1, 1), [priced(VOL, date(2026, 11, 3), amount="250.00")],
     [("benefit.ww", "warning"), ("volunteer.month_cap", "error")]),
    ("wajong", Benefit.WAJONG, date(1980, 1, 1), [priced(VOL, date(2026, 11, 3), amount="50.00")],
     [("benefit.uwv", "info")]),
    ("zw over cap", Benefit.ZW, date(1980, 1, 1), [priced(VOL, date(2026, 11, 3), amount="221.00")],
     [("benefit.uwv", "warning"), ("volunteer.month_cap", "error")]),
]


@pytest.mark.parametrize(("name", "benefit", "dob", "entries", "expected"), BENEFIT_CASES, ids=[c[0] for c in BENEFIT_CASES])
def test_benefits(name, benefit, dob, entries, expected) -> None:
    fs = run(entries, [expert(dob=dob, benefit=benefit)])
    assert sorted((f.rule, f.severity.value) for f in fs) == sorted(expected)


def test_budget_hours_and_amount() -> None:
    eng = engagement("G1", budget_minutes=600)
    items = [priced(eng, date(2026, 10, 1), minutes=480), priced(eng, date(2026, 11, 2), minutes=120)]
    fs = run(items[1:], [expert()], [eng], budget=items)
    assert [(f.rule, f.figures["geboekt (minuten)"]) for f in fs] == [("engagement.budget", "600")]
    eng2 = engagement("G1", rate="5.00", budget_amount=Decimal("100.00"))  # client 40.00/h
    items2 = [priced(eng2, date(2026, 11, 2), minutes=120), priced(eng2, date(2026, 11, 3), minutes=60)]
    fs = run(items2, [expert()], [eng2], budget=items2)
    assert [(f.rule, f.figures["besteed"]) for f in fs] == [("engagement.budget", "€ 120,00")]
    assert run(items2[:1], [expert()], [eng2], budget=items2[:1]) == []  # 80 < 100


@pytest.mark.parametrize(("rate", "flagged"), [("14.71", True), ("14.70", True), ("14.72", False), ("67.50", False)])
def test_freelance_minimum_wage(rate: str, flagged: bool) -> None:
    zzp = engagement("G5", regime=Regime.ZZP, rate=rate)
    # work in May 2026: the minimum wage of 1 January 2026 (14.71) applies; from July it is 14.99
    fs = run([priced(zzp, date(2026, 5, 4), minutes=60)], [expert()], period=month(2026, 5))
    assert [f.rule for f in fs] == (["freelance.minimum_wage"] if flagged else [])
    if flagged:
        assert fs[0].limit == Decimal("14.71")


MISSING_CASES = [
    ("no IBAN", dict(iban=None), Regime.VRIJWILLIGER, ["IBAN"]),
    ("bad IBAN", dict(iban="NL91ABNA0417164301"), Regime.VRIJWILLIGER, ["IBAN"]),
    ("volunteer without dob", dict(date_of_birth=None), Regime.VRIJWILLIGER, ["geboortedatum"]),
    ("volunteer without BSN: not needed", dict(bsn=None), Regime.VRIJWILLIGER, []),
    ("private person without BSN", dict(bsn=None), Regime.PARTICULIER, ["BSN"]),
    ("private person invalid BSN", dict(bsn="123456789"), Regime.PARTICULIER, ["BSN"]),
    ("private person no address", dict(address=Address("", "", "Utrecht")), Regime.PARTICULIER, ["adres"]),
    ("private person no dob", dict(date_of_birth=None), Regime.PARTICULIER, ["geboortedatum"]),
]


@pytest.mark.parametrize(("name", "kw", "regime", "fields"), MISSING_CASES, ids=[c[0] for c in MISSING_CASES])
def test_missing_payment_data(name, kw, regime, fields) -> None:
    from stdnum.nl import bsn

    eng = engagement("G1", regime=regime, rate="5.00")
    fs = run_checks(CheckInput(period=NOV, priced=[priced(eng, date(2026, 11, 3), minutes=60)], experts=[expert(**kw)],
                               engagements=[eng], own=OWN, declarations=[], limits=limits(), today=date(2026, 12, 1),
                               iban_valid=iban.is_valid, bsn_valid=bsn.is_valid))
    got = [f.figures["veld"] for f in fs if f.rule == "payment.missing_data"]
    assert got == fields
    for f in fs:
        assert "111222333" not in f.message and "123456789" not in f.message
