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


# The days the product works with: every date typed on the command line and the product's
# clock (VERGOEDING_TODAY) lie in these years. 9999-12-31 made the payout's next business day
# overflow (a traceback); a year far off is always a typing error.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def in_calendar(day: date, *, field: str | None = None) -> date:
    """``day`` if it lies in the years the product knows (:data:`FIRST_DAY`..:data:`LAST_DAY`)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(f"{day.day:02d}-{day.month:02d}-{day.year:04d} ligt buiten de jaren die vergoeding kent "
                         f"({FIRST_DAY.year} tot en met {LAST_DAY.year})", field=field)
    return day


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day`` (a birthday counts from that day on).

    Someone born on 29 February turns a year older on 1 March in non-leap years.
    """
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


# A date of birth outside these ages is a typing error (issue 20, item 10): a birth date in the
# future, or one that makes the expert a young child or older than anyone alive, was stored and
# then decided the age limits (under 21) of every check.
MIN_AGE, MAX_AGE = 12, 120


def birth_date_problem(birth: date, today: date) -> str | None:
    """Why ``birth`` cannot be an expert's date of birth on ``today``, in Dutch; None if it can."""
    shown = f"{birth.day:02d}-{birth.month:02d}-{birth.year:04d}"
    if birth > today:
        return (f"{shown} ligt na vandaag ({today:%d-%m-%Y}); controleer de datum "
                "(dag-maand-jaar)")
    age = age_on(birth, today)
    if age > MAX_AGE:
        return (f"{shown}: dan is de deskundige {age} jaar (hoogstens {MAX_AGE}); controleer het "
                "jaar (dag-maand-jaar, met vier cijfers)")
    if age < MIN_AGE:
        return (f"{shown}: dan is de deskundige {age} jaar (jonger dan {MIN_AGE}); controleer het "
                "jaar (dag-maand-jaar, met vier cijfers)")
    return None


def future_date_message(day: date, today: date) -> str:
    """Work dated after ``today`` has not happened: the one message for the CLI and imports."""
    return (f"{day:%d-%m-%Y} ligt na vandaag ({today:%d-%m-%Y}): uren schrijft u op nadat het werk is "
            "gedaan. Controleer de datum (dag-maand-jaar).")
