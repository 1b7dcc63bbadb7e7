"""Dutch formatting for documents and command output: "€ 1.234,56", "23 november 2026",
"2:30". Amounts, numbers, dates and periods come from ``vergoeding/core/nl.py`` (the rule core
writes its messages with the same functions); what only documents need lives here.

Written out rather than through babel (whose import and locale data cost about 0.05 s
of CPU at every start of a command that prints an amount; ``make bench`` case
``read_commands``). The output is babel's for locale nl_NL character for character,
including the no-break space after the euro sign and babel's rounding (half to even) in
:func:`number`; ``tests/test_formatting.py`` compares both on many values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from vergoeding.core.duration import format_minutes
from vergoeding.core.money import D
from vergoeding.core.nl import (
    MONTHS,
    eur,
    euro,
    long_date,
    month_name,
    number,
    period,
    short_date,
    whole,
)

__all__ = ["LOCALE", "MONTHS", "address_line", "eur", "euro", "hours", "hours_decimal", "hours_words",
           "unit_count", "work_text", "sentence", "long_date", "mask_bsn",
           "month_name", "number", "percent", "period", "rule_label", "severity_label", "short_date", "whole"]

LOCALE = "nl_NL"
_NBSP = "\u00a0"


def hours(minutes: int) -> str:
    """150 -> '2:30'."""
    return format_minutes(minutes)


def sentence(text: str) -> str:
    """End a sentence after a value: "Stichting X." but "Zorg B.V." (not "B.V.."), "Wat?"."""
    text = (text or "").rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def hours_words(minutes: int) -> str:
    """Time as people say it, for letters to experts: 2280 -> '38 uur', 330 -> '5 uur en 30
    minuten', 30 -> '30 minuten', 61 -> '1 uur en 1 minuut', 0 -> '0 uur'."""
    sign = "min " if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    mins = f"{m} {'minuut' if m == 1 else 'minuten'}"
    if not m:
        return f"{sign}{h} uur"
    return f"{sign}{h} uur en {mins}" if h else f"{sign}{mins}"


_PLURALS = {"uur": "uur", "bijeenkomst": "bijeenkomsten", "sessie": "sessies", "dag": "dagen", "maand": "maanden",
            "km": "km", "keer": "keer"}


def unit_count(quantity: Decimal | int, unit: str) -> str:
    """'1 bijeenkomst', '2 bijeenkomsten', '1,5 dag' (a fraction keeps the singular, as people say it)."""
    q = D(quantity) if not isinstance(quantity, Decimal) else quantity
    word = _PLURALS.get(unit, unit) if q != 1 and q == q.to_integral_value() else unit
    return f"{number(q)} {word}"


def work_text(minutes: int, counts: Iterable[tuple[str, Decimal]] = ()) -> str:
    """What was done, as a person counts it: '5:30', '2 bijeenkomsten', '3:00 + 1 sessie'.
    Work paid per meeting, session or day is counted in those units, not in hours (a council
    member's meetings are not '0:00')."""
    parts = [unit_count(q, u) for u, q in counts]
    return " + ".join([hours(minutes)] * bool(minutes or not parts) + parts)


def hours_decimal(minutes: int) -> str:
    """150 -> '2,5' (for invoices: a quantity in hours)."""
    return number(Decimal(minutes) / Decimal(60), 2)


def percent(rate: Decimal | str) -> str:
    """0.21 -> '21%'."""
    d = D(rate) if not isinstance(rate, Decimal) else rate
    return number(d * 100, 2) + "%"


def severity_label(severity: str) -> str:
    """error -> fout, warning -> waarschuwing, info -> let op (the one mapping in core.findings)."""
    from vergoeding.core.findings import severity_label as label

    return label(severity)


def rule_label(rule: str) -> str:
    """volunteer.month_cap -> "maandgrens vrijwilligersvergoeding" (the one mapping in core.findings)."""
    from vergoeding.core.findings import rule_label as label

    return label(rule)


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
