"""Identification numbers: validate and normalise IBAN, BSN, VAT id, KvK, OIN, postcode, e-mail.

Checks use python-stdnum (pure), never a hand-written checksum. Every function takes what a
person typed (spaces, dots, lower case) and returns the compact, canonical form, or raises
:class:`InputError` naming the field and what was expected. A BSN is never repeated in a
message.
"""

from __future__ import annotations

import re

from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum.eu import vat as _eu_vat
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as _bsn
from stdnum.nl import btw as _nl_btw
from stdnum.nl import postcode as _nl_postcode

from vergoeding.errors import InputError

_SEPARATORS = re.compile(r"[\s.\-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value.strip())


def iban(value: str, *, field: str = "iban") -> str:
    """``nl91 abna 0417 1643 00`` -> ``NL91ABNA0417164300``."""
    try:
        return str(_iban.validate(value))
    except ValidationError:
        raise InputError(
            f"{value!r} is geen geldig IBAN (controleer de letters en cijfers; "
            "verwacht bijvoorbeeld NL91 ABNA 0417 1643 00)",
            field=field,
        ) from None


def iban_with_check_digits(country: str, bban: str) -> str:
    """Make a valid IBAN from a country code and a BBAN (for demo and test data)."""
    digits = str(_iban.calc_check_digits(f"{country}00{bban}"))
    return f"{country}{digits}{bban}"


def bic(value: str, *, field: str = "bic") -> str:
    """A BIC (SWIFT code): ``abnanl2a`` -> ``ABNANL2A``."""
    try:
        return str(_bic.validate(value))
    except ValidationError:
        raise InputError(f"{value!r} is geen geldige BIC (verwacht bijvoorbeeld ABNANL2A)", field=field) from None


def bsn(value: str, *, field: str = "bsn") -> str:
    """A burgerservicenummer: 9 digits that pass the 11-test. The number is not repeated
    in the message (it is personal data)."""
    try:
        return str(_bsn.validate(value))
    except ValidationError:
        raise InputError(
            "dit is geen geldig BSN (9 cijfers die de elfproef doorstaan)", field=field
        ) from None


def vat_id(value: str, *, field: str = "btw-nummer") -> str:
    """A Dutch (``NL000099998B57``) or other EU VAT id, compact with its country prefix."""
    compact = _SEPARATORS.sub("", value.strip()).upper()
    try:
        if compact.startswith("NL") or compact[:1].isdigit():
            return "NL" + str(_nl_btw.validate(compact))
        return str(_eu_vat.validate(compact))
    except ValidationError:
        raise InputError(
            f"{value!r} is geen geldig btw-nummer (verwacht bijvoorbeeld NL000099998B57 "
            "of een ander EU-btw-nummer met landcode)",
            field=field,
        ) from None


def kvk(value: str, *, field: str = "kvk") -> str:
    """A KvK number: exactly 8 digits."""
    compact = _digits(value)
    if not re.fullmatch(r"\d{8}", compact):
        raise InputError(f"{value!r} is geen KvK-nummer (verwacht 8 cijfers)", field=field)
    return compact


def oin(value: str, *, field: str = "oin") -> str:
    """An Organisatie-identificatienummer (government, Peppol scheme 0190): 20 digits."""
    compact = _digits(value)
    if not re.fullmatch(r"\d{20}", compact):
        raise InputError(f"{value!r} is geen OIN (verwacht 20 cijfers)", field=field)
    return compact


def postcode(value: str, *, field: str = "postcode") -> str:
    """A Dutch postcode: ``2601dc`` -> ``2601 DC``."""
    try:
        return str(_nl_postcode.validate(value))
    except ValidationError:
        raise InputError(
            f"{value!r} is geen Nederlandse postcode (verwacht bijvoorbeeld 3511 AB)", field=field
        ) from None


def email(value: str, *, field: str = "e-mail") -> str:
    """An e-mail address (shape only: something@domain.tld), trimmed."""
    s = value.strip()
    if not _EMAIL.match(s):
        raise InputError(
            f"{value!r} is geen e-mailadres (verwacht bijvoorbeeld naam@voorbeeld.nl)", field=field
        )
    return s
