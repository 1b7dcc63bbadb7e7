"""Property test: whatever text sits in a name (any unicode, control characters, escape
sequences, surrogate-free; stored before the text rule existed, or typed into a template),
every document kind is still produced and well-formed: the payout's PDFs, xlsx and SEPA
batch, and the invoice as PDF, xlsx and UBL. The names come out as
:func:`vergoeding.core.text.printable` makes them (nothing dropped but what XML, xlsx and
terminals cannot hold)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from builders import engagement, entry, expert, new_engine, org
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from vergoeding.api.payout import build_snapshot
from vergoeding.api.workspace import Workspace
from vergoeding.config import Settings
from vergoeding.core.invoice import InvoiceLine, Party
from vergoeding.core.period import parse_period
from vergoeding.core.text import printable
from vergoeding.render.payout import render_files
from vergoeding.store import schema as s

# any character but surrogates (not text), with control characters and escapes made likely
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1b[31m", "\x1b]0;x\x07", "\x7f", "\x85",
                           "\x9b", "\r", "\n", "\t", "\u202e", "\u2028", "\ufeff", "\ufffe", "\uffff", "=", "＝", "<"])
NAME = st.lists(st.one_of(st.characters(blacklist_categories=["Cs"]), CONTROL), min_size=1, max_size=30).map("".join)
PROPERTY = settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
OCT = parse_period("2026-10")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    db = tmp_path_factory.mktemp("docs") / "db.sqlite"
    engine = new_engine(db)
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        org(c, "KLANT", name="Gemeente Utrecht")
        expert(c, "E1", name="Anna")
        engagement(c, "G1", "E1", "KLANT", description="advies", travel_policy="km")
        entry(c, "G1", date(2026, 10, 6), minutes=120, activity="advies", km="10")
    engine.dispose()
    return Workspace(Settings(db=str(db), actor="test"))


def _set_names(ws: Workspace, name: str) -> None:
    with ws.engine.begin() as c:
        if c.dialect.name == "postgresql":  # cannot hold NUL in text: such names exist only in SQLite files
            name = name.replace("\x00", "")
        c.execute(update(s.experts).values(name=name))
        c.execute(update(s.organisations).where(s.organisations.c.code == "KLANT").values(name=name))
        c.execute(update(s.engagements).values(description=name))
        c.execute(update(s.entries).values(activity=name))


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    reader.pages[0].extract_text()


def _check_xlsx(data: bytes, name: str) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    values = [c.value for sh in wb.worksheets for row in sh.iter_rows() for c in row if isinstance(c.value, str)]
    shown = printable(name, multiline=True).strip()
    if shown:
        assert any(shown in v for v in values), (shown, values[:20])


def _check_xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # well-formed, or ParseError


@PROPERTY
@given(name=NAME)
@example(name="\x99\x00")
@example(name="Jan\x0bJansen \x1b[31m=1+1\x1b]0;x\x07")
def test_payout_documents_are_produced_and_well_formed(ws: Workspace, name: str) -> None:
    _set_names(ws, name)
    snap = build_snapshot(ws, OCT, date(2026, 11, 2))[0]
    files = render_files(ws.settings.templates_dir, ws.settings.shipped_templates, snap)
    kinds = {Path(n).suffix for n in files}
    assert {".pdf", ".xlsx", ".xml"} <= kinds, sorted(files)
    for fname, data in files.items():
        if fname.endswith(".pdf"):
            _check_pdf(data)
        elif fname.endswith(".xlsx"):
            _check_xlsx(data, name)
        elif fname.endswith(".xml"):
            root = _check_xml(data)
            assert root.tag.endswith("Document")  # the SEPA batch, validated against its XSD when written


@PROPERTY
@given(name=NAME)
@example(name="\x00")
@example(name="Jan\x0bJansen \x1b[31m=1+1\x1b]0;x\x07 \ufffe")
def test_invoice_documents_are_produced_and_well_formed(name: str) -> None:
    from vergoeding.documents.invoice import InvoiceDocument
    from vergoeding.render.invoice import invoice_pdf, invoice_xlsx
    from vergoeding.render.ubl import invoice_ubl

    inv = _an_invoice()
    customer = replace(inv.customer, name=name)
    lines = tuple(replace(x, description=name) for x in inv.lines)
    doc = InvoiceDocument(replace(inv, customer=customer, lines=lines), "issued", None)
    shipped = Path(__file__).resolve().parent.parent / "templates"
    _check_pdf(invoice_pdf(doc, user_dir=None, shipped_dir=shipped))
    _check_xlsx(invoice_xlsx(doc), name)
    root = _check_xml(invoice_ubl(doc.invoice))
    shown = printable(name, multiline=True)
    names = [e.text or "" for e in root.iter() if e.tag.endswith("}RegistrationName") or e.tag.endswith("}Name")]
    assert shown.strip() == "" or any(shown in n for n in names)


def _an_invoice():  # type: ignore[no-untyped-def]
    from vergoeding.core.invoice import Invoice, client_vat
    from vergoeding.core.money import D
    from vergoeding.core.work import Address

    addr = Address("Oudegracht 100", "3511 AZ", "Utrecht")
    supplier = Party("Stichting Ervaring Werkt", addr, vat_id="NL000099998B57", kvk="12345678",
                     iban="NL91ABNA0417164300", bic="ABNANL2A")
    customer = Party("Gemeente Utrecht", Address("Stadsplateau 1", "3521 AZ", "Utrecht"), oin="00000001002220647000")
    line = InvoiceLine("advies", D("2"), "uur", D("45.00"), client_vat(D("21")),
                       service_from=date(2026, 10, 6), service_to=date(2026, 10, 6))
    return Invoice(kind="client", number="2026-0001", issue_date=date(2026, 11, 5), supplier=supplier,
                   customer=customer, lines=(line,), period="2026-10", payment_term_days=30)
