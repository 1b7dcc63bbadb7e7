# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Volunteer allowance rules, table-driven with hand-computed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from checks_helpers import KM, OWN, card, engagement, expert, limits, priced

from vergoeding.core.checks import CheckInput, Declaration, run_checks
from vergoeding.core.period import month, parse_period
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.room import room_on
from vergoeding.core.work import Organisation

VOL = engagement("G1")
VOL_RATE = lambda r, **kw: engagement("G1", rate=r, **kw)  # noqa: E731
MEET = engagement("G2", regime=Regime.VACATIEGELD)
NOV = month(2026, 11)


def run(entries, period=NOV, decl=(), experts=None, engagements=None, own: Organisation = OWN):
    engs = engagements or list({p.engagement.code: p.engagement for p in entries}.values())
    return run_checks(CheckInput(period=period, priced=entries, experts=experts or [expert()], engagements=engs,
                                 own=own, declarations=list(decl), limits=limits(), today=date(2026, 12, 1)))


def rules(findings):
    return sorted((f.rule, f.severity.value) for f in findings)


# name, entries, declarations, expected (rule, severity) list
CASES = [
    ("exactly at the month cap 220.00: no error",
     [priced(VOL_RATE("5.50"), date(2026, 11, 2), minutes=2400)], [], []),  # 40 h x 5.50 = 220.00
    ("one cent over: 220.01",
     [priced(VOL_RATE("5.50"), date(2026, 11, 2), minutes=2400), priced(VOL, date(2026, 11, 3), amount="0.01")], [],
     [("volunteer.month_cap", "error")]),
    ("fixed per meeting: no hourly test, 3 x 60 = 180 under cap",
     [priced(MEET, date(2026, 11, 5), quantity=3)], [], []),
    ("per meeting 4 x 60 = 240 over cap",
     [priced(MEET, date(2026, 11, 5), quantity=4)], [], [("volunteer.month_cap", "error")]),
    ("hourly rate 6.00 above 5.75: warning",
     [priced(VOL_RATE("6.00"), date(2026, 11, 5), minutes=60)], [], [("volunteer.hourly_presumption", "warning")]),
    ("hourly rate with justification: info",
     [priced(VOL_RATE("6.00", hourly_justification="lage vergoeding t.o.v. markt"), date(2026, 11, 5), minutes=60)],
     [], [("volunteer.hourly_presumption", "info")]),
    ("lump sum 200 in November: counted, not tested per hour",
     [priced(VOL, date(2026, 11, 30), amount="200.00")], [], []),
    ("lump sum 300 in one month: over",
     [priced(VOL, date(2026, 11, 30), amount="300.00")], [], [("volunteer.month_cap", "error")]),
    ("receipts count next to an allowance: 200 fee + 500 receipts (Belastingdienst, inzet en kosten)",
     [priced(VOL, date(2026, 11, 3), amount="200.00", expense="500.00", receipt=True)], [],
     [("volunteer.month_cap", "error")]),
    ("receipts only (no allowance): 500 receipts uncapped",
     [priced(VOL, date(2026, 11, 3), expense="500.00", receipt=True)], [], []),
    ("in kind + km count: 200 + 15 gift + 20 km x 0.23 = 219.60... + forfait 1.00 = 220.60",
     [priced(engagement("G1", travel_policy=KM), date(2026, 11, 3), amount="200.00", inkind="15.00", km="20",
             expense="1.00")], [], [("volunteer.month_cap", "error")]),
    ("declared 30 elsewhere pushes 200 over",
     [priced(VOL, date(2026, 11, 3), amount="200.00")], [Declaration("E1", 2026, 11, Decimal("30.00"), "Buurthuis")],
     [("volunteer.month_cap", "error")]),
    ("declared for another month does not count in November",
     [priced(VOL, date(2026, 11, 3), amount="200.00")], [Declaration("E1", 2026, 10, Decimal("30.00"))], []),
]


@pytest.mark.parametrize(("name", "entries", "decl", "expected"), CASES, ids=[c[0] for c in CASES])
def test_volunteer_cases(name, entries, decl, expected) -> None:
    assert rules(run(entries, decl=decl)) == sorted(expected)


def test_month_cap_figures_and_consequence() -> None:
    fs = run([priced(VOL, date(2026, 11, 3), amount="200.00")],
             decl=[Declaration("E1", 2026, 11, Decimal("30.00"), "Buurthuis")])
    (f,) = fs
    assert f.figures["geteld bij ons"] == "€ 200,00"
    assert f.figures["waarvan opgegeven door andere organisaties"] == "€ 30,00"
    assert f.figures["totaal geteld"] == "€ 230,00"
    assert f.figures["erboven"] == "€ 10,00"
    # Wet LB 1964 art. 2 lid 6 itself says € 220 for 2026 (DOMAIN, changed 2026-12-01): confirmed
    assert f.limit == Decimal("220") and f.limit_year == 2026 and f.limit_confirmed is True
    assert "HELE vrijwilligersvergoeding van 2026 belast" in f.message
    assert "loonheffing over inhouden" in f.message
    assert "één regel per maand" in f.advice and "ander regime" in f.advice
    assert f.period == "2026-11" and f.expert == "E1"


def test_21st_birthday_mid_month() -> None:
    """Born 15-11-2005: turns 21 on 15-11-2026. 5.00/h: before -> over 3.40 (under 21); from then on -> fine."""
    ex = expert(dob=date(2005, 11, 15))
    eng = VOL_RATE("5.00")
    entries = [priced(eng, date(2026, 11, d), minutes=120) for d in (3, 14, 15, 20)]
    fs = [f for f in run(entries, experts=[ex]) if f.rule == "volunteer.hourly_presumption"]
    assert len(fs) == 1
    f = fs[0]
    assert f.figures["werkdagen"] == "03-11, 14-11"
    assert f.figures["leeftijd op de werkdag"] == "20"
    assert f.limit == Decimal("3.40")


def test_december_uses_2025_limits_january_2026() -> None:
    """215 in December 2025 is over the 2025 cap (210); 215 in January 2026 is under 220."""
    entries = [priced(VOL, date(2025, 12, 15), amount="215.00"), priced(VOL, date(2026, 1, 15), amount="215.00")]
    fs = run(entries, period=parse_period("2025-12"))
    assert [(f.rule, f.period, f.limit) for f in fs] == [("volunteer.month_cap", "2025-12", Decimal("210"))]
    fs = run(entries, period=parse_period("2026-01"))
    assert fs == []
    # hourly presumption: 5.70 is above 5.60 (2025) but under 5.75 (2026)
    hp = [priced(VOL_RATE("5.70"), date(2025, 12, 1), minutes=60), priced(VOL_RATE("5.70"), date(2026, 1, 2), minutes=60)]
    fs = run(hp, period=parse_period("2025-12"))
    assert [(f.rule, f.limit) for f in fs] == [("volunteer.hourly_presumption", Decimal("5.60"))]
    assert run(hp, period=parse_period("2026-01")) == []


def test_year_cap_with_every_month_under() -> None:
    """11 months x 210 = 2310 > 2200, each month <= 220."""
    entries = [priced(VOL, date(2026, m, 10), amount="210.00") for m in range(1, 12)]
    fs = run(entries)
    assert rules(fs) == [("volunteer.year_cap", "error")]
    assert fs[0].figures["totaal geteld"] == "€ 2.310,00" and fs[0].figures["erboven"] == "€ 110,00"
    # up to October: 10 x 210 = 2100, fine
    assert run(entries, period=month(2026, 10)) == []


def test_year_cap_counts_whole_year_declarations() -> None:
    entries = [priced(VOL, date(2026, m, 10), amount="200.00") for m in range(1, 11)]  # 2000
    fs = run(entries, period=month(2026, 10), decl=[Declaration("E1", 2026, None, Decimal("250.00"))])
    assert rules(fs) == [("volunteer.year_cap", "error")]
    assert fs[0].figures["waarvan opgegeven door andere organisaties"] == "€ 250,00"


def test_lump_sum_for_months_entered_per_month() -> None:
    """A 600 lump sum for Sep-Nov entered as 3 x 200 in the month of the work: no error;
    the same 600 booked in one month is an error."""
    per_month = [priced(VOL, date(2026, m, 28), amount="200.00") for m in (9, 10, 11)]
    assert run(per_month, period=parse_period("2026-Q4")) == []
    assert rules(run([priced(VOL, date(2026, 11, 28), amount="600.00")])) == [("volunteer.month_cap", "error")]


def test_org_not_eligible() -> None:
    bv = Organisation(1, "EIGEN", "own", "Ervaring BV", OWN.address, iban=OWN.iban, corporate_tax_liable=True)
    fs = run([priced(VOL, date(2026, 11, 3), amount="10.00")], own=bv)
    assert rules(fs) == [("volunteer.org_not_eligible", "error")]


def test_also_employed() -> None:
    fs = run([priced(VOL, date(2026, 11, 3), amount="10.00")], experts=[expert(employed_by_us=True)])
    assert rules(fs) == [("volunteer.also_employed", "error")]
    zzp = engagement("G9", regime=Regime.ZZP)
    fs = run([priced(VOL, date(2026, 11, 3), amount="10.00")], engagements=[VOL, zzp])
    assert rules(fs) == [("volunteer.also_employed", "error")]
    assert fs[0].figures["andere opdrachten"] == "G9"


def test_room() -> None:
    entries = [priced(VOL, date(2026, 11, 3), amount="150.00"), priced(VOL, date(2026, 5, 3), amount="100.00")]
    r = room_on("E1", entries, [Declaration("E1", 2026, 11, Decimal("20.00"))], limits(), date(2026, 11, 20))
    assert (r.month.counted, r.month.declared, r.month.left, r.month.over) == (
        Decimal("150.00"), Decimal("20.00"), Decimal("50.00"), Decimal("0.00"))
    assert r.year.left == Decimal("1930.00") and r.left == Decimal("50.00")
    over = room_on("E1", [priced(VOL, date(2026, 11, 3), amount="250.00")], [], limits(), date(2026, 11, 3))
    assert over.month.left == Decimal("0.00") and over.month.over == Decimal("30.00")
    # --on counts work up to and including that day: the 250 of 3 November is not yet done on the 2nd
    before = room_on("E1", [priced(VOL, date(2026, 11, 3), amount="250.00")], [], limits(), date(2026, 11, 2))
    assert (before.month.counted, before.month.left, before.year.counted) == (
        Decimal("0.00"), Decimal("220.00"), Decimal("0.00"))


def test_card_is_loaded() -> None:
    assert card().role("adviseur")
    assert Unit.UUR
