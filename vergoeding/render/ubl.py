"""An e-invoice: UBL 2.1 following Peppol BIS Billing 3.0 (EN 16931), with the NLCIUS
basics: a buyer reference, KvK (scheme 0106) as legal id, and the customer's endpoint as
its OIN (scheme 0190) when it has one (Dutch government bodies), else its KvK number.

A credit note becomes a UBL ``CreditNote`` (type 381) with positive amounts that refers to
the credited invoice (``BillingReference``); a self-billed invoice has type 389.
This covers the basics; validate with the Peppol/NLCIUS Schematron before production use.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from vergoeding.core.invoice import Invoice, Party
from vergoeding.core.money import round_cents

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CAC, CBC = NS["cac"], NS["cbc"]
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
UNIT_CODES = {"uur": "HUR", "dag": "DAY", "km": "KMT"}  # UN/ECE rec 20; everything else C62 (one)


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        e.text = text
    return e


def _money(x: Decimal) -> str:
    return f"{round_cents(x):.2f}"


def _qty(x: Decimal) -> str:
    q = x.quantize(Decimal("0.000001")).normalize()
    return f"{q:f}"


def _party(parent: ET.Element, tag: str, p: Party, *, customer: bool) -> None:
    party = _el(_el(parent, CAC, tag), CAC, "Party")
    if customer and p.oin:
        _el(party, CBC, "EndpointID", p.oin, schemeID="0190")
    elif p.kvk:
        _el(party, CBC, "EndpointID", p.kvk, schemeID="0106")
    if customer and p.oin:
        ident = _el(party, CAC, "PartyIdentification")
        _el(ident, CBC, "ID", p.oin, schemeID="0190")
    _el(_el(party, CAC, "PartyName"), CBC, "Name", p.name)
    addr = _el(party, CAC, "PostalAddress")
    _el(addr, CBC, "StreetName", p.address.street)
    _el(addr, CBC, "CityName", p.address.city)
    _el(addr, CBC, "PostalZone", p.address.postcode)
    _el(_el(addr, CAC, "Country"), CBC, "IdentificationCode", "NL")
    if p.vat_id:
        pts = _el(party, CAC, "PartyTaxScheme")
        _el(pts, CBC, "CompanyID", p.vat_id)
        _el(_el(pts, CAC, "TaxScheme"), CBC, "ID", "VAT")
    legal = _el(party, CAC, "PartyLegalEntity")
    _el(legal, CBC, "RegistrationName", p.name)
    if p.kvk:
        _el(legal, CBC, "CompanyID", p.kvk, schemeID="0106")
    if p.email:
        _el(_el(party, CAC, "Contact"), CBC, "ElectronicMail", p.email)


def _category(parent: ET.Element, tag: str, rate: Decimal, note: str) -> None:
    cat = _el(parent, CAC, tag)
    _el(cat, CBC, "ID", "S" if rate > 0 else "E")
    _el(cat, CBC, "Percent", _qty(rate * 100))
    if rate == 0 and tag == "TaxCategory":
        _el(cat, CBC, "TaxExemptionReason", note)
    _el(_el(cat, CAC, "TaxScheme"), CBC, "ID", "VAT")


def invoice_ubl(inv: Invoice) -> bytes:
    credit = inv.kind == "credit"
    sign = Decimal(-1) if credit else Decimal(1)
    root_ns = NS["cn"] if credit else NS[""]
    for prefix, uri in (("cac", CAC), ("cbc", CBC)):
        ET.register_namespace(prefix, uri)
    ET.register_namespace("", root_ns)
    root = ET.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}")
    _el(root, CBC, "CustomizationID", CUSTOMIZATION)
    _el(root, CBC, "ProfileID", PROFILE)
    _el(root, CBC, "ID", inv.number or "")
    _el(root, CBC, "IssueDate", inv.issue_date.isoformat())
    if not credit:
        _el(root, CBC, "DueDate", inv.due_date.isoformat())
        _el(root, CBC, "InvoiceTypeCode", "389" if inv.self_billed else "380")
    else:
        _el(root, CBC, "CreditNoteTypeCode", "381")
    for note in (*inv.notes, *inv.exemption_notes, *([f"Reden: {inv.credit_reason}"] if credit else [])):
        _el(root, CBC, "Note", note)
    _el(root, CBC, "DocumentCurrencyCode", "EUR")
    _el(root, CBC, "BuyerReference", inv.reference or inv.number or "")
    if inv.service_from and inv.service_to:
        per = _el(root, CAC, "InvoicePeriod")
        _el(per, CBC, "StartDate", inv.service_from.isoformat())
        _el(per, CBC, "EndDate", inv.service_to.isoformat())
    if credit and inv.credit_of:
        _el(_el(_el(root, CAC, "BillingReference"), CAC, "InvoiceDocumentReference"), CBC, "ID", inv.credit_of)
    _party(root, "AccountingSupplierParty", inv.supplier, customer=False)
    _party(root, "AccountingCustomerParty", inv.customer, customer=True)
    if inv.supplier.iban:
        pm = _el(root, CAC, "PaymentMeans")
        _el(pm, CBC, "PaymentMeansCode", "58" if not credit else "30")
        _el(pm, CBC, "PaymentID", inv.number or "")
        acct = _el(pm, CAC, "PayeeFinancialAccount")
        _el(acct, CBC, "ID", inv.supplier.iban.replace(" ", ""))
        _el(acct, CBC, "Name", inv.supplier.name)
    _el(_el(root, CAC, "PaymentTerms"), CBC, "Note", f"Betaling binnen {inv.payment_term_days} dagen")
    t = inv.totals
    tax = _el(root, CAC, "TaxTotal")
    _el(tax, CBC, "TaxAmount", _money(sign * t.vat), currencyID="EUR")
    for g in t.groups:
        sub = _el(tax, CAC, "TaxSubtotal")
        _el(sub, CBC, "TaxableAmount", _money(sign * g.base), currencyID="EUR")
        _el(sub, CBC, "TaxAmount", _money(sign * g.vat), currencyID="EUR")
        _category(sub, "TaxCategory", g.rate, g.note)
    tot = _el(root, CAC, "LegalMonetaryTotal")
    _el(tot, CBC, "LineExtensionAmount", _money(sign * t.excl), currencyID="EUR")
    _el(tot, CBC, "TaxExclusiveAmount", _money(sign * t.excl), currencyID="EUR")
    _el(tot, CBC, "TaxInclusiveAmount", _money(sign * t.total), currencyID="EUR")
    _el(tot, CBC, "PayableAmount", _money(sign * t.total), currencyID="EUR")
    for i, line in enumerate(inv.lines, start=1):
        el = _el(root, CAC, "CreditNoteLine" if credit else "InvoiceLine")
        _el(el, CBC, "ID", str(i))
        _el(el, CBC, "CreditedQuantity" if credit else "InvoicedQuantity", _qty(sign * line.quantity),
            unitCode=UNIT_CODES.get(line.unit, "C62"))
        _el(el, CBC, "LineExtensionAmount", _money(sign * line.amount), currencyID="EUR")
        if line.service_from and line.service_to:
            per = _el(el, CAC, "InvoicePeriod")
            _el(per, CBC, "StartDate", line.service_from.isoformat())
            _el(per, CBC, "EndDate", line.service_to.isoformat())
        item = _el(el, CAC, "Item")
        _el(item, CBC, "Name", line.description[:100])
        _category(item, "ClassifiedTaxCategory", line.vat.rate, line.vat.note)
        _el(_el(el, CAC, "Price"), CBC, "PriceAmount", _money(line.unit_price), currencyID="EUR")
    ET.indent(root)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out
