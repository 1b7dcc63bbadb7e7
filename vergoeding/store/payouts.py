"""Payouts in the database: record one (entries settled + payouts row + audit, one
transaction) and read one back for a reprint. ``payouts.period`` is UNIQUE: a period is paid
once, also when two processes try at the same moment (SQLite: ``BEGIN IMMEDIATE``
serialises them; the loser hits the constraint and gets a clear message)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, select, update
from sqlalchemy.exc import IntegrityError

from vergoeding import faults
from vergoeding.errors import NotFoundError, RuleViolation
from vergoeding.store.schema import audit_log, entries, payouts


def already_paid_message(period: str, created: datetime | None = None) -> str:
    when = f" op {created:%d-%m-%Y}" if created else ""
    return (f"periode {period} is al uitbetaald{when}; een periode wordt maar één keer betaald. "
            f"Gebruik 'vergoeding payout --period {period} --out MAP --reprint' om de bestanden "
            "opnieuw te maken.")


def find_payout(conn: Connection, period: str) -> Any:
    return conn.execute(select(payouts).where(payouts.c.period == period)).first()


def load_snapshot(engine: Engine, period: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = find_payout(conn, period)
    if row is None:
        raise NotFoundError(f"periode {period} is nog niet uitbetaald: er is niets om opnieuw te maken")
    snap: dict[str, Any] = json.loads(row.snapshot)
    return snap


def record_payout(engine: Engine, *, period: str, created: datetime, execution_date: date,
                  total_cents: int, msg_id: str, snapshot: dict[str, Any], settle_ids: Sequence[int],
                  override_reason: str | None, actor: str, n_errors: int) -> int:
    """Insert the payouts row and settle the entries, all or nothing. Refuses when the period
    was paid already or an entry changed since it was read (status no longer approved or
    already in a payout)."""
    try:
        with engine.begin() as conn:
            existing = find_payout(conn, period)
            if existing is not None:
                raise RuleViolation(already_paid_message(period, existing.created_at))
            key = conn.execute(payouts.insert().values(
                period=period, created_at=created, execution_date=execution_date, total_cents=total_cents,
                override_reason=override_reason, batch_msg_id=msg_id,
                snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
            )).inserted_primary_key
            pid = int(key[0]) if key else 0
            ids = list(settle_ids)
            done = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                res = conn.execute(update(entries).where(and_(
                    entries.c.id.in_(chunk), entries.c.status == "approved", entries.c.payout_id.is_(None),
                )).values(status="settled", payout_id=pid))
                done += res.rowcount
            if done != len(ids):
                raise RuleViolation(
                    f"{len(ids) - done} regel(s) van {period} zijn intussen gewijzigd of al betaald; "
                    "er is niets betaald. Probeer het opnieuw.")
            detail: dict[str, Any] = {"period": period, "entries": len(ids), "total_cents": total_cents,
                                      "msg_id": msg_id}
            if override_reason:
                detail.update(override_reason=override_reason, errors_overridden=n_errors)
            conn.execute(audit_log.insert().values(
                at=created, actor=actor, action="payout.override" if override_reason else "payout.create",
                entity="payout", entity_id=pid, detail=json.dumps(detail, ensure_ascii=False)))
            faults.point("payout.before_commit")
            return pid
    except IntegrityError:
        # Another process paid this period between our check and our insert.
        raise RuleViolation(already_paid_message(period)) from None


def unfinished_payout(engine: Engine, period: str) -> dict[str, Any] | None:
    """The snapshot of a payout of ``period`` that was committed but whose files were never
    written (its process died in between), else None."""
    with engine.connect() as conn:
        row = find_payout(conn, period)
    if row is None or row.files_written_at is not None:
        return None
    snap: dict[str, Any] = json.loads(row.snapshot)
    return snap


def mark_written(engine: Engine, *, period: str, at: datetime, actor: str, completed: bool) -> None:
    """The payout's files are on disk. ``completed``: this run finished an interrupted one."""
    with engine.begin() as conn:
        row = find_payout(conn, period)
        if row is None:
            return
        first = row.files_written_at is None
        if first:
            conn.execute(update(payouts).where(payouts.c.id == row.id).values(files_written_at=at))
        if completed and first:
            conn.execute(audit_log.insert().values(
                at=at, actor=actor, action="payout.complete", entity="payout", entity_id=row.id,
                detail=json.dumps({"period": period, "note": "bestanden gemaakt na een afgebroken uitvoering"})))


def record_reprint(engine: Engine, *, period: str, at: datetime, actor: str) -> None:
    with engine.begin() as conn:
        row = find_payout(conn, period)
        conn.execute(audit_log.insert().values(
            at=at, actor=actor, action="payout.reprint", entity="payout",
            entity_id=None if row is None else row.id, detail=json.dumps({"period": period})))


def settled_payouts(conn: Connection) -> dict[int, Any]:
    return {int(r.id): r for r in conn.execute(select(payouts))}
