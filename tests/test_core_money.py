from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.money import (
    CENT,
    D,
    from_cents,
    money_sum,
    parse_amount,
    round_cents,
    to_cents,
)
from vergoeding.errors import InputError

# --- D ---------------------------------------------------------------------------------


def test_D_accepts_str_int_decimal() -> None:
    assert D("5.75") == Decimal("5.75")
    assert D(" 12.50 ") == Decimal("12.50")
    assert D(3) == Decimal(3)
    assert D(Decimal("0.01")) == Decimal("0.01")
    assert D() == Decimal(0)


@pytest.mark.parametrize("value", [5.75, 0.0, 1e3])
def test_D_refuses_float(value: float) -> None:
    with pytest.raises(TypeError, match="float"):
        D(value)


@pytest.mark.parametrize("value", [True, False])
def test_D_refuses_bool(value: bool) -> None:
    with pytest.raises(TypeError, match="bool"):
        D(value)


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", Decimal("NaN")])
def test_D_refuses_non_numbers(value: object) -> None:
    with pytest.raises(InputError):
        D(value)


def test_D_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        D([1])


# --- round_cents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("0.0049999", "0.00"),
        ("2.675", "2.68"),  # a float would give 2.67
        ("2.665", "2.67"),
        ("1.125", "1.13"),  # half-up, not banker's rounding (1.12)
        ("-0.005", "-0.01"),  # half away from zero
        ("-2.675", "-2.68"),
        ("-0.004", "0.00"),
        ("10", "10.00"),
        ("99.995", "100.00"),
        ("5.75", "5.75"),
    ],
)
def test_round_cents_half_up(raw: str, expected: str) -> None:
    result = round_cents(Decimal(raw))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


def test_round_cents_refuses_float() -> None:
    with pytest.raises(TypeError):
        round_cents(2.675)  # type: ignore[arg-type]


# --- cents -----------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "cents"), [("0.01", 1), ("12.50", 1250), ("-3.00", -300), ("1234.56", 123456), ("0", 0)])
def test_to_and_from_cents(amount: str, cents: int) -> None:
    assert to_cents(D(amount)) == cents
    assert from_cents(cents) == D(amount)
    assert str(from_cents(cents)) == str(D(amount).quantize(CENT))


def test_to_cents_refuses_fractions_of_a_cent() -> None:
    with pytest.raises(ValueError, match="round first"):
        to_cents(D("0.005"))


@pytest.mark.parametrize("value", [1.5, True, "12"])
def test_from_cents_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError):
        from_cents(value)  # type: ignore[arg-type]


def test_money_sum() -> None:
    assert str(money_sum([])) == "0.00"
    assert money_sum([D("0.10"), D("0.20"), "0.30"]) == D("0.60")


# --- parse_amount ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("12,50", "12.50"),
        ("12.5", "12.50"),
        ("€ 12,50", "12.50"),
        ("€12,50", "12.50"),
        ("12,50 €", "12.50"),
        ("EUR 12,50", "12.50"),
        ("-3,00", "-3.00"),
        ("+3,00", "3.00"),
        ("1,234.56", "1234.56"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("12", "12.00"),
        ("0,05", "0.05"),
        ("  7,25  ", "7.25"),
    ],
)
def test_parse_amount_accepts(text: str, expected: str) -> None:
    result = parse_amount(text)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.234", "dubbelzinnig"),
        ("1,234", "dubbelzinnig"),
        ("12,5,0", "geen geldig bedrag"),
        ("abc", "geen bedrag"),
        ("", "leeg"),
        ("€", "leeg"),
        ("12,505", "dubbelzinnig"),
        ("12,5055", "meer dan twee decimalen"),
        ("1.23,45", "kloppen niet"),
        (",50", "geen geldig bedrag"),
        ("12.", "geen geldig bedrag"),
    ],
)
def test_parse_amount_refuses(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_amount(text)


@pytest.mark.parametrize("text", ["-0", "-0,0", "€ -0,00", "-0.00"])
def test_parse_amount_has_no_negative_zero(text: str) -> None:
    assert str(parse_amount(text)) == "0.00"


def test_parse_amount_names_the_field() -> None:
    with pytest.raises(InputError) as exc:
        parse_amount("abc", field="bedrag")
    assert exc.value.field == "bedrag"
    assert "kolom/veld bedrag" in exc.value.message


# --- properties ------------------------------------------------------------------------

cents_values = st.integers(min_value=-10**11, max_value=10**11)


def _dutch_grouped(amount: Decimal) -> str:
    """1234.56 -> '1.234,56' (the way a Dutch person writes it with thousands separators)."""
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{frac}"


@given(cents_values)
def test_parse_amount_round_trips_dutch_grouped(cents: int) -> None:
    amount = from_cents(cents)
    assert parse_amount(_dutch_grouped(amount)) == amount


@given(cents_values)
def test_parse_amount_round_trips_dutch_plain(cents: int) -> None:
    amount = from_cents(cents)
    assert parse_amount(f"{amount:.2f}".replace(".", ",")) == amount


@given(cents_values)
def test_parse_amount_round_trips_point(cents: int) -> None:
    amount = from_cents(cents)
    assert parse_amount(f"{amount:.2f}") == amount


@given(cents_values)
def test_parse_amount_round_trips_with_euro_sign(cents: int) -> None:
    amount = from_cents(cents)
    assert parse_amount("€ " + _dutch_grouped(amount)) == amount


@given(cents_values)
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=6)


@given(amounts)
def test_round_cents_is_idempotent(amount: Decimal) -> None:
    once = round_cents(amount)
    assert round_cents(once) == once


@given(amounts)
def test_round_cents_is_within_half_a_cent(amount: Decimal) -> None:
    rounded = round_cents(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded.as_tuple().exponent == -2


@given(amounts)
def test_round_cents_is_symmetric(amount: Decimal) -> None:
    # ROUND_HALF_UP rounds halves away from zero, so it commutes with negation.
    assert round_cents(-amount) == -round_cents(amount)
