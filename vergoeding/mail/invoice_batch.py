"""What ``vergoeding mail invoices`` puts in the outbox: issued client invoices and credit
notes, each to the client's invoice address, once per invoice (dedup key
``invoice:<number>``); the plan and its queueing are :mod:`vergoeding.mail.plan`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from vergoeding.core import nl
from vergoeding.core.period import Period
from vergoeding.mail.compose import Sender, letter, sender
from vergoeding.mail.outbox import Attachment, Mail
from vergoeding.mail.plan import Plan, Planned, Progress, existing, queue_plan
from vergoeding.store import schema as s

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

__all__ = ["plan_invoices"]


def _invoice_letter(inv: Any, number: str, contact: str | None, org: Sender, parts: tuple[str, ...]
                    ) -> tuple[str, Any]:
    credit = inv.kind == "credit"
    what = "creditnota" if credit else "factuur"
    subject = f"{what.capitalize()} {number} van {org.name}"
    greeting = f"Beste {contact}," if contact else "Geachte heer, mevrouw,"
    total = nl.euro(inv.totals.total)
    known: dict[tuple[str, ...], str] = {("xml",): "de e-factuur (XML)", ("pdf",): "de factuur als PDF"}
    files = known.get(parts, "de factuur als PDF en als e-factuur (XML)")
    if credit:
        body = [f"Hierbij ontvangt u creditnota {number} van {nl.long_date(inv.issue_date)}"
                + (f" bij factuur {inv.credit_of}" if inv.credit_of else "") + f", voor {total}.",
                f"In de bijlage vindt u {files.replace('de factuur', 'de creditnota')}."]
    else:
        pay = f"Wij vragen u het bedrag van {total} vóór {nl.long_date(inv.due_date)} te betalen"
        if inv.supplier.iban:
            pay += f" op rekening {inv.supplier.iban} ten name van {inv.supplier.name}"
        body = [f"Hierbij ontvangt u factuur {number} van {nl.long_date(inv.issue_date)}"
                + (f" voor {nl.period(inv.period)}" if inv.period else "") + ".",
                pay + ", onder vermelding van het factuurnummer.",
                f"In de bijlage vindt u {files}."]
    body.append("Heeft u een vraag over deze " + what + "? Neem dan contact met ons op"
                + (f": {org.contact}." if org.contact else "."))
    return subject, letter(greeting=greeting, paragraphs=body, org=org)


def plan_invoices(ws: Workspace, *, period: Period | None = None, numbers: tuple[str, ...] = (),
                  dry_run: bool = False, progress: Progress | None = None) -> Plan:
    """Issued client invoices and credit notes, each to the client's invoice address (the
    contact's address when none is set): the PDF with the e-invoice XML, or the XML alone for
    a client that asks for it (``org edit --invoice-mail xml``). Sent once per invoice."""
    from vergoeding.api import invoices as inv_api

    i, o = s.invoices, s.organisations
    q = (select(i.c.id, i.c.number, i.c.kind, i.c.period, o.c.code, o.c.name, o.c.invoice_email, o.c.contact_email,
                o.c.contact_name, o.c.invoice_mail)
         .join(o, o.c.id == i.c.client_id)
         .where(i.c.status != "concept", i.c.number.is_not(None), i.c.kind.in_(("client", "credit")))
         .order_by(i.c.id))
    if period is not None:
        q = q.where(i.c.period == (period.label or str(period)))
    if numbers:
        q = q.where(i.c.number.in_(numbers))
    with ws.engine.connect() as conn:
        rows = list(conn.execute(q))
        org = sender(conn)
        done = existing(conn, [f"invoice:{r.number}" for r in rows])
    if numbers:
        missing = sorted(set(numbers) - {r.number for r in rows})
        if missing:
            from vergoeding.errors import NotFoundError

            raise NotFoundError(f"factuur {missing[0]} bestaat niet, is een concept of is niet aan een "
                                "opdrachtgever gericht")
    what = f"facturen {nl.period(period.label or str(period))}" if period is not None else "facturen"
    plan = Plan("invoice", what)
    todo = []
    for r in rows:
        to = r.invoice_email or r.contact_email
        if not to:
            plan.skipped.append((r.code, r.name, f"factuur {r.number}: geen e-mailadres voor facturen (vul het in "
                                                  f"met 'vergoeding org edit {r.code} --invoice-email ...')"))
            continue
        stored = inv_api.show(ws, r.number)
        # the PDF with the e-invoice, the XML alone when the client asks for it; an invoice
        # issued without e-invoice (a client without KvK/OIN) as the PDF alone
        parts = ("pdf",) if not stored.invoice.einvoice else ("xml",) if r.invoice_mail == "xml" else ("pdf", "xml")
        names = tuple(f"factuur-{r.number}.{ext}" for ext in parts)
        key = f"invoice:{r.number}"
        subject = f"{'Creditnota' if r.kind == 'credit' else 'Factuur'} {r.number} van {org.name}"
        plan.mails.append(Planned(r.code, r.name, to, subject, names, queued=key in done))
        if key not in done:
            todo.append((r, to, stored, parts))
    if dry_run or not todo:
        return plan
    mails = []
    mime = {"pdf": "application/pdf", "xml": "application/xml"}
    for n, (r, to, stored, parts) in enumerate(todo, 1):
        files = [Attachment(f"factuur-{r.number}.{ext}", mime[ext],
                            inv_api.render(ws, r.number, "ubl" if ext == "xml" else "pdf")) for ext in parts]
        subject, body = _invoice_letter(stored.invoice, r.number, r.contact_name, org, parts)
        mails.append(Mail("invoice", to, subject, body.text, body.html, tuple(files), ref=f"invoice:{r.number}",
                          key=f"invoice:{r.number}"))
        if progress:
            progress(n, len(todo))
    queue_plan(ws, plan, mails, "mail.invoices", {"numbers": [r.number for r, _, _, _ in todo]})
    return plan
