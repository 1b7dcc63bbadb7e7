"""Durations are whole minutes: stored exactly, never as fractional hours."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from vergoeding.errors import InputError

MAX_MINUTES_PER_DAY = 24 * 60

_HM_COLON = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_HM_U = re.compile(r"^(\d{1,3})\s*(?:u|h|uur)\s*(?:(\d{1,2})\s*(?:m|min)?)?$", re.IGNORECASE)
_MIN = re.compile(r"^(\d{1,5})\s*(?:m|min|minuten|minuut)$", re.IGNORECASE)
_DEC = re.compile(r"^(\d{1,3})(?:[.,](\d{1,4}))?$")


def parse_duration(text: str, *, field: str | None = None) -> int:
    """Parse hours as people write them into whole minutes.

    ``2,5`` and ``2.5`` (hours, decimal) -> 150; ``2:30`` -> 150; ``150m`` -> 150;
    ``2u30`` / ``2u`` / ``2h30m`` -> 150 / 120 / 150. A decimal that is not a whole number
    of minutes (``0,01`` hours) is refused rather than rounded.
    """
    if not isinstance(text, str):
        raise TypeError("parse_duration takes text")
    s = text.strip().replace(" ", "")
    if not s:
        raise InputError("lege duur (verwacht bijvoorbeeld 2,5 of 2:30)", field=field)
    if m := _HM_COLON.match(s):
        return int(m.group(1)) * 60 + int(m.group(2))
    if m := _HM_U.match(s):
        minutes = int(m.group(2) or 0)
        if minutes >= 60:
            raise InputError(f"{text!r}: minuten moeten onder de 60 zijn", field=field)
        return int(m.group(1)) * 60 + minutes
    if m := _MIN.match(s):
        return int(m.group(1))
    if _DEC.match(s):
        try:
            hours = Decimal(s.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the regex already checked
            raise InputError(f"{text!r} is geen duur", field=field) from None
        minutes_d = hours * 60
        if minutes_d != minutes_d.to_integral_value():
            raise InputError(
                f"{text!r} uur is geen heel aantal minuten (gebruik bijvoorbeeld 2:20)",
                field=field,
            )
        return int(minutes_d)
    raise InputError(
        f"{text!r} is geen duur (verwacht bijvoorbeeld 2,5 of 2:30 of 150m of 2u30)",
        field=field,
    )


def minutes_to_hours(minutes: int) -> Decimal:
    """Whole minutes -> exact hours as Decimal (150 -> 2.5). Not rounded."""
    return Decimal(minutes) / Decimal(60)


def format_minutes(minutes: int) -> str:
    """150 -> '2:30' (hours:minutes, the way a timesheet shows it)."""
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}:{m:02d}"
