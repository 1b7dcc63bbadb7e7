"""Identification numbers: validate and normalise IBAN, BSN, VAT id, KvK, OIN, postcode, e-mail,
telephone number.

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
_PHONE_CHARS = re.compile(r"^\+?[\d\s.\-()/]+$")
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


def phone(value: str, *, field: str = "telefoon") -> str:
    """A telephone number, checked with ``phonenumbers`` (Google's libphonenumber data) and
    written the way a letter shows it: a Dutch number in the national form with the area code
    apart (``0301234567``, ``+31 30 123 4567`` -> ``030 123 4567``; mobile ``06 12345678``),
    a foreign number in the international form (``+49 30 1234567``). Letters are refused
    (no vanity numbers such as 0800-BELLEN): only digits, spaces, ``+ - . ( ) /``."""
    import phonenumbers  # lazily: its metadata is only needed when a number is typed

    s = value.strip()
    example = "verwacht bijvoorbeeld 030 123 4567, 06 12345678 of +31 30 123 4567"
    if not _PHONE_CHARS.match(s):
        raise InputError(f"{value!r} is geen telefoonnummer (alleen cijfers, spaties en + - ( ); {example})",
                         field=field)
    try:
        number = phonenumbers.parse(s, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InputError(f"{value!r} is geen geldig telefoonnummer ({example})", field=field)
    if phonenumbers.region_code_for_number(number) == "NL":
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
