"""The administration's public functions: each one call, one transaction.

Organisations, experts (and their declarations), engagements, hour entries, approval,
locked periods, corrections and the audit log. The expert's hour overview is
:mod:`vergoeding.api.hours` (re-exported here), code look-ups :mod:`vergoeding.api.codes`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from vergoeding.api.codes import stored_code
from vergoeding.api.hours import hours, hours_for_expert, hours_pdf, hours_rows, hours_xlsx
from vergoeding.api.workspace import Workspace
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime
from vergoeding.core.work import Engagement, Expert, Organisation
from vergoeding.errors import InputError
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
    "DeclarationData", "EngagementData", "EntryData", "EntryResult", "ExpertData", "OrganisationData", "hours",
    "hours_for_expert", "hours_pdf", "hours_rows", "hours_xlsx", "stored_code",
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


def _with_code(data: Any, code: str) -> Any:
    from dataclasses import replace

    return replace(data, code=code)
