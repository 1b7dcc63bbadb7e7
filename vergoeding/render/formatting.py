"""Dutch formatting for documents, via babel: "€ 1.234,56", "23 november 2026", "2:30"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from vergoeding.core.duration import format_minutes
from vergoeding.core.money import D, round_cents

LOCALE = "nl_NL"


def euro(amount: Decimal | int | str | None) -> str:
    """€ 1.234,56 (always two decimals; negative as € -12,50)."""
    if amount is None or amount == "":
        return ""
    value = round_cents(D(amount) if not isinstance(amount, Decimal) else amount)
    return format_currency(value, "EUR", locale=LOCALE, currency_digits=True)


def number(value: Decimal | int | str, digits: int = 2) -> str:
    """1.234,5 style; ``digits`` is the maximum number of decimals shown."""
    d = D(value) if not isinstance(value, Decimal) else value
    return format_decimal(d, format="#,##0." + "#" * digits if digits else "#,##0", locale=LOCALE)


def long_date(day: date | datetime | None) -> str:
    """23 november 2026."""
    if day is None:
        return ""
    return format_date(day, format="long", locale=LOCALE)


def short_date(day: date | datetime | None) -> str:
    """23-11-2026."""
    if day is None:
        return ""
    return day.strftime("%d-%m-%Y")


def month_name(year: int, month: int) -> str:
    """november 2026."""
    return format_date(date(year, month, 1), format="LLLL y", locale=LOCALE)


def hours(minutes: int) -> str:
    """150 -> '2:30'."""
    return format_minutes(minutes)


def hours_decimal(minutes: int) -> str:
    """150 -> '2,5' (for invoices: a quantity in hours)."""
    return number(Decimal(minutes) / Decimal(60), 2)


def percent(rate: Decimal | str) -> str:
    """0.21 -> '21%'."""
    d = D(rate) if not isinstance(rate, Decimal) else rate
    return format_decimal(d * 100, format="#,##0.##", locale=LOCALE) + "%"


def mask_bsn(bsn: str | None) -> str:
    """A BSN is never shown in full outside the third-party report: *****1234."""
    if not bsn:
        return ""
    return "*****" + bsn[-4:]
