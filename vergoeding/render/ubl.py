"""An e-invoice: UBL 2.1 (EN 16931) in the format the customer receives
(:mod:`vergoeding.core.einvoice`): Peppol BIS Billing 3.0 or SI-UBL 2.0 (NLCIUS); a
self-billed invoice follows Peppol BIS Self-Billing 3.0 (type 389, credit note 261).

Each party carries its legal registration as ``PartyLegalEntity/CompanyID`` and as its
electronic address (``EndpointID``): the OIN (scheme 0190) for a public body that has one,
else the KvK number (scheme 0106). The buyer reference and order reference are the
client's own (``Invoice.buyer_reference`` / ``order_reference``), never our engagement
codes. A credit note becomes a UBL ``CreditNote`` with positive amounts that refers to the
credited invoice (``BillingReference``).

The test suite runs every kind of document this module writes through the UBL 2.1 XSD and
the official rule sets (CEN EN 16931, Peppol BIS 3.0, NLCIUS), see ``tests/test_einvoice_rules.py``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from vergoeding.core.einvoice import SI_UBL, legal_id, spec_for
from vergoeding.core.invoice import Invoice, Party, VatGroup
from vergoeding.core.money import round_cents, unsigned_zero
from vergoeding.core.text import printable

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CAC, CBC = NS["cac"], NS["cbc"]
UNIT_CODES = {"uur": "HUR", "dag": "DAY", "km": "KMT"}  # UN/ECE rec 20; everything else C62 (one)


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        e.text = printable(text, multiline=True)  # only characters XML 1.0 allows
    return e


def _money(x: Decimal) -> str:
    return f"{round_cents(x):.2f}"


def _qty(x: Decimal) -> str:
    q = unsigned_zero(x.quantize(Decimal("0.000001")).normalize())
    return f"{q:f}"


def _party(parent: ET.Element, tag: str, p: Party, *, customer: bool) -> None:
    party = _el(_el(parent, CAC, tag), CAC, "Party")
    legal = legal_id(p.kvk, p.oin)
    if legal:
        _el(party, CBC, "EndpointID", legal[0], schemeID=legal[1])
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
    entity = _el(party, CAC, "PartyLegalEntity")
    _el(entity, CBC, "RegistrationName", p.name)
    if legal:  # BR-NL-1 (supplier), BR-NL-10 (customer): KvK 0106 or OIN 0190
        _el(entity, CBC, "CompanyID", legal[0], schemeID=legal[1])
    if p.email:
        _el(_el(party, CAC, "Contact"), CBC, "ElectronicMail", p.email)


def _category(parent: ET.Element, tag: str, rate: Decimal, note: str) -> None:
    """EN 16931 needs a VAT category on every line and a breakdown: a KOR invoice (Wet OB art.
    25a) and the CRKBO exemption use category E (exempt), rate 0, with the reason text (the
    KOR note) in the breakdown; the human-readable documents show no VAT at all for KOR."""
    cat = _el(parent, CAC, tag)
    _el(cat, CBC, "ID", "S" if rate > 0 else "E")
    _el(cat, CBC, "Percent", _qty(rate * 100))
    if rate == 0 and tag == "TaxCategory":
        _el(cat, CBC, "TaxExemptionReason", note)
    _el(_el(cat, CAC, "TaxScheme"), CBC, "ID", "VAT")


NAME_MAX = 100


def item_name(text: str, limit: int = NAME_MAX) -> str:
    """The item name (BT-153) of a line: its text, shortened to ``limit`` characters in the
    middle when longer. A line text ends with its references in parentheses (our
    engagement code and the expert, or the client's own order number, see
    ``vergoeding.api.client_invoices.client_lines``); that closing part is kept whole when it
    takes at most half the room, so a shortened name still names the line's order number.
    The full text is in the item description (BT-154)."""
    if len(text) <= limit:
        return text
    tail = ""
    if text.endswith(")"):  # the closing parenthesis and what it encloses (nested ones too)
        depth = 0
        for i in range(len(text) - 1, 0, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                tail = text[i - 1:] if text[i - 1] == " " else text[i:]
                break
    if not tail or len(tail) > limit // 2:
        return text[:limit - 1].rstrip() + "…"
    return text[:limit - len(tail) - 1].rstrip() + "…" + tail


def _breakdown(groups: tuple[VatGroup, ...]) -> list[tuple[Decimal, Decimal, Decimal, str]]:
    """The VAT breakdown (BG-23) as (rate, base, vat, exemption reason): one per VAT category
    and rate. The invoice's own groups are per exemption (KOR, CRKBO, exempt institution),
    which the PDF shows separately; EN 16931 allows exactly one breakdown with category E
    (BR-E-01), so exempt groups become one, with their reasons joined by "; ". A zzp'er
    under the KOR with one CRKBO engagement thus gets one E breakdown naming both."""
    merged: dict[tuple[str, Decimal], list[VatGroup]] = {}
    for g in groups:
        merged.setdefault(("S" if g.rate > 0 else "E", g.rate), []).append(g)
    out = []
    for (_, rate), gs in merged.items():
        notes = list(dict.fromkeys(g.note for g in gs if g.note))
        out.append((rate, sum((g.base for g in gs), Decimal(0)), sum((g.vat for g in gs), Decimal(0)),
                    "; ".join(notes)))
    return out


def invoice_ubl(inv: Invoice) -> bytes:
    credit = inv.kind == "credit"
    sign = Decimal(-1) if credit else Decimal(1)
    root_ns = NS["cn"] if credit else NS[""]
    for prefix, uri in (("cac", CAC), ("cbc", CBC)):
        ET.register_namespace(prefix, uri)
    ET.register_namespace("", root_ns)
    root = ET.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}")
    spec = spec_for(inv.einvoice_format, self_billed=inv.self_billed)
    _el(root, CBC, "CustomizationID", spec.customization_id)
    _el(root, CBC, "ProfileID", spec.profile_id)
    _el(root, CBC, "ID", inv.number or "")
    _el(root, CBC, "IssueDate", inv.issue_date.isoformat())
    if not credit:
        _el(root, CBC, "DueDate", inv.due_date.isoformat())
        _el(root, CBC, "InvoiceTypeCode", spec.invoice_type)
    else:
        _el(root, CBC, "CreditNoteTypeCode", spec.credit_note_type)
    notes = (*inv.notes, *inv.exemption_notes, *([f"Reden: {inv.credit_reason}"] if credit else []))
    if notes:  # one note element: Peppol allows only one (PEPPOL-EN16931-R002)
        _el(root, CBC, "Note", "\n".join(notes))
    _el(root, CBC, "DocumentCurrencyCode", "EUR")
    # the client's own reference; without one the invoice number (BR-NL-2 / PEPPOL-EN16931-R003)
    _el(root, CBC, "BuyerReference", inv.buyer_reference or inv.number or "")
    if inv.service_from and inv.service_to:
        per = _el(root, CAC, "InvoicePeriod")
        _el(per, CBC, "StartDate", inv.service_from.isoformat())
        _el(per, CBC, "EndDate", inv.service_to.isoformat())
    if inv.order_reference:
        _el(_el(root, CAC, "OrderReference"), CBC, "ID", inv.order_reference)
    if credit and inv.credit_of:
        _el(_el(_el(root, CAC, "BillingReference"), CAC, "InvoiceDocumentReference"), CBC, "ID", inv.credit_of)
    _party(root, "AccountingSupplierParty", inv.supplier, customer=False)
    _party(root, "AccountingCustomerParty", inv.customer, customer=True)
    if inv.supplier.iban and not credit:  # a credit note asks for no payment: no means, no account to pay to
        pm = _el(root, CAC, "PaymentMeans")
        _el(pm, CBC, "PaymentMeansCode", "58")
        _el(pm, CBC, "PaymentID", inv.number or "")
        acct = _el(pm, CAC, "PayeeFinancialAccount")
        _el(acct, CBC, "ID", inv.supplier.iban.replace(" ", ""))
        if inv.einvoice_format != SI_UBL or inv.self_billed:  # NLCIUS advises against it (BR-NL-30)
            _el(acct, CBC, "Name", inv.supplier.name)
    _el(_el(root, CAC, "PaymentTerms"), CBC, "Note",
        f"Niet betalen: deze creditnota vervalt factuur {inv.credit_of}" if credit and inv.credit_of
        else f"Betaling binnen {inv.payment_term_days} dagen")
    t = inv.totals
    tax = _el(root, CAC, "TaxTotal")
    _el(tax, CBC, "TaxAmount", _money(sign * t.vat), currencyID="EUR")
    for rate, base, vat, note in _breakdown(t.groups):
        sub = _el(tax, CAC, "TaxSubtotal")
        _el(sub, CBC, "TaxableAmount", _money(sign * base), currencyID="EUR")
        _el(sub, CBC, "TaxAmount", _money(sign * vat), currencyID="EUR")
        _category(sub, "TaxCategory", rate, note)
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
        if len(line.description) > NAME_MAX:  # the full text where the short name is shortened
            _el(item, CBC, "Description", line.description)
        _el(item, CBC, "Name", item_name(line.description))
        _category(item, "ClassifiedTaxCategory", line.vat.rate, line.vat.note)
        _el(_el(el, CAC, "Price"), CBC, "PriceAmount", _money(line.unit_price), currencyID="EUR")
    ET.indent(root)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out
