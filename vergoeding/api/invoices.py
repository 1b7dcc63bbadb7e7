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
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from vergoeding import faults
from vergoeding.api.choices import INVOICE_FORMATS, INVOICE_GROUP_BY
from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.einvoice import buyer_references
from vergoeding.core.invoice import (
    DEFAULT_EXPERT_FORMAT,
    DEFAULT_NUMBER_FORMAT,
    DEFAULT_SELF_BILLING_FORMAT,
    SELF_BILLING_NOTE,
    Invoice,
    InvoiceLine,
    Party,
    VatTreatment,
    client_vat,
    einvoice_missing,
    expert_vat,
    invoice_to_dict,
)
from vergoeding.core.money import ZERO, round_cents
from vergoeding.core.period import Period, period_text
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.work import Engagement, Entry, Expert, Organisation
from vergoeding.documents.invoice import InvoiceDocument
from vergoeding.errors import ConfigError, InputError, RuleViolation, VergoedingError
from vergoeding.render.pool import worker_pool
from vergoeding.store import invoices as store
from vergoeding.store import queries
from vergoeding.store.codes import code_is
from vergoeding.store.schema import engagements, entries, experts, organisations

GROUP_BY = INVOICE_GROUP_BY
FORMATS = INVOICE_FORMATS


class NothingToInvoice(RuleViolation):
    """A client has no entry to invoice in the period: none open, or only entries that are
    never invoiced to a client (payroll hours, no client rate). The batch skips such a
    client without calling it a failure; a single ``invoice create --client`` refuses."""


@dataclass(frozen=True)
class BatchResult:
    issued: list[store.StoredInvoice]
    failed: list[tuple[str, str]]  # (client code, message)
    files: list[Path]
    completed: list[Path] = field(default_factory=list)  # PDFs of earlier invoices, missing until now


# --- configuration ------------------------------------------------------------------------

def _cfg(ws: Workspace) -> dict[str, Any]:
    value = ws.settings.extra.get("invoices", {})
    if not isinstance(value, dict):
        raise ConfigError("[invoices] in het configuratiebestand moet een tabel zijn")
    return value


def number_format(ws: Workspace, kind: str, *, self_billed: bool = False) -> str:
    cfg = _cfg(ws)
    if kind == "expert":
        key, default = ("self_billing_format", DEFAULT_SELF_BILLING_FORMAT) if self_billed \
            else ("expert_format", DEFAULT_EXPERT_FORMAT)
    else:
        key, default = "number_format", DEFAULT_NUMBER_FORMAT
    from vergoeding.core.numbering import check_format

    value = cfg.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"[invoices] {key} moet tekst zijn, bijvoorbeeld \"{{year}}-{{seq:04d}}\"")
    return check_format(value, key=key)


def _prefix(kind: str, self_billed: bool) -> str:
    return "zelffacturering" if self_billed else ("deskundige" if kind == "expert" else "factuur")


def logo_path(ws: Workspace) -> Path | None:
    org = ws.settings.extra.get("organisation", {})
    logo = org.get("logo") if isinstance(org, dict) else None
    if not logo:
        return None
    path = Path(str(logo)).expanduser()
    if not path.is_file():
        raise ConfigError(f"[organisation] logo: bestand {path} niet gevonden")
    return path


def refuse_without_einvoice(inv: Invoice, *, required: bool = True) -> Invoice:
    """The invoice as it may be issued, with or without its e-invoice.

    The e-invoice needs the customer's KvK number or OIN
    (:func:`~vergoeding.core.invoice.einvoice_missing`). A customer that must receive
    e-invoices (``required``: marked as a public body, or with an e-invoice format chosen)
    keeps the refusal, before the invoice gets its number. Any other customer without the
    number (a private person, a foreign client, an association not registered yet) gets a
    complete PDF invoice (Wet OB art. 35a) without the e-invoice: ``einvoice=False``, and
    :func:`einvoice_notice` says why. Credit notes are not checked: they follow their
    invoice and must always be possible."""
    gaps = einvoice_missing(inv)
    if not gaps:
        return inv
    code = inv.customer.code
    if required:
        why = ("deze opdrachtgever moet e-facturen ontvangen (overheid of e-factuurformaat ingesteld); "
               if inv.kind == "client" else "")
        raise RuleViolation(f"factuur niet uitgereikt: de e-factuur zou worden geweigerd; {why}{'; '.join(gaps)}"
                            + (f" (vul het aan met: vergoeding org edit {code} --kvk ... of --oin ...)" if code else ""))
    return replace(inv, einvoice=False)


def einvoice_notice(inv: Invoice) -> str | None:
    """Why an issued invoice has no e-invoice and how to add the number, or None."""
    if inv.einvoice or inv.kind == "expert":
        return None
    code = inv.customer.code or "CODE"
    return (f"Zonder e-factuur: {inv.customer.name} heeft geen KvK-nummer of OIN, dus de e-factuur (Peppol/SI-UBL) "
            "kan deze afnemer niet aanwijzen. De pdf-factuur is volledig (art. 35a Wet OB) en is de factuur. "
            f"Heeft de afnemer wel een nummer, vul het aan met 'vergoeding org edit {code} --kvk 12345678' "
            "(of --oin ...); een volgende factuur krijgt dan haar e-factuur. Moet deze afnemer e-facturen "
            f"ontvangen, markeer hem met 'vergoeding org edit {code} --public-body'.")


# --- parties ------------------------------------------------------------------------------

def org_party(o: Organisation) -> Party:
    return Party(o.name, o.address, o.vat_id, o.kvk, o.iban, o.bic, o.oin, o.contact_email, o.code)


def expert_party(e: Expert) -> Party:  # never the BSN
    return Party(e.name, e.address, e.vat_id, e.kvk, e.iban, None, None, e.email, e.code)


# --- selecting and pricing entries --------------------------------------------------------

def _open_entries(conn: Connection, column: str, period: Period, *, client: str | None = None,
                  expert: str | None = None) -> list[Entry]:
    col = entries.c[column]
    # the approved lines of the period that no invoice holds yet, and every correction line up
    # to the period's end (a correction carries the date of the work it corrects, often an
    # earlier, already invoiced month: it goes on the next invoice). Earlier lines approved
    # late are invoiced with their own period; 'vergoeding check' lists them.
    in_period = (entries.c.work_date >= period.start) | entries.c.correction_of.is_not(None)
    q = (select(entries.c.id).join(engagements, engagements.c.id == entries.c.engagement_id)
         .where(entries.c.work_date < period.end, in_period, entries.c.status.in_(["approved", "settled"]),
                col.is_(None)))
    if client:
        q = q.join(organisations, organisations.c.id == engagements.c.client_id).where(code_is(organisations.c.code, client))
    if expert:
        q = q.join(experts, experts.c.id == engagements.c.expert_id).where(code_is(experts.c.code, expert))
    ids = {int(r.id) for r in conn.execute(q)}
    if not ids:
        return []
    first = conn.execute(select(func.min(entries.c.work_date)).where(entries.c.id.in_(ids))).scalar_one()
    return [e for e in queries.load_entries(conn, period=Period(min(first, period.start), period.end),
                                            client_code=client, expert_code=expert,
                                            statuses=("approved", "settled")) if e.id in ids]


def _role_label(ws: Workspace, role: str) -> str:
    try:
        return ws.ratecard.role(role).label
    except VergoedingError:
        return role


def invoice_hours(minutes: int) -> Decimal:
    """The quantity of an hourly invoice line: the line's minutes in hours, to two decimals
    (the 0.01 step of :func:`round_cents`, ROUND_HALF_UP), e.g. 440 min -> 7.33.

    Decision: the invoice shows decimal hours, and the line amount is computed from the
    SHOWN quantity (7,33 uur x € 85,00 = € 623,05), so that the paper, the xlsx and the
    UBL e-invoice (where LineExtensionAmount must equal quantity x price) all add up and a
    client's finance department can recompute every line. The minutes are summed per line
    first and rounded once, so the difference to the exact minutes is at most 0.3 minute
    per line."""
    return round_cents(Decimal(minutes) / Decimal(60))


def _quantity(unit: Unit, items: Sequence[PricedEntry]) -> Decimal:
    if unit is Unit.UUR:
        return invoice_hours(sum(p.entry.minutes for p in items))
    return Decimal(sum(p.entry.quantity for p in items))


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
        return _client_invoice(ws, conn, client, period, issue_date, group_by, concept)


def _client_invoice(ws: Workspace, conn: Connection, client: str, period: Period, issue_date: date,
                    group_by: str, concept: bool) -> store.StoredInvoice:
    inv, ids, client_id = _client_draft(ws, conn, client, period, group_by, issue_date)
    if concept:
        return store.save_concept(conn, inv, actor=ws.actor, client_id=client_id, entry_ids=ids)
    inv = refuse_without_einvoice(inv, required=_required(conn, inv))
    return store.issue(conn, inv, fmt=number_format(ws, "client"), series_prefix=_prefix("client", False),
                       actor=ws.actor, client_id=client_id, entry_ids=ids, link_kind="client")


def _required(conn: Connection, inv: Invoice) -> bool:
    """Must this invoice's customer receive e-invoices? Our own organisation (an expert's
    invoice to us) always; a client when it is marked so."""
    if inv.kind == "expert" or inv.original_kind == "expert" or not inv.customer.code:
        return True
    return queries.organisation(conn, inv.customer.code).einvoice_required


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


# --- expert invoices ----------------------------------------------------------------------

def _expert_lines(ws: Workspace, priced: Sequence[PricedEntry], expert: Expert,
                  issue_date: date) -> tuple[InvoiceLine, ...]:
    rate = ws.limits.for_year(issue_date.year).figure("vat_standard", issue_date).amount
    lines: list[InvoiceLine] = []
    by_eng: OrderedDict[str, list[PricedEntry]] = OrderedDict()
    for p in sorted(priced, key=lambda p: (p.engagement.code, p.entry.work_date, p.entry.id)):
        by_eng.setdefault(p.engagement.code, []).append(p)
    for code, items in by_eng.items():
        g = items[0].engagement
        exemption = g.vat_exemption or ("kor" if expert.kor else None)
        vat = expert_vat(rate, exemption)
        role = _role_label(ws, g.role)
        client = items[0].engagement.client_code
        days = [p.entry.work_date for p in items]
        span = (min(days), max(days))
        regular = [p for p in items if p.entry.amount is None]
        by_price: OrderedDict[tuple[str, Decimal], list[PricedEntry]] = OrderedDict()
        for p in regular:
            by_price.setdefault((p.unit.value, p.expert_unit_price), []).append(p)
        for (_, price), group in by_price.items():
            d = [p.entry.work_date for p in group]
            lines.append(InvoiceLine(f"{role}: {g.description or 'inzet als ervaringsdeskundige'} "
                                     f"(opdracht {code}, bij {client})", _quantity(group[0].unit, group),
                                     group[0].unit.label, price, vat, min(d), max(d)))
        for p in items:
            if p.entry.amount is not None:
                lines.append(InvoiceLine(f"{role}: vast bedrag {p.entry.activity or ''} (opdracht {code})".replace("  ", " "),
                                         Decimal(1), "stuk", p.fee, vat, p.entry.work_date, p.entry.work_date))
        km = sum((p.entry.km for p in items if p.travel), Decimal(0))
        travel = sum((p.travel for p in items), ZERO)
        if travel:
            lines.append(InvoiceLine(f"Reiskosten {km.normalize():f} km (opdracht {code})", Decimal(1), "stuk",
                                     travel, vat, *span))
        expenses = sum((p.expenses_fixed + p.expenses_receipt for p in items), ZERO)
        if expenses:
            lines.append(InvoiceLine(f"Onkosten (opdracht {code})", Decimal(1), "stuk", expenses, vat, *span))
    return tuple(lines)


def create_expert_invoice(ws: Workspace, expert: str, period: Period, *, issue_date: date,
                          self_billing: bool = False, concept: bool = False) -> store.StoredInvoice:
    """A freelance (zzp) expert's invoice to our organisation for ``period``. With
    ``self_billing`` our organisation issues it on the expert's behalf (every engagement must
    have the self-billing agreement), in its own series per expert, with the required note."""
    with ws.engine.begin() as conn:
        own = queries.own_organisation(conn)
        exp = queries.expert(conn, expert)
        engs = {g.code: g for g in queries.all_engagements(conn, expert_code=expert) if g.regime is Regime.ZZP}
        if not engs:
            raise RuleViolation(f"{expert} heeft geen zzp-opdracht: alleen zzp'ers factureren")
        open_entries = [e for e in _open_entries(conn, "expert_invoice_id", period, expert=expert)
                        if e.engagement_code in engs]
        if not open_entries:
            raise RuleViolation(f"geen goedgekeurde, nog niet gefactureerde zzp-uren voor {expert} in {period_text(period)}")
        used: dict[str, Engagement] = {e.engagement_code: engs[e.engagement_code] for e in open_entries}
        if self_billing:
            without = sorted(c for c, g in used.items() if not g.self_billing)
            if without:
                raise RuleViolation("zelffacturering is niet afgesproken voor opdracht(en) " + ", ".join(without)
                                    + " (zet self_billing in de opdracht, na schriftelijke afspraak)")
        priced = [price_entry(e, used[e.engagement_code], ws.ratecard, ws.limits) for e in open_entries]
        lines = _expert_lines(ws, priced, exp, issue_date)
        inv = Invoice(kind="expert", supplier=expert_party(exp), customer=org_party(own), issue_date=issue_date,
                      lines=lines, payment_term_days=own.payment_term_days, period=str(period),
                      reference=", ".join(sorted(used)), self_billed=self_billing,
                      notes=(SELF_BILLING_NOTE,) if self_billing else (),
                      # we are the buyer here: our engagement codes ARE the buyer's reference
                      einvoice_format=own.einvoice_format, buyer_reference=", ".join(sorted(used)))
        ids = [e.id for e in open_entries]
        if concept:
            return store.save_concept(conn, inv, actor=ws.actor, expert_id=exp.id, entry_ids=ids)
        inv = refuse_without_einvoice(inv)
        return store.issue(conn, inv, fmt=number_format(ws, "expert", self_billed=self_billing),
                           series_prefix=_prefix("expert", self_billing), actor=ws.actor, expert_id=exp.id,
                           entry_ids=ids, expert_code=exp.code)


# --- life cycle ---------------------------------------------------------------------------

def issue(ws: Workspace, key: str, *, issue_date: date) -> store.StoredInvoice:
    """Issue a concept (``concept-12``): it gets its number now."""
    with ws.engine.begin() as conn:
        cur = store.get(conn, key)
        without = False
        if cur.status == "concept":
            without = not refuse_without_einvoice(cur.invoice, required=_required(conn, cur.invoice)).einvoice
        sb = cur.invoice.self_billed
        return store.issue_concept(conn, cur.id, issue_date=issue_date, fmt=number_format(ws, cur.kind, self_billed=sb),
                                   without_einvoice=without,
                                   series_prefix=_prefix(cur.kind, sb), actor=ws.actor,
                                   expert_code=cur.invoice.supplier.code if cur.kind == "expert" else "")


def discard(ws: Workspace, key: str) -> None:
    with ws.engine.begin() as conn:
        store.delete(conn, key, actor=ws.actor)


def credit(ws: Workspace, number: str, reason: str, *, issue_date: date) -> store.StoredInvoice:
    with ws.engine.begin() as conn:
        cur = store.get(conn, number)
        fmt = number_format(ws, cur.kind, self_billed=cur.invoice.self_billed)
        return store.credit(conn, number, reason=reason, issue_date=issue_date, fmt=fmt, actor=ws.actor)


def mark_paid(ws: Workspace, number: str, *, paid_on: date) -> store.StoredInvoice:
    with ws.engine.begin() as conn:
        return store.mark_paid(conn, number, paid_on=paid_on, actor=ws.actor)


def list_invoices(ws: Workspace, *, status: str | None = None, kind: str | None = None) -> list[store.StoredInvoice]:
    with ws.engine.connect() as conn:
        return store.list_invoices(conn, status=status, kind=kind)


def show(ws: Workspace, number: str) -> store.StoredInvoice:
    with ws.engine.connect() as conn:
        return store.get(conn, number)


def document(ws: Workspace, number: str) -> InvoiceDocument:
    s = show(ws, number)
    return InvoiceDocument(s.invoice, s.status, logo_path(ws))


def render(ws: Workspace, number: str, fmt: str) -> bytes:
    """The stored invoice as ``pdf``, ``xlsx`` or ``ubl`` (UBL 2.1, Peppol BIS 3.0 / NLCIUS)."""
    if fmt not in FORMATS:
        raise InputError(f"formaat {fmt!r}: kies uit {', '.join(FORMATS)}", field="format")
    doc = document(ws, number)
    if fmt == "pdf":  # PDF/A-3; an issued invoice with its e-invoice embedded
        from vergoeding.render.invoice import invoice_pdf
        from vergoeding.render.ubl import invoice_ubl

        ubl = None if doc.status == "concept" or not doc.invoice.einvoice else invoice_ubl(doc.invoice)
        return invoice_pdf(doc, user_dir=ws.settings.templates_dir, shipped_dir=ws.settings.shipped_templates,
                           ubl=ubl)
    if fmt == "xlsx":
        from vergoeding.render.invoice import invoice_xlsx

        return invoice_xlsx(doc)
    if doc.status == "concept":
        raise RuleViolation("een concept is geen factuur: reik het eerst uit")
    if not doc.invoice.einvoice:
        raise RuleViolation(f"factuur {doc.number} is uitgereikt zonder e-factuur: "
                            + (einvoice_notice(doc.invoice) or "de afnemer heeft geen KvK-nummer of OIN"))
    from vergoeding.render.ubl import invoice_ubl

    return invoice_ubl(doc.invoice)


def row(s: store.StoredInvoice) -> dict[str, Any]:
    inv = s.invoice
    t = inv.totals
    party = inv.customer if inv.kind == "client" or inv.original_kind == "client" else inv.supplier
    return {"number": s.label, "kind": s.kind, "status": s.status, "issue_date": s.issue_date,
            "party": party.name, "period": inv.period, "excl": t.excl, "vat": t.vat, "total": t.total,
            "credit_of": inv.credit_of, "self_billed": inv.self_billed, "paid_at": s.paid_at}


__all__ = [
    "BatchResult", "create_all_client_invoices", "create_client_invoice", "create_expert_invoice", "credit",
    "discard", "document", "einvoice_notice", "invoiceable_clients", "issue", "list_invoices", "mark_paid", "render", "row", "show",
]
