"""E-invoice edge cases found when issue 14 was checked by hand, kept as regressions: every
document still goes through the XSD and the official rule sets (``ubl_rules``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from einvoice_rules import UBL_NS, UblRules
from lxml import etree

from vergoeding.core.invoice import (
    Invoice,
    InvoiceLine,
    Party,
    client_vat,
    credit_note,
    expert_vat,
)
from vergoeding.core.work import Address
from vergoeding.render.ubl import invoice_ubl

SUPPLIER = Party("Docent & Co", Address("Lijnmarkt 4", "3511 KE", "Utrecht"), "NL000099998B57", "30123456",
                 "NL91ABNA0417164300", code="E9")
CUSTOMER = Party("Gemeente Zeist", Address("Het Rond 1", "3701 HS", "Zeist"), oin="00000001001772054000")
EXEMPT_NOTE = "Vrijgesteld van btw: sociaal-culturele dienst, art. 11 lid 1 onderdeel f Wet OB 1968"


def _invoice(fmt: str, lines: tuple[InvoiceLine, ...]) -> Invoice:
    return Invoice(kind="expert", supplier=SUPPLIER, customer=CUSTOMER, issue_date=date(2027, 2, 26), lines=lines,
                   number="E9-2027-004", einvoice_format=fmt, buyer_reference="G031, G032, G033")


@pytest.mark.parametrize("fmt", ["peppol", "si-ubl"])
def test_two_exemptions_and_a_rate_make_one_exempt_breakdown(ubl_rules: UblRules, fmt: str) -> None:
    """Lines under two different exemptions (here an exempt institution's note and CRKBO; a
    KOR zzp'er with one CRKBO engagement is the same case) next to a 21% line: EN 16931
    allows exactly one breakdown with category E (BR-E-01), whose base is the sum of the
    exempt lines (BR-E-08), so the two reasons share it. Before the fix: two E breakdowns,
    BR-E-01 and BR-E-08 fatal in both formats."""
    exempt = client_vat(Decimal("0.21"), EXEMPT_NOTE)
    crkbo = expert_vat(Decimal("0.21"), "crkbo")
    standard = expert_vat(Decimal("0.21"), None)
    lines = (InvoiceLine("Intervisie", Decimal("3.17"), "uur", Decimal("61.13"), exempt),
             InvoiceLine("Training", Decimal("2.5"), "uur", Decimal("89.99"), crkbo),
             InvoiceLine("Advies", Decimal("1.33"), "uur", Decimal("77.77"), standard),
             InvoiceLine("Training", Decimal("0.01"), "uur", Decimal("0.01"), crkbo))
    inv = _invoice(fmt, lines)
    assert len(inv.totals.groups) == 3  # the paper keeps one line per exemption
    for doc in (invoice_ubl(inv), invoice_ubl(replace(credit_note(inv, issue_date=date(2027, 3, 1), reason="dubbel"),
                                                                 number="E9-2027-005"))):
        fatal = ubl_rules.fatal(doc)
        assert not fatal, "\n".join(str(f) for f in fatal)
    root = etree.fromstring(invoice_ubl(inv))
    subs = root.findall("cac:TaxTotal/cac:TaxSubtotal", UBL_NS)
    cats = [(s.findtext("cac:TaxCategory/cbc:ID", namespaces=UBL_NS),
             s.findtext("cbc:TaxableAmount", namespaces=UBL_NS)) for s in subs]
    # 3.17 x 61.13 = 193.78; 2.5 x 89.99 = 224.98 (224.975 rounded); 0.01 x 0.01 = 0.00
    assert cats == [("E", "418.76"), ("S", "103.43")]
    reason = subs[0].findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=UBL_NS) or ""
    assert reason.startswith(EXEMPT_NOTE + "; ") and "CRKBO" in reason
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL_NS) == "21.72"  # 103.43 x 21%
