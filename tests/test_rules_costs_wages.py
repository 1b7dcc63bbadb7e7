# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Rule fidelity (issue 15), table-driven at the edges, each case naming its source.

Costs: Belastingdienst, "Vergoeding voor inzet en voor kosten" (vrijwilligers): receipts are
uncapped only when the volunteer gets no allowance for the work; next to an allowance they
count towards the month and year caps (Wet LB 1964 art. 2 lid 6). Minimum wage: Wet
minimumloon en minimumvakantiebijslag, figures per 1 January and 1 July (2026-07: € 14,99,
Stcrt. 2026, 16505 as cited)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from checks_helpers import KM, OWN, engagement, expert, limits, priced

from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.compensation import allowance_years, apply_cost_rule, counts_towards_caps
from vergoeding.core.period import month, year
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.room import room_on

VOL = engagement("G1")
MEET = engagement("G2", regime=Regime.VACATIEGELD)
ZZP = engagement("G5", regime=Regime.ZZP, rate="14.80")
COSTS = "Belastingdienst, Vergoeding voor inzet en voor kosten"
MW = "Wet minimumloon, bedragen per 1 januari en 1 juli"


def run(entries, period):
    engs = list({p.engagement.code: p.engagement for p in entries}.values())
    return run_checks(CheckInput(period=period, priced=entries, experts=[expert()], engagements=engs, own=OWN,
                                 declarations=[], limits=limits(), today=date(2026, 12, 1)))


def rules(findings):
    return sorted((f.rule, f.severity.value) for f in findings)


# source, name, entries, period, expected findings
COST_CASES = [
    (COSTS, "allowance 100 + receipts 121 in one month = 221 > 220: error",
     [priced(VOL, date(2026, 11, 3), amount="100.00", expense="121.00", receipt=True)], month(2026, 11),
     [("volunteer.month_cap", "error")]),
    (COSTS, "allowance 100 + receipts 120 = 220, exactly at the month cap: no error",
     [priced(VOL, date(2026, 11, 3), amount="100.00", expense="120.00", receipt=True)], month(2026, 11), []),
    (COSTS, "receipts only, 900 in a month: no allowance, no maximum",
     [priced(VOL, date(2026, 11, 3), expense="900.00", receipt=True)], month(2026, 11), []),
    (COSTS, "receipts only, 2.500 over the year: no year cap either",
     [priced(VOL, date(2026, m, 3), expense="250.00", receipt=True) for m in range(1, 11)], year(2026), []),
    (COSTS, "allowance later in the year makes earlier receipts count: 10 x 200 receipts + 201 fee > 2.200",
     [*[priced(VOL, date(2026, m, 3), expense="200.00", receipt=True) for m in range(1, 11)],
      priced(VOL, date(2026, 11, 3), amount="201.00")], month(2026, 11), [("volunteer.year_cap", "error")]),
    (COSTS, "allowance in 2025 does not make 2026 receipts count (per year)",
     [priced(VOL, date(2025, 12, 3), amount="50.00"), priced(VOL, date(2026, 11, 3), expense="900.00", receipt=True)],
     month(2026, 11), []),
    (COSTS, "a fixed km rate is an allowance too: 20 km x 0.23 + 216 receipts = 220.60 > 220",
     [priced(engagement("G1", travel_policy=KM), date(2026, 11, 3), km="20", expense="216.00", receipt=True)],
     month(2026, 11), [("volunteer.month_cap", "error")]),
    (COSTS, "council member: 2 meetings x 60 + 101 receipts = 221 > 220",
     [priced(MEET, date(2026, 11, 5), quantity=2, expense="101.00", receipt=True)], month(2026, 11),
     [("volunteer.month_cap", "error")]),
]


@pytest.mark.parametrize(("source", "name", "entries", "period", "expected"), COST_CASES,
                         ids=[c[1] for c in COST_CASES])
def test_receipts_count_once_an_allowance_is_paid(source, name, entries, period, expected) -> None:
    assert source == COSTS
    assert rules(run(entries, period)) == expected


def test_cap_message_names_the_receipts_and_the_wages_consequence() -> None:
    (f,) = run([priced(VOL, date(2026, 11, 3), amount="100.00", expense="121.00", receipt=True)], month(2026, 11))
    assert f.figures["totaal geteld"] == "€ 221,00"
    assert f.figures["waarvan werkelijke kosten (bonnetjes)"] == "€ 121,00"
    assert "€ 121,00 aan werkelijke kosten met bonnetjes" in f.message
    assert "Vergoeding voor inzet en voor kosten" in f.message
    # above the cap is wages: payroll tax withheld, not only reported (Wet LB 1964 art. 2 lid 6)
    assert "HELE vrijwilligersvergoeding van 2026 belast" in f.message
    assert "loonheffing over inhouden" in f.message and "alleen opgeven" in f.message
    assert "loonadministratie" in f.advice and "verlaag het bedrag" in f.advice


def test_core_function_and_marked_entries_agree() -> None:
    both = priced(VOL, date(2026, 11, 3), amount="100.00", expense="50.00", receipt=True)
    only = priced(engagement("G1", expert_code="E2"), date(2026, 11, 3), expense="50.00", receipt=True)
    years = allowance_years([both, only])
    assert years == {("E1", 2026)}
    assert counts_towards_caps(both, years) == Decimal("150.00")
    assert counts_towards_caps(only, years) == Decimal("0.00")
    marked = apply_cost_rule([both, only])
    assert [p.cap_amount for p in marked] == [Decimal("150.00"), Decimal("0.00")]
    assert [p.payable for p in marked] == [Decimal("150.00"), Decimal("50.00")]  # payment unchanged


def test_room_counts_receipts_next_to_an_allowance_up_to_the_day() -> None:
    items = [priced(VOL, date(2026, 11, 3), expense="80.00", receipt=True),
             priced(VOL, date(2026, 11, 10), amount="100.00")]
    on_5th = room_on("E1", items, [], limits(), date(2026, 11, 5))  # costs only so far
    assert (on_5th.month.counted, on_5th.month.receipts, on_5th.month.left) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("220.00"))
    on_10th = room_on("E1", items, [], limits(), date(2026, 11, 10))
    assert (on_10th.month.counted, on_10th.month.receipts, on_10th.month.left) == (
        Decimal("180.00"), Decimal("80.00"), Decimal("40.00"))


def test_benefit_notice_keeps_the_uwv_view_of_costs() -> None:
    """UWV: proven costs are not offset against a WW benefit; the notice compares the allowance
    without receipts with the limits (a warning, never a decision)."""
    from vergoeding.core.regimes import Benefit

    items = [priced(VOL, date(2026, 11, 3), amount="100.00", expense="150.00", receipt=True)]
    fs = run_checks(CheckInput(period=month(2026, 11), priced=items, experts=[expert(benefit=Benefit.WW)],
                               engagements=[VOL], own=OWN, declarations=[], limits=limits(), today=date(2026, 12, 1)))
    (ww,) = [f for f in fs if f.rule == "benefit.ww"]
    assert ww.severity.value == "info" and ww.figures["boven de vrijwilligersgrens"] == "nee"
    assert ww.figures["werkelijke kosten (bonnetjes, niet meegeteld)"] == "€ 150,00"
    assert "ook bij een andere organisatie zonder winstoogmerk" in ww.message
    assert any(f.rule == "volunteer.month_cap" for f in fs)  # the tax office does count them


# source, name, work date, rate, flagged, limit
WAGE_CASES = [
    (MW, "2026-06 at 14.80: above 14.71, fine", date(2026, 6, 30), "14.80", False, None),
    (MW, "2026-07 at 14.80: below 14.99, warning", date(2026, 7, 1), "14.80", True, "14.99"),
    (MW, "2026-07 at 14.99: at the minimum wage, warning", date(2026, 7, 15), "14.99", True, "14.99"),
    (MW, "2026-07 at 15.00: fine", date(2026, 7, 15), "15.00", False, None),
    (MW, "2025-06 at 14.20: above 14.06, fine", date(2025, 6, 30), "14.20", False, None),
    (MW, "2025-07 at 14.20: below 14.40, warning", date(2025, 7, 1), "14.20", True, "14.40"),
    (MW, "2024-06 at 13.50: above 13.27, fine", date(2024, 6, 28), "13.50", False, None),
    (MW, "2024-07 at 13.50: below 13.68, warning", date(2024, 7, 1), "13.50", True, "13.68"),
]


@pytest.mark.parametrize(("source", "name", "day", "rate", "flagged", "limit"), WAGE_CASES,
                         ids=[c[1] for c in WAGE_CASES])
def test_minimum_wage_on_the_work_date(source, name, day, rate, flagged, limit) -> None:
    assert source == MW
    zzp = engagement("G5", regime=Regime.ZZP, rate=rate, unit=Unit.UUR)  # own price: no card needed
    fs = [f for f in run([priced(zzp, day, minutes=60)], month(day.year, day.month))
          if f.rule == "freelance.minimum_wage"]
    assert bool(fs) is flagged
    if flagged:
        assert fs[0].limit == Decimal(limit)
        assert f"€ {limit.replace('.', ',')}" in fs[0].message


def test_june_and_july_in_one_check_use_their_own_figure() -> None:
    fs = run([priced(ZZP, date(2026, 6, 29), minutes=60), priced(ZZP, date(2026, 7, 2), minutes=60)],
             year(2026))
    assert [(f.rule, f.limit) for f in fs if f.rule == "freelance.minimum_wage"] == [
        ("freelance.minimum_wage", Decimal("14.99"))]
