"""What finance sees and does in the portal: the month's state, submitted lines to approve
or reject, IBAN change requests. Approval goes through ``api.ledger.approve``, the function
behind ``vergoeding approve``: one mechanism, one audit trail naming who."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select, update

from vergoeding.api.workspace import Workspace
from vergoeding.core.period import Period
from vergoeding.errors import InputError, NotFoundError, RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.base import audit
from vergoeding.store.db import now_utc, transaction


@dataclass(frozen=True)
class Line:
    id: int
    work_date: date
    minutes: int
    quantity: int
    activity: str
    km: str
    expense: Decimal
    expense_note: str
    uploads: tuple[tuple[int, str], ...]  # (upload id, file name)


@dataclass
class Group:
    engagement: str
    description: str
    expert: str
    expert_name: str
    client: str
    lines: list[Line] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(x.minutes for x in self.lines)


def submitted(ws: Workspace, period: Period) -> list[Group]:
    """Lines waiting for approval (``logged``) in ``period``, per engagement."""
    from vergoeding.core.money import from_cents

    e, g, x, o, u = s.entries, s.engagements, s.experts, s.organisations, s.portal_uploads
    q = (select(e.c.id, e.c.work_date, e.c.minutes, e.c.quantity, e.c.activity, e.c.km, e.c.expense_cents,
                e.c.expense_note, g.c.code.label("eng"), g.c.description, g.c.role, x.c.code.label("expert"),
                x.c.name, o.c.name.label("client"))
         .join(g, g.c.id == e.c.engagement_id).join(x, x.c.id == g.c.expert_id).join(o, o.c.id == g.c.client_id)
         .where(e.c.status == "logged", e.c.work_date >= period.start, e.c.work_date < period.end)
         .order_by(x.c.code, g.c.code, e.c.work_date, e.c.id))
    with ws.engine.connect() as conn:
        rows = conn.execute(q).all()
        ids = [r.id for r in rows]
        ups: dict[int, list[tuple[int, str]]] = {}
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            for up in conn.execute(select(u.c.id, u.c.entry_id, u.c.filename).where(u.c.entry_id.in_(chunk))):
                ups.setdefault(int(up.entry_id), []).append((int(up.id), up.filename))
    groups: dict[str, Group] = {}
    for r in rows:
        grp = groups.setdefault(r.eng, Group(r.eng, r.description or r.role, r.expert, r.name, r.client))
        grp.lines.append(Line(int(r.id), r.work_date, int(r.minutes), int(r.quantity), r.activity, r.km,
                              from_cents(int(r.expense_cents)), r.expense_note, tuple(ups.get(int(r.id), ()))))
    return list(groups.values())


def approve(ws: Workspace, period: Period, engagement: str, ids: list[int]) -> list[int]:
    from vergoeding.api.ledger import approve as api_approve

    if not ids:
        raise InputError("kies minstens één regel om goed te keuren", field="regels")
    return api_approve(ws, period, engagement=engagement, entry_ids=ids)


def reject(ws: Workspace, entry_id: int, reason: str) -> int:
    from vergoeding.api.ledger import reject as api_reject

    return api_reject(ws, entry_id, reason)


# ---------------------------------------------------------------------------- the month


@dataclass(frozen=True)
class MonthState:
    period: Period
    waiting: int  # submitted, not yet approved
    approved: int  # approved, not yet paid
    paid: int  # paid lines dated in the month
    payouts: tuple[str, ...]
    locked: bool
    not_submitted: tuple[tuple[str, str], ...]  # (code, name) of experts with an engagement but no line
    held: tuple[tuple[str, str, str], ...]  # (code, name, reason) at the month's last payout
    iban_requests: int


def month_state(ws: Workspace, period: Period) -> MonthState:
    e, g, x, p = s.entries, s.engagements, s.experts, s.payouts
    in_month = and_(e.c.work_date >= period.start, e.c.work_date < period.end)
    with ws.engine.connect() as conn:
        counts: dict[str, int] = dict(conn.execute(select(e.c.status, func.count()).where(in_month).group_by(e.c.status)).all())
        active = conn.execute(
            select(x.c.code, x.c.name).join(g, g.c.expert_id == x.c.id)
            .where(g.c.start_date < period.end, (g.c.end_date.is_(None)) | (g.c.end_date > period.start))
            .distinct().order_by(x.c.code)).all()
        with_lines = {r[0] for r in conn.execute(
            select(x.c.code).join(g, g.c.expert_id == x.c.id).join(e, e.c.engagement_id == g.c.id)
            .where(in_month).distinct())}
        payouts = conn.execute(select(p.c.number, p.c.snapshot).where(p.c.period == f"{period.start:%Y-%m}")
                               .order_by(p.c.id)).all()
        from vergoeding.store.entries import locked_period_on

        locked = locked_period_on(conn, period.start) is not None
        ibans = int(conn.execute(select(func.count()).select_from(s.portal_iban_requests)
                                 .where(s.portal_iban_requests.c.status == "open")).scalar() or 0)
    held: tuple[tuple[str, str, str], ...] = ()
    if payouts:
        snap = json.loads(payouts[-1].snapshot)
        held = tuple((h["expert"], h["name"], h["reason"]) for h in snap.get("held", ()))
    return MonthState(period, int(counts.get("logged", 0)), int(counts.get("approved", 0)),
                      int(counts.get("settled", 0)), tuple(r.number for r in payouts), locked,
                      tuple((c, n) for c, n in active if c not in with_lines), held, ibans)


# ---------------------------------------------------------------------------- IBAN requests


@dataclass(frozen=True)
class IbanRequest:
    id: int
    expert: str
    name: str
    old_tail: str
    iban: str
    created_at: Any


def iban_requests(ws: Workspace) -> list[IbanRequest]:
    r, x = s.portal_iban_requests, s.experts
    with ws.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, r.c.iban, r.c.created_at, x.c.code, x.c.name, x.c.iban.label("old"))
                            .join(x, x.c.id == r.c.expert_id).where(r.c.status == "open").order_by(r.c.id)).all()
    return [IbanRequest(int(q.id), q.code, q.name, (q.old or "")[-4:], q.iban, q.created_at) for q in rows]


def decide_iban(ws: Workspace, request_id: int, *, confirm: bool, reason: str = "") -> None:
    """Confirm (the expert's IBAN is changed, audited like ``expert edit --iban``) or reject
    (with a reason the expert sees) an open request."""
    from vergoeding.store import ledger

    r = s.portal_iban_requests
    with transaction(ws.engine) as conn:
        row = conn.execute(select(r, s.experts.c.code).join(s.experts, s.experts.c.id == r.c.expert_id)
                           .where(r.c.id == request_id)).first()
        if row is None:
            raise NotFoundError(f"verzoek {request_id} bestaat niet")
        if row.status != "open":
            raise RuleViolation("over dit verzoek is al beslist")
        if confirm:
            ledger.edit_expert(conn, ws.actor, row.code, {"iban": row.iban})
        elif not reason.strip():
            raise InputError("geef een reden; de deskundige ziet die", field="reden")
        conn.execute(update(r).where(r.c.id == request_id).values(
            status="confirmed" if confirm else "rejected", reason=None if confirm else reason.strip()[:500],
            decided_at=now_utc(), decided_by=ws.actor))
        audit(conn, ws.actor, "portal.iban_confirmed" if confirm else "portal.iban_rejected", "expert",
              int(row.expert_id), {"request": request_id, "iban_tail": row.iban[-4:]})
