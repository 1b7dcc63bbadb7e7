"""A BSN is recognised only where the data says it is one (issue 21, item 1).

A Dutch VAT id of an organisation is built on its RSIN, and an RSIN passes the same 11-test as
a BSN: ``NL123456782B01`` was printed as ``NL*****6782B01`` on every invoice and by
``org show``. VAT ids, KvK numbers, IBANs and invoice numbers are never masked; a BSN of its
own in free text still is (and is still refused as input)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from invoicing_data import build
from stdnum.nl import bsn as stdnum_bsn

from vergoeding.core.text import clean_text
from vergoeding.errors import InputError, mask_bsns

OWN_VAT = "NL123456782B01"  # RSIN 123456782 passes the 11-test
CLIENT_VAT = "NL002220647B01"  # idem (the client of tests/invoicing_data.py)
EXPERT_VAT = "NL111222333B01"  # idem, a zzp'er with VAT
ENV = {"VERGOEDING_TODAY": "2026-11-05"}


def test_the_vat_ids_of_this_test_pass_the_11_test() -> None:
    assert all(stdnum_bsn.is_valid(v[2:11]) for v in (OWN_VAT, CLIENT_VAT, EXPERT_VAT))


@pytest.mark.parametrize("text", [
    "Btw-id NL123456782B01", "nl123456782b01", "NL 1234.56.782 B01", "NL 123 456 782 B01",
    "IBAN NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "KvK 12345678",
    "factuur 2026-123456782", "F/123456782", "E001_123456782", "code X123456782",
])
def test_registered_numbers_are_never_masked(text: str) -> None:
    assert mask_bsns(text) == text


@pytest.mark.parametrize(("text", "masked"), [
    ("123456782", "*****6782"), ("bsn: 123.456.782, klaar", "bsn: *****6782, klaar"),
    ("(1234 56 782)", "(*****6782)"), ("BSN 123456782.", "BSN *****6782."),
])
def test_a_bsn_of_its_own_is_masked(text: str, masked: str) -> None:
    assert mask_bsns(text) == masked


def test_free_text_may_name_a_vat_id_but_not_a_bsn() -> None:
    assert clean_text("Factuur naar NL123456782B01", field="description") == "Factuur naar NL123456782B01"
    with pytest.raises(InputError, match="burgerservicenummer"):
        clean_text("bsn 123456782", field="description")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Invoices, an expert invoice and a credit note with RSIN-based VAT ids on every party."""
    from vergoeding.__main__ import load_cli

    tmp = tmp_path_factory.mktemp("vat")
    db = tmp / "v.db"
    build(db)
    cli = load_cli().cli
    assert isinstance(cli, click.Group)
    runner = CliRunner(env={**ENV, "VERGOEDING_DB": str(db)})

    def run(*args: str) -> str:
        r = runner.invoke(cli, list(args), catch_exceptions=False)
        assert r.exit_code == 0, (args, r.output)
        return r.stdout

    run("org", "edit", "EIGEN", "--vat-id", OWN_VAT, "--kvk", "41234567", "--iban", "NL91ABNA0417164300")
    run("expert", "edit", "E002", "--vat-id", EXPERT_VAT)
    out: dict[str, str] = {}
    run("invoice", "create", "--client", "GEM-UTR", "--period", "2026-10")
    run("invoice", "expert", "--expert", "E002", "--period", "2026-10", "--self-billing")
    run("invoice", "credit", "2026-0001", "--reason", "verkeerd tarief")
    for number, name in (("2026-0001", "client"), ("ZF2026-E002-001", "expert"), ("2026-0002", "credit")):
        listed = json.loads(run("invoice", "list", "--format", "json"))
        assert number in [x["number"] for x in listed], listed
        pdf = tmp / f"{name}.pdf"
        run("invoice", "render", number, "--format", "pdf", "-o", str(pdf))
        out[name] = pdf_text(pdf)
    out["org show"] = run("org", "show", "EIGEN") + run("org", "show", "GEM-UTR")
    out["org json"] = run("org", "show", "GEM-UTR", "--format", "json")
    out["expert show"] = run("expert", "show", "E002")
    return out


def test_client_invoice_and_credit_note_show_both_vat_ids_in_full(made: dict[str, str]) -> None:
    for kind in ("client", "credit"):
        text = made[kind]
        assert f"Btw-id {OWN_VAT}" in text and f"Btw-id {CLIENT_VAT}" in text, kind
        assert "*****" not in text
        assert "IBAN NL91ABNA0417164300" in text and "KvK 41234567" in text


def test_expert_invoice_shows_both_vat_ids_in_full(made: dict[str, str]) -> None:
    text = made["expert"]
    assert f"Btw-id {EXPERT_VAT}" in text and f"Btw-id {OWN_VAT}" in text
    assert "ZF2026-E002-001" in text and "*****" not in text


def test_the_unit_price_says_it_excludes_vat(made: dict[str, str]) -> None:
    """Wet OB art. 35a lid 1 h: 'de eenheidsprijs exclusief belasting'; the header said only
    'Prijs per eenheid'."""
    for kind in ("client", "expert", "credit"):
        head = made[kind].split("Omschrijving", 1)[1][:400]
        assert head.count("excl. btw") == 2, (kind, head)  # unit price and line amount


def test_org_and_expert_show_print_vat_ids_in_full(made: dict[str, str]) -> None:
    assert OWN_VAT in made["org show"] and CLIENT_VAT in made["org show"]
    assert json.loads(made["org json"])["vat_id"] == CLIENT_VAT
    assert EXPERT_VAT in made["expert show"] and "*****" not in made["org show"]
