"""Invoice values: line rounding, VAT per rate over the invoice, exemptions, numbering
format, the Wet OB art. 35a check, credit notes and the snapshot round trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vergoeding.core.invoice import (
    CRKBO_NOTE,
    KOR_NOTE,
    SELF_BILLING_NOTE,
    Invoice,
    InvoiceLine,
    Party,
    VatTreatment,
    client_vat,
    credit_note,
    expert_vat,
    format_number,
    invoice_from_dict,
    invoice_to_dict,
    missing_fields,
    totals,
)
from vergoeding.core.work import Address
from vergoeding.errors import ConfigError

D = Decimal
S21 = VatTreatment(D("0.21"))
S9 = VatTreatment(D("0.09"))
SUP = Party("Stichting Ervaring Werkt", Address("Oudegracht 100", "3511 AZ", "Utrecht"), "NL000099998B57", "12345678",
            "NL91ABNA0417164300")
CUS = Party("Gemeente Utrecht", Address("Stadsplateau 1", "3521 AZ", "Utrecht"))


def line(q: str, price: str, vat: VatTreatment = S21, day: date | None = date(2026, 10, 1)) -> InvoiceLine:
    return InvoiceLine("werk", D(q), "uur", D(price), vat, day, day)


def test_line_amount_is_rounded_once_half_up() -> None:
    assert line("2.5", "45.01").amount == D("112.53")  # 112.525 -> 112.53
    assert line("0.333333", "10.00").amount == D("3.33")
    assert line("-2.5", "45.01").amount == D("-112.53")  # symmetric on credit notes


def test_vat_per_rate_over_the_invoice_not_per_line() -> None:
    # three lines of 0.05 at 21%: per line 0.0105 -> 0.01 each (0.03); over the invoice 0.15 x 21% = 0.03
    # choose amounts where the two differ: 3 x 1.02 -> per line 0.2142 -> 0.21 (0.63); invoice 3.06 x 0.21 = 0.6426 -> 0.64
    t = totals([line("1", "1.02"), line("1", "1.02"), line("1", "1.02")])
    assert t.excl == D("3.06")
    assert t.vat == D("0.64")
    assert t.total == D("3.70")


def test_several_rates_and_an_exemption() -> None:
    kor = VatTreatment(D("0"), KOR_NOTE, "kor")
    t = totals([line("3.75", "45.00"), line("7.333333333333333333333333333", "85.00"), line("2", "19.99", S9),
                line("1", "100.00", kor)])
    by_rate = {(g.rate, g.code): g for g in t.groups}
    assert by_rate[(D("0.21"), "standard")].base == D("792.08")  # 168.75 + 623.33
    assert by_rate[(D("0.21"), "standard")].vat == D("166.34")  # 166.3368
    assert by_rate[(D("0.09"), "standard")].base == D("39.98")
    assert by_rate[(D("0.09"), "standard")].vat == D("3.60")  # 3.5982
    assert by_rate[(D("0"), "kor")].vat == D("0.00")
    assert t.excl == D("932.06")
    assert t.vat == D("169.94")
    assert t.total == D("1102.00")


def test_client_vat_comes_from_the_rate_passed_in_or_an_exemption_note() -> None:
    assert client_vat(D("0.21")) == VatTreatment(D("0.21"), "", "standard")
    assert client_vat(D("0.19")).rate == D("0.19")  # never a literal: whatever the limits data says
    ex = client_vat(D("0.21"), "Vrijgesteld van btw op grond van art. 11 lid 1 onderdeel f Wet OB 1968")
    assert ex.rate == 0 and "art. 11" in ex.note
    with pytest.raises(ConfigError):
        client_vat(D("0.21"), "  ")


def test_expert_vat_kor_crkbo_standard() -> None:
    assert expert_vat(D("0.21"), None) == VatTreatment(D("0.21"), "", "standard")
    kor = expert_vat(D("0.21"), "kor")
    # Wet OB art. 25a (not 25); lid 4: the note names the scheme, not the tax
    assert kor.rate == 0 and kor.note == KOR_NOTE and "art. 25a Wet OB 1968" in kor.note
    assert "kleineondernemersregeling (KOR" in kor.note and "btw" not in kor.note.lower()
    crkbo = expert_vat(D("0.21"), "crkbo")
    assert crkbo.rate == 0 and "art. 11 lid 1 onderdeel o Wet OB 1968" in crkbo.note and crkbo.note == CRKBO_NOTE
    with pytest.raises(ConfigError):
        expert_vat(D("0.21"), "vrij")


def test_kor_invoice_totals() -> None:
    kor = expert_vat(D("0.21"), "kor")
    inv = Invoice("expert", SUP, CUS, date(2026, 11, 5), (line("2", "55.00", kor),), number="X-1")
    assert inv.totals.total == D("110.00") and inv.totals.vat == D("0.00")
    assert inv.exemption_notes == (KOR_NOTE,)


def test_number_format() -> None:
    assert format_number("{year}-{seq:04d}", year=2026, seq=1) == "2026-0001"
    assert format_number("F{year}{seq:05d}", year=2026, seq=42) == "F202600042"
    assert format_number("ZF{year}-{expert}-{seq:03d}", year=2026, seq=7, expert="E002") == "ZF2026-E002-007"
    with pytest.raises(ConfigError, match="seq"):
        format_number("{year}", year=2026, seq=1)
    with pytest.raises(ConfigError):
        format_number("{jaar}-{seq}", year=2026, seq=1)


def test_missing_fields_lists_every_gap() -> None:
    bare = Party("", Address())
    inv = Invoice("client", bare, bare, date(2026, 11, 5),
                  (InvoiceLine("", D(1), "", D(10), VatTreatment(D(0)), None, None),), self_billed=True)
    missing = missing_fields(inv)
    for text in ("naam leverancier", "adres leverancier (straat, postcode en plaats)", "naam afnemer",
                 "adres afnemer (straat, postcode en plaats)", "btw-identificatienummer leverancier",
                 "KvK-nummer leverancier", "factuurnummer", "regel 1: omschrijving van de dienst",
                 "regel 1: eenheid (omvang van de dienst)", "regel 1: datum van de dienst",
                 "regel 1: vrijstellingsvermelding (geen btw zonder reden)",
                 f"vermelding '{SELF_BILLING_NOTE}'"):
        assert text in missing
    ok = Invoice("client", SUP, CUS, date(2026, 11, 5), (line("1", "10"),), number="2026-0001")
    assert missing_fields(ok) == []
    assert "omschrijving en omvang van de dienst (geen regels)" in missing_fields(
        Invoice("client", SUP, CUS, date(2026, 11, 5), (), number="1"))


def test_credit_note_negates_everything() -> None:
    inv = Invoice("client", SUP, CUS, date(2026, 11, 5), (line("3.75", "45.00"), line("1", "1.02")), number="2026-0001")
    cn = credit_note(inv, issue_date=date(2026, 11, 20), reason="verkeerd tarief")
    assert cn.kind == "credit" and cn.credit_of == "2026-0001" and cn.number is None
    assert cn.totals.excl == -inv.totals.excl
    assert cn.totals.vat == -inv.totals.vat == D("-35.65")
    assert cn.totals.total == D("-205.42")


def test_snapshot_round_trip() -> None:
    inv = Invoice("expert", SUP, CUS, date(2026, 11, 5), (line("7.333333333333333333333333333", "62.50"),),
                  number="ZF2026-E002-001", self_billed=True, notes=(SELF_BILLING_NOTE,), period="2026-10")
    d = invoice_to_dict(inv)
    assert d["totals"]["total"] == "554.58"
    assert invoice_from_dict(d) == inv
