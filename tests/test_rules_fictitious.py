# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Fictitious employment for payments to a private person (Uitvoeringsbesluit loonbelasting
1965 art. 2c; exceptions art. 2e lid 2), table-driven at the edges of each condition: two days
a week, 2/5 of the minimum wage (valid on the work date; 36-hour week), longer than a month."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from checks_helpers import OWN, engagement, expert, limits, priced

from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.checks_fictitious import RULE, RuleException
from vergoeding.core.period import Period, month
from vergoeding.core.regimes import Regime, Unit

SOURCE = "Uitvoeringsbesluit loonbelasting 1965 art. 2c"
# 2/5 x 36 h x 14,71 = 211,82 a week (work before July 2026); from July 2/5 x 36 x 14,99 = 215,86


def eng(start: date = date(2026, 3, 2), end: date | None = None, rate: str = "15.00"):
    return replace(engagement("P1", regime=Regime.PARTICULIER, rate=rate, unit=Unit.UUR), start=start, end=end)


def weeks(g, first: date, n: int, days=(0, 2), minutes: int = 480):
    """``n`` weeks from Monday ``first``, work on the given weekdays."""
    return [priced(g, first + timedelta(weeks=w, days=d), minutes=minutes) for w in range(n) for d in days]


def run(entries, period, exceptions=()):
    engs = list({p.engagement.code: p.engagement for p in entries}.values())
    return [f for f in run_checks(CheckInput(period=period, priced=entries, experts=[expert()], engagements=engs,
                                             own=OWN, declarations=[], limits=limits(), today=date(2026, 12, 1),
                                             exceptions=list(exceptions)))
            if f.rule == RULE]


APR = Period(date(2026, 3, 1), date(2026, 5, 1))
G = eng()
CASES = [
    # name, entries, period, expected severity (None: no finding)
    ("6 weeks x 2 days x 8 h x 15,00 = 240 a week: warning", weeks(G, date(2026, 3, 2), 6), APR, "warning"),
    ("one day a week: no", weeks(G, date(2026, 3, 2), 6, days=(0,), minutes=960), APR, None),
    ("2 days but 2 x 7 h x 15,00 = 210 < 211,82: no", weeks(G, date(2026, 3, 2), 6, minutes=420), APR, None),
    ("2 days, 2 x 7 h 4 min x 15,00 = 212,00 >= 211,82: warning",
     weeks(G, date(2026, 3, 2), 6, minutes=424), APR, "warning"),
    ("exactly one month (2-3 to 2-4 open, last work 2-4): no",
     weeks(eng(end=date(2026, 4, 3)), date(2026, 3, 2), 4)[:-1] + [priced(eng(end=date(2026, 4, 3)),
                                                                          date(2026, 4, 2), minutes=480)], APR, None),
    ("engagement longer than a month, 3 weeks of work: warning",
     weeks(eng(end=date(2026, 6, 1)), date(2026, 3, 2), 3), APR, "warning"),
    ("only every other week with 2 days (3 of 6 weeks): warning (half)",
     [p for w in (0, 2, 4) for p in weeks(G, date(2026, 3, 2) + timedelta(weeks=w), 1)]
     + [priced(G, date(2026, 4, 9), minutes=60)], APR, "warning"),
    ("2 of 6 weeks with 2 days: not usually, no",
     [p for w in (0, 5) for p in weeks(G, date(2026, 3, 2) + timedelta(weeks=w), 1)]
     + [priced(G, date(2026, 3, 2) + timedelta(weeks=w), minutes=60) for w in (1, 2, 3, 4)], APR, None),
]


@pytest.mark.parametrize(("name", "entries", "period", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fictitious_employment_edges(name, entries, period, expected) -> None:
    fs = run(entries, period)
    assert [f.severity.value for f in fs] == ([expected] if expected else []), SOURCE
    if expected:
        assert fs[0].limit_source and "art. 2c" in fs[0].limit_source
        assert "loonheffing inhouden" in fs[0].message and "52%" in fs[0].message


def test_minimum_wage_on_the_work_date_moves_the_threshold() -> None:
    """2 x 7 h 12 min x 15,00 = 216,00 a week: above 2/5 of 14,71 x 36 (211,82) and of 14,99 x 36
    (215,86); 2 x 7 h 11 min = 215,50: above in June, below in July."""
    june = weeks(G, date(2026, 6, 1), 4, minutes=431)
    july = weeks(G, date(2026, 7, 6), 4, minutes=431)
    (f,) = run(june, month(2026, 6))
    assert f.figures["2/5 minimumloon per week (36 uur)"] == "€ 211,82"
    assert run(july, month(2026, 7)) == []


def test_recorded_exception_silences_the_warning() -> None:
    entries = weeks(G, date(2026, 3, 2), 6)
    exc = RuleException("P1", RULE, "intellectueel", "A. de Vries, controller", "schrijft adviesrapporten",
                        date(2026, 3, 1))
    (f,) = run(entries, APR, [exc])
    assert f.severity.value == "info"
    assert "A. de Vries, controller" in f.message and "schrijft adviesrapporten" in f.message
    assert f.figures["uitzondering"] == "werk van overwegend intellectuele aard"


def test_written_agreement_counts_only_when_made_before_the_work() -> None:
    entries = weeks(G, date(2026, 3, 2), 6)
    before = RuleException("P1", RULE, "overeenkomst", "B. Bakker", "getekend", date(2026, 3, 1), date(2026, 2, 27))
    late = RuleException("P1", RULE, "overeenkomst", "B. Bakker", "getekend", date(2026, 3, 20), date(2026, 3, 20))
    assert [f.severity.value for f in run(entries, APR, [before])] == ["info"]
    (f,) = run(entries, APR, [late])
    assert f.severity.value == "warning" and "vóór de eerste betaling" in f.message


def test_volunteers_and_freelancers_are_not_tested() -> None:
    vol = engagement("V1", rate="5.00", unit=Unit.UUR)
    zzp = engagement("Z1", regime=Regime.ZZP, rate="60.00", unit=Unit.UUR)
    assert run(weeks(vol, date(2026, 3, 2), 6), APR) == []
    assert run(weeks(zzp, date(2026, 3, 2), 6), APR) == []
