"""``vergoeding invoice list``, ``show`` and ``render``: what an invoice is, read back (the
list with each invoice's origin and state, one invoice with its lines, its PDF, workbook or
e-invoice). They are commands of the ``invoice`` group of ``invoices.py``, which also shows
totals the way these do (:func:`totals_text`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vergoeding.api.choices import INVOICE_FORMATS
from vergoeding.commands._common import _cell, emit, format_option, reads_only, today, workspace
from vergoeding.commands._lazy import lazy_module
from vergoeding.errors import InputError

if TYPE_CHECKING:
    from vergoeding.api import invoices as api
    from vergoeding.core.invoice import Invoice
else:
    api = lazy_module("vergoeding.api.invoices")

COLUMNS = ["number", "kind", "origin", "status", "issue_date", "party", "period", "excl", "vat", "total", "credit_of",
           "paid_at"]
HEADERS = {"number": "nummer", "kind": "soort", "origin": "herkomst", "status": "status", "issue_date": "datum",
           "party": "partij",
           "period": "periode", "excl": "excl. btw", "vat": "btw", "total": "totaal", "credit_of": "crediteert",
           "paid_at": "betaald op", "due_date": "vervalt",
           "received": "ontvangen", "open": "nog open"}


def totals_text(inv: Invoice, sep: str) -> str:
    """The totals as the document shows them: excl. btw, btw and totaal; under the KOR (Wet OB
    art. 25a: no VAT on the invoice) only the total, with the scheme named."""
    from vergoeding.render.formatting import euro

    t = inv.totals
    if not inv.mentions_vat:
        return f"totaal {euro(t.total)} (kleineondernemersregeling: geen btw)"
    return sep.join((f"excl. btw {euro(t.excl)}", f"btw {euro(t.vat)}", f"totaal {euro(t.total)}"))


@reads_only
@click.command("list")
@click.option("--status", type=click.Choice(["concept", "issued", "paid", "credited"]),
              help="Alleen deze status: concept, issued (uitgereikt), paid (betaald), credited (gecrediteerd).")
@click.option("--kind", type=click.Choice(["client", "expert", "credit"]),
              help="Alleen deze soort: client (aan opdrachtgever), expert (van deskundige), credit (creditnota).")
@click.option("--overdue", is_flag=True, help="Alleen wat opdrachtgevers nog moeten betalen: uitgereikte facturen "
                                              "waarvan de vervaldatum voorbij is.")
@format_option()
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, kind: str | None, overdue: bool, fmt: str) -> None:
    """Toon de facturen en creditnota's.

    \b
    Voorbeeld:
      vergoeding invoice list --status issued --format csv    # uitgereikt, niet betaald
      vergoeding invoice list --overdue                       # te laat betaald door de opdrachtgever
    """
    if overdue and (status or kind):
        raise InputError("--overdue toont uitgereikte facturen aan opdrachtgevers; geef dan geen --status of --kind",
                         field="overdue")
    if overdue:
        rows = api.owed(workspace(ctx), today())
        if fmt == "table" and not rows:
            click.echo(f"Geen facturen over de vervaldatum op {today():%d-%m-%Y}.")
            return
        emit(rows, fmt, columns=["number", "issue_date", "due_date", "party", "period", "total", "received", "open"],
             headers=HEADERS, words=("kind", "status"))
        if fmt == "table":
            owed = sum((r["open"] for r in rows), Decimal(0))
            from vergoeding.render.formatting import euro

            click.echo(f"{len(rows)} factuur/facturen over de vervaldatum; nog te ontvangen: {euro(owed)}.")
        return
    found = api.list_invoices(workspace(ctx), status=status, kind=kind)
    rows = [api.row(s) for s in found]
    if fmt == "table":  # a received invoice is not "uitgereikt": it waits for approval, or is approved
        rows = [{**r, "status": _state(r)} for r in rows]
    emit(rows, fmt, columns=COLUMNS, headers=HEADERS, words=("kind", "origin", "status"))


def _state(r: dict[str, Any]) -> str:
    """The status a person reads: for a received invoice not yet paid, whether it is approved;
    a received credit note is registered (it is never approved or paid)."""
    if r["origin"] != "received" or r["status"] != "issued":
        return str(r["status"])
    if r["kind"] == "credit":  # their credit note voids their invoice: nothing to approve
        return "geregistreerd"
    return "goedgekeurd" if r["approved_at"] else "te keuren"


@reads_only
@click.command("show")
@click.argument("number", metavar="NUMMER")
@format_option()
@click.pass_context
def show_cmd(ctx: click.Context, number: str, fmt: str) -> None:
    """Toon een factuur met haar regels, zoals uitgereikt.

    \b
    Voorbeeld:
      vergoeding invoice show 2026-0001
    """
    from vergoeding.core.invoice import invoice_to_dict

    s = api.show(workspace(ctx), number)
    inv = s.invoice
    lines = [{"description": x.description, "from": x.service_from, "to": x.service_to, "quantity": x.quantity,
              "unit": x.unit, "unit_price": x.unit_price, "vat_rate": x.vat.rate, "amount": x.amount} for x in inv.lines]
    r = api.row(s)
    if fmt == "json":
        emit([], fmt, payload={**invoice_to_dict(inv), "status": s.status, "origin": r["origin"],
                               "approved_at": s.approved_at, "paid_at": s.paid_at})
        return
    if fmt == "table":
        from vergoeding.commands._common import period_label, show_value, word
        from vergoeding.render.formatting import euro, percent

        if s.received and s.kind == "credit":
            click.echo(f"Ontvangen creditnota {s.label}")
            click.echo(f"  Dit is onze registratie. De creditnota is {s.label} van {_cell(inv.supplier.name)}.")
        elif s.received:
            click.echo(f"Ontvangen factuur {s.label} ({word(_state(r))})")
            click.echo(f"  Dit is onze registratie. De factuur is {s.label} van {_cell(inv.supplier.name)}.")
            click.echo(f"  goedgekeurd: {show_value(s.approved_at) if s.approved_at else 'nog niet'}   "
                       f"betaald: {show_value(s.paid_at) if s.paid_at else 'nog niet'}")
            if inv.stated_total is not None:
                diff = inv.stated_total - inv.totals.total
                click.echo(f"  op hun factuur: {euro(inv.stated_total)}"
                           + (f" (verschil {euro(diff)}; wij betalen {euro(inv.totals.total)})" if diff else ""))
        else:
            what = "Creditnota" if s.kind == "credit" else "Factuur"
            how = {"self_billed": ", zelffacturering", "prepared": ", door ons opgemaakt"}.get(s.origin, "")
            click.echo(f"{what} {s.label} ({word(s.status)}{how})")
            if s.origin == "prepared":
                click.echo(f"  Deze {what.lower()} op naam van {_cell(inv.supplier.name)} maakten wij voordat de herkomst "
                           "werd bijgehouden; of zelffacturering was afgesproken, is niet vastgelegd.")
        click.echo(f"  van:   {inv.supplier.name}")
        click.echo(f"  aan:   {inv.customer.name}")
        click.echo(f"  datum: {show_value(inv.issue_date)}   vervalt: {show_value(inv.due_date)}   "
                   f"periode: {period_label(inv.period)}")
        if inv.credit_of:
            click.echo(f"  crediteert: {inv.credit_of} ({inv.credit_reason})")
        for note in (*inv.notes, *inv.exemption_notes):
            click.echo(f"  {note}")
        click.echo(f"  {totals_text(inv, '   ')}")
        lines = [{**x, "vat_rate": percent(str(x["vat_rate"]))} if inv.mentions_vat
                 else {k: v for k, v in x.items() if k != "vat_rate"} for x in lines]  # KOR: no VAT rate
    emit(lines, fmt, headers={"description": "omschrijving", "from": "van", "to": "t/m", "quantity": "aantal",
                              "unit": "eenheid", "unit_price": "prijs", "vat_rate": "btw", "amount": "bedrag"})


@reads_only
@click.command("render")
@click.argument("number", metavar="NUMMER")
@click.option("--format", "fmt", type=click.Choice(INVOICE_FORMATS), default="pdf", show_default=True,
              help="pdf (PDF/A-3 met de e-factuur erin), xlsx of ubl (e-factuur, UBL 2.1: Peppol BIS 3.0 of "
                   "SI-UBL 2.0, zoals ingesteld bij de opdrachtgever).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Uitvoerbestand.")
@click.pass_context
def render_cmd(ctx: click.Context, number: str, fmt: str, output: Path) -> None:
    """Maak de PDF, het Excel-bestand of de e-factuur (UBL) van een factuur.

    \b
    Voorbeeld:
      vergoeding invoice render 2026-0001 --format pdf -o factuur.pdf
      vergoeding invoice render 2026-0001 --format ubl -o factuur.xml
    """
    from vergoeding.render.files import write_atomic

    data = api.render(workspace(ctx), number, fmt)
    write_atomic(output, data)
    click.echo(f"geschreven: {output}")
