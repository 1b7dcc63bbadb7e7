"""Client invoices (our organisation -> client, at client rates): lines, one invoice, and
every client of a period at once (PDFs rendered in a worker pool)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from vergoeding import faults
from vergoeding.api.invoice_common import (
    GROUP_BY,
    BatchResult,
    NothingToInvoice,
    _cfg,
    _open_entries,
    _prefix,
    _quantity,
    _role_label,
    invoice_hours,
    logo_path,
    number_format,
    org_party,
    refuse_without_einvoice,
    required_einvoice,
)
from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.einvoice import buyer_references
from vergoeding.core.invoice import (
    Invoice,
    InvoiceLine,
    VatTreatment,
    client_vat,
    invoice_to_dict,
)
from vergoeding.core.money import ZERO
from vergoeding.core.period import Period, period_text
from vergoeding.core.regimes import Unit
from vergoeding.core.work import Engagement, Entry, Expert
from vergoeding.documents.invoice import InvoiceDocument
from vergoeding.errors import InputError, RuleViolation
from vergoeding.render.pool import worker_pool
from vergoeding.store import invoices as store
from vergoeding.store import queries
from vergoeding.store.locks import paid_work_lock
from vergoeding.store.schema import engagements, entries, organisations


def client_lines(ws: Workspace, priced: Sequence[PricedEntry], experts_by_code: dict[str, Expert],
                 group_by: str, vat: VatTreatment, *, order_per_line: bool = False) -> tuple[InvoiceLine, ...]:
    """Group priced entries into invoice lines at client rates; one line per group and unit
    price (a different price is a different line). With ``order_per_line`` (the invoiced
    engagements have different order numbers, so the e-invoice has no single order
    reference) a line never mixes order numbers and names its own."""
    _check_group_by(group_by)
    groups: OrderedDict[tuple[Any, ...], list[PricedEntry]] = OrderedDict()
    for p in sorted(priced, key=lambda p: (p.engagement.code, p.entry.work_date, p.entry.id)):
        g = p.engagement
        base: tuple[Any, ...] = {
            "engagement": (g.code,), "expert": (g.expert_code, g.role), "role": (g.role,),
            "date": (p.entry.work_date, g.code)}[group_by]
        order = (g.order_number or "") if order_per_line else ""
        groups.setdefault((*base, p.unit.value, p.client_unit_price, order), []).append(p)
    if group_by == "date":
        groups = OrderedDict(sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])))
    lines = []
    for items in groups.values():
        first = items[0]
        g = first.engagement
        who = experts_by_code[g.expert_code].name
        role = _role_label(ws, g.role)
        desc = {
            "engagement": f"{role}: {g.description or 'inzet ervaringsdeskundige'} ({g.code}, {who})",
            "expert": f"{who}: {role}",
            "role": role,
            "date": f"{role}: {first.entry.activity or g.description or 'inzet'} ({who})",
        }[group_by]
        if order_per_line and g.order_number:
            desc += f" (inkoopnummer {g.order_number})"
        days = [p.entry.work_date for p in items]
        lines.append(InvoiceLine(desc, _quantity(first.unit, items), first.unit.label, first.client_unit_price,
                                 vat, min(days), max(days)))
    return tuple(lines)


def _check_group_by(group_by: str) -> None:
    if group_by not in GROUP_BY:
        raise InputError(f"--group-by {group_by!r}: kies uit {', '.join(GROUP_BY)}", field="group-by")


def _client_draft(ws: Workspace, conn: Connection, client: str, period: Period, group_by: str,
                  issue_date: date) -> tuple[Invoice, list[int], int]:
    own = queries.own_organisation(conn)
    cust = queries.organisation(conn, client)
    if cust.kind != "client":
        raise InputError(f"{client!r} is geen opdrachtgever", field="client")
    open_entries = _open_entries(conn, "invoice_id", period, client=client)
    engs = {g.code: g for g in queries.all_engagements(conn, client_code=client)}
    priced = [price_entry(e, engs[e.engagement_code], ws.ratecard, ws.limits) for e in open_entries
              if billed(engs[e.engagement_code], e)]
    priced = [p for p in priced if p.client_unit_price > 0]
    if not priced:
        raise NothingToInvoice(f"geen goedgekeurde, nog niet gefactureerde uren voor {client} in {period_text(period)}")
    exempt = _cfg(ws).get("vat_exempt_note")
    rate = ws.limits.for_year(issue_date.year).figure("vat_standard", issue_date).amount
    vat = client_vat(rate, None if exempt is None else str(exempt))
    exps = {x.code: x for x in queries.all_experts(conn, {g.expert_code for g in engs.values()})}
    buyer, order = buyer_references(cust.buyer_reference, [p.engagement.order_number or "" for p in priced])
    mixed = not order and any(p.engagement.order_number for p in priced)
    invoiced_as = corrected_invoices(conn, [p.entry for p in priced])
    regular = [p for p in priced if p.entry.id not in invoiced_as]
    lines = client_lines(ws, regular, exps, group_by, vat, order_per_line=mixed) if regular else ()
    lines += correction_lines(ws, [p for p in priced if p.entry.id in invoiced_as], invoiced_as, exps, vat)
    codes = sorted({p.engagement.code for p in priced})
    credit_of = None
    if sum((x.amount for x in lines), ZERO) < ZERO:
        # only corrections of invoiced work, and less than nothing: a credit note on the
        # (latest) invoice they correct
        credit_of = sorted(set(invoiced_as.values()))[-1]
    inv = Invoice(kind="client" if credit_of is None else "credit", credit_of=credit_of,
                  credit_reason="correctie van gefactureerde uren" if credit_of else "",
                  original_kind="client" if credit_of else "", supplier=org_party(own), customer=org_party(cust), issue_date=issue_date,
                  lines=lines, payment_term_days=cust.payment_term_days, period=str(period),
                  reference=", ".join(codes) if len(codes) <= 4 else f"{len(codes)} opdrachten",
                  einvoice_format=cust.einvoice_format, buyer_reference=buyer, order_reference=order)
    return inv, [p.entry.id for p in priced], cust.id


def create_client_invoice(ws: Workspace, client: str, period: Period, *, issue_date: date,
                          group_by: str = "engagement", concept: bool = False) -> store.StoredInvoice:
    """Invoice a client for its approved/settled entries of ``period`` not yet invoiced."""
    _check_group_by(group_by)
    with ws.engine.begin() as conn:
        paid_work_lock(conn)  # serialised with rate and engagement edits (store.locks)
        return _client_invoice(ws, conn, client, period, issue_date, group_by, concept)


def _client_invoice(ws: Workspace, conn: Connection, client: str, period: Period, issue_date: date,
                    group_by: str, concept: bool) -> store.StoredInvoice:
    inv, ids, client_id = _client_draft(ws, conn, client, period, group_by, issue_date)
    if concept:
        return store.save_concept(conn, inv, actor=ws.actor, client_id=client_id, entry_ids=ids)
    inv = refuse_without_einvoice(inv, required=required_einvoice(conn, inv))
    return store.issue(conn, inv, fmt=number_format(ws, "client"), series_prefix=_prefix("client", False),
                       actor=ws.actor, client_id=client_id, entry_ids=ids, link_kind="client")


def billed(g: Engagement, e: Entry) -> bool:
    """Is this line billed to the client? The engagement says so (payroll included); a
    correction only when the engagement passes corrections on."""
    return g.billable and (e.correction_of is None or g.corrections_billed)


def corrected_invoices(conn: Connection, lines: Sequence[Entry]) -> dict[int, str]:
    """Correction lines whose corrected line is on an issued client invoice: entry id ->
    that invoice's number (the correction becomes its own line, or a credit note)."""
    roots = {e.id: e.correction_of for e in lines if e.correction_of is not None}
    if not roots:
        return {}
    from vergoeding.store.schema import invoices as inv_t

    rows = conn.execute(select(entries.c.id, inv_t.c.number).join(inv_t, inv_t.c.id == entries.c.invoice_id)
                        .where(entries.c.id.in_(set(roots.values())), inv_t.c.status.in_(["issued", "paid"]),
                               inv_t.c.number.is_not(None))).all()
    number = {int(r.id): str(r.number) for r in rows}
    return {eid: number[root] for eid, root in roots.items() if root in number}


def correction_lines(ws: Workspace, priced: Sequence[PricedEntry], invoiced_as: dict[int, str],
                     experts_by_code: dict[str, Expert], vat: VatTreatment) -> tuple[InvoiceLine, ...]:
    """One line per correction of invoiced work: the difference in hours (or units) at the
    client's price, naming the invoice and the reason."""
    out = []
    for p in sorted(priced, key=lambda p: (p.entry.work_date, p.entry.id)):
        g = p.engagement
        quantity = invoice_hours(p.entry.minutes) if p.unit is Unit.UUR else Decimal(p.entry.quantity)
        if not quantity:
            continue  # an amount correction: what the expert gets, not what the client pays
        who = experts_by_code[g.expert_code].name
        out.append(InvoiceLine(f"Correctie op factuur {invoiced_as[p.entry.id]}, {_role_label(ws, g.role)} "
                               f"op {p.entry.work_date:%d-%m-%Y} ({g.code}, {who}): {p.entry.reason or p.entry.activity}",
                               quantity, p.unit.label, p.client_unit_price, vat, p.entry.work_date, p.entry.work_date))
    return tuple(out)


def invoiceable_clients(ws: Workspace, period: Period) -> list[str]:
    with ws.engine.connect() as conn:
        return _invoiceable_clients(conn, period)


def _invoiceable_clients(conn: Connection, period: Period) -> list[str]:
    q = (select(organisations.c.code).distinct()
         .join(engagements, engagements.c.client_id == organisations.c.id)
         .join(entries, entries.c.engagement_id == engagements.c.id)
         .where(entries.c.work_date >= period.start, entries.c.work_date < period.end,
                entries.c.status.in_(["approved", "settled"]), entries.c.invoice_id.is_(None),
                organisations.c.kind == "client")
         .order_by(organisations.c.code))
    return [str(r.code) for r in conn.execute(q)]


def _render_job(snapshot: str, status: str, user_dir: str | None, shipped_dir: str,
                logo: str | None, ubl: bytes | None) -> bytes:
    """Runs in a worker process: everything it needs is passed in (picklable)."""
    from vergoeding.core.invoice import invoice_from_dict
    from vergoeding.render.invoice import invoice_pdf

    doc = InvoiceDocument(invoice_from_dict(json.loads(snapshot)), status, Path(logo) if logo else None)
    return invoice_pdf(doc, user_dir=Path(user_dir) if user_dir else None, shipped_dir=Path(shipped_dir), ubl=ubl)


def _file_stem(s: store.StoredInvoice) -> str:
    return f"factuur-{s.label}"


def create_all_client_invoices(
    ws: Workspace, period: Period, *, issue_date: date, group_by: str = "engagement",
    out_dir: Path | None = None, workers: int = 2,
    progress: Callable[[int, int, str], None] | None = None,
) -> BatchResult:
    """Every client with invoiceable entries gets an invoice, numbered consecutively in
    client-code order. The batch is ONE transaction, with a savepoint per client: a client
    that cannot be invoiced is rolled back alone and reported, the others go on; a process
    killed during the batch leaves none of its invoices. After the commit the PDFs are
    rendered in parallel into ``out_dir`` (``progress(done, total, number)`` after each),
    together with the PDFs of this period's earlier client invoices that are missing there:
    a batch killed while writing its files is completed by running it again.

    Every invoice gets its e-invoice: ``factuur-NUMBER.xml`` (UBL, in the client's format)
    next to ``factuur-NUMBER.pdf`` (PDF/A-3 with the same UBL embedded). The XML is written
    before the PDF, so a PDF on disk means its XML is there too."""
    _check_group_by(group_by)
    issued: list[store.StoredInvoice] = []
    failed: list[tuple[str, str]] = []
    with ws.engine.begin() as conn:
        paid_work_lock(conn)  # serialised with rate and engagement edits (store.locks)
        for code in _invoiceable_clients(conn, period):
            savepoint = conn.begin_nested()
            try:
                issued.append(_client_invoice(ws, conn, code, period, issue_date, group_by, False))
            except NothingToInvoice:  # only payroll or unpriced hours left (e.g. on a rerun)
                savepoint.rollback()
                continue
            except RuleViolation as exc:
                savepoint.rollback()
                failed.append((code, exc.message))
                continue
            savepoint.commit()
            faults.point("invoice.batch.issued")
        faults.point("invoice.batch.before_commit")
    files: list[Path] = []
    completed: list[Path] = []
    todo: list[store.StoredInvoice] = []
    if out_dir is not None:
        from vergoeding.render.files import write_atomic

        todo = issued + _missing_pdfs(ws, period, out_dir, {s.id for s in issued})
    if out_dir is not None and todo:
        out_dir.mkdir(parents=True, exist_ok=True)  # only now: a batch with nothing to write makes no folder
        logo = logo_path(ws)
        user = str(ws.settings.templates_dir) if ws.settings.templates_dir else None
        shipped = str(ws.settings.shipped_templates)
        total = len(todo)
        from vergoeding.render.ubl import invoice_ubl

        ubls = {s.id: invoice_ubl(s.invoice) if s.invoice.einvoice else None for s in todo}
        with worker_pool(min(workers, total)) as pool:
            futures = {pool.submit(_render_job, json.dumps(invoice_to_dict(s.invoice)), s.status, user, shipped,
                                   str(logo) if logo else None, ubls[s.id]): s for s in todo}
            new = {s.id for s in issued}
            for done, fut in enumerate(as_completed(futures), start=1):
                s = futures[fut]
                pdf = fut.result()
                ubl = ubls[s.id]
                if ubl is not None:
                    files.append(write_atomic(out_dir / f"{_file_stem(s)}.xml", ubl))
                path = write_atomic(out_dir / f"{_file_stem(s)}.pdf", pdf)
                files.append(path)
                if s.id not in new:
                    completed.append(path)
                if progress:
                    progress(done, total, s.label)
        files.sort()
        completed.sort()
    return BatchResult(issued, failed, files, completed)


def _missing_pdfs(ws: Workspace, period: Period, out_dir: Path, skip: set[int]) -> list[store.StoredInvoice]:
    """Issued client invoices of ``period`` whose PDF or e-invoice is not in ``out_dir``."""
    with ws.engine.connect() as conn:
        rows = store.list_invoices(conn, kind="client")
    return [s for s in rows if s.id not in skip and s.number and s.invoice.period == str(period)
            and not all((out_dir / f"{_file_stem(s)}.{ext}").exists()
                        for ext in (("pdf", "xml") if s.invoice.einvoice else ("pdf",)))]
