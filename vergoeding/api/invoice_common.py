"""What client and expert invoices share: configuration (number formats, logo), parties,
the open entries of a period and how hours are written on an invoice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from vergoeding.api.choices import INVOICE_FORMATS, INVOICE_GROUP_BY
from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.invoice import (
    DEFAULT_EXPERT_FORMAT,
    DEFAULT_NUMBER_FORMAT,
    DEFAULT_SELF_BILLING_FORMAT,
    Invoice,
    Party,
    einvoice_missing,
)
from vergoeding.core.money import round_cents
from vergoeding.core.period import Period
from vergoeding.core.regimes import Unit
from vergoeding.core.work import Entry, Expert, Organisation
from vergoeding.errors import ConfigError, RuleViolation, VergoedingError
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


def required_einvoice(conn: Connection, inv: Invoice) -> bool:
    """Must this invoice's customer receive e-invoices? Our own organisation (an expert's
    invoice to us) always; a client when it is marked so."""
    if inv.kind == "expert" or inv.original_kind == "expert" or not inv.customer.code:
        return True
    return queries.organisation(conn, inv.customer.code).einvoice_required


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
