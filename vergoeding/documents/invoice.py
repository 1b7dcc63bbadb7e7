"""The invoice as a document model: what the template and the xlsx renderer get. Built from
the stored snapshot only (never from live data), so a reprint shows what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vergoeding.core.einvoice import spec_for
from vergoeding.core.invoice import SELF_BILLING_NOTE, Invoice, Party


@dataclass(frozen=True)
class InvoiceDocument:
    invoice: Invoice
    status: str = "issued"
    logo: Path | None = None
    # a received invoice's state, shown on our registration of it
    approved_at: date | None = None
    paid_at: date | None = None
    # where the stored invoice comes from (core.invoice.ORIGINS), as the database keeps it
    origin: str = "issued"

    @property
    def received(self) -> bool:
        """A freelancer's own invoice (stored origin ``received``): rendered as our
        registration of it ("Dit is geen factuur"), never as an invoice in their name, and
        without an e-invoice."""
        return self.origin == "received"

    @property
    def title(self) -> str:
        if self.received:
            return "Registratie ontvangen " + ("creditnota" if self.invoice.kind == "credit" else "factuur")
        if self.invoice.kind == "credit":
            return "Creditnota"
        return "Factuur"

    @property
    def number(self) -> str:
        return self.invoice.number or "concept"

    def context(self) -> dict[str, Any]:
        """The fields a template may use (an unknown one is an error naming it)."""
        inv = self.invoice
        t = inv.totals
        return {
            "title": f"{self.title} {self.number}",
            "heading": self.title,
            "number": self.number,
            "concept": self.status == "concept",
            "status": self.status,
            "kind": inv.kind,
            "issue_date": inv.issue_date,
            "due_date": inv.due_date,
            "payment_term_days": inv.payment_term_days,
            "period": inv.period,
            "reference": inv.reference,
            # the client's own references (also in the e-invoice); shown once, not repeated
            "buyer_reference": inv.buyer_reference
            if inv.buyer_reference not in (inv.reference, inv.order_reference) else "",
            "order_reference": inv.order_reference,
            "supplier": _party(inv.supplier),
            "customer": _party(inv.customer),
            "self_billed": inv.self_billed,
            "self_billing_note": SELF_BILLING_NOTE if inv.self_billed else "",
            "credit_of": inv.credit_of,
            "credit_reason": inv.credit_reason,
            "service_from": inv.service_from,
            "service_to": inv.service_to,
            "lines": [
                {"position": i, "description": x.description, "quantity": x.quantity, "unit": x.unit,
                 "unit_price": x.unit_price, "amount": x.amount, "vat_rate": x.vat.rate,
                 "vat_note": x.vat.note, "service_from": x.service_from, "service_to": x.service_to}
                for i, x in enumerate(inv.lines, start=1)
            ],
            "vat_groups": [{"rate": g.rate, "note": g.note, "base": g.base, "vat": g.vat} for g in t.groups],
            "exemption_notes": list(inv.exemption_notes),
            # KOR (Wet OB art. 25a lid 4): no VAT column, no VAT lines, total without "btw"
            "mentions_vat": inv.mentions_vat,
            "notes": [n for n in inv.notes if n != SELF_BILLING_NOTE],
            "total_excl": t.excl,
            "total_vat": t.vat,
            "total": t.total,
            # what changes hands, always positive: the payment sentence never shows "€ -958,42"
            "amount_due": abs(t.total),
            "logo": self.logo.resolve().as_uri() if self.logo else None,
            # an issued invoice carries its e-invoice inside the PDF (render/invoice.py)
            "einvoice": "" if self.status == "concept" or not inv.einvoice or self.received
            else spec_for(inv.einvoice_format, self_billed=inv.self_billed).name,
            "einvoice_file": "" if self.status == "concept" or not inv.einvoice or self.received
            else f"{'creditnota' if inv.kind == 'credit' else 'factuur'}-{self.number}.xml",  # = render.invoice.ubl_filename
            # a received invoice (registration.html): what they asked, what we pay, its state
            "received": self.received,
            "stated_total": inv.stated_total,
            "difference": None if inv.stated_total is None else inv.stated_total - t.total,
            "approved_at": self.approved_at,
            "paid_at": self.paid_at,
        }


def _party(p: Party) -> dict[str, Any]:
    return {"name": p.name, "address_lines": p.address.lines(), "street": p.address.street,
            "postcode": p.address.postcode, "city": p.address.city, "vat_id": p.vat_id or "",
            "kvk": p.kvk or "", "iban": p.iban or "", "bic": p.bic or "", "oin": p.oin or "",
            "email": p.email or ""}
