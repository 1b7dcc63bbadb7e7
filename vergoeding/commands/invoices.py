"""``vergoeding invoice ...``: client and expert invoices, credit notes, payment, rendering.

Over 400 lines on purpose: one click group whose eleven commands are each thin (options,
one call of ``api/invoices.py`` or its rooms, the result shown); the shared helpers
(``_issue_day``, ``_echo_issued``, ``_amounts``) serve most of them. Split across modules,
the group's commands would have to be registered from a second module."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vergoeding.api.choices import INVOICE_FORMATS, INVOICE_GROUP_BY
from vergoeding.commands._common import (
    DATE,
    EXPERT_CODE,
    MONEY,
    ORG_CODE,
    PERIOD,
    _cell,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._lazy import lazy_module
from vergoeding.core.period import Period, period_text
from vergoeding.errors import InputError

if TYPE_CHECKING:
    from vergoeding.api import invoices as api
    from vergoeding.core.invoice import Invoice
    from vergoeding.store.invoices import StoredInvoice
else:
    api = lazy_module("vergoeding.api.invoices")

COLUMNS = ["number", "kind", "origin", "status", "issue_date", "party", "period", "excl", "vat", "total", "credit_of",
           "paid_at"]
HEADERS = {"number": "nummer", "kind": "soort", "origin": "herkomst", "status": "status", "issue_date": "datum",
           "party": "partij",
           "period": "periode", "excl": "excl. btw", "vat": "btw", "total": "totaal", "credit_of": "crediteert",
           "paid_at": "betaald op", "due_date": "vervalt",
           "received": "ontvangen", "open": "nog open"}


@click.group("invoice")
def invoice_group() -> None:
    """Facturen: aan opdrachtgevers, van zzp'ers (ook zelffacturering), creditnota's.

    \b
    Voorbeeld:
      vergoeding invoice create --client GEM-UTR --period 2026-10
      vergoeding invoice render 2026-0001 --format pdf -o factuur.pdf
    """


def _issue_day(given: object) -> date:
    """The invoice date: today unless given; never after today (an invoice is dated the day
    it is issued; a later date would also take a number from a later year's series)."""
    day = today()
    if given is None:
        return day
    if not isinstance(given, date):  # pragma: no cover - the DATE type gives a date
        raise InputError("geen datum", field="datum")
    if given > day:
        raise InputError(f"{given:%d-%m-%Y} ligt na vandaag ({day:%d-%m-%Y}); een factuur of creditnota krijgt "
                         "de datum waarop zij wordt uitgereikt", field="datum")
    return given


def _echo_issued(s: StoredInvoice) -> None:
    what = "Concept" if s.status == "concept" else ("Creditnota" if s.kind == "credit" else "Factuur")
    party = s.invoice.customer.name if s.kind != "expert" else s.invoice.supplier.name
    click.echo(f"{what} {s.label}: {_cell(party)}, {len(s.invoice.lines)} regel(s), {_amounts(s.invoice, ', ')}")
    if s.status != "concept" and (notice := api.einvoice_notice(s.invoice)):
        click.echo(notice, err=True)


def _amounts(inv: Invoice, sep: str) -> str:
    """The totals as the document shows them: excl. btw, btw and totaal; under the KOR (Wet OB
    art. 25a: no VAT on the invoice) only the total, with the scheme named."""
    from vergoeding.render.formatting import euro

    t = inv.totals
    if not inv.mentions_vat:
        return f"totaal {euro(t.total)} (kleineondernemersregeling: geen btw)"
    return sep.join((f"excl. btw {euro(t.excl)}", f"btw {euro(t.vat)}", f"totaal {euro(t.total)}"))


@invoice_group.command("create")
@click.option("--client", "client", type=ORG_CODE, help="Code van de opdrachtgever.")
@click.option("--all-clients", is_flag=True, help="Alle opdrachtgevers met factureerbare uren, elk een eigen factuur.")
@click.option("--period", "period", type=PERIOD, required=True, help="Periode, bijv. 2026-10 of 2026-Q4.")
@click.option("--group-by", type=click.Choice(INVOICE_GROUP_BY), default="engagement", show_default=True,
              help="Eén factuurregel per opdracht, deskundige, rol of datum.")
@click.option("--date", "issue_date", type=DATE, help="Factuurdatum (standaard vandaag).")
@click.option("--concept", is_flag=True, help="Alleen een concept (nog geen nummer); uitreiken met 'invoice issue'.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Met --all-clients: schrijf per factuur de PDF (PDF/A-3, met de e-factuur erin) en de "
                   "e-factuur (UBL) in deze map (parallel).")
@click.pass_context
def create(ctx: click.Context, client: str | None, all_clients: bool, period: Period, group_by: str,
           issue_date: object, concept: bool, out_dir: Path | None) -> None:
    """Factureer goedgekeurde, nog niet gefactureerde uren aan een opdrachtgever, tegen de
    tarieven voor de opdrachtgever. De factuur krijgt direct het volgende nummer.

    \b
    Voorbeeld:
      vergoeding invoice create --client GEM-UTR --period 2026-10 --group-by expert
      vergoeding invoice create --all-clients --period 2026-10 --out facturen
    """
    ws = workspace(ctx)
    day = _issue_day(issue_date)
    if all_clients == bool(client):
        raise InputError("geef --client C of --all-clients (één van beide)", field="client")
    if all_clients:
        if concept:
            raise InputError("--concept kan niet met --all-clients", field="concept")
        if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
            raise InputError(f"{out_dir} is een bestand; geef met --out een map", field="out")
        bar = None
        if sys.stderr.isatty():
            bar = click.progressbar(length=len(api.invoiceable_clients(ws, period)), label="PDF's maken",
                                    file=sys.stderr)

        def step(done: int, total: int, number: str) -> None:
            if bar is not None:
                bar.update(1)

        result = api.create_all_client_invoices(ws, period, issue_date=day, group_by=group_by,
                                                out_dir=out_dir, progress=step)
        if bar is not None:
            bar.render_finish()
        for s in result.issued:
            _echo_issued(s)
        for path in result.files:
            click.echo(f"geschreven: {path}")
        if result.completed:
            click.echo(f"{len(result.completed)} ontbrekende PDF('s) van eerder uitgereikte facturen van {period_text(period)} "
                       "aangevuld (een vorige run is onderbroken); er is niets opnieuw gefactureerd.")
        for code, message in result.failed:
            click.echo(f"fout: {code}: {message}", err=True)
        if not result.issued and not result.failed and not result.files:
            click.echo(f"geen factureerbare uren in {period_text(period)}"
                       + (f"; de PDF's van de uitgereikte facturen staan al in {out_dir}" if out_dir else ""))
        if result.failed:
            ctx.exit(1)
        return
    _echo_issued(api.create_client_invoice(ws, str(client), period, issue_date=day, group_by=group_by,
                                           concept=concept))


@invoice_group.command("expert")
@click.option("--expert", "expert", type=EXPERT_CODE, required=True, help="Code van de (zzp-)deskundige.")
@click.option("--period", "period", type=PERIOD, required=True, help="Periode, bijv. 2026-10.")
@click.option("--self-billing", is_flag=True, help="Wij reiken de factuur uit namens de zzp'er (zelffacturering).")
@click.option("--date", "issue_date", type=DATE, help="Factuurdatum (standaard vandaag).")
@click.option("--concept", is_flag=True, help="Alleen een concept (nog geen nummer).")
@click.pass_context
def expert(ctx: click.Context, expert: str, period: Period, self_billing: bool, issue_date: object,
           concept: bool) -> None:
    """Reik de factuur van een zzp'er uit namens de zzp'er (zelffacturering).

    Alleen met --self-billing, en alleen als zelffacturering schriftelijk is afgesproken en in
    de opdracht vastgelegd (engagement edit --self-billing); de factuur vermeldt dan 'factuur
    uitgereikt door afnemer' en krijgt een nummer uit een eigen reeks per zzp'er. Zonder die
    afspraak maakt het programma geen factuur op naam van een ander: registreer dan de factuur
    die de zzp'er stuurde met 'vergoeding invoice receive'.

    \b
    Voorbeeld:
      vergoeding invoice expert --expert E007 --period 2026-10 --self-billing
    """
    ws = workspace(ctx)
    _echo_issued(api.create_expert_invoice(ws, expert, period, issue_date=_issue_day(issue_date),
                                           self_billing=self_billing, concept=concept))


@invoice_group.command("receive")
@click.option("--expert", "expert", type=EXPERT_CODE, required=True, help="Code van de zzp'er die de factuur stuurde.")
@click.option("--period", "period", type=PERIOD, required=True, help="Periode van het werk op de factuur, bv. 2026-10.")
@click.option("--number", "number", required=True, help="Het factuurnummer van de zzp'er (zoals op de factuur).")
@click.option("--date", "invoice_date", type=DATE, required=True, help="De factuurdatum van de zzp'er.")
@click.option("--amount", "amount", type=MONEY, help="Het totaal op de factuur (incl. btw); een verschil met de "
                                                     "goedgekeurde uren en tarieven geeft een waarschuwing.")
@click.pass_context
def receive_cmd(ctx: click.Context, expert: str, period: Period, number: str, invoice_date: date,
                amount: Decimal | None) -> None:
    """Registreer een factuur die een zzp'er stuurde, met zijn eigen nummer en datum. Het
    programma zet er de goedgekeurde, nog niet gefactureerde uren van de periode op (uren x
    tarief, btw of KOR) en vergelijkt het totaal. Na 'invoice approve' betaalt de volgende
    'vergoeding payout' de factuur.

    \b
    Voorbeeld:
      vergoeding invoice receive --expert E003 --period 2026-10 --number F2026-17 --date 3-11-2026 --amount 110
      vergoeding invoice approve F2026-17
    """
    got = api.receive_expert_invoice(workspace(ctx), expert, period, number=number, invoice_date=invoice_date,
                                     amount=amount)
    s = got.stored
    click.echo(f"Ontvangen factuur {s.label}: {_cell(s.invoice.supplier.name)}, {len(s.invoice.lines)} regel(s), "
               f"{_amounts(s.invoice, ', ')}; keur haar goed met 'vergoeding invoice approve {s.label}'")
    for w in got.warnings:
        click.echo(f"WAARSCHUWING: {w}", err=True)


@invoice_group.command("approve")
@click.argument("number", metavar="NUMMER")
@click.option("--date", "day", type=DATE, help="Datum van goedkeuring (standaard vandaag).")
@click.pass_context
def approve_cmd(ctx: click.Context, number: str, day: date | None) -> None:
    """Keur een ontvangen factuur van een zzp'er goed voor betaling: de volgende
    'vergoeding payout' betaalt haar in dezelfde SEPA-batch, met het factuurnummer als
    omschrijving. Een factuur die wij zelf uitreikten (zelffacturering) is al goedgekeurd.

    \b
    Voorbeeld:
      vergoeding invoice approve F2026-17
    """
    s = api.approve_expert_invoice(workspace(ctx), number, day=day or today())
    click.echo(f"factuur {s.label} goedgekeurd voor betaling: de volgende 'vergoeding payout' betaalt haar")


@invoice_group.command("issue")
@click.argument("concept_id", metavar="CONCEPT")
@click.option("--date", "issue_date", type=DATE, help="Factuurdatum (standaard vandaag).")
@click.pass_context
def issue_cmd(ctx: click.Context, concept_id: str, issue_date: object) -> None:
    """Reik een concept uit: het krijgt nu zijn nummer en is daarna onveranderlijk.

    \b
    Voorbeeld:
      vergoeding invoice issue concept-3
    """
    _echo_issued(api.issue(workspace(ctx), concept_id, issue_date=_issue_day(issue_date)))


@invoice_group.command("discard")
@click.argument("concept_id", metavar="CONCEPT")
@click.pass_context
def discard_cmd(ctx: click.Context, concept_id: str) -> None:
    """Gooi een concept weg (de uren komen weer vrij). Uitgereikte facturen nooit.

    \b
    Voorbeeld:
      vergoeding invoice discard concept-3
    """
    api.discard(workspace(ctx), concept_id)
    click.echo(f"concept {concept_id} verwijderd")


@invoice_group.command("credit")
@click.argument("number", metavar="NUMMER")
@click.option("--reason", required=True, help="Waarom de factuur wordt gecrediteerd.")
@click.option("--date", "issue_date", type=DATE, help="Datum van de creditnota (standaard vandaag).")
@click.option("--number", "their_number", help="Bij een ontvangen factuur van een zzp'er: het nummer van de "
                                               "creditnota die de zzp'er stuurde (met --date: haar datum).")
@click.pass_context
def credit_cmd(ctx: click.Context, number: str, reason: str, issue_date: object, their_number: str | None) -> None:
    """Maak een creditnota die factuur NUMMER volledig vervalt. De creditnota krijgt een
    nieuw nummer; de uren komen vrij om opnieuw (juist) te factureren. Is NUMMER een
    ontvangen factuur van een zzp'er, dan is de creditnota ook van de zzp'er: registreer die
    met haar eigen nummer en datum (--number, --date).

    \b
    Voorbeeld:
      vergoeding invoice credit 2026-0003 --reason "verkeerd tarief"
      vergoeding invoice credit F2026-17 --number C2026-3 --date 4-12-2026 --reason "dubbel"
    """
    if their_number is not None and issue_date is None:
        raise InputError("geef de datum van hun creditnota (--date DD-MM-JJJJ)", field="datum")
    s = api.credit(workspace(ctx), number, reason, issue_date=_issue_day(issue_date), their_number=their_number)
    if s.received:
        click.echo(f"Ontvangen creditnota {s.label} geregistreerd: {_cell(s.invoice.supplier.name)}, vervalt factuur "
                   f"{s.invoice.credit_of}, {_amounts(s.invoice, ', ')}")
        return
    _echo_issued(s)


@invoice_group.command("paid")
@click.argument("number", metavar="NUMMER")
@click.option("--date", "paid_on", type=DATE, help="Datum van betaling (standaard vandaag).")
@click.pass_context
def paid_cmd(ctx: click.Context, number: str, paid_on: object) -> None:
    """Markeer factuur NUMMER als betaald.

    \b
    Voorbeeld:
      vergoeding invoice paid 2026-0001 --date 15-11-2026
    """
    now = today()
    s = api.mark_paid(workspace(ctx), number, paid_on=paid_on or now, today=now)  # type: ignore[arg-type]
    click.echo(f"factuur {s.label} betaald op {s.paid_at:%d-%m-%Y}" if s.paid_at else f"factuur {s.label} betaald")


@reads_only
@invoice_group.command("list")
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
@invoice_group.command("show")
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
        click.echo(f"  {_amounts(inv, '   ')}")
        lines = [{**x, "vat_rate": percent(str(x["vat_rate"]))} if inv.mentions_vat
                 else {k: v for k, v in x.items() if k != "vat_rate"} for x in lines]  # KOR: no VAT rate
    emit(lines, fmt, headers={"description": "omschrijving", "from": "van", "to": "t/m", "quantity": "aantal",
                              "unit": "eenheid", "unit_price": "prijs", "vat_rate": "btw", "amount": "bedrag"})


@reads_only
@invoice_group.command("render")
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
