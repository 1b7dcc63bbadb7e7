"""Invoices: client invoices (our organisation -> client, at client rates), expert invoices
(a freelance expert -> our organisation, optionally self-billed by us), credit notes,
payment, listing and rendering. Each function that changes something is one transaction.

Configuration (``vergoeding.toml``)::

    [invoices]
    number_format = "{year}-{seq:04d}"           # client invoices and their credit notes
    expert_format = "{expert}-{year}-{seq:03d}"    # invoices we prepare for a freelancer
    self_billing_format = "ZF{year}-{expert}-{seq:03d}"  # self-billing: own series per expert
    vat_exempt_note = "..."   # only if our organisation is exempt: the specific exemption
    [organisation]
    logo = "logo.png"

The work is in three modules: what every invoice shares (configuration, parties, hours;
:mod:`~vergoeding.api.invoice_common`), client invoices (:mod:`~vergoeding.api.client_invoices`)
and expert invoices (:mod:`~vergoeding.api.expert_invoices`); this module holds the life cycle
(issue, credit, paid), listing and rendering, and re-exports the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vergoeding.api.client_invoices import (
    client_lines,
    create_all_client_invoices,
    create_client_invoice,
    invoiceable_clients,
)
from vergoeding.api.expert_invoices import (
    Received,
    approve_expert_invoice,
    create_expert_invoice,
    receive_expert_invoice,
)
from vergoeding.api.invoice_common import (
    FORMATS,
    GROUP_BY,
    BatchResult,
    NothingToInvoice,
    _prefix,
    einvoice_notice,
    invoice_hours,
    logo_path,
    number_format,
    refuse_without_einvoice,
    required_einvoice,
)
from vergoeding.api.workspace import Workspace
from vergoeding.core.invoice import ORIGINS, Invoice
from vergoeding.core.money import from_cents
from vergoeding.documents.invoice import InvoiceDocument
from vergoeding.errors import InputError, RuleViolation
from vergoeding.store import invoices as store

# --- life cycle ---------------------------------------------------------------------------

def issue(ws: Workspace, key: str, *, issue_date: date) -> store.StoredInvoice:
    """Issue a concept (``concept-12``): it gets its number now."""
    with ws.engine.begin() as conn:
        cur = store.get(conn, key)
        without = False
        if cur.status == "concept":
            without = not refuse_without_einvoice(cur.invoice, required=required_einvoice(conn, cur.invoice)).einvoice
        sb = cur.invoice.self_billed
        return store.issue_concept(conn, cur.id, issue_date=issue_date, fmt=number_format(ws, cur.kind, self_billed=sb),
                                   without_einvoice=without,
                                   series_prefix=_prefix(cur.kind, sb), actor=ws.actor,
                                   expert_code=cur.invoice.supplier.code if cur.kind == "expert" else "")


def discard(ws: Workspace, key: str) -> None:
    with ws.engine.begin() as conn:
        store.delete(conn, key, actor=ws.actor)


def credit(ws: Workspace, number: str, reason: str, *, issue_date: date,
           their_number: str | None = None) -> store.StoredInvoice:
    """A credit note that voids invoice ``number``; the hours come free. On a received invoice
    the credit note is the freelancer's own: registered under ``their_number`` and their date
    (``issue_date``), like their invoice; on an invoice we issued, one of our numbers."""
    with ws.engine.begin() as conn:
        cur = store.get(conn, number)
        fmt = number_format(ws, cur.kind, self_billed=cur.invoice.self_billed)
        return store.credit(conn, number, reason=reason, issue_date=issue_date, fmt=fmt, actor=ws.actor,
                            number=their_number)


def mark_paid(ws: Workspace, number: str, *, paid_on: date, today: date | None = None) -> store.StoredInvoice:
    """Mark an issued invoice paid on ``paid_on`` (not before its date; with ``today``, not after it)."""
    with ws.engine.begin() as conn:
        return store.mark_paid(conn, number, paid_on=paid_on, actor=ws.actor, today=today)


def list_invoices(ws: Workspace, *, status: str | None = None, kind: str | None = None,
                  overdue_on: date | None = None) -> list[store.StoredInvoice]:
    """The invoices; with ``overdue_on`` only what clients still owe on that day: issued
    client invoices (not paid, not credited) whose due date has passed."""
    with ws.engine.connect() as conn:
        if overdue_on is None:
            return store.list_invoices(conn, status=status, kind=kind)
        return [s for s in store.list_invoices(conn, status="issued", kind="client")
                if s.invoice.due_date < overdue_on]


def owed(ws: Workspace, on: date) -> list[dict[str, Any]]:
    """What clients still owe on ``on``: the overdue client invoices (:func:`list_invoices`) as
    rows with what the bank import matched to them (``received``) and what is still open."""
    found = list_invoices(ws, overdue_on=on)
    with ws.engine.connect() as conn:
        got = store.received_by_bank(conn, [s.label for s in found])
    out = []
    for s in found:
        received = from_cents(got.get(s.label, 0))
        out.append({**row(s), "received": received, "open": s.invoice.totals.total - received})
    return out


def show(ws: Workspace, number: str) -> store.StoredInvoice:
    with ws.engine.connect() as conn:
        return store.get(conn, number)


def document(ws: Workspace, number: str) -> InvoiceDocument:
    s = show(ws, number)
    return InvoiceDocument(s.invoice, s.status, logo_path(ws), approved_at=s.approved_at, paid_at=s.paid_at,
                           origin=s.origin)


def render(ws: Workspace, number: str, fmt: str) -> bytes:
    """The stored invoice as ``pdf``, ``xlsx`` or ``ubl`` (UBL 2.1, Peppol BIS 3.0 / NLCIUS).
    A received invoice (a freelancer's own) renders as our registration of it, and its UBL is
    refused: the e-invoice is the freelancer's to make (docs/E-INVOICE.md)."""
    if fmt not in FORMATS:
        raise InputError(f"formaat {fmt!r}: kies uit {', '.join(FORMATS)}", field="format")
    doc = document(ws, number)
    if fmt == "pdf":  # PDF/A-3; an issued invoice with its e-invoice embedded
        from vergoeding.render.invoice import invoice_pdf
        from vergoeding.render.ubl import invoice_ubl

        ubl = None if doc.status == "concept" or not doc.invoice.einvoice or doc.received \
            else invoice_ubl(doc.invoice)
        return invoice_pdf(doc, user_dir=ws.settings.templates_dir, shipped_dir=ws.settings.shipped_templates,
                           ubl=ubl)
    if fmt == "xlsx":
        from vergoeding.render.invoice import invoice_xlsx

        return invoice_xlsx(doc)
    if doc.status == "concept":
        raise RuleViolation("een concept is geen factuur: reik het eerst uit")
    if doc.received:
        raise RuleViolation(received_ubl_refusal(doc.invoice))
    if not doc.invoice.einvoice:
        raise RuleViolation(f"factuur {doc.number} is uitgereikt zonder e-factuur: "
                            + (einvoice_notice(doc.invoice) or "de afnemer heeft geen KvK-nummer of OIN"))
    from vergoeding.render.ubl import invoice_ubl

    return invoice_ubl(doc.invoice)


def received_ubl_refusal(inv: Invoice) -> str:
    """Why there is no e-invoice of a received invoice, and what to use instead."""
    who = inv.supplier.name
    return (f"factuur {inv.number} is de factuur die {who} ons stuurde. Van een ontvangen factuur maken wij geen "
            f"e-factuur: dan zou er een factuur op naam van {who} zijn die {who} niet zelf maakte. De e-factuur "
            f"maakt {who}; vraag die aan {who} als u hem nodig hebt. Onze registratie van de factuur krijgt u met "
            f"'vergoeding invoice render {inv.number} --format pdf -o registratie.pdf' (of --format "
            "xlsx). Is schriftelijk afgesproken dat wij de facturen van deze zzp'er opmaken (zelffacturering), dan "
            f"maakt 'vergoeding invoice expert --expert {inv.supplier.code} --period {inv.period} --self-billing' de "
            "factuur met e-factuur.")


def row(s: store.StoredInvoice) -> dict[str, Any]:
    inv = s.invoice
    t = inv.totals
    party = inv.customer if inv.kind == "client" or inv.original_kind == "client" else inv.supplier
    return {"number": s.label, "kind": s.kind, "origin": s.origin, "status": s.status, "issue_date": s.issue_date,
            "due_date": inv.due_date if s.status != "concept" else None,
            "party": party.name, "period": inv.period, "excl": t.excl, "vat": t.vat, "total": t.total,
            "credit_of": inv.credit_of, "self_billed": inv.self_billed, "approved_at": s.approved_at,
            "paid_at": s.paid_at}


__all__ = [
    "FORMATS", "GROUP_BY", "ORIGINS", "BatchResult", "Received", "approve_expert_invoice", "receive_expert_invoice", "NothingToInvoice", "client_lines", "create_all_client_invoices",
    "create_client_invoice", "create_expert_invoice", "credit", "discard", "document", "einvoice_notice", "invoice_hours",
    "invoiceable_clients", "issue", "list_invoices", "logo_path", "owed", "mark_paid", "number_format", "received_ubl_refusal", "render", "row",
    "show",
]
