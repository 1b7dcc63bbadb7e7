"""KOR invoices mention no VAT (Wet OB 1968 art. 25a lid 4: the invoice "mag op geen enkele
wijze melding maken van omzetbelasting"): no VAT rate, no VAT amount, no "incl. btw" total,
only the note that the scheme applies, in the PDF text, the xlsx cells and the UBL (which
keeps the zero breakdown EN 16931 requires: category E with the KOR reason)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from invoicing_data import ISSUE, agree_self_billing, build
from openpyxl import load_workbook
from pypdf import PdfReader

from vergoeding.api import invoices as api
from vergoeding.core.invoice import KOR_NOTE
from vergoeding.core.period import parse_period

OCT = parse_period("2026-10")
SOURCE = "Wet OB 1968 art. 25a lid 4"
NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
# a VAT rate ("21%", "0%", "0,21"), a VAT amount or total label, or the word btw outside "Btw-id"
VAT_TEXT = re.compile(r"\d+\s?%|incl\.? btw|excl\.? btw|btw(?!-id)|omzetbelasting", re.IGNORECASE)


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = build(tmp_path / "db.sqlite")
    agree_self_billing(w, "G003")  # the KOR invoice is ours to write: self-billing
    api.create_expert_invoice(w, "E003", OCT, issue_date=ISSUE, self_billing=True)  # Cor Pieters, KOR, 2 h x 55.00
    api.create_expert_invoice(w, "E002", OCT, issue_date=ISSUE, self_billing=True)  # 21%: for contrast
    return w


def _pdf(data: bytes) -> str:
    return " ".join(re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)


def test_kor_pdf_mentions_no_vat(ws) -> None:  # type: ignore[no-untyped-def]
    text = _pdf(api.render(ws, "ZF2026-E003-001", "pdf"))
    assert KOR_NOTE in text and "art. 25a" in text, SOURCE
    assert "€ 110,00" in text and "Totaal" in text
    assert VAT_TEXT.findall(text.replace(KOR_NOTE, "")) == [], SOURCE
    # the same document type with VAT does show rate, amount and "incl. btw"
    vat = _pdf(api.render(ws, "ZF2026-E002-001", "pdf"))
    assert "21%" in vat and "incl. btw" in vat


def test_kor_xlsx_mentions_no_vat(ws) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(api.render(ws, "ZF2026-E003-001", "xlsx")))
    assert wb.sheetnames == ["Factuur", "Regels"], SOURCE  # no 'Btw' sheet
    cells = [c for sheet in wb for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in cells]
    assert any(KOR_NOTE in t for t in texts)
    assert [t for t in texts if VAT_TEXT.search(t.replace(KOR_NOTE, ""))] == [], SOURCE
    assert not any(c.number_format == "0%" for c in cells)
    header = {r[0].value: r[1].value for r in wb["Factuur"].iter_rows(min_row=2)}
    assert float(header["Totaal"]) == 110.0 and header["Regeling"] == KOR_NOTE


def test_kor_ubl_is_exempt_with_the_kor_reason_and_zero_vat(ws) -> None:  # type: ignore[no-untyped-def]
    inv = ET.fromstring(api.render(ws, "ZF2026-E003-001", "ubl"))
    assert inv.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == "0.00"
    subs = inv.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert len(subs) == 1
    cat = subs[0].find("cac:TaxCategory", NS)
    assert cat is not None
    assert (cat.findtext("cbc:ID", namespaces=NS), cat.findtext("cbc:Percent", namespaces=NS)) == ("E", "0")
    assert cat.findtext("cbc:TaxExemptionReason", namespaces=NS) == KOR_NOTE
    assert subs[0].findtext("cbc:TaxAmount", namespaces=NS) == "0.00"
    assert subs[0].findtext("cbc:TaxableAmount", namespaces=NS) == "110.00"
    for line in inv.findall("cac:InvoiceLine", NS):
        c = line.find("cac:Item/cac:ClassifiedTaxCategory", NS)
        assert c is not None and c.findtext("cbc:ID", namespaces=NS) == "E"
        assert c.findtext("cbc:Percent", namespaces=NS) == "0"
    total = inv.find("cac:LegalMonetaryTotal", NS)
    assert total is not None
    assert total.findtext("cbc:TaxExclusiveAmount", namespaces=NS) == total.findtext(
        "cbc:TaxInclusiveAmount", namespaces=NS) == total.findtext("cbc:PayableAmount", namespaces=NS) == "110.00"
    # no rate other than 0 and no VAT amount other than 0.00 anywhere
    assert {e.text for e in inv.iter() if e.tag.endswith("}Percent")} == {"0"}
    assert {e.text for e in inv.iter() if e.tag.endswith("}TaxAmount")} == {"0.00"}
