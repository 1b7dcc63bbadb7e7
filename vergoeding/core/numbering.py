"""Invoice numbers: the one rule for number series, and the whitelist for number formats.

**One series per kind and year.** Every issued document (invoice, self-billed invoice,
credit note) takes its number from the series of its kind (``factuur``, ``deskundige``,
``zelffacturering``; per expert when the format holds ``{expert}``) and of the year of ITS
OWN issue date when the format holds ``{year}``. A credit note dated 2 January 2027 for an
invoice of 2026 is therefore the next number of the 2027 series ("2027-0001" when it is the
first document of 2027), never a number from the 2026 counter: that would leave a gap in
2026 and collide later with the 2027 series. The credit note refers to the original's number
in its text, not in its own number.

**Number formats are a whitelist** (``[invoices] number_format``, ``expert_format``,
``self_billing_format``): placeholders ``{year}``, ``{seq}`` (or ``{seq:0Nd}``, N from 1 to 9)
and ``{expert}``; literal letters, digits, ``-``, ``_`` and ``.``. ``{seq}`` is required
(numbers must increase). Anything else is refused before a number is taken: a ``/`` or
``\\`` (the number names the PDF file, which could never be written), ``{year.__class__}``
or ``{seq[0]}`` (attribute and index access), spaces, other placeholders.
"""

from __future__ import annotations

import re
from datetime import date

from vergoeding.errors import ConfigError, InputError

FIRST_YEAR, LAST_YEAR = 2000, 2099

_PLACEHOLDER = re.compile(r"\{(year|expert|seq(?::0[1-9]d)?)\}")
_LITERAL = re.compile(r"[A-Za-z0-9._-]*")
ALLOWED = "{year}, {seq} (of {seq:04d}), {expert}; verder alleen letters, cijfers, - _ en ."


def check_format(fmt: str, *, key: str = "number_format") -> str:
    """``fmt`` when it follows the whitelist; :class:`ConfigError` naming ``key`` otherwise."""
    if not isinstance(fmt, str) or not fmt:
        raise ConfigError(f"[invoices] {key} is leeg; gebruik bijvoorbeeld {{year}}-{{seq:04d}}")
    if len(fmt) > 60:
        raise ConfigError(f"[invoices] {key} is te lang (hoogstens 60 tekens)")
    pos = 0
    seen_seq = False
    for m in _PLACEHOLDER.finditer(fmt):
        _literal(fmt, fmt[pos:m.start()], key)
        seen_seq = seen_seq or m.group(1).startswith("seq")
        pos = m.end()
    _literal(fmt, fmt[pos:], key)
    if not seen_seq:
        raise ConfigError(f"[invoices] {key} {fmt!r} mist {{seq}}: nummers moeten oplopen")
    return fmt


def _literal(fmt: str, text: str, key: str) -> None:
    if not _LITERAL.fullmatch(text):
        bad = next(c for c in text if not _LITERAL.fullmatch(c))
        what = "een placeholder die niet is toegestaan" if bad in "{}" else f"het teken {bad!r}"
        raise ConfigError(f"[invoices] {key} {fmt!r} bevat {what}; toegestaan: {ALLOWED}")


def format_number(fmt: str, *, year: int, seq: int, expert: str = "", key: str = "number_format") -> str:
    """Apply a whitelisted number format such as ``{year}-{seq:04d}``."""
    check_format(fmt, key=key)
    if not re.fullmatch(r"[A-Za-z0-9._-]*", expert):
        raise ConfigError(f"deskundigencode {expert!r} kan niet in een factuurnummer")
    return fmt.format(year=year, seq=seq, expert=expert)


def series_key(prefix: str, fmt: str, year: int, expert: str = "") -> str:
    """The series a document with this format takes its number from: ``prefix`` (the kind),
    the expert when the format holds ``{expert}``, and the year of the document's own issue
    date when it holds ``{year}``."""
    parts = [prefix]
    if "{expert" in fmt:
        parts.append(expert)
    if "{year" in fmt:
        parts.append(str(year))
    return ":".join(parts)


def series_prefix(series: str) -> str:
    """The kind part of a stored series key (``factuur:2026`` -> ``factuur``)."""
    return series.split(":", 1)[0]


def check_issue_date(day: date, *, not_before: date | None = None, original: str = "") -> None:
    """An invoice or credit-note date the series can hold: a year from 2000 to 2099 (the
    number carries the year; the payment term must fit in the calendar), and a credit note
    never dated before the invoice it credits (``not_before``)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError(f"factuurdatum {day.day:02d}-{day.month:02d}-{day.year:04d} kan niet: kies een datum in {FIRST_YEAR} tot en met "
                         f"{LAST_YEAR} (meestal vandaag)", field="datum")
    if not_before is not None and day < not_before:
        raise InputError(f"een creditnota kan niet gedateerd zijn vóór de factuur die zij crediteert "
                         f"({original}, {not_before:%d-%m-%Y}); kies {not_before:%d-%m-%Y} of later",
                         field="datum")
