"""Identification numbers: validated with python-stdnum, normalised, Dutch messages."""

from __future__ import annotations

import pytest

from vergoeding.core import ids
from vergoeding.errors import InputError


def test_iban_normalised_and_refused() -> None:
    assert ids.iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    with pytest.raises(InputError) as exc:
        ids.iban("NL00ABNA0417164300")
    assert exc.value.field == "iban" and "geen geldig IBAN" in exc.value.message


def test_iban_with_check_digits_is_valid() -> None:
    made = ids.iban_with_check_digits("NL", "RABO0123456789")
    assert made == "NL44RABO0123456789"
    assert ids.iban(made) == made


def test_bsn_eleven_test_and_never_echoed() -> None:
    assert ids.bsn("1112.22.333") == "111222333"
    with pytest.raises(InputError) as exc:
        ids.bsn("123456789")
    assert "elfproef" in exc.value.message and "123456789" not in exc.value.message


def test_vat_ids_dutch_and_eu() -> None:
    assert ids.vat_id("nl 0000.99998.B57") == "NL000099998B57"
    assert ids.vat_id("000099998B57") == "NL000099998B57"
    assert ids.vat_id("DE 136,695 976") == "DE136695976"
    with pytest.raises(InputError, match="geen geldig btw-nummer"):
        ids.vat_id("NL123456789B01")


def test_kvk_oin_postcode_email_bic() -> None:
    assert ids.kvk("1234 5678") == "12345678"
    with pytest.raises(InputError, match="8 cijfers"):
        ids.kvk("1234567")
    assert ids.oin("00000001 002220647000") == "00000001002220647000"
    with pytest.raises(InputError, match="20 cijfers"):
        ids.oin("123")
    assert ids.postcode("3511ab") == "3511 AB"
    with pytest.raises(InputError, match="postcode"):
        ids.postcode("0123 AB")
    assert ids.email(" a@b.nl ") == "a@b.nl"
    with pytest.raises(InputError, match="e-mailadres"):
        ids.email("a@b")
    assert ids.bic("abnanl2a") == "ABNANL2A"
