"""The paid-line ledger: payouts and the lines they paid, in the database.

One transaction records a payout: the payouts row (with the JSON snapshot the documents are
made from), one ``paid_lines`` row per paid entry with its amounts as paid, the entries set
to ``settled`` and the audit row. A line is paid once: ``paid_lines.entry_id`` is UNIQUE and
the entries are settled only when still approved and in no payout, so two payouts started at
the same moment never pay a line twice (SQLite serialises them with ``BEGIN IMMEDIATE``; on
PostgreSQL the loser hits the constraint). Everything that reads what was paid reads it here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, and_, select, update
from sqlalchemy.exc import IntegrityError

from vergoeding import faults
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.listing import few
from vergoeding.core.money import from_cents, to_cents
from vergoeding.core.nl import period as period_words
from vergoeding.core.payout import PaidLine, as_priced
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.work import Engagement
from vergoeding.errors import NotFoundError, RuleViolation, VergoedingError
from vergoeding.store.locks import paid_work_lock
from vergoeding.store.schema import (
    audit_log,
    engagements,
    entries,
    experts,
    organisations,
    paid_lines,
    payouts,
)

CHUNK = 500  # bounded IN lists: a month of a large network has ~80,000 lines


def payouts_of(conn: Connection, period: str) -> list[Any]:
    """The payouts of ``period`` (its label: ``2026-11``), oldest first."""
    return list(conn.execute(select(payouts).where(payouts.c.period == period).order_by(payouts.c.id)))


def numbers(conn: Connection, period: str) -> list[str]:
    return [str(r.number) for r in payouts_of(conn, period)]


def already_paid_message(period: str, rows: Sequence[Any]) -> str:
    last = rows[-1]
    # the payout's own date (from the product's clock, VERGOEDING_TODAY), never the wall clock
    return (f"alles van {period_words(period)} is al uitbetaald (uitbetaling {last.number} op "
            f"{last.execution_date:%d-%m-%Y}); "
            "er staan geen nieuwe goedgekeurde regels open. Regels die later worden goedgekeurd, betaalt u "
            f"met een vervolgbetaling: 'vergoeding payout --period {period} --out MAP'. De bestanden "
            f"opnieuw maken: 'vergoeding payout --period {period} --out MAP --reprint'.")


def listed_before(conn: Connection, period: Period) -> list[tuple[Period, str | None]]:
    """(period, expert or None for everyone) of every earlier payout whose period overlaps
    ``period``: the lines of those periods were already on an earlier overview (the zzp and
    payroll lines listed for information are listed once, not again by a quarter or a
    follow-up)."""
    from vergoeding.core.period import parse_period

    out = []
    for label, only in conn.execute(select(payouts.c.period, payouts.c.expert_code).distinct()):
        try:
            p = parse_period(str(label))
        except VergoedingError:  # a label this program did not write: covers nothing
            continue
        if p.start < period.end and period.start < p.end:
            out.append((p, None if only is None else str(only)))
    return out


@dataclass(frozen=True)
class FollowUp:
    """What the earlier payouts of a period covered: a follow-up's line is late ("van eerder",
    docs/MONTH-END.md 5) when an earlier payout of the period considered its expert and did
    not hold them (so the line was approved or corrected after that payout)."""

    everyone: bool
    experts: frozenset[str]
    held: frozenset[str]

    def late(self, expert: str) -> bool:
        return (self.everyone or expert in self.experts) and expert not in self.held


def follow_up(rows: Sequence[Any]) -> FollowUp | None:
    """The :class:`FollowUp` of the earlier payouts ``rows`` of a period (None: no earlier)."""
    if not rows:
        return None
    held: set[str] = set()
    for r in rows:
        held |= {str(h["expert"]) for h in json.loads(r.snapshot).get("held", ())}
    return FollowUp(any(r.expert_code is None for r in rows),
                    frozenset(str(r.expert_code) for r in rows if r.expert_code is not None), frozenset(held))


def load_snapshots(engine: Engine, period: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = payouts_of(conn, period)
    if not rows:
        raise NotFoundError(f"{period_words(period)} is nog niet uitbetaald: er is niets om opnieuw te maken")
    return [json.loads(r.snapshot) for r in rows]


def _ids(conn: Connection, table: Any, codes: Iterable[str]) -> dict[str, int]:
    codes = sorted(set(codes))
    out: dict[str, int] = {}
    for i in range(0, len(codes), CHUNK):
        out.update({str(r.code): int(r.id) for r in conn.execute(
            select(table.c.id, table.c.code).where(table.c.code.in_(codes[i:i + CHUNK])))})
    return out


def _line_row(pid: int, ln: PaidLine, expert_ids: Mapping[str, int], eng_ids: Mapping[str, int],
              client_ids: Mapping[str, int]) -> dict[str, Any]:
    return dict(
        client_id=client_ids.get(ln.client), role=ln.role or None, level=ln.level or None,
        self_billing=ln.self_billing, vat_exemption=ln.vat_exemption,
        payout_id=pid, entry_id=ln.entry_id, expert_id=expert_ids[ln.expert], engagement_id=eng_ids[ln.engagement],
        regime=ln.regime.value, work_date=ln.work_date, late=ln.late, unit=ln.unit.value,
        quantity=f"{ln.quantity.normalize():f}", minutes=ln.minutes, unit_price_cents=to_cents(ln.unit_price),
        km=f"{ln.km.normalize():f}", km_rate_cents=None if ln.km_rate is None else to_cents(ln.km_rate),
        fee_cents=to_cents(ln.fee), travel_cents=to_cents(ln.travel),
        expenses_fixed_cents=to_cents(ln.expenses_fixed), expenses_receipt_cents=to_cents(ln.expenses_receipt),
        inkind_cents=to_cents(ln.inkind), cap_cents=to_cents(ln.cap_amount), activity=ln.activity,
        correction_of=ln.correction_of, figures=json.dumps(dict(ln.figures), ensure_ascii=False, sort_keys=True),
        limits_version=ln.limits_version or None)


def _raced(period: str) -> RuleViolation:
    return RuleViolation(
        f"regels van {period_words(period)} zijn intussen al uitbetaald of gewijzigd (door een andere uitvoering tegelijk); "
        "er is niets betaald. Bekijk 'vergoeding audit --entity payout' en probeer het opnieuw.")


class Repriced(RuleViolation):
    """An engagement of the payout's lines changed after the lines were priced (a rate or
    regime edit committed meanwhile): nothing is recorded; the caller prices again."""


def _changed_engagements(conn: Connection, lines: Sequence[PaidLine]) -> list[str]:
    """The codes of the engagements that are no longer what the lines were priced with."""
    from vergoeding.store.queries import all_engagements

    used = {ln.engagement: ln.priced_with for ln in lines if ln.priced_with is not None}
    if not used:
        return []
    now = {g.code: g for g in all_engagements(conn)}
    return sorted(code for code, g in used.items() if now.get(code) != g)


def record_payout(engine: Engine, *, number: str, period: str, expert_code: str | None, created: datetime,
                  execution_date: date, total_cents: int, msg_id: str, snapshot: dict[str, Any],
                  lines: Sequence[PaidLine], override_reason: str | None, overridden: Sequence[str],
                  held: Sequence[str], actor: str, invoices_paid: Sequence[int] = ()) -> int:
    """Record the payout and its paid lines, all or nothing. Refuses when a line was paid or
    changed since it was read; raises :class:`Repriced` when an engagement of the lines
    changed since they were priced (the paid-work lock makes that check and the edits one
    after the other: ``store.locks``). ``invoices_paid``: the expert invoices this payout pays,
    marked paid on the execution date (the bank import confirms the date later)."""
    try:
        with engine.begin() as conn:
            paid_work_lock(conn)
            changed = _changed_engagements(conn, lines)
            if changed:
                raise Repriced(f"opdracht(en) {few(changed, others='andere')} zijn gewijzigd tijdens de uitbetaling van "
                               f"{period_words(period)}; er is niets betaald. Probeer het opnieuw.")
            key = conn.execute(payouts.insert().values(
                number=number, period=period, expert_code=expert_code, created_at=created,
                execution_date=execution_date, total_cents=total_cents, override_reason=override_reason,
                batch_msg_id=msg_id, snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
            )).inserted_primary_key
            pid = int(key[0]) if key else 0
            expert_ids = _ids(conn, experts, (ln.expert for ln in lines))
            eng_ids = _ids(conn, engagements, (ln.engagement for ln in lines))
            ids = [ln.entry_id for ln in lines]
            done = 0
            for i in range(0, len(ids), CHUNK):
                res = conn.execute(update(entries).where(and_(
                    entries.c.id.in_(ids[i:i + CHUNK]), entries.c.status == "approved", entries.c.payout_id.is_(None),
                )).values(status="settled", payout_id=pid))
                done += res.rowcount
            if done != len(ids):
                raise _raced(period)
            if invoices_paid:
                from vergoeding.store.schema import invoices

                res = conn.execute(update(invoices).where(
                    invoices.c.id.in_(list(invoices_paid)), invoices.c.status == "issued", invoices.c.paid_at.is_(None),
                ).values(status="paid", paid_at=execution_date, payout_id=pid))
                if res.rowcount != len(invoices_paid):
                    raise _raced(period)
            client_ids = _ids(conn, organisations, (ln.client for ln in lines if ln.client))
            rows = [_line_row(pid, ln, expert_ids, eng_ids, client_ids) for ln in lines]
            for i in range(0, len(rows), CHUNK):
                conn.execute(paid_lines.insert(), rows[i:i + CHUNK])
            detail: dict[str, Any] = {"number": number, "period": period, "lines": len(ids),
                                      "invoices": len(invoices_paid),
                                      "late_lines": sum(1 for ln in lines if ln.late), "total_cents": total_cents,
                                      "msg_id": msg_id, "held": list(held)}
            if expert_code:
                detail["expert"] = expert_code
            if override_reason:
                detail.update(override_reason=override_reason, override_experts=list(overridden))
            conn.execute(audit_log.insert().values(
                at=created, actor=actor, action="payout.override" if override_reason else "payout.create",
                entity="payout", entity_id=pid, detail=json.dumps(detail, ensure_ascii=False)))
            faults.point("payout.before_commit")
            return pid
    except IntegrityError:
        # Another process took the same payout number or paid one of these lines first.
        raise _raced(period) from None


def unfinished_payout(engine: Engine, period: str) -> dict[str, Any] | None:
    """The snapshot of a payout of ``period`` that was committed but whose files were never
    written (its process died in between), else None."""
    with engine.connect() as conn:
        rows = [r for r in payouts_of(conn, period) if r.files_written_at is None]
    if not rows:
        return None
    snap: dict[str, Any] = json.loads(rows[0].snapshot)
    return snap


def unfinished_elsewhere(engine: Engine, period: str) -> Any | None:
    """The oldest payout of ANOTHER period than ``period`` that was committed but whose files
    (with its SEPA batch) were never written, else None. Its lines are settled: without its
    files that money is never transferred, so no other payout goes ahead before it is done."""
    with engine.connect() as conn:
        return conn.execute(select(payouts.c.number, payouts.c.period).where(
            payouts.c.files_written_at.is_(None), payouts.c.period != period).order_by(payouts.c.id)).first()


def mark_written(engine: Engine, *, number: str, at: datetime, actor: str, completed: bool) -> None:
    """The payout's files are on disk. ``completed``: this run finished an interrupted one."""
    with engine.begin() as conn:
        row = conn.execute(select(payouts).where(payouts.c.number == number)).first()
        if row is None:
            return
        first = row.files_written_at is None
        if first:
            conn.execute(update(payouts).where(payouts.c.id == row.id).values(files_written_at=at))
        if completed and first:
            conn.execute(audit_log.insert().values(
                at=at, actor=actor, action="payout.complete", entity="payout", entity_id=row.id,
                detail=json.dumps({"number": number, "note": "bestanden gemaakt na een afgebroken uitvoering"})))


def record_reprint(engine: Engine, *, number: str, at: datetime, actor: str) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(payouts.c.id).where(payouts.c.number == number)).first()
        conn.execute(audit_log.insert().values(
            at=at, actor=actor, action="payout.reprint", entity="payout",
            entity_id=None if row is None else row.id, detail=json.dumps({"number": number})))


# --- reading the ledger -----------------------------------------------------------------------


def _paid_line(r: Any) -> PaidLine:
    return PaidLine(
        entry_id=int(r.entry_id), expert=str(r.expert_code), engagement=str(r.engagement_code),
        regime=Regime(r.regime), work_date=r.work_date, unit=Unit(r.unit), quantity=Decimal(r.quantity),
        minutes=int(r.minutes), unit_price=from_cents(int(r.unit_price_cents)), km=Decimal(r.km),
        km_rate=None if r.km_rate_cents is None else from_cents(int(r.km_rate_cents)),
        fee=from_cents(int(r.fee_cents)), travel=from_cents(int(r.travel_cents)),
        expenses_fixed=from_cents(int(r.expenses_fixed_cents)),
        expenses_receipt=from_cents(int(r.expenses_receipt_cents)), inkind=from_cents(int(r.inkind_cents)),
        cap_amount=from_cents(int(r.cap_cents)), late=bool(r.late), activity=str(r.activity or ""),
        correction_of=r.correction_of, figures=json.loads(r.figures or "{}"), payout_id=int(r.payout_id),
        payout_number=str(r.number), paid_on=r.execution_date, client=str(r.client_code or ""),
        role=str(r.role or ""), level=str(r.level or ""),
        self_billing=None if r.self_billing is None else bool(r.self_billing), vat_exemption=r.vat_exemption,
        limits_version=str(r.limits_version or ""))


def _select() -> Any:
    return (select(paid_lines, experts.c.code.label("expert_code"), engagements.c.code.label("engagement_code"),
                   organisations.c.code.label("client_code"), payouts.c.number, payouts.c.execution_date)
            .join(experts, experts.c.id == paid_lines.c.expert_id)
            .outerjoin(organisations, organisations.c.id == paid_lines.c.client_id)
            .join(engagements, engagements.c.id == paid_lines.c.engagement_id)
            .join(payouts, payouts.c.id == paid_lines.c.payout_id)
            .order_by(paid_lines.c.work_date, paid_lines.c.entry_id))


def load_paid_lines(conn: Connection, *, period: Period | None = None, expert_code: str | None = None,
                    paid_in: Period | None = None) -> list[PaidLine]:
    """Paid lines by work date (``period``) and/or by payment date (``paid_in``)."""
    q = _select()
    if period is not None:
        q = q.where(paid_lines.c.work_date >= period.start, paid_lines.c.work_date < period.end)
    if paid_in is not None:
        q = q.where(payouts.c.execution_date >= paid_in.start, payouts.c.execution_date < paid_in.end)
    if expert_code:
        q = q.where(experts.c.code == expert_code)
    return [_paid_line(r) for r in conn.execute(q)]


def lines_by_entry(conn: Connection, entry_ids: Sequence[int]) -> dict[int, PaidLine]:
    out: dict[int, PaidLine] = {}
    ids = list(entry_ids)
    for i in range(0, len(ids), CHUNK):
        out.update({int(r.entry_id): _paid_line(r)
                    for r in conn.execute(_select().where(paid_lines.c.entry_id.in_(ids[i:i + CHUNK])))})
    return out


def paid_priced(conn: Connection, entry_ids: Sequence[int], engs: Mapping[str, Engagement]) -> dict[int, PricedEntry]:
    """The paid ones among ``entry_ids`` as priced entries with the amounts as paid."""
    return {i: as_priced(ln, engs[ln.engagement]) for i, ln in lines_by_entry(conn, entry_ids).items()
            if ln.engagement in engs}


def paid_sums(conn: Connection, period: Period, engagement_ids: Iterable[int] | None = None) -> list[PaidLine]:
    """The paid lines of ``period`` summed per engagement, work day, unit and rate (for the
    summed path of the checks: a year of a large network holds a million lines)."""
    from sqlalchemy import Numeric, cast, func

    pl = paid_lines
    keys = (pl.c.engagement_id, engagements.c.code, experts.c.code, pl.c.regime, pl.c.work_date, pl.c.unit,
            pl.c.unit_price_cents)
    q = (select(*keys, func.count().label("n"), func.sum(pl.c.minutes).label("minutes"),
                func.sum(cast(pl.c.quantity, Numeric(12, 2))).label("qty"),
                *[func.sum(c).label(c.name) for c in (pl.c.fee_cents, pl.c.travel_cents, pl.c.expenses_fixed_cents,
                                                      pl.c.expenses_receipt_cents, pl.c.inkind_cents, pl.c.cap_cents)])
         .join(engagements, engagements.c.id == pl.c.engagement_id)
         .join(experts, experts.c.id == pl.c.expert_id)
         .where(pl.c.work_date >= period.start, pl.c.work_date < period.end)
         .group_by(*keys))
    if engagement_ids is not None:
        q = q.where(pl.c.engagement_id.in_(list(engagement_ids)))
    out = []
    for r in conn.execute(q):
        unit = Unit(r.unit)
        minutes = int(r.minutes or 0)
        out.append(PaidLine(
            entry_id=0, expert=str(r[2]), engagement=str(r[1]), regime=Regime(r.regime), work_date=r.work_date,
            unit=unit, quantity=Decimal(minutes) / Decimal(60) if unit is Unit.UUR else Decimal(str(r.qty or 0)),
            minutes=minutes, unit_price=from_cents(int(r.unit_price_cents)), km=Decimal(0), km_rate=None,
            fee=from_cents(int(r.fee_cents)), travel=from_cents(int(r.travel_cents)),
            expenses_fixed=from_cents(int(r.expenses_fixed_cents)),
            expenses_receipt=from_cents(int(r.expenses_receipt_cents)), inkind=from_cents(int(r.inkind_cents)),
            cap_amount=from_cents(int(r.cap_cents)), activity=f"som van {int(r.n)} betaalde regels"))
    return out
