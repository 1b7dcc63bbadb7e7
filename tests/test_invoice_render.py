"""Rendered invoices: every mandatory field in the PDF text, a long invoice repeats its
header, xlsx read back as typed cells, UBL e-invoice, template override and escaping."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from invoicing_data import ISSUE, agree_self_billing, build, workspace
from openpyxl import load_workbook
from pypdf import PdfReader

from vergoeding.api import invoices as api
from vergoeding.core.invoice import Invoice, InvoiceLine, Party, VatTreatment
from vergoeding.core.period import parse_period
from vergoeding.core.work import Address
from vergoeding.errors import ConfigError
from vergoeding.store import invoices as store

OCT = parse_period("2026-10")


def pdf_text(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build(tmp_path / "db.sqlite")


def test_client_invoice_pdf_has_every_mandatory_field(ws) -> None:  # type: ignore[no-untyped-def]
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    pages = pdf_text(api.render(ws, "2026-0001", "pdf"))
    assert len(pages) == 1
    text = pages[0]
    for field in (
        "Stichting Ervaring Werkt", "Oudegracht 100", "3511 AZ Utrecht",  # supplier name and address
        "Gemeente Utrecht", "Stadsplateau 1", "3521 AZ Utrecht",  # customer name and address
        "Btw-id NL000099998B57", "KvK 12345678",  # supplier VAT id and KvK
        "5 november 2026",  # invoice date, Dutch
        "2026-0001",  # number
        "adviesraad sociaal domein", "training schuldhulp",  # description
        "3,75", "7,33", "uur",  # extent (quantity and unit)
        "€ 45,00", "€ 85,00",  # unit prices
        "€ 168,75", "€ 623,05",  # line amounts
        "06-10-2026", "20-10-2026", "08-10-2026", "22-10-2026",  # service dates
        "21%", "€ 791,80", "€ 166,28",  # amount per rate, VAT rate and amount
        "IBAN NL91ABNA0417164300", "30 dagen", "5 december 2026",  # payment details and term
        "€ 958,08",  # total due
        "OIN 00000001002220647000", "pagina 1 van 1",
    ):
        assert field in text, field


def test_expert_invoices_carry_exemption_and_self_billing_notes(ws) -> None:  # type: ignore[no-untyped-def]
    agree_self_billing(ws, "G003", "G004")  # the invoices are ours to write (self-billing)
    api.create_expert_invoice(ws, "E003", OCT, issue_date=ISSUE, self_billing=True)  # KOR
    api.create_expert_invoice(ws, "E004", OCT, issue_date=ISSUE, self_billing=True)  # CRKBO
    api.create_expert_invoice(ws, "E002", OCT, issue_date=ISSUE, self_billing=True)
    kor = pdf_text(api.render(ws, "ZF2026-E003-001", "pdf"))[0]
    assert "De kleineondernemersregeling (KOR, art. 25a Wet OB 1968) is van toepassing" in kor
    assert "Cor Pieters" in kor and "KvK 76543210" in kor and "€ 110,00" in kor and "0%" not in kor
    assert "Factuur uitgereikt door afnemer" in kor
    crkbo = pdf_text(api.render(ws, "ZF2026-E004-001", "pdf"))[0]
    assert "art. 11 lid 1 onderdeel o Wet OB 1968" in crkbo and "€ 500,00" in crkbo and "sessie" in crkbo
    sb = pdf_text(api.render(ws, "ZF2026-E002-001", "pdf"))[0]
    assert "Factuur uitgereikt door afnemer" in sb
    assert "Bram Jansen" in sb and "Btw-id NL001234567B01" in sb and "Stichting Ervaring Werkt" in sb
    assert "€ 458,13" in sb and "€ 96,21" in sb and "€ 554,34" in sb


def test_credit_note_pdf(ws) -> None:  # type: ignore[no-untyped-def]
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    api.credit(ws, "2026-0001", "verkeerd tarief", issue_date=date(2026, 11, 12))
    text = pdf_text(api.render(ws, "2026-0002", "pdf"))[0]
    assert "Creditnota" in text and "Crediteert factuur 2026-0001" in text and "verkeerd tarief" in text
    assert "€ -958,08" in text and "12 november 2026" in text


def _long_invoice(ws, n: int = 120) -> str:  # type: ignore[no-untyped-def]
    sup = Party("Stichting Ervaring Werkt", Address("Oudegracht 100", "3511 AZ", "Utrecht"), "NL000099998B57",
                "12345678", "NL91ABNA0417164300")
    cus = Party("Gemeente Utrecht", Address("Stadsplateau 1", "3521 AZ", "Utrecht"))
    lines = tuple(InvoiceLine(f"Training dag {i}", Decimal("1.5"), "uur", Decimal("85.00"),
                              VatTreatment(Decimal("0.21")), date(2026, 10, 1 + i % 28), date(2026, 10, 1 + i % 28))
                  for i in range(1, n + 1))
    inv = Invoice("client", sup, cus, ISSUE, lines, period="2026-10")
    with ws.engine.begin() as c:
        return store.issue(c, inv, fmt="{year}-{seq:04d}", series_prefix="factuur", actor="t").number or ""


def test_long_invoice_repeats_the_header_on_every_page(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    number = _long_invoice(ws)
    data = api.render(ws, number, "pdf")
    (tmp_path / "long.pdf").write_bytes(data)
    pages = pdf_text(data)
    assert len(pages) >= 3
    for i, text in enumerate(pages[1:], start=2):
        assert "Omschrijving" in text and "Prijs per eenheid" in text  # table header repeated
        assert "Stichting Ervaring Werkt" in text and "Factuur 2026-0001" in text  # running header
        assert f"pagina {i} van {len(pages)}" in text
    assert "Training dag 120" in pages[-1] and "€ 15.300,00" in pages[-1]  # 120 x 127.50
    assert "€ 18.513,00" in pages[-1]  # incl. 21%


def test_xlsx_reads_back_as_typed_cells(ws) -> None:  # type: ignore[no-untyped-def]
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    wb = load_workbook(io.BytesIO(api.render(ws, "2026-0001", "xlsx")))
    head = {r[0].value: r[1].value for r in wb["Factuur"].iter_rows(min_row=2)}
    assert head["Nummer"] == "2026-0001"
    assert head["Datum"] == datetime(2026, 11, 5)
    assert head["Btw-id leverancier"] == "NL000099998B57" and head["KvK leverancier"] == "12345678"
    assert head["Totaal"] == pytest.approx(958.08) and isinstance(head["Totaal"], float | int)
    rows = list(wb["Regels"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:6] == (1, "Adviseur (beleidsadvies): adviesraad sociaal domein (G001, Anna de Vries)",
                           datetime(2026, 10, 6), datetime(2026, 10, 20), 3.75, "uur")
    assert rows[0][6] == 45 and rows[0][8] == pytest.approx(168.75) and rows[0][7] == pytest.approx(0.21)
    assert rows[1][8] == pytest.approx(623.05)
    assert rows[2][1] == "Totaal excl. btw" and rows[2][8] == "=SUM(I4:I5)"  # a formula, its value cached:
    cached = load_workbook(io.BytesIO(api.render(ws, "2026-0001", "xlsx")), data_only=True)
    assert cached["Regels"]["I6"].value == pytest.approx(791.80)
    assert wb["Regels"]["I4"].number_format.startswith('"€"')
    btw = list(wb["Btw"].iter_rows(min_row=2, values_only=True))
    assert btw[0][:3] == (pytest.approx(0.21), pytest.approx(791.80), pytest.approx(166.28))


def test_ubl_e_invoice(ws) -> None:  # type: ignore[no-untyped-def]
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    root = ET.fromstring(api.render(ws, "2026-0001", "ubl"))
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    assert root.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert root.findtext("cbc:ID", namespaces=ns) == "2026-0001"
    assert root.findtext("cbc:CustomizationID", namespaces=ns).endswith("poacc:billing:3.0")
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=ns) == "380"
    assert root.findtext("cbc:IssueDate", namespaces=ns) == "2026-11-05"
    ep = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", ns)
    assert ep is not None and ep.get("schemeID") == "0190" and ep.text == "00000001002220647000"
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=ns) == "166.28"
    sub = root.find("cac:TaxTotal/cac:TaxSubtotal", ns)
    assert sub is not None
    assert sub.findtext("cbc:TaxableAmount", namespaces=ns) == "791.80"
    assert sub.findtext("cac:TaxCategory/cbc:ID", namespaces=ns) == "S"
    assert sub.findtext("cac:TaxCategory/cbc:Percent", namespaces=ns) == "21"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "958.08"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=ns) == "791.80"
    lines = root.findall("cac:InvoiceLine", ns)
    assert [x.findtext("cbc:LineExtensionAmount", namespaces=ns) for x in lines] == ["168.75", "623.05"]
    assert lines[0].find("cbc:InvoicedQuantity", ns).get("unitCode") == "HUR"
    assert root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=ns) == "NL91ABNA0417164300"


def test_ubl_credit_note_and_exemption(ws) -> None:  # type: ignore[no-untyped-def]
    agree_self_billing(ws, "G003")
    api.create_expert_invoice(ws, "E003", OCT, issue_date=ISSUE, self_billing=True)
    api.credit(ws, "ZF2026-E003-001", "dubbel", issue_date=ISSUE)
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    inv = ET.fromstring(api.render(ws, "ZF2026-E003-001", "ubl"))
    cat = inv.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", ns)
    assert cat is not None and cat.findtext("cbc:ID", namespaces=ns) == "E"
    assert "kleineondernemersregeling" in (cat.findtext("cbc:TaxExemptionReason", namespaces=ns) or "")
    cn = ET.fromstring(api.render(ws, "ZF2026-E003-002", "ubl"))
    assert cn.tag.endswith("}CreditNote")
    assert cn.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=ns) == "ZF2026-E003-001"
    assert cn.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "110.00"


def test_template_override_is_used_and_unknown_field_fails(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite")
    tdir = tmp_path / "eigen"
    tdir.mkdir()
    (tdir / "invoice.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>EIGEN SJABLOON {{ number }}</h1>'
        "<p>{{ customer.name }} {{ total | euro }}</p>{% endblock %}", encoding="utf-8")
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings

    ws = Workspace(Settings(db=str(tmp_path / "db.sqlite"), templates_dir=tdir, actor="t"))
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    text = pdf_text(api.render(ws, "2026-0001", "pdf"))[0]
    assert "EIGEN SJABLOON 2026-0001" in text and "Gemeente Utrecht € 958,08" in text
    (tdir / "invoice.html").write_text("<p>{{ klant_naam }}</p>", encoding="utf-8")
    from vergoeding.render import templating

    templating.environment.cache_clear()
    with pytest.raises(ConfigError) as exc:
        api.render(ws, "2026-0001", "pdf")
    assert "invoice.html" in exc.value.message and "klant_naam" in exc.value.message


@pytest.mark.parametrize("name", ['<script>alert(1)</script>', '=HYPERLINK("x")'])
def test_user_data_is_escaped(tmp_path: Path, name: str) -> None:
    ws = build(tmp_path / "db.sqlite", client_name=name)
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    html_mod = __import__("vergoeding.render.invoice", fromlist=["invoice_html"])
    html = html_mod.invoice_html(api.document(ws, "2026-0001"), user_dir=None,
                                 shipped_dir=ws.settings.shipped_templates)
    assert "<script>" not in html
    text = pdf_text(api.render(ws, "2026-0001", "pdf"))[0]
    assert name in text  # shown literally
    wb = load_workbook(io.BytesIO(api.render(ws, "2026-0001", "xlsx")))
    cell = next(r[1] for r in wb["Factuur"].iter_rows(min_row=2) if r[0].value == "Afnemer")
    assert cell.value == name and cell.data_type == "s"


def test_logo_from_configuration(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite")
    logo = tmp_path / "logo.png"
    # a 1x1 PNG
    logo.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                   "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"))
    ws = workspace(tmp_path / "db.sqlite", organisation={"logo": str(logo)})
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    doc = api.document(ws, "2026-0001")
    assert doc.context()["logo"] == logo.resolve().as_uri()
    data = api.render(ws, "2026-0001", "pdf")
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1
    bad = workspace(tmp_path / "db.sqlite", organisation={"logo": str(tmp_path / "weg.png")})
    with pytest.raises(ConfigError, match="logo"):
        api.render(bad, "2026-0001", "pdf")


def test_invoice_and_registration_share_one_page_style_that_an_organisation_can_override(tmp_path: Path) -> None:
    """The page style of an invoice and of our registration of a received invoice is one file,
    _invoice_page.css: an organisation's own copy restyles both, and an own invoice.html that
    does not include it (as every own template made before it existed) renders as before."""
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings
    from vergoeding.render import templating
    from vergoeding.render.invoice import invoice_html

    build(tmp_path / "db.sqlite")
    tdir = tmp_path / "eigen"
    tdir.mkdir()
    ws = Workspace(Settings(db=str(tmp_path / "db.sqlite"), templates_dir=tdir, actor="t"))
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    api.receive_expert_invoice(ws, "E002", OCT, number="BJ/2026/17", invoice_date=date(2026, 11, 3))
    docs = {"factuur": api.document(ws, "2026-0001"), "registratie": api.document(ws, "BJ/2026/17")}

    def html(kind: str) -> str:
        templating.environment.cache_clear()
        return invoice_html(docs[kind], user_dir=tdir, shipped_dir=ws.settings.shipped_templates)

    shipped = {kind: html(kind) for kind in docs}
    for kind, page in shipped.items():  # the shared rules once, each document's own after them
        assert page.count("table.lines td.desc { width: 46%; }") == 1, kind
        assert page.index(".label { color: #555;") < page.index("table.totals { width:"), kind
    assert "table.totals { width: 55%; margin-left: 45%; }" in shipped["factuur"]
    assert "table.totals { width: 62%; margin-left: 38%; }" in shipped["registratie"]

    (tdir / "_invoice_page.css").write_text(".label { color: #0a5; }", encoding="utf-8")
    for kind in docs:
        page = html(kind)
        assert ".label { color: #0a5; }" in page and "table.lines td.desc" not in page, kind

    (tdir / "_invoice_page.css").unlink()
    (tdir / "invoice.html").write_text("{% extends \"base.html\" %}{% block style %}.label { color: #123; }"
                                       "{% endblock %}{% block content %}<h1>EIGEN {{ number }}</h1>{% endblock %}",
                                       encoding="utf-8")
    own = html("factuur")
    assert ".label { color: #123; }" in own and "EIGEN 2026-0001" in own and "table.lines" not in own
    assert html("registratie") == shipped["registratie"]
