"""Reconciling with the bank: what the bank actually did, from a CAMT.053 statement.

Rules, in order, per entry (``vergoeding bank import FILE``; one transaction per file):

- **Seen before** (same account and bank reference, or the same entry data): nothing changes;
  importing a statement twice is harmless.
- **Outgoing, with an end-to-end id of one of our payouts** (``2026-11-E001``, an invoice
  transfer ``2026-11-F12``): the payout is confirmed as executed on the booking date; an
  expert invoice it paid gets the bank's date as its payment date.
- **Incoming with the end-to-end id of one of our transfers**: the transfer came back (a
  closed account, a wrong IBAN): an expert invoice is unpaid again (the next payout pays it
  after the IBAN is fixed); an allowance is named, to be settled by hand.
- **Incoming, naming an issued client invoice number** in the remittance information:
  payments are added up per invoice: equal to the total marks it paid on the booking date
  (full), less is a partial payment (what is still open is named), more an overpayment (the
  excess is named); a payment on an invoice that was already paid in full is a double payment.
- **A reversal** (``RvslInd``) of an incoming payment takes it back: an invoice it had paid is
  open again.
- Anything else is listed as not recognised.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from vergoeding.api.workspace import Workspace
from vergoeding.bank.camt import BankEntry, parse
from vergoeding.core.money import ZERO, from_cents, to_cents
from vergoeding.core.nl import eur
from vergoeding.errors import InputError
from vergoeding.store.db import now_utc
from vergoeding.store.invoices import audit, received_by_bank
from vergoeding.store.schema import bank_entries, invoices, payouts


@dataclass(frozen=True)
class Outcome:
    booking_date: date
    amount: Decimal
    counterparty: str
    kind: str | None  # invoice | payout | expert_invoice | None (not recognised)
    ref: str | None
    text: str
    new: bool = True  # False: this entry was imported before; nothing changed


def _transfers(conn: Connection) -> dict[str, tuple[str, dict[str, Any]]]:
    """End-to-end id -> (payout number, transfer) of every payout's SEPA batch."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for number, snap in conn.execute(select(payouts.c.number, payouts.c.snapshot)):
        for t in json.loads(snap).get("transfers", ()):
            out[str(t["endtoend_id"])] = (str(number), t)
    return out


def _client_invoices(conn: Connection) -> dict[str, Any]:
    rows = conn.execute(select(invoices.c.id, invoices.c.number, invoices.c.status, invoices.c.total_cents,
                               invoices.c.paid_at)
                        .where(invoices.c.kind == "client", invoices.c.number.is_not(None),
                               invoices.c.status.in_(["issued", "paid"])))
    return {str(r.number): r for r in rows}


def _received(conn: Connection, number: str) -> Decimal:
    return from_cents(received_by_bank(conn, [number]).get(number, 0))


def _numbers_in(text: str, known: dict[str, Any]) -> list[str]:
    """Invoice numbers named in a remittance text (whole tokens; the longest first)."""
    found = []
    for number in sorted(known, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(number)}(?![\w-])", text, flags=re.IGNORECASE):
            found.append(number)
            text = re.sub(re.escape(number), " ", text, flags=re.IGNORECASE)
    return found


def _set_paid(conn: Connection, actor: str, row: Any, day: date | None, why: str) -> None:
    status = "paid" if day is not None else "issued"
    conn.execute(update(invoices).where(invoices.c.id == row.id).values(status=status, paid_at=day))
    audit(conn, actor, "invoice.paid" if day else "invoice.unpaid", int(row.id),
          {"number": row.number, "paid_at": day.isoformat() if day else None, "by": "bank", "why": why})


def _match(conn: Connection, actor: str, e: BankEntry, transfers: dict[str, tuple[str, dict[str, Any]]],
           known: dict[str, Any]) -> tuple[str | None, str | None, str]:
    day = f"{e.booking_date:%d-%m-%Y}"
    if e.end_to_end_id and e.end_to_end_id in transfers:
        number, t = transfers[e.end_to_end_id]
        expected = Decimal(t["amount"])
        invoice_no = t.get("invoice")
        if e.amount < 0 and not e.reversal:
            diff = "" if -e.amount == expected else f" (let op: de bank boekte {eur(-e.amount)}, de batch had {eur(expected)})"
            conn.execute(update(payouts).where(payouts.c.number == number, payouts.c.executed_on.is_(None))
                         .values(executed_on=e.booking_date))
            if invoice_no:
                conn.execute(update(invoices).where(invoices.c.number == invoice_no, invoices.c.status == "paid")
                             .values(paid_at=e.booking_date))
                return "expert_invoice", invoice_no, (f"factuur {invoice_no} van {t['name']} betaald op {day} "
                                                      f"(uitbetaling {number}){diff}")
            return "payout", number, f"uitbetaling {number}: overboeking aan {t['name']} uitgevoerd op {day}{diff}"
        # the transfer came back
        if invoice_no:
            row = conn.execute(select(invoices).where(invoices.c.number == invoice_no)).first()
            if row is not None and row.status == "paid":
                conn.execute(update(invoices).where(invoices.c.id == row.id)
                             .values(status="issued", paid_at=None, payout_id=None))
                audit(conn, actor, "invoice.unpaid", int(row.id), {"number": invoice_no, "by": "bank",
                                                                  "why": f"teruggeboekt op {day}"})
            return "expert_invoice", invoice_no, (f"teruggeboekt op {day}: de betaling van factuur {invoice_no} aan "
                                                  f"{t['name']} kwam terug; de factuur staat weer open en gaat mee met "
                                                  "de volgende uitbetaling (controleer eerst het IBAN)")
        return "payout", number, (f"teruggeboekt op {day}: de overboeking aan {t['name']} (uitbetaling {number}) kwam "
                                  "terug; controleer het IBAN en maak het bedrag opnieuw over")
    if e.amount > 0 and not e.reversal:
        numbers = _numbers_in(e.remittance, known)
        if not numbers:
            return None, None, "niet herkend: geen factuurnummer van ons in de omschrijving"
        rows = [known[n] for n in numbers]
        if len(rows) > 1:
            total = sum((from_cents(int(r.total_cents)) for r in rows), ZERO)
            if total != e.amount:
                return None, None, (f"niet herkend: de betaling van {eur(e.amount)} noemt facturen "
                                    f"{', '.join(numbers)} ({eur(total)} samen); boek het met de hand")
            for r in rows:
                if r.status != "paid":
                    _set_paid(conn, actor, r, e.booking_date, "volledig, samen met andere facturen")
            return "invoice", ",".join(numbers), f"facturen {', '.join(numbers)} betaald op {day} (samen {eur(total)})"
        row = rows[0]
        number = numbers[0]
        total = from_cents(int(row.total_cents))
        before = _received(conn, number)
        now = before + e.amount
        if before >= total:
            return "invoice", number, (f"dubbele betaling: factuur {number} was al betaald; {eur(e.amount)} is te "
                                       "veel ontvangen en moet worden terugbetaald")
        if now < total:
            return "invoice", number, (f"deelbetaling op factuur {number}: {eur(e.amount)} ontvangen, samen "
                                       f"{eur(now)} van {eur(total)}; nog open {eur(total - now)}")
        _set_paid(conn, actor, row, e.booking_date, "betaald")
        if now > total:
            return "invoice", number, (f"factuur {number} betaald op {day}, maar te veel: {eur(now)} ontvangen voor "
                                       f"{eur(total)}; {eur(now - total)} terugbetalen of verrekenen")
        return "invoice", number, f"factuur {number} betaald op {day} (volledig, {eur(total)})"
    if e.reversal and e.amount < 0:  # an incoming payment taken back
        numbers = _numbers_in(e.remittance, known)
        if len(numbers) == 1:
            number = numbers[0]
            row = known[number]
            total = from_cents(int(row.total_cents))
            now = _received(conn, number) + e.amount
            if row.status == "paid" and now < total:
                _set_paid(conn, actor, row, None, f"storno op {day}")
            return "invoice", number, (f"storno op {day}: {eur(-e.amount)} van de betaling op factuur {number} is "
                                       f"teruggeboekt; nog open {eur(total - now)}")
    if e.amount < 0 and not e.reversal:  # money out that no batch of ours explains
        ref = e.end_to_end_id if e.end_to_end_id and e.end_to_end_id != "NOTPROVIDED" else ""
        return None, None, ("niet herkend: een afschrijving " + (f"met kenmerk {ref} " if ref else "zonder kenmerk ")
                            + "die niet uit een SEPA-batch van ons komt; boek het met de hand")
    return None, None, "niet herkend" + (": een storno zonder factuurnummer van ons; boek het met de hand"
                                         if e.reversal else "")


def import_statement(ws: Workspace, path: Path | str) -> list[Outcome]:
    """Read a CAMT.053 file and reconcile every entry (see the module doc); all or nothing."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: kan het bestand niet lezen ({exc.strerror})", field="file") from None
    parsed = parse(data, name=p.name)
    out: list[Outcome] = []
    with ws.engine.begin() as conn:
        transfers = _transfers(conn)
        known = _client_invoices(conn)
        for e in parsed:
            seen = conn.execute(select(bank_entries.c.outcome, bank_entries.c.matched_kind, bank_entries.c.matched_ref)
                                .where(bank_entries.c.entry_key == e.key)).first()
            if seen is not None:  # shown as it was matched then; nothing changes
                out.append(Outcome(e.booking_date, e.amount, e.counterparty, seen.matched_kind, seen.matched_ref,
                                   f"al eerder ingelezen: {seen.outcome}", new=False))
                continue
            kind, ref, text = _match(conn, ws.actor, e, transfers, known)
            known = _client_invoices(conn)  # statuses may have changed
            conn.execute(bank_entries.insert().values(
                entry_key=e.key, statement_id=e.statement_id, booking_date=e.booking_date,
                amount_cents=to_cents(e.amount), reversal=e.reversal, end_to_end_id=e.end_to_end_id,
                remittance=e.remittance[:1000], counterparty=e.counterparty[:200], matched_kind=kind,
                matched_ref=ref, outcome=text, created_at=now_utc()))
            out.append(Outcome(e.booking_date, e.amount, e.counterparty, kind, ref, text))
    return out


def entries(ws: Workspace) -> list[Outcome]:
    """Every imported bank entry with what it was matched to."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(bank_entries).order_by(bank_entries.c.booking_date, bank_entries.c.id)).all()
    return [Outcome(r.booking_date, from_cents(int(r.amount_cents)), r.counterparty, r.matched_kind, r.matched_ref,
                    r.outcome) for r in rows]
