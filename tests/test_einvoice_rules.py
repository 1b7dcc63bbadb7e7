"""Every kind of UBL document the program writes, in both Dutch e-invoice formats, through
the UBL 2.1 XSD and the official rule sets a receiver runs (CEN EN 16931, Peppol BIS
Billing 3.0, NLCIUS / SI-UBL 2.0; vendored in tests/einvoice/): no fatal finding. The same
check fails on deliberately broken documents, naming the rule.

The rule sets are compiled once per session (``ubl_rules`` in conftest.py); the documents
are built once per module."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import entry
from einvoice_rules import NLCIUS, PEPPOL_BILLING, PEPPOL_SELF_BILLING, UBL_NS, UblRules
from invoicing_data import ISSUE, agree_self_billing, build, workspace
from lxml import etree
from sqlalchemy import update

from vergoeding.api import invoices as api
from vergoeding.core.einvoice import buyer_references, parse_format
from vergoeding.core.period import parse_period
from vergoeding.errors import RuleViolation
from vergoeding.store import schema as s

OCT, NOV = parse_period("2026-10"), parse_period("2026-11")
EXEMPT_NOTE = "Vrijgesteld van btw: sociaal-culturele dienst, art. 11 lid 1 onderdeel f Wet OB 1968"
KINDS = ("client-oin", "client-exempt-kvk", "credit-note", "expert", "self-billed", "self-billed-credit",
         "kor", "kor-credit", "crkbo-exempt")
SELF_BILLED = ("expert", "self-billed", "self-billed-credit", "kor", "kor-credit", "crkbo-exempt")
FORMATS = ("peppol", "si-ubl")
# The Peppol billing rules bound to the billing profile's identifiers. A self-billed
# document carries the self-billing ones instead; every other Peppol rule still holds.
SELF_BILLING_PROFILE_RULES = {"PEPPOL-EN16931-R004", "PEPPOL-EN16931-R007"}
# NLCIUS has no self-billing profile: its only objection to a self-billed document is the
# CustomizationID (SI-V20-INV-R000, "not tagged as an SI-UBL 2.0 invoice").
NLCIUS_PROFILE_RULES = {"SI-V20-INV-R000"}


def build_documents(db: Path, fmt: str) -> dict[str, bytes]:
    """One administration, every document kind, all organisations on e-invoice format ``fmt``."""
    ws = build(db)
    with ws.engine.begin() as c:
        c.execute(update(s.organisations).values(einvoice_format=fmt))
        c.execute(update(s.organisations).where(s.organisations.c.code == "GEM-UTR")
                  .values(buyer_reference="Kostenplaats 4410"))
        c.execute(update(s.engagements).where(s.engagements.c.code.in_(["G001", "G002"]))
                  .values(order_number="PO-2026-77"))
        entry(c, "G002", date(2026, 11, 3), minutes=90, activity="training")
        # a line text over 100 characters: a short item name plus the full description
        c.execute(update(s.engagements).where(s.engagements.c.code == "G004").values(
            description="training voor professionals in de wijkteams over armoede, schulden en de eigen ervaring "
                        "als ervaringsdeskundige"))
    made = {
        "client-oin": api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE),
        # our organisation as a VAT-exempt institution: category E with the specific note
        "client-exempt-kvk": api.create_client_invoice(workspace(db, invoices={"vat_exempt_note": EXEMPT_NOTE}),
                                                       "ZORG", OCT, issue_date=ISSUE),
    }
    # An expert's invoice is ours to write only under a self-billing agreement: the invoice a
    # zzp'er sent us is theirs, and we write no e-invoice for it (docs/E-INVOICE.md). So every
    # expert document here is self-billed, with the same amounts and VAT cases (21%, KOR, CRKBO).
    agree_self_billing(ws, "G003", "G004")
    made["self-billed"] = api.create_expert_invoice(ws, "E002", OCT, issue_date=ISSUE, self_billing=True)
    made["expert"] = api.create_expert_invoice(ws, "E002", NOV, issue_date=ISSUE, self_billing=True)
    made["kor"] = api.create_expert_invoice(ws, "E003", OCT, issue_date=ISSUE, self_billing=True)
    made["crkbo-exempt"] = api.create_expert_invoice(ws, "E004", OCT, issue_date=ISSUE, self_billing=True)
    made["credit-note"] = api.credit(ws, str(made["client-oin"].number), "verkeerd tarief", issue_date=ISSUE)
    made["self-billed-credit"] = api.credit(ws, str(made["self-billed"].number), "dubbel", issue_date=ISSUE)
    made["kor-credit"] = api.credit(ws, str(made["kor"].number), "dubbel", issue_date=ISSUE)
    return {kind: api.render(ws, str(made[kind].number), "ubl") for kind in KINDS}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    out: dict[tuple[str, str], bytes] = {}
    for fmt in FORMATS:
        docs = build_documents(tmp_path_factory.mktemp(fmt) / "db.sqlite", fmt)
        out.update({(fmt, kind): xml for kind, xml in docs.items()})
    return out


def expected_customization(fmt: str, kind: str) -> str:
    if kind in SELF_BILLED:
        return PEPPOL_SELF_BILLING
    return NLCIUS if fmt == "si-ubl" else PEPPOL_BILLING


def check_ubl(rules: UblRules, xml: bytes, customization: str) -> None:
    """THE check: the document says which specification it follows, and the XSD and every
    rule set that applies to that specification report no fatal finding."""
    root = etree.fromstring(xml)
    assert root.findtext("cbc:CustomizationID", namespaces=UBL_NS) == customization
    fatal = rules.fatal(xml)
    assert not fatal, "\n".join(str(f) for f in fatal)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_ubl_document_passes_its_rule_sets(ubl_rules: UblRules, documents: dict[tuple[str, str], bytes],
                                                 fmt: str, kind: str) -> None:
    check_ubl(ubl_rules, documents[(fmt, kind)], expected_customization(fmt, kind))


def test_the_rule_sets_that_ran(ubl_rules: UblRules, documents: dict[tuple[str, str], bytes]) -> None:
    assert ubl_rules.rule_sets(documents[("peppol", "client-oin")]) == ("cen", "peppol")
    assert ubl_rules.rule_sets(documents[("si-ubl", "client-oin")]) == ("nlcius",)  # includes the CEN rules
    assert ubl_rules.rule_sets(documents[("si-ubl", "self-billed")]) == ("cen",)


@pytest.mark.parametrize("kind", SELF_BILLED)
@pytest.mark.parametrize("fmt", FORMATS)
def test_self_billed_documents_meet_every_peppol_and_nlcius_rule_but_the_profile_ids(
        ubl_rules: UblRules, documents: dict[tuple[str, str], bytes], fmt: str, kind: str) -> None:
    """Peppol's self-billing Schematron is not shipped; run the billing one and NLCIUS on
    every self-billed document (the expert, KOR and CRKBO cases included) and show that only
    the rules naming the billing profile's identifiers object."""
    xml = documents[(fmt, kind)]
    found = {f.rule for f in ubl_rules.schematron(xml, "peppol") if f.flag == "fatal"}
    assert found == SELF_BILLING_PROFILE_RULES
    found = {f.rule for f in ubl_rules.schematron(xml, "nlcius") if f.flag == "fatal"}
    assert found == NLCIUS_PROFILE_RULES


def _el(xml: bytes, path: str) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(xml)
    el = root.find(path, UBL_NS)
    assert el is not None, path
    return root, el


def _drop(xml: bytes, path: str) -> bytes:
    root, el = _el(xml, path)
    el.getparent().remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _set(xml: bytes, path: str, text: str) -> bytes:
    root, el = _el(xml, path)
    el.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _insert_unknown(xml: bytes) -> bytes:
    root, el = _el(xml, "cbc:IssueDate")
    el.addnext(etree.Element(f"{{{UBL_NS['cbc']}}}Onbekend"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


BROKEN = {
    # SI-UBL: a municipality without its OIN as legal entity
    "BR-NL-10": ("si-ubl", "client-oin",
                 lambda x: _drop(x, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")),
    # CEN: the amount due does not follow from the totals
    "BR-CO-16": ("peppol", "client-oin", lambda x: _set(x, "cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00")),
    # Peppol: no buyer reference and no order reference
    # (ZORG gave no reference of its own, so its BuyerReference is the only reference)
    "PEPPOL-EN16931-R003": ("peppol", "client-exempt-kvk", lambda x: _drop(x, "cbc:BuyerReference")),
    # NLCIUS: payment means outside the Dutch list (31 = debit transfer)
    "BR-NL-12": ("si-ubl", "client-exempt-kvk", lambda x: _set(x, "cac:PaymentMeans/cbc:PaymentMeansCode", "31")),
    # UBL 2.1 XSD: an element the schema does not know
    "XSD": ("si-ubl", "credit-note", _insert_unknown),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_broken_document_fails_the_same_check(ubl_rules: UblRules, documents: dict[tuple[str, str], bytes],
                                                rule: str) -> None:
    fmt, kind, breaker = BROKEN[rule]
    good = documents[(fmt, kind)]
    check_ubl(ubl_rules, good, expected_customization(fmt, kind))  # passes before it is broken
    with pytest.raises(AssertionError) as failed:
        check_ubl(ubl_rules, breaker(good), expected_customization(fmt, kind))
    assert rule in str(failed.value)


def test_customer_legal_entity_and_references(documents: dict[tuple[str, str], bytes]) -> None:
    """BR-NL-10: the municipality by its OIN (0190), a foundation by its KvK number (0106);
    the client's own references, never our engagement codes."""
    def party(xml: bytes) -> tuple[str | None, str | None, str | None]:
        root = etree.fromstring(xml)
        cid = root.find("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", UBL_NS)
        ep = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", UBL_NS)
        assert cid is not None and ep is not None
        return cid.text, cid.get("schemeID"), ep.get("schemeID")

    for fmt in FORMATS:
        assert party(documents[(fmt, "client-oin")]) == ("00000001002220647000", "0190", "0190")
        assert party(documents[(fmt, "client-exempt-kvk")]) == ("41234567", "0106", "0106")
        root = etree.fromstring(documents[(fmt, "client-oin")])
        assert root.findtext("cbc:BuyerReference", namespaces=UBL_NS) == "Kostenplaats 4410"
        assert root.findtext("cac:OrderReference/cbc:ID", namespaces=UBL_NS) == "PO-2026-77"
        # ZORG gave no reference: the invoice number, not "G003, G004"
        other = etree.fromstring(documents[(fmt, "client-exempt-kvk")])
        assert other.findtext("cbc:BuyerReference", namespaces=UBL_NS) == "2026-0002"
        assert other.find("cac:OrderReference", UBL_NS) is None


def test_long_line_text_keeps_its_full_description(documents: dict[tuple[str, str], bytes]) -> None:
    item = etree.fromstring(documents[("si-ubl", "crkbo-exempt")]).find("cac:InvoiceLine/cac:Item", UBL_NS)
    assert item is not None
    full = item.findtext("cbc:Description", namespaces=UBL_NS) or ""
    assert full.endswith("als ervaringsdeskundige (opdracht G004, bij ZORG)")
    # shortened in the middle, keeping the closing reference (tests/test_einvoice_edges.py)
    assert item.findtext("cbc:Name", namespaces=UBL_NS) == full[:73] + "… (opdracht G004, bij ZORG)"


def test_type_codes(documents: dict[tuple[str, str], bytes]) -> None:
    def code(fmt: str, kind: str) -> str | None:
        root = etree.fromstring(documents[(fmt, kind)])
        return root.findtext("cbc:InvoiceTypeCode", namespaces=UBL_NS) or root.findtext(
            "cbc:CreditNoteTypeCode", namespaces=UBL_NS)

    for fmt in FORMATS:
        assert [code(fmt, k) for k in ("client-oin", "credit-note", "self-billed", "self-billed-credit")] == \
            ["380", "381", "389", "261"]


def test_one_note_with_every_text(documents: dict[tuple[str, str], bytes]) -> None:
    """Peppol allows one document note (PEPPOL-EN16931-R002): the exemption and the
    reason of a credit note share it."""
    root = etree.fromstring(documents[("peppol", "kor-credit")])
    notes = root.findall("cbc:Note", UBL_NS)
    assert len(notes) == 1
    assert "kleineondernemersregeling" in (notes[0].text or "") and "Reden: dubbel" in (notes[0].text or "")


def test_buyer_references() -> None:
    assert buyer_references("Kostenplaats 4410", ["PO-1", "PO-1"]) == ("Kostenplaats 4410", "PO-1")
    assert buyer_references(None, ["PO-1", "PO-1"]) == ("PO-1", "PO-1")
    # different order numbers, or one engagement without: no single order reference
    assert buyer_references(None, ["PO-2", "PO-1", ""]) == ("PO-1, PO-2", "")
    assert buyer_references("", ["PO-1", ""]) == ("PO-1", "")
    assert buyer_references(None, ["", ""]) == ("", "")


def test_parse_format() -> None:
    assert parse_format("SI-UBL") == "si-ubl" and parse_format("nlcius") == "si-ubl"
    assert parse_format("") == "peppol" and parse_format("Peppol") == "peppol"
    with pytest.raises(ValueError, match="si-ubl"):
        parse_format("xrechnung")


def test_client_without_kvk_or_oin_is_refused_before_numbering(tmp_path: Path) -> None:
    """A client that must receive e-invoices (marked as a public body) keeps the refusal; one
    that need not gets a PDF invoice without e-invoice (tests/test_billing.py)."""
    ws = build(tmp_path / "db.sqlite")
    with ws.engine.begin() as c:
        c.execute(update(s.organisations).where(s.organisations.c.code == "ZORG")
                  .values(kvk=None, einvoice_required=True))
    with pytest.raises(RuleViolation) as exc:
        api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE)
    assert "KvK-nummer of OIN afnemer" in exc.value.message and "org edit ZORG" in exc.value.message
    assert api.list_invoices(ws) == []
    # a concept may wait for the number, but is not issued without it
    concept = api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE, concept=True)
    with pytest.raises(RuleViolation, match="KvK-nummer of OIN afnemer"):
        api.issue(ws, concept.label, issue_date=ISSUE)
    assert api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE).number == "2026-0001"
