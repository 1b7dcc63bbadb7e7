"""Dutch formatting for documents and command output: "€ 1.234,56", "23 november 2026",
"2:30".

Written out here rather than through babel (whose import and locale data cost about 0.05 s
of CPU at every start of a command that prints an amount; ``make bench`` case
``read_commands``). The output is babel's for locale nl_NL character for character,
including the no-break space after the euro sign and babel's rounding (half to even) in
:func:`number`; ``tests/test_formatting.py`` compares both on many values.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from vergoeding.core.duration import format_minutes
from vergoeding.core.money import D, round_cents
from vergoeding.core.period import Period, period_text

LOCALE = "nl_NL"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
_NBSP = "\u00a0"


def _decimal(d: Decimal, max_frac: int, min_frac: int = 0) -> str:
    """babel's "#,##0.##" for nl: the sign of the value as given, rounded half to even to at
    most ``max_frac`` decimals, at least ``min_frac`` shown, groups of three with a dot."""
    sign = "-" if d.is_signed() else ""
    q = abs(d).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_EVEN)
    whole, _, frac = f"{q:f}".partition(".")
    frac = frac.rstrip("0").ljust(min_frac, "0")
    text = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{text},{frac}" if frac else f"{sign}{text}"


def euro(amount: Decimal | int | str | None) -> str:
    """€ 1.234,56 (always two decimals; negative as € -12,50)."""
    if amount is None or amount == "":
        return ""
    value = round_cents(D(amount) if not isinstance(amount, Decimal) else amount)
    return f"€{_NBSP}{_decimal(value, 2, 2)}"


def number(value: Decimal | int | str, digits: int = 2) -> str:
    """1.234,5 style; ``digits`` is the maximum number of decimals shown."""
    d = D(value) if not isinstance(value, Decimal) else value
    return _decimal(d, digits)


def long_date(day: date | datetime | None) -> str:
    """23 november 2026."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date | datetime | None) -> str:
    """23-11-2026."""
    if day is None:
        return ""
    return day.strftime("%d-%m-%Y")


def month_name(year: int, month: int) -> str:
    """november 2026."""
    return f"{MONTHS[date(year, month, 1).month - 1]} {year}"


def period(p: Period | str) -> str:
    """november 2026, 4e kwartaal 2026, 2026, or 03-11-2026 t/m 30-11-2026; a label such as
    "2026-11" is read as the period it names (other text is returned as it is)."""
    if isinstance(p, str):
        from vergoeding.core.period import parse_period
        from vergoeding.errors import InputError

        try:
            return period_text(parse_period(p))
        except InputError:
            return p
    return period_text(p)


def hours(minutes: int) -> str:
    """150 -> '2:30'."""
    return format_minutes(minutes)


def hours_decimal(minutes: int) -> str:
    """150 -> '2,5' (for invoices: a quantity in hours)."""
    return number(Decimal(minutes) / Decimal(60), 2)


def percent(rate: Decimal | str) -> str:
    """0.21 -> '21%'."""
    d = D(rate) if not isinstance(rate, Decimal) else rate
    return _decimal(d * 100, 2) + "%"


def severity_label(severity: str) -> str:
    """error -> fout, warning -> waarschuwing (a finding's severity as a person reads it)."""
    return {"error": "fout", "warning": "waarschuwing", "info": "info"}.get(str(severity), str(severity))


def mask_bsn(bsn: str | None) -> str:
    """A BSN is never shown in full outside the third-party report: *****1234."""
    if not bsn:
        return ""
    return "*****" + bsn[-4:]


_HOUSE_NUMBER = re.compile(r"\s+(?=\d+\s?[A-Za-z]{0,3}(?:[-/]\w{1,6})?$)")
_POSTCODE = re.compile(r"\b(\d{4})\s+([A-Z]{2})\b")


def address_line(line: str | None) -> str:
    """An address line that never wraps between street and house number ("Kerkstraat 5a")
    nor inside a postcode ("3511 AB"): those spaces become non-breaking."""
    if not line:
        return ""
    return _POSTCODE.sub(rf"\1{_NBSP}\2", _HOUSE_NUMBER.sub(_NBSP, line.strip()))
