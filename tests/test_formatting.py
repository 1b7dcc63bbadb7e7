"""render/formatting.py writes Dutch amounts, numbers and dates itself (no babel at start-up);
its output is babel's for nl_NL, character for character."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vergoeding.core.money import round_cents
from vergoeding.render.formatting import euro, long_date, month_name, number, percent

# formatting only, no database: runs once (the SQLite suite)
pytestmark = pytest.mark.no_database

AMOUNTS = st.decimals(min_value=Decimal("-99999999.999"), max_value=Decimal("99999999.999"), places=3,
                      allow_nan=False, allow_infinity=False)
NUMBERS = st.decimals(min_value=Decimal("-9999999"), max_value=Decimal("9999999"), places=5,
                      allow_nan=False, allow_infinity=False)


def test_known_values() -> None:
    assert euro(Decimal("1234.56")) == "€\u00a01.234,56"
    assert euro("-12.5") == "€\u00a0-12,50"
    assert euro(0) == "€\u00a00,00"
    assert euro(None) == "" and euro("") == ""
    assert number(Decimal("2.345")) == "2,34" and number(Decimal("2.355")) == "2,36"  # half to even, as babel
    assert number(Decimal("1234.5"), 0) == "1.234" and number(Decimal("12345678.9")) == "12.345.678,9"
    assert percent("0.21") == "21%" and percent("0.095") == "9,5%"
    assert long_date(date(2026, 3, 1)) == "1 maart 2026" and month_name(2026, 11) == "november 2026"


@settings(max_examples=400, deadline=None)
@given(AMOUNTS)
@example(Decimal("-0.004"))
@example(Decimal("0.005"))
@example(Decimal("-0"))
def test_euro_is_babels(value: Decimal) -> None:
    assert euro(value) == format_currency(round_cents(value), "EUR", locale="nl_NL", currency_digits=True)


@settings(max_examples=400, deadline=None)
@given(NUMBERS, st.integers(min_value=0, max_value=3))
@example(Decimal("-0.001"), 2)
@example(Decimal("1E+3"), 2)
@example(Decimal("0.125"), 2)
def test_number_is_babels(value: Decimal, digits: int) -> None:
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    expected = format_decimal(value, format=pattern, locale="nl_NL")
    # babel's, except that a value that rounds to zero has no minus sign ("-0" is no number to a reader)
    assert number(value, digits) == ("0" if expected == "-0" else expected)


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=4, allow_nan=False))
def test_percent_is_babels(rate: Decimal) -> None:
    assert percent(rate) == format_decimal(rate * 100, format="#,##0.##", locale="nl_NL") + "%"


def test_dates_are_babels() -> None:
    for m in range(1, 13):
        day = date(2026, m, 28 if m == 2 else 31 if m in (1, 3, 5, 7, 8, 10, 12) else 30)
        assert long_date(day) == format_date(day, format="long", locale="nl_NL")
        assert month_name(2026, m) == format_date(date(2026, m, 1), format="LLLL y", locale="nl_NL")


def test_periods_severities_and_address_lines() -> None:
    from vergoeding.core.period import parse_period
    from vergoeding.render.formatting import address_line, period, severity_label

    assert period(parse_period("2026-11")) == "november 2026" and period("2026-Q4") == "4e kwartaal 2026"
    assert period("2026-11") == "november 2026" and period("via factuur") == "via factuur"
    assert severity_label("warning") == "waarschuwing" and severity_label("error") == "fout"
    assert address_line("Burgemeester de Withstraat 15") == "Burgemeester de Withstraat\u00a015"
    assert address_line("Stationsplein 12-3") == "Stationsplein\u00a012-3"
    assert address_line("3818 LE Amersfoort") == "3818\u00a0LE Amersfoort"


def test_formatting_imports_no_babel() -> None:
    import subprocess
    import sys

    code = "import sys, vergoeding.render.formatting; print('babel' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
