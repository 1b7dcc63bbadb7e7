"""Every invoice has its e-invoice: the batch writes the UBL next to each PDF, and the PDF is
a PDF/A-3 archive copy with that same UBL embedded (read back with pypdf, byte for byte).
The per-client e-invoice setting and the client's references through the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import click
from click.testing import CliRunner
from einvoice_rules import NLCIUS, PEPPOL_BILLING, PEPPOL_SELF_BILLING, UBL_NS, UblRules
from invoicing_data import ISSUE, build
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import update

from vergoeding.api import invoices as api
from vergoeding.core.period import parse_period
from vergoeding.store import schema as s

OCT = parse_period("2026-10")
PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env={"VERGOEDING_TODAY": "2026-11-05"})


def pdfa_id(reader: PdfReader) -> tuple[str | None, str | None]:
    """(part, conformance) from the XMP metadata stream."""
    meta = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    desc = etree.fromstring(meta.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]).iter(
        "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
    for d in desc:
        if d.get(f"{{{PDFAID}}}part"):
            return d.get(f"{{{PDFAID}}}part"), d.get(f"{{{PDFAID}}}conformance")
    return None, None


def embedded(reader: PdfReader) -> dict[str, tuple[bytes, str, str]]:
    """Name -> (bytes, AFRelationship, MIME subtype) of every file listed in the catalogue's /AF."""
    out = {}
    for ref in reader.trailer["/Root"].get("/AF", []):
        spec = ref.get_object()
        stream = spec["/EF"]["/F"].get_object()
        out[str(spec["/UF"])] = (stream.get_data(), str(spec["/AFRelationship"]), str(stream["/Subtype"]))
    return out


def test_batch_writes_ubl_next_to_each_pdfa3_with_the_same_ubl_inside(
        runner: CliRunner, cli: click.Group, tmp_db: Path, tmp_path: Path, ubl_rules: UblRules) -> None:
    build(tmp_db)
    r = run(runner, cli, "org", "edit", "GEM-UTR", "--e-invoice", "si-ubl", "--buyer-reference", "Kostenplaats 4410")
    assert r.exit_code == 0, r.output
    r = run(runner, cli, "engagement", "edit", "G002", "--order-number", "PO-2026-77")
    assert r.exit_code == 0, r.output
    out = tmp_path / "facturen"
    r = run(runner, cli, "invoice", "create", "--all-clients", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "factuur-2026-0001.pdf", "factuur-2026-0001.xml", "factuur-2026-0002.pdf", "factuur-2026-0002.xml"]
    for number, customization in (("2026-0001", NLCIUS), ("2026-0002", PEPPOL_BILLING)):
        xml = (out / f"factuur-{number}.xml").read_bytes()
        assert etree.fromstring(xml).findtext("cbc:CustomizationID", namespaces=UBL_NS) == customization
        assert ubl_rules.fatal(xml) == []
        reader = PdfReader(out / f"factuur-{number}.pdf")
        assert pdfa_id(reader) == ("3", "B")
        assert reader.pdf_header == "%PDF-1.7"
        assert str(reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"]) == "/GTS_PDFA1"
        files = embedded(reader)
        assert list(files) == [f"factuur-{number}.xml"]
        data, relationship, mime = files[f"factuur-{number}.xml"]
        assert data == xml  # byte-equal to the file next to it
        assert relationship == "/Alternative" and mime == "/text/xml"
    # the client's references on the PDF (text) and in the UBL
    text = re.sub(r"\s+", " ", PdfReader(out / "factuur-2026-0001.pdf").pages[0].extract_text())
    assert "Uw referentie Kostenplaats 4410" in text
    assert "Deze PDF bevat ook de e-factuur als bijlage factuur-2026-0001.xml, volgens SI-UBL 2.0 (NLCIUS)." in text
    root = etree.fromstring((out / "factuur-2026-0001.xml").read_bytes())
    assert root.findtext("cbc:BuyerReference", namespaces=UBL_NS) == "Kostenplaats 4410"
    # G001 has no order number: no single order reference for the whole invoice; the
    # order number goes with the line of G002, on paper and in the UBL
    assert root.find("cac:OrderReference", UBL_NS) is None
    assert "training schuldhulp (G002, Bram Jansen) (inkoopnummer PO-2026-77)" in text
    names = [x.text for x in root.findall("cac:InvoiceLine/cac:Item/cbc:Name", UBL_NS)]
    assert names[1].endswith("(inkoopnummer PO-2026-77)")


def test_batch_rerun_completes_a_missing_e_invoice(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    out = tmp_path / "out"
    out.mkdir()
    api.create_all_client_invoices(ws, OCT, issue_date=ISSUE, out_dir=out, workers=1)
    xml = (out / "factuur-2026-0002.xml").read_bytes()
    (out / "factuur-2026-0002.xml").unlink()
    again = api.create_all_client_invoices(ws, OCT, issue_date=ISSUE, out_dir=out, workers=1)
    assert again.issued == [] and sorted(p.name for p in again.files) == ["factuur-2026-0002.pdf",
                                                                          "factuur-2026-0002.xml"]
    assert (out / "factuur-2026-0002.xml").read_bytes() == xml


def test_rendered_pdf_of_self_billed_invoice_and_credit_note_embed_their_ubl(tmp_path: Path,
                                                                             ubl_rules: UblRules) -> None:
    ws = build(tmp_path / "db.sqlite")
    sb = api.create_expert_invoice(ws, "E002", OCT, issue_date=ISSUE, self_billing=True)
    cn = api.credit(ws, str(sb.number), "dubbel", issue_date=ISSUE)
    for number in (str(sb.number), str(cn.number)):
        pdf = api.render(ws, number, "pdf")
        if number == sb.number:
            assert pdf == api.render(ws, number, "pdf")  # a reprint is the same file
        reader = PdfReader(io.BytesIO(pdf))
        assert pdfa_id(reader) == ("3", "B")
        ubl = api.render(ws, number, "ubl")
        name = f"{'creditnota' if number == cn.number else 'factuur'}-{number}.xml"  # named after the document
        assert embedded(reader)[name][0] == ubl
        root = etree.fromstring(ubl)
        assert root.findtext("cbc:CustomizationID", namespaces=UBL_NS) == PEPPOL_SELF_BILLING
        assert ubl_rules.fatal(ubl) == []
        if number == cn.number:  # a credit note asks for no payment: no payment means, no account to pay to
            assert root.find("cac:PaymentMeans", namespaces=UBL_NS) is None
            assert root.findtext("cac:PaymentTerms/cbc:Note", namespaces=UBL_NS).startswith("Niet betalen")
            assert f"als bijlage {name}" in " ".join(reader.pages[0].extract_text().split())
        assert "factuur uitgereikt door afnemer" in reader.pages[0].extract_text().lower()


def test_a_concept_pdf_has_no_e_invoice(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    c = api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE, concept=True)
    reader = PdfReader(io.BytesIO(api.render(ws, c.label, "pdf")))
    assert pdfa_id(reader) == ("3", "B") and embedded(reader) == {}
    assert "e-factuur" not in reader.pages[0].extract_text()


def test_org_e_invoice_setting_add_edit_show(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    r = run(runner, cli, "org", "add", "--code", "UTR", "--name", "Gemeente Utrecht", "--e-invoice", "si-ubl")
    assert r.exit_code == 2 and "SI-UBL 2.0 vraagt het KvK-nummer of het OIN" in r.stderr
    r = run(runner, cli, "org", "add", "--code", "UTR", "--name", "Gemeente Utrecht", "--oin",
            "00000001002220647000", "--e-invoice", "SI-UBL", "--buyer-reference", "Inkoop 12")
    assert r.exit_code == 0, r.output
    shown = json.loads(run(runner, cli, "org", "show", "UTR", "--format", "json").stdout)
    assert (shown["einvoice_format"], shown["buyer_reference"]) == ("si-ubl", "Inkoop 12")
    assert run(runner, cli, "org", "edit", "UTR", "--e-invoice", "peppol", "--buyer-reference", "").exit_code == 0
    shown = json.loads(run(runner, cli, "org", "show", "UTR", "--format", "json").stdout)
    assert (shown["einvoice_format"], shown["buyer_reference"]) == ("peppol", None)
    r = run(runner, cli, "org", "show", "UTR")
    assert re.search(r"e-factuurformaat\s+peppol", r.stdout)
    r = run(runner, cli, "org", "add", "--code", "X", "--name", "X", "--e-invoice", "xrechnung")
    assert r.exit_code == 2


def test_import_sets_e_invoice_format_reference_and_order_number(tmp_path: Path) -> None:
    from vergoeding.api.importing import import_files
    from vergoeding.api.workspace import open_workspace

    (tmp_path / "organisaties.csv").write_text(
        "code;soort;naam;kvk;oin;e-factuurformaat;referentie opdrachtgever\n"
        "EIGEN;eigen;Stichting Eigen;12345678;;;\n"
        "UTR;opdrachtgever;Gemeente Utrecht;;00000001002220647000;si-ubl;Kostenplaats 4410\n", encoding="utf-8")
    (tmp_path / "deskundigen.csv").write_text("code;naam\nE001;Anna\n", encoding="utf-8")
    (tmp_path / "opdrachten.csv").write_text(
        "code;deskundige;opdrachtgever;rol;regime;startdatum;inkoopnummer\n"
        "G001;E001;UTR;trainer;vrijwilliger;1-8-2026;PO-2026-77\n", encoding="utf-8")
    ws = open_workspace(db=str(tmp_path / "v.db"))
    try:
        import_files(ws, sorted(tmp_path.glob("*.csv")))
        with ws.engine.connect() as conn:
            org = conn.execute(s.organisations.select().where(s.organisations.c.code == "UTR")).one()
            eng = conn.execute(s.engagements.select()).one()
        assert (org.einvoice_format, org.buyer_reference, eng.order_number) == ("si-ubl", "Kostenplaats 4410",
                                                                                 "PO-2026-77")
    finally:
        ws.close()


def test_old_snapshot_without_e_invoice_fields_renders_as_peppol(tmp_path: Path, ubl_rules: UblRules) -> None:
    """An invoice issued before the setting existed keeps rendering (Peppol, invoice
    number as buyer reference)."""
    ws = build(tmp_path / "db.sqlite")
    inv = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    with ws.engine.begin() as c:
        snap = json.loads(c.execute(s.invoices.select().where(s.invoices.c.id == inv.id)).one().snapshot)
        for key in ("einvoice_format", "buyer_reference", "order_reference"):
            del snap[key]
        c.execute(update(s.invoices).where(s.invoices.c.id == inv.id).values(snapshot=json.dumps(snap)))
    ubl = api.render(ws, "2026-0001", "ubl")
    root = etree.fromstring(ubl)
    assert root.findtext("cbc:CustomizationID", namespaces=UBL_NS) == PEPPOL_BILLING
    assert root.findtext("cbc:BuyerReference", namespaces=UBL_NS) == "2026-0001"
    assert ubl_rules.fatal(ubl) == []
