"""The invoice and contract demo steps run on top of the demo administration; every line of
every demo invoice adds up on paper, in the xlsx and in the UBL e-invoice."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import builders
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from vergoeding.api import invoices as api
from vergoeding.api.workspace import Workspace
from vergoeding.config import Settings
from vergoeding.core.money import round_cents
from vergoeding.demo import run as demo
from vergoeding.demo.invoices import DEMO_STEPS
from vergoeding.demo.payout import PAYOUT_STEPS
from vergoeding.store import schema as s

UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
# a line of the PDF text (pdftotext -layout): quantity, unit, price, VAT rate, amount
# the VAT column is absent on a KOR invoice (Wet OB art. 25a lid 4)
PDF_LINE = re.compile(r"(-?[\d.]+(?:,\d+)?)\s+(uur|dag|sessie|bijeenkomst|stuk|vast)\s+€ (-?[\d.]+,\d\d)\s+(?:\d+%\s+)?"
                      r"€ (-?[\d.]+,\d\d)")


def step_odd_minutes(ctx: demo.DemoContext) -> list[str]:
    """20 more minutes on every hourly engagement on 30 October: the line totals become
    hours such as 7:20 that have no exact decimal form."""
    with ctx.ws.engine.begin() as conn:
        hourly = conn.execute(select(s.engagements.c.code).where(
            s.engagements.c.id.in_(select(s.entries.c.engagement_id).where(s.entries.c.minutes > 0)),
            ~s.engagements.c.id.in_(select(s.entries.c.engagement_id).where(s.entries.c.quantity > 0)),
            s.engagements.c.regime != "loondienst")).scalars().all()
        for code in hourly:
            builders.entry(conn, code, date(2026, 10, 30), minutes=20, activity="nagesprek")
    return [f"{len(hourly)} opdrachten: 20 minuten extra"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoReport:
    out = tmp_path_factory.mktemp("demo")
    base = [s for s in demo.STEPS if s not in PAYOUT_STEPS and s not in DEMO_STEPS]
    steps = [*base, ("20 minuten extra", step_odd_minutes), *DEMO_STEPS]
    return demo.run_demo(Workspace(Settings(db=str(out / "x.db"))), out, steps=steps)


def dutch(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def test_demo_makes_invoices_and_contracts(report: demo.DemoReport) -> None:
    numbers = report.facts["invoices"]
    client = sorted(n for n in numbers if n.startswith("2026-"))
    assert client == [f"2026-{i:04d}" for i in range(1, len(client) + 1)] and len(client) >= 3
    names = {p.name for p in report.files}
    assert "factuur-2026-0001.pdf" in names and "factuur-2026-0001.xml" in names
    assert "contractenregister.xlsx" in names
    contracts = [p for p in report.files if p.parent.name == "contracten" and p.suffix == ".pdf"]
    assert len(contracts) >= 4
    text = PdfReader(report.db.parent / "facturen" / "factuur-2026-0001.pdf").pages[0].extract_text()
    assert "2026-0001" in text and "2 november 2026" in text
    # a zzp'er's own invoice (E007, KOR) is received: our registration of it, no invoice or e-invoice of ours
    assert "registratie-E007-2026-001.pdf" in names
    assert not {"factuur-E007-2026-001.pdf", "factuur-E007-2026-001.xml"} & names
    text = " ".join(PdfReader(report.db.parent / "facturen" / "registratie-E007-2026-001.pdf").pages[0]
                    .extract_text().split())
    assert "Dit is geen factuur: de factuur is E007-2026-001 van" in text


def test_every_demo_invoice_line_adds_up_on_paper(report: demo.DemoReport) -> None:
    """Shown quantity x shown unit price == shown amount, to the cent, in every demo PDF."""
    pdfs = sorted((report.db.parent / "facturen").glob("*.pdf"))
    assert len(pdfs) >= 8
    ws = Workspace(Settings(db=str(report.db)))
    checked = 0
    fractional = 0
    try:
        for pdf in pdfs:
            number = pdf.stem.split("-", 1)[1]
            stored = api.show(ws, number).invoice
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                                  text=True).stdout
            rows = PDF_LINE.findall(text)
            assert len(rows) == len(stored.lines), pdf.name  # every line was found on the paper
            for qty, _unit, price, amount in rows:
                assert round_cents(dutch(qty) * dutch(price)) == dutch(amount), (pdf.name, qty, price, amount)
                assert len(qty.partition(",")[2]) <= 2, (pdf.name, qty)
                fractional += dutch(qty) * 60 % 1 != 0  # e.g. 7,33: not a whole number of minutes
                checked += 1
    finally:
        ws.close()
    assert checked >= 30 and fractional >= 3


def test_every_demo_invoice_line_adds_up_in_xlsx_and_ubl(report: demo.DemoReport) -> None:
    ws = Workspace(Settings(db=str(report.db)))
    try:
        numbers = [s.label for s in api.list_invoices(ws) if s.status != "concept"]
        assert len(numbers) >= 8
        for number in numbers:
            wb = load_workbook(io.BytesIO(api.render(ws, number, "xlsx")))
            n_lines = len(api.show(ws, number).invoice.lines)
            head = next(wb["Regels"].iter_rows(min_row=3, max_row=3, values_only=True))
            cols = [head.index(h) for h in ("Aantal", "Prijs per eenheid", "Bedrag")]  # KOR: no VAT column
            rows = list(wb["Regels"].iter_rows(min_row=4, max_row=3 + n_lines, values_only=True))
            for row in rows:
                qty, price, amount = (Decimal(str(row[i])) for i in cols)
                assert round_cents(qty * price) == round_cents(amount), (number, row)
            if api.show(ws, number).received:  # a freelancer's own invoice: no e-invoice of ours
                continue
            root = ET.fromstring(api.render(ws, number, "ubl"))
            tag = "CreditNote" if root.tag.endswith("}CreditNote") else "Invoice"
            lines = root.findall(f"cac:{tag}Line", UBL)
            assert len(lines) == n_lines
            for line in lines:
                qty = Decimal(line.findtext(f"cbc:{'Credited' if tag == 'CreditNote' else 'Invoiced'}Quantity",
                                            namespaces=UBL) or "")
                price = Decimal(line.findtext("cac:Price/cbc:PriceAmount", namespaces=UBL) or "")
                amount = Decimal(line.findtext("cbc:LineExtensionAmount", namespaces=UBL) or "")
                assert qty == round_cents(qty), (number, qty)  # two decimals, as on paper
                assert round_cents(qty * price) == amount, (number, qty, price, amount)
    finally:
        ws.close()


def test_invoice_hours_are_rounded_to_two_decimals_once_per_line() -> None:
    assert api.invoice_hours(440) == Decimal("7.33")  # 7:20
    assert api.invoice_hours(445) == Decimal("7.42")  # 7:25 = 7.41666..
    assert api.invoice_hours(150) == Decimal("2.50")
    assert api.invoice_hours(1) == Decimal("0.02")  # 0.01666.. half up
