from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.duration import format_minutes, minutes_to_hours, parse_duration
from vergoeding.errors import InputError


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2,5", 150),
        ("2.5", 150),
        ("2:30", 150),
        ("150m", 150),
        ("150 min", 150),
        ("90 minuten", 90),
        ("2u30", 150),
        ("2u", 120),
        ("2h30m", 150),
        ("2 uur", 120),
        ("2U30", 150),
        ("0:05", 5),
        ("0,25", 15),
        ("1,75", 105),
        ("8", 480),
        ("0", 0),
        ("12:00", 720),
        (" 3:15 ", 195),
    ],
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "lege duur"),
        ("0,01", "geen heel aantal minuten"),  # 0.6 minutes: refused, not rounded
        ("1,333", "geen heel aantal minuten"),
        ("2u75", "onder de 60"),
        ("2:75", "geen duur"),
        ("twee uur", "geen duur"),
        ("-1", "geen duur"),
        ("2,5,0", "geen duur"),
    ],
)
def test_parse_duration_refuses(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_duration(text, field="uren")


def test_minutes_to_hours_is_exact() -> None:
    assert minutes_to_hours(150) == Decimal("2.5")
    assert minutes_to_hours(45) == Decimal("0.75")
    assert minutes_to_hours(0) == 0


@pytest.mark.parametrize(("minutes", "text"), [(150, "2:30"), (5, "0:05"), (0, "0:00"), (600, "10:00"), (-90, "-1:30")])
def test_format_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


@given(st.integers(min_value=0, max_value=999 * 60 + 59))
def test_format_then_parse_round_trips(minutes: int) -> None:
    assert parse_duration(format_minutes(minutes)) == minutes


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=59))
def test_hours_and_minutes_notations_agree(h: int, m: int) -> None:
    expected = h * 60 + m
    assert parse_duration(f"{h}:{m:02d}") == expected
    assert parse_duration(f"{h}u{m}") == expected
    assert parse_duration(f"{h}h{m}m") == expected


@given(st.integers(min_value=0, max_value=999 * 4))
def test_quarter_hours_as_decimal(quarters: int) -> None:
    hours = Decimal(quarters) / 4
    assert parse_duration(str(hours).replace(".", ",")) == quarters * 15
    assert parse_duration(str(hours)) == quarters * 15
