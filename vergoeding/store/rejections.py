"""Rejecting a submitted line (the portal's finance pages): ``reject``."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from vergoeding.errors import RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.base import _err, _new_id, _text, audit, clean
from vergoeding.store.db import now_utc
from vergoeding.store.entries import is_locked


def reject(conn: Connection, actor: str, entry_id: int, reason: str) -> int:
    """A submitted line (``logged``: never approved, paid or invoiced, no corrections) that
    finance does not accept: it leaves the administration, and ``portal_rejections`` keeps
    what was submitted with the reason, which the expert sees. Returns the rejection's id."""
    reason = clean("reason", reason)
    if not reason:
        raise _err("geef een reden; de deskundige ziet die", "reason")
    e = s.entries
    row = conn.execute(select(e, s.engagements.c.expert_id).join(s.engagements, s.engagements.c.id == e.c.engagement_id)
                       .where(e.c.id == entry_id)).first()
    if row is None:
        raise _err(f"regel {entry_id} bestaat niet", "id")
    if row.status != "logged" or is_locked(conn, row):
        raise RuleViolation(f"regel {entry_id} is al goedgekeurd, betaald, gefactureerd of afgesloten; "
                            "afwijzen kan niet meer (corrigeer hem met 'vergoeding correct')")
    if conn.execute(select(e.c.id).where(e.c.correction_of == entry_id)).first() is not None:
        raise RuleViolation(f"regel {entry_id} heeft correcties; afwijzen kan niet (corrigeer hem)")
    new_id = _new_id(conn.execute(insert(s.portal_rejections).values(
        entry_id=entry_id, expert_id=row.expert_id, engagement_id=row.engagement_id, work_date=row.work_date,
        minutes=row.minutes, quantity=row.quantity, activity=row.activity, km=row.km, reason=_text(reason),
        rejected_by=actor, rejected_at=now_utc())))
    conn.execute(update(s.portal_uploads).where(s.portal_uploads.c.entry_id == entry_id).values(entry_id=None))
    conn.execute(delete(e).where(e.c.id == entry_id))
    audit(conn, actor, "reject", "entry", entry_id, {"reason": _text(reason), "work_date": row.work_date,
                                                     "minutes": int(row.minutes), "rejection": new_id})
    return new_id
