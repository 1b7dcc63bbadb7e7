# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Rule edges found by checking issue 15 as the product owner would (verify15).

Receipts: Belastingdienst, "Vergoeding voor inzet en voor kosten": receipts are uncapped only
while the volunteer gets costs only; once an allowance for the work is paid in the year, they
count towards the month and year caps (Wet LB 1964 art. 2 lid 6), also the receipts of months
that were already checked. The check of the period that brings the allowance must say so
before payment: no check of the earlier month could."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from checks_helpers import OWN, engagement, expert, limits, priced

from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.period import Period, month, parse_period, year

COSTS = "Belastingdienst, Vergoeding voor inzet en voor kosten"
VOL = engagement("G1")


def run(entries, period):
    upto = [p for p in entries if p.entry.work_date < period.end]  # what the api passes
    engs = list({p.engagement.code: p.engagement for p in upto}.values())
    return run_checks(CheckInput(period=period, priced=upto, experts=[expert()], engagements=engs, own=OWN,
                                 declarations=[], limits=limits(), today=date(2026, 12, 31)))


def caps(findings):
    return sorted((f.rule, f.period) for f in findings if f.rule.startswith("volunteer."))


# 2025: month cap € 210 (Wet LB 1964 art. 2 lid 6). Receipts in March, fee from September.
RECEIPTS_MARCH = [priced(VOL, date(2025, 3, 12), expense="150.00", receipt=True),
                  priced(VOL, date(2025, 3, 31), expense="60.01", receipt=True)]
FEE_SEPTEMBER = [priced(VOL, date(2025, 9, 2), amount="17.50")]


# source, name, entries, period, expected (rule, period)
CASES = [
    (COSTS, "March receipts 210,01 alone: costs only, no maximum",
     RECEIPTS_MARCH, month(2025, 3), []),
    (COSTS, "the September check, which brings the first fee, says March is now over 210",
     RECEIPTS_MARCH + FEE_SEPTEMBER, month(2025, 9), [("volunteer.month_cap", "2025-03")]),
    (COSTS, "the same in a quarter check (Q3)",
     RECEIPTS_MARCH + FEE_SEPTEMBER, parse_period("2025-Q3"), [("volunteer.month_cap", "2025-03")]),
    (COSTS, "the October check does not repeat it (the September check said it)",
     RECEIPTS_MARCH + FEE_SEPTEMBER + [priced(VOL, date(2025, 10, 6), amount="11.50")], month(2025, 10), []),
    (COSTS, "the year check shows March",
     RECEIPTS_MARCH + FEE_SEPTEMBER, year(2025), [("volunteer.month_cap", "2025-03")]),
    (COSTS, "March receipts exactly 210,00 next to a later fee: at the cap, no error",
     [priced(VOL, date(2025, 3, 12), expense="210.00", receipt=True)] + FEE_SEPTEMBER, month(2025, 9), []),
    (COSTS, "receipts over the cap in the checked month itself are reported once, as that month",
     [priced(VOL, date(2025, 9, 1), expense="200.00", receipt=True)] + FEE_SEPTEMBER, month(2025, 9),
     [("volunteer.month_cap", "2025-09")]),
]


@pytest.mark.parametrize(("source", "name", "entries", "period", "expected"), CASES, ids=[c[1] for c in CASES])
def test_a_later_allowance_makes_earlier_receipts_count(source, name, entries, period: Period, expected) -> None:
    assert source == COSTS
    assert caps(run(entries, period)) == expected


def test_the_message_names_the_month_the_receipts_and_the_allowance() -> None:
    (f,) = [f for f in run(RECEIPTS_MARCH + FEE_SEPTEMBER, month(2025, 9)) if f.rule == "volunteer.month_cap"]
    assert f.severity.value == "error" and f.period == "2025-03" and f.limit == Decimal("210")
    assert f.figures["totaal geteld"] == "€ 210,01" and f.figures["erboven"] == "€ 0,01"
    assert f.figures["waarvan werkelijke kosten (bonnetjes)"] == "€ 210,01"
    assert "vergoeding voor het werk in september 2025 (opdracht G1)" in f.message
    assert "bonnetjes van maart 2025 (€ 210,01) nu wel mee" in f.message
    assert "HELE vrijwilligersvergoeding van 2025 belast" in f.message
    assert "vergoed in 2025 alleen kosten" in f.advice


def test_room_has_none_left_once_an_earlier_month_is_over() -> None:
    """Room on a day: an earlier month over the month cap (here because its receipts count
    since the June fee) leaves no tax-free room in the year, whatever the current month shows."""
    from vergoeding.core.room import room_on

    items = [priced(VOL, date(2025, 4, 30), expense="210.50", receipt=True),
             priced(VOL, date(2025, 6, 30), amount="22.40")]
    before_fee = room_on("E1", items, [], limits(), date(2025, 6, 29))
    assert before_fee.earlier == () and before_fee.left == Decimal("210.00")
    on_fee_day = room_on("E1", items, [], limits(), date(2025, 6, 30))
    ((april,),) = [on_fee_day.earlier]
    assert (april.label, april.counted, april.receipts, april.over) == (
        "2025-04", Decimal("210.50"), Decimal("210.50"), Decimal("0.50"))
    assert on_fee_day.month.left == Decimal("187.60") and on_fee_day.left == Decimal("0.00")
