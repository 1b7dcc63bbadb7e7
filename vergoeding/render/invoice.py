"""Invoice renderers: an :class:`InvoiceDocument` in, bytes out (PDF via the HTML template,
xlsx with the same content as typed cells)."""

from __future__ import annotations

from pathlib import Path

from vergoeding.documents.invoice import InvoiceDocument
from vergoeding.render.templating import render_html

TEMPLATE = "invoice.html"
# a freelancer's own invoice, received: our registration of it, not an invoice in their name
REGISTRATION_TEMPLATE = "registration.html"


def invoice_html(doc: InvoiceDocument, *, user_dir: Path | None, shipped_dir: Path) -> str:
    name = REGISTRATION_TEMPLATE if doc.received else TEMPLATE
    return render_html(name, doc.context(), user_dir=user_dir, shipped_dir=shipped_dir)


def invoice_pdf(doc: InvoiceDocument, *, user_dir: Path | None, shipped_dir: Path,
                ubl: bytes | None = None) -> bytes:
    """The invoice as a PDF/A-3b archive copy. An issued invoice carries its e-invoice
    (``ubl``, the same bytes as the ``.xml`` written next to it) as an embedded file with
    relationship ``Alternative``, the way Factur-X/ZUGFeRD embed theirs: one file holds the
    printable and the machine-readable invoice. A concept has no e-invoice."""
    from datetime import datetime

    from vergoeding.render.pdf import Embedded, html_to_pdfa3

    html = invoice_html(doc, user_dir=user_dir, shipped_dir=shipped_dir)
    files: tuple[Embedded, ...] = ()
    if ubl is not None:
        inv = doc.invoice
        when = datetime(inv.issue_date.year, inv.issue_date.month, inv.issue_date.day)
        files = (Embedded(ubl_filename(doc), ubl, f"E-factuur {doc.number} (UBL 2.1, {ubl_spec_name(doc)})",
                          "Alternative", when),)
    return html_to_pdfa3(html, base_url=user_dir or shipped_dir, files=files,
                         allow=(doc.logo,) if doc.logo else ())


def ubl_filename(doc: InvoiceDocument) -> str:
    """The e-invoice's file name: inside the PDF and next to it (``factuur-2026-0001.xml``; a
    credit note's is named after the credit note: ``creditnota-2026-0006.xml``)."""
    return f"{'creditnota' if doc.invoice.kind == 'credit' else 'factuur'}-{doc.number}.xml"


def ubl_spec_name(doc: InvoiceDocument) -> str:
    from vergoeding.core.einvoice import spec_for

    return spec_for(doc.invoice.einvoice_format, self_billed=doc.invoice.self_billed).name


def invoice_xlsx(doc: InvoiceDocument) -> bytes:
    """Sheet 'Factuur': the header fields as label/value rows; sheet 'Regels': one typed row
    per line with totals; sheet 'Btw': the VAT breakdown per rate. Under the KOR (Wet OB art.
    25a lid 4) no VAT rate, VAT amount or VAT sheet: the total and the note that the scheme
    applies ('Regeling')."""
    from vergoeding.core.nl import period as period_words
    from vergoeding.render.xlsx import DATE, DECIMAL2, EURO, INTEGER, Column, Workbook

    c = doc.context()
    sup, cus = c["supplier"], c["customer"]
    header = [
        ("Document", doc.title), ("Nummer", c["number"]), ("Datum", c["issue_date"]),
        ("Vervaldatum", c["due_date"] if c["kind"] != "credit" else None),
        ("Betalingstermijn (dagen)", c["payment_term_days"]),
        ("Leverancier", sup["name"]), ("Adres leverancier", ", ".join(sup["address_lines"])),
        ("KvK leverancier", sup["kvk"]), ("Btw-id leverancier", sup["vat_id"]),
        ("IBAN", sup["iban"]), ("Afnemer", cus["name"]), ("Adres afnemer", ", ".join(cus["address_lines"])),
        ("Btw-id afnemer", cus["vat_id"]), ("OIN afnemer", cus["oin"]), ("Kenmerk", c["reference"]),
        ("Periode van de dienst", period_words(c["period"]) if c["period"] else None), ("Crediteert factuur", c["credit_of"]),
        ("Reden creditnota", c["credit_reason"]), ("Uitgereikt door afnemer", c["self_billing_note"]),
        ("Vrijstelling", "; ".join(c["exemption_notes"])),
        ("Totaal excl. btw", c["total_excl"]), ("Btw", c["total_vat"]), ("Totaal", c["total"]),
    ]
    if doc.received:  # our registration: their invoice, what we checked, its state; no payment request
        drop = {"Vervaldatum", "Betalingstermijn (dagen)", "Uitgereikt door afnemer", "Crediteert factuur",
                "Reden creditnota"}
        header = [(k, v) for k, v in header if k not in drop]
        header[1:3] = [("Factuurnummer van de zzp'er", c["number"]), ("Factuurdatum van de zzp'er", c["issue_date"]),
                       ("Let op", f"Dit is geen factuur: de factuur is {c['number']} van {sup['name']}")]
        header += [("Op hun factuur", c["stated_total"]), ("Verschil", c["difference"]),
                   ("Goedgekeurd op", c["approved_at"]), ("Betaald op", c["paid_at"])]
    kor = not c["mentions_vat"]
    if kor:
        drop = {"Totaal excl. btw", "Btw", "Vrijstelling"}
        header = [(k, v) for k, v in header if k not in drop]
        header.insert(len(header) - 1, ("Regeling", "; ".join(c["exemption_notes"])))
    wb = Workbook()
    wb.sheet("Factuur", [Column("Veld", "label", width=26), Column("Waarde", "value", width=48)],
             [{"label": k, "value": v} for k, v in header])
    # the amounts in the header are money: set their number format
    ws = wb._wb["Factuur"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in ("Totaal excl. btw", "Btw", "Totaal", "Op hun factuur", "Verschil"):
            row[1].number_format = EURO
    cols = [
        Column("Nr", "position", INTEGER, 5), Column("Omschrijving", "description", None, 48),
        Column("Van", "service_from", DATE, 12), Column("Tot en met", "service_to", DATE, 12),
        Column("Aantal", "quantity", DECIMAL2, 9), Column("Eenheid", "unit", None, 11),
        Column("Prijs per eenheid", "unit_price", EURO, 14), Column("Btw-tarief", "vat_rate", "0%", 10),
        Column("Bedrag", "amount", EURO, 14), Column("Vrijstelling", "vat_note", None, 30),
    ]
    if kor:
        cols = [col for col in cols if col.key not in ("vat_rate", "vat_note")]
        lines = [{k: v for k, v in ln.items() if k not in ("vat_rate", "vat_note")} for ln in c["lines"]]
        wb.sheet("Regels", cols, lines, totals={"description": "Totaal", "amount": c["total"]},
                 heading=[f"{doc.title} {c['number']}", sup["name"]])
        return wb.to_bytes()
    wb.sheet("Regels", cols, c["lines"], totals={"description": "Totaal excl. btw", "amount": c["total_excl"]},
             heading=[f"{doc.title} {c['number']}", sup["name"]])
    wb.sheet("Btw", [Column("Tarief", "rate", "0%", 10), Column("Grondslag", "base", EURO, 14),
                     Column("Btw", "vat", EURO, 14), Column("Vrijstelling", "note", None, 60)],
             c["vat_groups"], totals={"rate": None, "base": c["total_excl"], "vat": c["total_vat"]})
    return wb.to_bytes()
