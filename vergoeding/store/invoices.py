"""Invoices in the database: the life cycle and immutability (the numbering sequence is
:mod:`vergoeding.store.invoice_numbers`; :func:`take_number` is re-exported here).

Life cycle: concept -> issued -> paid | credited. A concept has no number and may be
discarded; from ``issued`` on, the snapshot (every printed field, JSON) never changes and
the row is never deleted: change and delete attempts raise :class:`RuleViolation`. The
only later changes are the status (paid / credited) and ``paid_at``.

Credit notes (kind ``credit``) cancel an invoice in full: negative lines, a reference to the
original number, a new number in the series of the original's kind and of the credit
note's OWN year (:mod:`vergoeding.core.numbering`). The original becomes ``credited``
and its entries are RELEASED (``invoice_id`` / ``expert_invoice_id`` back to NULL) so that
they can be invoiced again, correctly. Every change writes an audit row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, update

from vergoeding.core.invoice import (
    ORIGINS,
    Invoice,
    credit_note,
    invoice_from_dict,
    invoice_to_dict,
    missing_fields,
)
from vergoeding.core.money import to_cents
from vergoeding.core.numbering import check_issue_date, series_key, series_prefix
from vergoeding.core.text import clean_text
from vergoeding.errors import InputError, NotFoundError, RuleViolation, mask_bsns
from vergoeding.store.db import now_utc
from vergoeding.store.invoice_numbers import refuse_after_a_later_year, take_number
from vergoeding.store.schema import (
    audit_log,
    bank_entries,
    entries,
    invoice_lines,
    invoices,
)

ENTRY_COLUMN = {"client": "invoice_id", "expert": "expert_invoice_id"}


@dataclass(frozen=True)
class StoredInvoice:
    id: int
    number: str | None
    series: str | None
    kind: str
    status: str
    issue_date: date | None
    paid_at: date | None
    credit_of_id: int | None
    invoice: Invoice
    approved_at: date | None = None  # an expert's invoice: approved for payment by the payout
    # where it comes from, as stored (core.invoice.ORIGINS; migration 20)
    origin: str = field(kw_only=True)

    @property
    def label(self) -> str:
        return self.number or f"concept-{self.id}"

    @property
    def received(self) -> bool:
        """A freelancer's own invoice (or their credit note on it), registered under their own
        number and date: the legal invoice is theirs, ours is a registration of it, never a
        document in their name (no invoice PDF, no e-invoice). Read from the stored origin,
        never from what the invoice lacks."""
        return self.origin == "received"


def audit(conn: Connection, actor: str, action: str, entity_id: int | None, detail: dict[str, Any]) -> None:
    detail = {k: mask_bsns(v) if isinstance(v, str) else v for k, v in detail.items()}  # never a BSN in the log
    conn.execute(audit_log.insert().values(at=now_utc(), actor=actor, action=action, entity="invoice",
                                           entity_id=entity_id, detail=json.dumps(detail, ensure_ascii=False,
                                                                                  sort_keys=True)))


def _refuse_incomplete(inv: Invoice) -> None:
    missing = missing_fields(replace(inv, number=inv.number or "(volgt)"))
    if missing:
        raise RuleViolation("factuur niet uitgereikt; verplichte gegevens (Wet OB art. 35a) ontbreken: "
                            + "; ".join(missing))


def _origin(inv: Invoice) -> str:
    """The origin of an invoice WE make (a received one is registered as ``received``)."""
    return "self_billed" if inv.self_billed else "issued"


def _insert(conn: Connection, inv: Invoice, *, status: str, series: str | None, client_id: int | None,
            expert_id: int | None, credit_of_id: int | None, origin: str) -> int:
    if origin not in ORIGINS:
        raise ValueError(f"origin {origin!r}")
    t = inv.totals
    result = conn.execute(invoices.insert().values(origin=origin,
        number=inv.number, series=series, kind=inv.kind, status=status,
        issue_date=inv.issue_date if status != "concept" else None, client_id=client_id, expert_id=expert_id,
        credit_of=credit_of_id, self_billed=inv.self_billed, period=inv.period[:10] or None,
        total_excl_cents=to_cents(t.excl), vat_cents=to_cents(t.vat), total_cents=to_cents(t.total),
        snapshot=json.dumps(invoice_to_dict(inv), ensure_ascii=False, sort_keys=True), created_at=now_utc(),
    ))
    inv_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    _insert_lines(conn, inv_id, inv)
    return inv_id


def _insert_lines(conn: Connection, inv_id: int, inv: Invoice) -> None:
    conn.execute(invoice_lines.delete().where(invoice_lines.c.invoice_id == inv_id))
    if inv.lines:
        conn.execute(invoice_lines.insert(), [
            dict(invoice_id=inv_id, position=i, description=x.description, service_from=x.service_from,
                 service_to=x.service_to, quantity=str(x.quantity), unit=x.unit,
                 unit_price_cents=to_cents(x.unit_price), amount_cents=to_cents(x.amount),
                 vat_rate=str(x.vat.rate), vat_note=x.vat.note)
            for i, x in enumerate(inv.lines, start=1)])


def _link_entries(conn: Connection, inv_id: int, kind: str, entry_ids: Sequence[int]) -> None:
    if not entry_ids:
        return
    col = entries.c[ENTRY_COLUMN.get(kind, "invoice_id")]  # a credit note of corrections: client lines
    n = conn.execute(update(entries).where(entries.c.id.in_(list(entry_ids)), col.is_(None))
                     .values({col: inv_id})).rowcount
    if n != len(entry_ids):
        raise RuleViolation("een deel van de uren is intussen al gefactureerd (door een ander proces?); "
                            "er is niets opgeslagen, probeer het opnieuw")


def issue(conn: Connection, inv: Invoice, *, fmt: str, series_prefix: str, actor: str,
          client_id: int | None = None, expert_id: int | None = None, entry_ids: Sequence[int] = (),
          expert_code: str = "", credit_of_id: int | None = None, link_kind: str | None = None) -> StoredInvoice:
    """Number and store an issued invoice; link its entries. All inside the caller's
    transaction: if anything fails, the number is not consumed."""
    check_issue_date(inv.issue_date)
    _refuse_incomplete(inv)
    year = inv.issue_date.year
    series = series_key(series_prefix, fmt, year, expert_code)
    refuse_after_a_later_year(conn, inv, series_prefix, fmt, expert_code)
    number = take_number(conn, series, fmt, year=year, expert=expert_code)
    inv = replace(inv, number=number)
    if credit_of_id is None and inv.credit_of:
        credit_of_id = conn.execute(select(invoices.c.id).where(invoices.c.number == inv.credit_of)).scalar()
    inv_id = _insert(conn, inv, status="issued", series=series, client_id=client_id, expert_id=expert_id,
                     credit_of_id=credit_of_id, origin=_origin(inv))
    if inv.kind != "credit" or link_kind:  # a credit note of corrections holds its correction lines
        _link_entries(conn, inv_id, link_kind or inv.kind, entry_ids)
    if inv.kind == "expert" and inv.self_billed:  # we made it: approved for payment as issued
        conn.execute(update(invoices).where(invoices.c.id == inv_id).values(approved_at=inv.issue_date))
    audit(conn, actor, "invoice.issue", inv_id, {
        "number": number, "kind": inv.kind, "series": series, "total": str(inv.totals.total),
        "entries": len(entry_ids), "credit_of": inv.credit_of})
    return get(conn, inv_id)


def save_concept(conn: Connection, inv: Invoice, *, actor: str, client_id: int | None = None,
                 expert_id: int | None = None, entry_ids: Sequence[int] = ()) -> StoredInvoice:
    """A concept: no number yet; its entries are reserved (and so locked) until it is
    issued or discarded."""
    inv = replace(inv, number=None)
    inv_id = _insert(conn, inv, status="concept", series=None, client_id=client_id, expert_id=expert_id,
                     credit_of_id=None, origin=_origin(inv))
    _link_entries(conn, inv_id, inv.kind, entry_ids)
    audit(conn, actor, "invoice.concept", inv_id, {"kind": inv.kind, "total": str(inv.totals.total),
                                                  "entries": len(entry_ids)})
    return get(conn, inv_id)


def issue_concept(conn: Connection, invoice_id: int, *, issue_date: date, fmt: str, series_prefix: str,
                  actor: str, expert_code: str = "", without_einvoice: bool = False) -> StoredInvoice:
    cur = get(conn, invoice_id)
    if cur.status != "concept":
        raise RuleViolation(f"factuur {cur.label} is al uitgereikt")
    if cur.origin == "prepared":  # a concept in a freelancer's name from before migration 20
        raise RuleViolation(
            f"concept {cur.label} is een factuur op naam van {cur.invoice.supplier.name} zonder vastgelegde "
            f"zelffacturering (van vóór die afspraak werd bijgehouden); wij reiken die niet uit. Gooi het concept weg "
            f"('vergoeding invoice discard {cur.label}') en registreer de factuur die de zzp'er stuurde "
            f"('vergoeding invoice receive'), of leg zelffacturering vast en gebruik 'vergoeding invoice expert "
            "--self-billing'")
    check_issue_date(issue_date)
    inv = replace(cur.invoice, issue_date=issue_date, einvoice=cur.invoice.einvoice and not without_einvoice)
    _refuse_incomplete(inv)
    series = series_key(series_prefix, fmt, issue_date.year, expert_code)
    number = take_number(conn, series, fmt, year=issue_date.year, expert=expert_code)
    inv = replace(inv, number=number)
    t = inv.totals
    conn.execute(update(invoices).where(invoices.c.id == invoice_id, invoices.c.status == "concept").values(
        number=number, series=series, status="issued", issue_date=issue_date,
        total_excl_cents=to_cents(t.excl), vat_cents=to_cents(t.vat), total_cents=to_cents(t.total),
        snapshot=json.dumps(invoice_to_dict(inv), ensure_ascii=False, sort_keys=True)))
    audit(conn, actor, "invoice.issue", invoice_id, {"number": number, "kind": inv.kind, "series": series,
                                                     "total": str(t.total), "from_concept": True})
    return get(conn, invoice_id)


def _row_to_stored(r: Any) -> StoredInvoice:
    return StoredInvoice(int(r.id), r.number, r.series, r.kind, r.status, r.issue_date, r.paid_at,
                         r.credit_of, invoice_from_dict(json.loads(r.snapshot)), r.approved_at,
                         origin=_stored_origin(r))


def _stored_origin(r: Any) -> str:
    if r.origin is None:  # only a row written outside this module (SQLite keeps the column nullable)
        raise RuleViolation(f"factuur {r.number or r.id}: de herkomst (uitgereikt, zelffacturering, ontvangen) "
                            "ontbreekt in de database; de factuur is buiten 'vergoeding' om opgeslagen")
    return str(r.origin)


def get(conn: Connection, key: int | str) -> StoredInvoice:
    """By id (int) or by number (str; ``concept-12`` finds concept 12)."""
    q = select(invoices)
    if isinstance(key, int):
        q = q.where(invoices.c.id == key)
    elif key.startswith("concept-") and key[8:].isdigit():
        q = q.where(invoices.c.id == int(key[8:]), invoices.c.status == "concept")
    else:
        q = q.where(invoices.c.number == key)
    r = conn.execute(q).first()
    if r is None:
        raise NotFoundError(f"factuur {key!r} bestaat niet")
    return _row_to_stored(r)


def list_invoices(conn: Connection, *, status: str | None = None, kind: str | None = None) -> list[StoredInvoice]:
    q = select(invoices).order_by(invoices.c.id)
    if status:
        q = q.where(invoices.c.status == status)
    if kind:
        q = q.where(invoices.c.kind == kind)
    return [_row_to_stored(r) for r in conn.execute(q)]


def change(conn: Connection, key: int | str, **values: Any) -> None:
    """Change a concept's stored fields. An issued invoice is immutable: refused."""
    cur = get(conn, key)
    if cur.status != "concept":
        raise RuleViolation(f"factuur {cur.label} is uitgereikt en kan niet meer worden gewijzigd; "
                            "maak een creditnota ('vergoeding invoice credit') en een nieuwe factuur")
    conn.execute(update(invoices).where(invoices.c.id == cur.id).values(**values))


def delete(conn: Connection, key: int | str, *, actor: str) -> None:
    """Discard a concept (its entries are released). Issued invoices are never deleted."""
    cur = get(conn, key)
    if cur.status != "concept":
        raise RuleViolation(f"factuur {cur.label} is uitgereikt en wordt nooit verwijderd "
                            "(bewaarplicht 7 jaar); corrigeer met een creditnota")
    _release(conn, cur)
    conn.execute(invoice_lines.delete().where(invoice_lines.c.invoice_id == cur.id))
    conn.execute(invoices.delete().where(invoices.c.id == cur.id, invoices.c.status == "concept"))
    audit(conn, actor, "invoice.discard", cur.id, {"kind": cur.kind})


def _release(conn: Connection, cur: StoredInvoice) -> int:
    col = entries.c[ENTRY_COLUMN.get(cur.kind, "invoice_id")]
    return int(conn.execute(update(entries).where(col == cur.id).values({col: None})).rowcount)


def mark_paid(conn: Connection, key: str, *, paid_on: date, actor: str, today: date | None = None) -> StoredInvoice:
    """``paid_on`` may not lie before the invoice's date, nor after ``today`` (when given):
    money that has not come in yet is not paid."""
    cur = get(conn, key)
    if cur.status != "issued" or cur.kind == "credit":
        raise RuleViolation(f"factuur {cur.label} heeft status {cur.status!r}: alleen een uitgereikte "
                            "factuur kan als betaald worden gemarkeerd")
    issued = cur.invoice.issue_date
    if paid_on < issued:
        raise InputError(f"betaald op {paid_on:%d-%m-%Y} ligt vóór de factuurdatum ({issued:%d-%m-%Y}) van "
                         f"{cur.label}; controleer de datum (dag-maand-jaar)", field="datum")
    if today is not None and paid_on > today:
        raise InputError(f"betaald op {paid_on:%d-%m-%Y} ligt na vandaag ({today:%d-%m-%Y}); leg een betaling vast "
                         "als het geld binnen is. Controleer de datum (dag-maand-jaar)", field="datum")
    conn.execute(update(invoices).where(invoices.c.id == cur.id, invoices.c.status == "issued")
                 .values(status="paid", paid_at=paid_on))
    audit(conn, actor, "invoice.paid", cur.id, {"number": cur.number, "paid_at": paid_on.isoformat()})
    return get(conn, cur.id)


def credit(conn: Connection, key: str, *, reason: str, issue_date: date, fmt: str, actor: str,
           number: str | None = None) -> StoredInvoice:
    """Credit note for invoice ``key`` (issued or paid), numbered in the original's series.
    For a received invoice (a freelancer's own) the credit note is theirs too: ``number`` is
    THEIR credit note's number and ``issue_date`` its date, and no number of ours is used."""
    cur = get(conn, key)
    if cur.kind == "credit":
        raise RuleViolation(f"{cur.label} is zelf een creditnota")
    check_issue_date(issue_date, not_before=cur.issue_date, original=cur.label)
    if cur.status not in ("issued", "paid"):
        raise RuleViolation(f"factuur {cur.label} heeft status {cur.status!r}: alleen een uitgereikte of "
                            "betaalde factuur kan worden gecrediteerd")
    reason = clean_text(reason, field="reden", multiline=True)
    if not reason:
        raise RuleViolation("geef een reden voor de creditnota (--reason)")
    note = credit_note(cur.invoice, issue_date=issue_date, reason=reason)
    _refuse_incomplete(replace(note, number="(volgt)"))
    series: str | None = None
    if cur.received:
        number = (number or "").strip()
        if not number:
            raise RuleViolation(f"factuur {cur.label} is de factuur die {cur.invoice.supplier.name} ons stuurde: "
                                f"de creditnota daarop maakt {cur.invoice.supplier.name} ook zelf. Registreer die "
                                f"met 'vergoeding invoice credit {cur.label} --number HUN-NUMMER --date DD-MM-JJJJ "
                                "--reason ...'")
        if conn.execute(select(invoices.c.id).where(invoices.c.number == number)).first() is not None:
            raise RuleViolation(f"nummer {number} is al geregistreerd; geef het nummer van hun creditnota")
    else:
        if number is not None:
            raise RuleViolation(f"factuur {cur.label} is door ons uitgereikt: de creditnota krijgt een nummer uit "
                                "onze reeks; laat --number weg")
        expert = cur.invoice.supplier.code if cur.kind == "expert" else ""
        # the series of the credit note's OWN year (see vergoeding.core.numbering)
        series = series_key(series_prefix(cur.series or "factuur"), fmt, issue_date.year, expert)
        number = take_number(conn, series, fmt, year=issue_date.year, expert=expert)
    note = replace(note, number=number)
    r = conn.execute(select(invoices.c.client_id, invoices.c.expert_id).where(invoices.c.id == cur.id)).one()
    new_id = _insert(conn, note, status="issued", series=series, client_id=r.client_id,
                     expert_id=r.expert_id, credit_of_id=cur.id, origin=cur.origin)  # the original's origin
    conn.execute(update(invoices).where(invoices.c.id == cur.id).values(status="credited"))
    released = _release(conn, cur)
    audit(conn, actor, "invoice.credit", new_id, {"number": number, "credit_of": cur.number,
                                                 "reason": reason, "released_entries": released})
    audit(conn, actor, "invoice.credited", cur.id, {"number": cur.number, "by": number})
    return get(conn, new_id)


def register_received(conn: Connection, inv: Invoice, *, actor: str, expert_id: int,
                      entry_ids: Sequence[int], stated_total: str | None) -> StoredInvoice:
    """An invoice a freelancer sent us, under THEIR number and date (``inv.number``): stored as
    received (status issued, not approved), its lines linked. The number is unique per expert;
    a number another expert also uses is refused (the database keeps one list of numbers)."""
    if not (inv.number or "").strip():
        raise RuleViolation("geef het factuurnummer van de zzp'er (--number)")
    number = inv.number.strip()  # type: ignore[union-attr]
    check_issue_date(inv.issue_date)
    _refuse_incomplete(inv)
    if conn.execute(select(invoices.c.id).where(invoices.c.number == number)).first() is not None:
        raise RuleViolation(f"factuur {number} is al geregistreerd; een factuur wordt één keer betaald")
    inv_id = _insert(conn, inv, status="issued", series=None, client_id=None, expert_id=expert_id,
                     credit_of_id=None, origin="received")
    _link_entries(conn, inv_id, "expert", entry_ids)
    audit(conn, actor, "invoice.receive", inv_id, {"number": number, "total": str(inv.totals.total),
                                                  "stated_total": stated_total, "entries": len(entry_ids)})
    return get(conn, inv_id)


def approve(conn: Connection, key: str, *, day: date, actor: str) -> StoredInvoice:
    """Approve an expert's invoice for payment (the next payout pays it)."""
    cur = get(conn, key)
    if cur.kind != "expert" or cur.status != "issued":
        raise RuleViolation(f"factuur {cur.label} ({cur.kind}, {cur.status}): alleen een ontvangen, nog niet "
                            "betaalde factuur van een zzp'er wordt goedgekeurd voor betaling")
    if cur.approved_at is not None:
        raise RuleViolation(f"factuur {cur.label} is al goedgekeurd op {cur.approved_at:%d-%m-%Y}")
    conn.execute(update(invoices).where(invoices.c.id == cur.id).values(approved_at=day))
    audit(conn, actor, "invoice.approve", cur.id, {"number": cur.number, "approved_at": day.isoformat()})
    return get(conn, cur.id)


def unpaid_expert_invoices(conn: Connection, *, until: date, expert_code: str | None = None) -> list[StoredInvoice]:
    """Expert invoices (received or self-billed) dated up to ``until`` that no payout paid yet."""
    from vergoeding.store.schema import experts

    q = (select(invoices).where(invoices.c.kind == "expert", invoices.c.status == "issued",
                                invoices.c.paid_at.is_(None), invoices.c.issue_date <= until)
         .order_by(invoices.c.issue_date, invoices.c.id))
    if expert_code:
        q = q.join(experts, experts.c.id == invoices.c.expert_id).where(experts.c.code == expert_code)
    return [_row_to_stored(r) for r in conn.execute(q)]


def received_by_bank(conn: Connection, numbers: Sequence[str]) -> dict[str, int]:
    """Cents the bank import matched to each client invoice in ``numbers`` (payments minus
    reversals; a partial payment counts): what a client still owes is its total minus this."""
    if not numbers:
        return {}
    rows = conn.execute(select(bank_entries.c.matched_ref, func.sum(bank_entries.c.amount_cents))
                        .where(bank_entries.c.matched_kind == "invoice", bank_entries.c.matched_ref.in_(list(numbers)))
                        .group_by(bank_entries.c.matched_ref))
    return {str(ref): int(cents or 0) for ref, cents in rows}
