"""Dutch amounts, numbers, dates and periods as people read them: "€ 1.234,56", "1.000 km",
"23-11-2026", "oktober 2026". Pure and light (the standard library and the core only), so the
rule core writes its findings and messages with the same rules as the documents:
``render/formatting.py`` re-exports these for the templates and the command line.

Written out here rather than through babel (whose import and locale data cost about 0.05 s of
CPU at every start of a command that prints an amount). :func:`euro` and :func:`number` give
babel's output for nl_NL character for character (``tests/test_formatting.py``), with one
deliberate difference: a value that is zero is never written with a minus sign ("€ -0,00",
"-0"), whatever the sign of the ``Decimal`` (a credit note negates its lines, and ``-1 * 0``
is a negative zero; nobody reads that as a number).

Two spellings of an amount:

* :func:`euro` - "€\\u00a01.234,56" with a no-break space, for documents and tables, where a
  line break between the sign and the amount would be wrong;
* :func:`eur` - "€ 1.234,56" with a plain space, for running text: finding messages, advice
  and error messages (what users copy, search and compare).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from vergoeding.core.money import D, round_cents
from vergoeding.core.period import MONTH_NAMES, Period, parse_period, period_text

MONTHS = MONTH_NAMES
NBSP = "\u00a0"


def _decimal(d: Decimal, max_frac: int, min_frac: int = 0) -> str:
    """babel's "#,##0.##" for nl: rounded half to even to at most ``max_frac`` decimals, at
    least ``min_frac`` shown, groups of three with a dot; a minus sign only when the rounded
    value is not zero."""
    q = abs(d).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_EVEN)
    sign = "-" if d.is_signed() and not q.is_zero() else ""
    whole, _, frac = f"{q:f}".partition(".")
    frac = frac.rstrip("0").ljust(min_frac, "0")
    text = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{text},{frac}" if frac else f"{sign}{text}"


def euro(amount: Decimal | int | str | None) -> str:
    """€ 1.234,56 with a no-break space (always two decimals; negative as € -12,50)."""
    if amount is None or amount == "":
        return ""
    value = round_cents(D(amount) if not isinstance(amount, Decimal) else amount)
    return f"€{NBSP}{_decimal(value, 2, 2)}"


def eur(amount: Decimal | int | str) -> str:
    """€ 1.234,56 with a plain space: an amount inside a sentence (messages, advice)."""
    return euro(amount).replace(NBSP, " ")


def number(value: Decimal | int | str, digits: int = 2) -> str:
    """1.234,5 style; ``digits`` is the maximum number of decimals shown."""
    d = D(value) if not isinstance(value, Decimal) else value
    return _decimal(d, digits)


def whole(value: Decimal | int, unit: str = "") -> str:
    """A count with thousands dots and an optional unit: 10.000 km, 1.000."""
    text = _decimal(D(value) if not isinstance(value, Decimal) else value, 0)
    return f"{text} {unit}" if unit else text


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
        from vergoeding.errors import InputError

        try:
            return period_text(parse_period(p))
        except InputError:
            return p
    return period_text(p)

