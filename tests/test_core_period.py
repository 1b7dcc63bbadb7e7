from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.period import Period, month, month_of, parse_period, year
from vergoeding.errors import InputError


def test_month_is_half_open() -> None:
    p = parse_period("2026-11")
    assert (p.start, p.end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert date(2026, 11, 1) in p
    assert date(2026, 11, 30) in p
    assert date(2026, 12, 1) not in p
    assert date(2026, 10, 31) not in p
    assert p.last_day == date(2026, 11, 30)
    assert str(p) == "2026-11"


def test_december_ends_on_first_of_january() -> None:
    p = parse_period("2026-12")
    assert (p.start, p.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert date(2026, 12, 31) in p
    assert date(2027, 1, 1) not in p


def test_january_and_single_digit_month() -> None:
    p = parse_period("2027-1")
    assert (p.start, p.end) == (date(2027, 1, 1), date(2027, 2, 1))
    assert str(p) == "2027-01"


def test_february_in_a_leap_year() -> None:
    assert parse_period("2024-02").last_day == date(2024, 2, 29)
    assert parse_period("2026-02").last_day == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2026-Q1"),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"),
        ("2026q2", date(2026, 4, 1), date(2026, 7, 1), "2026-Q2"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
    ],
)
def test_quarters_and_years(text: str, start: date, end: date, label: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, str(p)) == (start, end, label)


@pytest.mark.parametrize(("text", "message"), [("2026-13", "maand 13 bestaat niet"), ("2026-0", "maand 0"),
                                               ("2026-Q5", "geen periode"), ("novembre 2026", "onbekende maand"), ("", "geen periode")])
def test_bad_periods_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_period(text)


def test_months_of_a_quarter() -> None:
    labels = [(str(m), m.start, m.end) for m in parse_period("2026-Q4").months()]
    assert labels == [
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1)),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ]


def test_months_are_clipped_to_the_period() -> None:
    p = Period(date(2026, 1, 15), date(2026, 3, 10))
    months = list(p.months())
    assert [(m.start, m.end) for m in months] == [
        (date(2026, 1, 15), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    ]
    assert [str(m) for m in months] == ["2026-01", "2026-02", "2026-03"]


def test_months_across_the_year_end() -> None:
    p = Period(date(2025, 12, 1), date(2026, 2, 1))
    assert [str(m) for m in p.months()] == ["2025-12", "2026-01"]


def test_year_has_twelve_months() -> None:
    assert [str(m) for m in year(2026).months()] == [f"2026-{i:02d}" for i in range(1, 13)]


def test_empty_period_is_refused() -> None:
    with pytest.raises(ValueError, match="empty period"):
        Period(date(2026, 1, 1), date(2026, 1, 1))


def test_overlaps_is_half_open() -> None:
    assert not month(2026, 1).overlaps(month(2026, 2))  # end of January == start of February
    assert month(2026, 1).overlaps(Period(date(2026, 1, 31), date(2026, 2, 2)))
    assert year(2026).overlaps(month(2026, 6))


def test_str_without_label() -> None:
    assert str(Period(date(2026, 1, 15), date(2026, 2, 1))) == "2026-01-15..2026-01-31"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)))
def test_every_day_is_in_exactly_its_month(day: date) -> None:
    m = month_of(day)
    assert day in m
    assert m.start.day == 1
    assert m.end not in m
    assert month_of(m.end).start == m.end  # the next month starts where this one ends


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)))
def test_months_of_a_year_partition_it(day: date) -> None:
    containing = [m for m in year(day.year).months() if day in m]
    assert len(containing) == 1


@pytest.mark.parametrize("text", ["2026-11", "11-2026", "11/2026", "november 2026", "November 2026", "nov 2026",
                                  "  NOVEMBER   2026 "])
def test_a_month_in_the_ways_people_write_it(text: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (date(2026, 11, 1), date(2026, 12, 1), "2026-11")


def test_period_text_is_what_a_person_reads() -> None:
    from vergoeding.core.period import period_text

    assert period_text(parse_period("2026-11")) == "november 2026"
    assert period_text(parse_period("2026-Q4")) == "4e kwartaal 2026"
    assert period_text(parse_period("2026")) == "2026"
    assert period_text(Period(date(2026, 11, 3), date(2026, 12, 1))) == "03-11-2026 t/m 30-11-2026"
