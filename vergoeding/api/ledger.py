"""The administration's public functions: each one call, one transaction.

Organisations, experts (and their declarations), engagements, hour entries, approval,
locked periods, corrections, the audit log and the expert's hour overview.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from vergoeding.api.workspace import Workspace
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.work import Engagement, Expert, Organisation
from vergoeding.documents.hours import HoursDocument, build_hours, table_rows
from vergoeding.errors import InputError, NotFoundError
from vergoeding.store import ledger, queries
from vergoeding.store import schema as s
from vergoeding.store.codes import code_is
from vergoeding.store.db import transaction
from vergoeding.store.entries import EntryData, EntryResult
from vergoeding.store.ledger import (
    DeclarationData,
    EngagementData,
    ExpertData,
    OrganisationData,
)
from vergoeding.store.locks import paid_work_lock

__all__ = [
    "DeclarationData", "EngagementData", "EntryData", "EntryResult", "ExpertData", "OrganisationData",
]


# ---------------------------------------------------------------------------- organisations


def add_organisation(ws: Workspace, data: OrganisationData) -> OrganisationData:
    with transaction(ws.engine) as conn:
        if not data.code:
            data = _with_code(data, ledger.next_code(conn, "organisations", "ORG"))
        return ledger.add_organisation(conn, ws.actor, data)


def edit_organisation(ws: Workspace, code: str, changes: Mapping[str, Any]) -> OrganisationData:
    with transaction(ws.engine) as conn:
        return ledger.edit_organisation(conn, ws.actor, code, changes)


def organisations(ws: Workspace, kind: str | None = None) -> list[Organisation]:
    with ws.engine.connect() as conn:
        return queries.all_organisations(conn, kind)


def organisation(ws: Workspace, code: str) -> Organisation:
    with ws.engine.connect() as conn:
        return queries.organisation(conn, code)


# ---------------------------------------------------------------------------- experts


def add_expert(ws: Workspace, data: ExpertData, today: date | None = None) -> ExpertData:
    """Add an expert; ``today`` (the product's day) bounds the date of birth (see normalise_expert)."""
    with transaction(ws.engine) as conn:
        if not data.code:
            data = _with_code(data, ledger.next_code(conn, "experts", "E"))
        return ledger.add_expert(conn, ws.actor, data, today)


def edit_expert(ws: Workspace, code: str, changes: Mapping[str, Any], today: date | None = None) -> ExpertData:
    with transaction(ws.engine) as conn:
        return ledger.edit_expert(conn, ws.actor, code, changes, today)


def experts(ws: Workspace) -> list[Expert]:
    with ws.engine.connect() as conn:
        return queries.all_experts(conn)


def expert(ws: Workspace, code: str) -> Expert:
    with ws.engine.connect() as conn:
        return queries.expert(conn, code)


@dataclass(frozen=True)
class Declaration:
    id: int
    expert: str
    year: int
    month: int | None
    amount: Decimal
    organisation: str
    note: str


def declare(ws: Workspace, data: DeclarationData) -> int:
    with transaction(ws.engine) as conn:
        return ledger.add_declaration(conn, ws.actor, data)


def declarations(ws: Workspace, expert_code: str | None = None, year: int | None = None) -> list[Declaration]:
    from vergoeding.core.money import from_cents

    d, x = s.declarations, s.experts
    q = select(d, x.c.code).join(x, x.c.id == d.c.expert_id).order_by(x.c.code, d.c.year, d.c.month, d.c.id)
    if expert_code:
        q = q.where(code_is(x.c.code, expert_code))
    if year:
        q = q.where(d.c.year == year)
    with ws.engine.connect() as conn:
        return [Declaration(r.id, r.code, r.year, r.month, from_cents(int(r.amount_cents)), r.organisation, r.note)
                for r in conn.execute(q)]


# ---------------------------------------------------------------------------- engagements


def add_engagement(ws: Workspace, data: EngagementData) -> EngagementData:
    with transaction(ws.engine) as conn:
        if not data.code:
            data = _with_code(data, ledger.next_code(conn, "engagements", "G"))
        return ledger.add_engagement(conn, ws.actor, data, ws.ratecard)


def edit_engagement(ws: Workspace, code: str, changes: Mapping[str, Any]) -> EngagementData:
    """A rate edit goes through :mod:`vergoeding.api.rate_change` (refused over paid or
    invoiced work; ``engagement edit`` also lists the re-priced approved lines)."""
    from vergoeding.api.rate_change import edit_engagement as edit

    return edit(ws, code, changes).data


def engagements(ws: Workspace, expert_code: str | None = None, client_code: str | None = None) -> list[Engagement]:
    with ws.engine.connect() as conn:
        return queries.all_engagements(conn, expert_code=expert_code, client_code=client_code)


def engagement(ws: Workspace, code: str) -> Engagement:
    with ws.engine.connect() as conn:
        return queries.engagement(conn, code)


# ---------------------------------------------------------------------------- hours


def log(ws: Workspace, data: EntryData, *, today: date | None = None, allow_duplicate: bool = False) -> EntryResult:
    """Store one hour entry. With ``today``, work dated after it is refused. The same entry
    twice is refused unless ``allow_duplicate`` (see :func:`vergoeding.store.entries.add_entry`)."""
    if today is not None and data.work_date > today:
        from vergoeding.core.dates import future_date_message

        raise InputError(future_date_message(data.work_date, today), field="datum")
    with transaction(ws.engine) as conn:
        return ledger.add_entry(conn, ws.actor, data, ws.ratecard, allow_duplicate=allow_duplicate)


def approve(ws: Workspace, period: Period, expert_code: str | None = None, *, engagement: str | None = None,
            entry_ids: list[int] | None = None) -> list[int]:
    """Approve submitted lines (``vergoeding approve`` and the portal's finance pages): one
    mechanism, one audit row naming ``ws.actor``."""
    with transaction(ws.engine) as conn:
        return ledger.approve(conn, ws.actor, period, expert_code, engagement=engagement, entry_ids=entry_ids)


def reject(ws: Workspace, entry_id: int, reason: str) -> int:
    """Reject one submitted line with a reason the expert sees (see :func:`vergoeding.store.entries.reject`)."""
    with transaction(ws.engine) as conn:
        return ledger.reject(conn, ws.actor, entry_id, reason)


def lock(ws: Workspace, period: Period, reason: str) -> int:
    with transaction(ws.engine) as conn:
        return ledger.lock_period(conn, ws.actor, period, reason)


def unlock(ws: Workspace, period: Period, reason: str) -> int:
    with transaction(ws.engine) as conn:
        return ledger.unlock_period(conn, ws.actor, period, reason)


def correct(ws: Workspace, entry_id: int, *, reason: str, minutes: int | None = None, quantity: int | None = None,
            km: Decimal | None = None, expense: Decimal | None = None, amount: Decimal | None = None) -> int:
    """A correction line (see :func:`vergoeding.store.entries.correct_entry`). ``amount``: the
    right allowance for the work of the line (``correct --amount``); the correction holds the
    difference with the allowance as it stands (paid lines as paid, the rest priced on the work
    date), plus or minus, as a fixed amount that the next payout settles."""
    if amount is not None and amount < 0:
        raise InputError("--amount is de juiste vergoeding voor de regel en kan niet negatief zijn "
                         "(0 als er niets voor hoort)", field="amount")
    with transaction(ws.engine) as conn:
        paid_work_lock(conn)  # the paid amount it compares with cannot change meanwhile
        delta = None if amount is None else amount - current_fee(ws, conn, entry_id)
        return ledger.correct_entry(conn, ws.actor, entry_id, reason=reason, minutes=minutes, quantity=quantity,
                                    km=km, expense=expense, amount_delta=delta)


def current_fee(ws: Workspace, conn: Any, entry_id: int) -> Decimal:
    """The allowance for the work of line ``entry_id`` with its corrections: paid lines as
    paid, the others priced on their work date."""
    from vergoeding.core.compensation import price_entry
    from vergoeding.core.money import ZERO, money_sum
    from vergoeding.store.payouts import paid_priced

    e = s.entries
    row = conn.execute(select(e.c.id, e.c.correction_of).where(e.c.id == entry_id)).first()
    if row is None:
        raise InputError(f"regel {entry_id} bestaat niet", field="regel")
    root = int(row.correction_of or row.id)
    g = conn.execute(select(s.engagements.c.code).join(e, e.c.engagement_id == s.engagements.c.id)
                     .where(e.c.id == root)).scalar_one()
    eng = queries.engagement(conn, g)
    if eng.regime is Regime.LOONDIENST:
        raise InputError(f"opdracht {eng.code} is loondienst: het loon loopt via de salarisadministratie; "
                         "corrigeer daar het bedrag (hier alleen de uren, met --hours)", field="amount")
    family = [x for x in queries.load_entries(conn, engagement_code=g) if x.id == root or x.correction_of == root]
    paid = paid_priced(conn, [x.id for x in family], {eng.code: eng})
    fees = [paid[x.id].fee if x.id in paid else
            price_entry(x, eng, ws.ratecard, ws.limits, need_client=False).fee for x in family]
    return money_sum(fees) if fees else ZERO


# ---------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: dict[str, Any]
    db_user: str | None = None  # the database account (PostgreSQL role / OS user for SQLite)


def audit_log(ws: Workspace, entity: str | None = None, entity_id: int | None = None,
              limit: int = 200) -> list[AuditRow]:
    a = s.audit_log
    q = select(a).order_by(a.c.id.desc()).limit(limit)
    if entity:
        q = q.where(a.c.entity == entity)
    if entity_id is not None:
        q = q.where(a.c.entity_id == entity_id)
    with ws.engine.connect() as conn:
        rows = conn.execute(q).all()
    return [AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, json.loads(r.detail), r.db_user) for r in reversed(rows)]


def stored_code(ws: Workspace, kind: str, code: str) -> str:
    """``e001`` -> ``E001``: the stored spelling of a code typed in another case (unknown: as given)."""
    from vergoeding.store.codes import stored_code as lookup

    table = {"organisation": s.organisations, "expert": s.experts, "engagement": s.engagements}[kind]
    with ws.engine.connect() as conn:
        return lookup(conn, table, code)


def audit_count(ws: Workspace, entity: str | None = None, entity_id: int | None = None) -> int:
    """How many audit rows match (``audit_log`` shows at most ``limit`` of them)."""
    a = s.audit_log
    q = select(func.count()).select_from(a)
    if entity:
        q = q.where(a.c.entity == entity)
    if entity_id is not None:
        q = q.where(a.c.entity_id == entity_id)
    with ws.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


# ---------------------------------------------------------------------------- hour overview


def hours_for_expert(ws: Workspace, expert_code: str, period: Period, *,
                     made_on: date | None = None) -> HoursDocument:
    """The expert's overview of ``period`` (used by ``vergoeding hours`` and the benchmark).
    ``made_on`` is printed on the document; the library never asks the clock."""
    return hours(ws, expert_code, period, made_on=made_on)


def hours(ws: Workspace, expert_code: str, period: Period, *, made_on: date | None) -> HoursDocument:
    """The expert's overview of ``period``: totals, per month, per engagement, lines."""
    with ws.engine.connect() as conn:
        person = queries.expert(conn, expert_code)
        try:
            own = queries.own_organisation(conn).name
        except NotFoundError:
            own = "de organisatie"
        engs = {g.code: g for g in queries.all_engagements(conn, expert_code=expert_code)}
        # the names of this expert's clients only (a network has hundreds of organisations)
        mine = select(s.engagements.c.client_id).where(s.engagements.c.expert_id == person.id)
        clients = {str(code): str(name) for code, name in conn.execute(
            select(s.organisations.c.code, s.organisations.c.name).where(s.organisations.c.id.in_(mine)))}
        entries = queries.load_entries(conn, period=period, expert_code=expert_code)
        # the unit of each engagement in the period, from its row (one query for all of them)
        rows = {r.code: r for r in conn.execute(select(s.engagements).where(s.engagements.c.expert_id == person.id))}
        units = {code: _unit(ws, rows[code], period) for code in engs}
    labels = {k: r.label for k, r in ws.ratecard.roles.items()}
    return build_hours(person, own, period, entries, engs, client_names=clients, role_labels=labels,
                       units=units, made_on=made_on)


def _unit(ws: Workspace, row: Any, period: Period) -> Unit:
    day = max(row.start_date, period.start)
    return ledger.unit_of(row, day, ws.ratecard)


def hours_rows(doc: HoursDocument) -> list[dict[str, Any]]:
    return table_rows(doc)


def hours_pdf(ws: Workspace, doc: HoursDocument) -> bytes:
    from vergoeding.render.pdf import html_to_pdf
    from vergoeding.render.templating import render_html

    html = render_html("hours.html", doc.context(), user_dir=ws.settings.templates_dir,
                       shipped_dir=ws.settings.shipped_templates)
    return html_to_pdf(html, base_url=ws.settings.templates_dir or ws.settings.shipped_templates, accessible=True)


def hours_xlsx(doc: HoursDocument) -> bytes:
    from vergoeding.render.xlsx import DATE, DECIMAL2, EURO, HOURS, INTEGER, Column, Workbook

    def h(minutes: int) -> Decimal:
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))

    wb = Workbook()
    heading = [f"Urenoverzicht {doc.expert_name}", f"Periode: {doc.period_text}", f"Van: {doc.organisation}"]
    totals = [{"what": "Totaal", "label": "hele periode", "hours": h(doc.total.minutes), "minutes": doc.total.minutes,
               "counts": ", ".join(doc.total.count_texts), "km": doc.total.km, "expense": doc.total.expense}]
    totals += [{"what": "Maand", "label": m.label, "hours": h(m.minutes), "minutes": m.minutes,
                "counts": ", ".join(m.count_texts), "km": m.km, "expense": m.expense} for m in doc.months]
    totals += [{"what": "Opdracht", "label": f"{g.key} {g.label}", "hours": h(g.minutes), "minutes": g.minutes,
                "counts": ", ".join(g.count_texts), "km": g.km, "expense": g.expense} for g in doc.engagements]
    wb.sheet("Totalen", [Column("Soort", "what", width=10), Column("Omschrijving", "label", width=40),
                         Column("Uren", "hours", HOURS, 9), Column("Minuten", "minutes", INTEGER, 9),
                         Column("Ook", "counts", width=22), Column("Km", "km", DECIMAL2, 9),
                         Column("Onkosten", "expense", EURO, 12)], totals, heading=heading)
    rows = [{**r, "hours": h(r["minutes"]), "status": line.status_text}
            for r, line in zip(table_rows(doc), doc.lines, strict=True)]
    wb.sheet("Regels", [Column("Regel", "id", INTEGER, 8), Column("Datum", "date", DATE, 12),
                        Column("Opdracht", "engagement", width=10), Column("Opdrachtgever", "client", width=28),
                        Column("Activiteit", "activity", width=30), Column("Uren", "hours", HOURS, 8),
                        Column("Minuten", "minutes", INTEGER, 9), Column("Aantal", "quantity", INTEGER, 8),
                        Column("Eenheid", "unit", width=12), Column("Km", "km", DECIMAL2, 8),
                        Column("Onkosten", "expense", EURO, 11), Column("In natura", "inkind", EURO, 11),
                        Column("Stand", "status", width=22)], rows,
             totals={"activity": "Totaal", "hours": h(doc.total.minutes), "minutes": doc.total.minutes,
                     "km": doc.total.km, "expense": doc.total.expense, "inkind": doc.total.inkind})
    return wb.to_bytes()


def _with_code(data: Any, code: str) -> Any:
    from dataclasses import replace

    return replace(data, code=code)
