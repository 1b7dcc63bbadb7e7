"""Approval of hour entries and locked periods (``approve``, ``lock_period``, ``unlock_period``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    select,
    update,
)

from vergoeding.core.period import Period, parse_period, period_text
from vergoeding.errors import InputError, RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.base import (
    _err,
    _id_of,
    _new_id,
    _text,
    audit,
    clean,
)
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc
from vergoeding.store.locks import paid_work_lock


def _period_filter(period: Period, expert: str | None) -> list[Any]:
    e, g, x = s.entries, s.engagements, s.experts
    conds: list[Any] = [e.c.work_date >= period.start, e.c.work_date < period.end]
    if expert:
        conds.append(e.c.engagement_id.in_(select(g.c.id).join(x, x.c.id == g.c.expert_id).where(code_is(x.c.code, expert))))
    return conds


def _refuse_locked_approval(conn: Connection, period: Period, conds: list[Any]) -> None:
    """A locked period refuses approvals until it is unlocked: approving a period that lies
    wholly in a locked period is refused, and so is approving when entries that wait for
    approval lie in a locked part of the period (the rest is not approved half-way)."""
    lp, e = s.locked_periods, s.entries
    for lock in conn.execute(select(lp).where(lp.c.start_date < period.end, lp.c.end_date > period.start)
                             .order_by(lp.c.start_date)):
        covered = lock.start_date <= period.start and lock.end_date >= period.end
        waiting = int(conn.execute(select(func.count()).select_from(e).where(
            *conds, e.c.work_date >= lock.start_date, e.c.work_date < lock.end_date)).scalar() or 0)
        if covered or waiting:
            span = f"{lock.start_date:%d-%m-%Y} tot en met {lock.end_date - timedelta(days=1):%d-%m-%Y}"
            which = f" ({waiting} regel(s) wachten daarin op goedkeuring)" if waiting else ""
            raise RuleViolation(f"{period_text(period)} ligt in een afgesloten periode ({span}: {lock.reason}){which}; "
                                "goedkeuren kan pas na heropenen: vergoeding unlock --period "
                                f"{_lock_period_text(lock)} --reason \"...\"")


def _lock_period_text(lock: Any) -> str:
    """The --period text that unlocks this lock (unlock needs the exact period)."""
    start, end = lock.start_date, lock.end_date
    for text in (f"{start.year}", f"{start.year}-Q{(start.month - 1) // 3 + 1}", f"{start:%Y-%m}"):
        try:
            p = parse_period(text)
        except InputError:
            continue
        if p.start == start and p.end == end:
            return text
    return f"{start:%d-%m-%Y}..{end - timedelta(days=1):%d-%m-%Y}"


def approve(conn: Connection, actor: str, period: Period, expert: str | None = None, *,
            engagement: str | None = None, entry_ids: list[int] | None = None) -> list[int]:
    """logged -> approved for the period (and expert, engagement, or only the lines
    ``entry_ids``); returns the ids approved. The command line (``vergoeding approve``) and
    the portal both come here: one mechanism, one audit row naming who approved."""
    paid_work_lock(conn)  # serialised with payouts and invoices (store.locks)
    if expert:
        _id_of(conn, s.experts, expert, "ervaringsdeskundige", "expert")
    e = s.entries
    conds = [*_period_filter(period, expert), e.c.status == "logged"]
    detail: dict[str, Any] = {"period": str(period), "expert": expert}
    if engagement:
        conds.append(e.c.engagement_id == _id_of(conn, s.engagements, engagement, "opdracht", "engagement"))
        detail["engagement"] = engagement
    if entry_ids is not None:
        conds.append(e.c.id.in_(list(entry_ids) or [-1]))
    _refuse_locked_approval(conn, period, conds)
    ids_ = [int(r[0]) for r in conn.execute(select(e.c.id).where(*conds).order_by(e.c.id))]
    if ids_:
        conn.execute(update(e).where(*conds).values(status="approved"))
        audit(conn, actor, "approve", "entry", None, {**detail, "count": len(ids_), "ids": ids_})
    return ids_


def lock_period(conn: Connection, actor: str, period: Period, reason: str) -> int:
    """Close a period: no entry may be added or changed with a work date inside it.
    Refused while entries in it still wait for approval."""
    reason = clean("reason", reason)
    if not reason:
        raise _err("geef een reden (bijvoorbeeld 'uitbetaald en verantwoord')", "reason")
    lp, e = s.locked_periods, s.entries
    if conn.execute(select(lp.c.id).where(lp.c.start_date <= period.start, lp.c.end_date >= period.end)).first():
        raise RuleViolation(f"{period_text(period)} is al afgesloten")
    waiting = conn.execute(select(func.count()).select_from(e).where(*_period_filter(period, None),
                                                                     e.c.status == "logged")).scalar()
    if waiting:
        raise RuleViolation(f"in {period_text(period)} staan nog {waiting} regel(s) die niet zijn goedgekeurd; "
                            f"keur ze eerst goed: vergoeding approve --period {period}")
    new_id = _new_id(conn.execute(insert(lp).values(start_date=period.start, end_date=period.end,
                                                reason=_text(reason), created_at=now_utc())))
    audit(conn, actor, "lock", "locked_period", new_id, {"period": str(period), "reason": _text(reason)})
    return new_id


def unlock_period(conn: Connection, actor: str, period: Period, reason: str) -> int:
    reason = clean("reason", reason)
    if not reason:
        raise _err("geef een reden voor het heropenen", "reason")
    lp = s.locked_periods
    rows = conn.execute(select(lp.c.id).where(lp.c.start_date == period.start, lp.c.end_date == period.end)).all()
    if not rows:
        raise RuleViolation(f"{period_text(period)} is niet als geheel afgesloten; zie 'vergoeding audit --entity locked_period'")
    conn.execute(delete(lp).where(lp.c.id.in_([r[0] for r in rows])))
    for r in rows:
        audit(conn, actor, "unlock", "locked_period", int(r[0]), {"period": str(period), "reason": _text(reason)})
    return len(rows)
