from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.dates import age_on, parse_date
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
