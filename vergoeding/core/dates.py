"""Dates as people write them, and age on a given day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from vergoeding.errors import InputError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object, *, field: str | None = None) -> date:
    """ISO ``2026-11-23``, Dutch ``23-11-2026`` / ``23/11/2026`` / ``23.11.2026``, a real
    ``date``/``datetime`` (from Excel), or an Excel serial number (46349)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 2958465:
            return EXCEL_EPOCH + timedelta(days=value)
        raise InputError(f"{value} is geen Excel-datum", field=field)
    if not isinstance(value, str):
        raise InputError(f"{value!r} is geen datum", field=field)
    s = value.strip()
    try:
        if m := _ISO.match(s):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DUTCH.match(s):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if s.isdigit() and len(s) == 5:  # an Excel serial as text (1927-2173); "2026" is a year, not a date
            return parse_date(int(s), field=field)
    except ValueError:
        raise InputError(f"{value!r}: deze datum bestaat niet", field=field) from None
    raise InputError(
        f"{value!r} is geen datum (verwacht 23-11-2026 of 2026-11-23)", field=field
    )


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day`` (a birthday counts from that day on).

    Someone born on 29 February turns a year older on 1 March in non-leap years.
    """
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def future_date_message(day: date, today: date) -> str:
    """Work dated after ``today`` has not happened: the one message for the CLI and imports."""
    return (f"{day:%d-%m-%Y} ligt na vandaag ({today:%d-%m-%Y}): uren schrijft u op nadat het werk is "
            "gedaan. Controleer de datum (dag-maand-jaar).")
