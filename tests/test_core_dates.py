from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.dates import age_on, birth_date_problem, parse_date
from vergoeding.errors import InputError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("2026-1-5", date(2026, 1, 5)),
        ("23-11-2026", date(2026, 11, 23)),
        ("23/11/2026", date(2026, 11, 23)),
        ("23.11.2026", date(2026, 11, 23)),
        ("5-1-2026", date(2026, 1, 5)),  # day first, the Dutch way
        (" 01-03-2026 ", date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 3, 1)),
        (datetime(2026, 3, 1, 14, 30), date(2026, 3, 1)),
        (46082, date(2026, 3, 1)),  # Excel serial number
        ("46082", date(2026, 3, 1)),
        (1, date(1899, 12, 31)),
        (45292, date(2024, 1, 1)),
    ],
)
def test_parse_date(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31-02-2026", "bestaat niet"),
        ("2026-13-01", "bestaat niet"),
        ("29-02-2025", "bestaat niet"),
        ("23 november 2026", "geen datum"),
        ("11/23/26", "geen datum"),
        ("2026", "geen datum"),  # a year is not a date (it used to become 1905-07-18 as an Excel serial)
        ("123456", "geen datum"),
        ("", "geen datum"),
        (0, "geen Excel-datum"),
        (-5, "geen Excel-datum"),
        (True, "geen datum"),
        (1.5, "geen datum"),
    ],
)
def test_parse_date_refuses(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_date(value, field="datum")


def test_leap_day_is_accepted_in_a_leap_year() -> None:
    assert parse_date("29-02-2024") == date(2024, 2, 29)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_dutch_iso_and_excel_agree(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day:02d}-{day.month:02d}-{day.year}") == day
    assert parse_date(serial) == day


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2005, 6, 15), date(2026, 6, 14), 20),  # the day before the 21st birthday
        (date(2005, 6, 15), date(2026, 6, 15), 21),  # on the birthday itself
        (date(2005, 6, 15), date(2026, 6, 16), 21),
        (date(1980, 1, 1), date(2026, 12, 31), 46),
        (date(2026, 3, 1), date(2026, 3, 1), 0),
        # born on 29 February: a year older on 1 March in non-leap years
        (date(2004, 2, 29), date(2025, 2, 28), 20),
        (date(2004, 2, 29), date(2025, 3, 1), 21),
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_age_on(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.integers(min_value=0, max_value=100))
def test_age_on_birthday_is_exact(birth: date, years: int) -> None:
    if birth.month == 2 and birth.day == 29:
        return
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    if birthday > date(1900, 1, 1) and years > 0:
        assert age_on(birth, date.fromordinal(birthday.toordinal() - 1)) == years - 1


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (date(2014, 11, 2), None),  # 12 today
        (date(2014, 11, 3), "03-11-2014: dan is de deskundige 11 jaar (jonger dan 12)"),
        (date(1906, 11, 2), None),  # 120 today
        (date(1905, 11, 2), "02-11-1905: dan is de deskundige 121 jaar (hoogstens 120)"),
        (date(2026, 11, 2), "02-11-2026: dan is de deskundige 0 jaar (jonger dan 12)"),
        (date(2026, 11, 3), "03-11-2026 ligt na vandaag (02-11-2026)"),
        (date(2162, 1, 1), "01-01-2162 ligt na vandaag (02-11-2026)"),
        (date(1, 1, 1), "01-01-0001: dan is de deskundige 2025 jaar"),
    ],
)
def test_a_date_of_birth_lies_between_12_and_120_years_before_today(birth: date, problem: str | None) -> None:
    found = birth_date_problem(birth, date(2026, 11, 2))
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem), found
