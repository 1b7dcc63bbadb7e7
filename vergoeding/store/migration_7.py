"""Migration 7: from "a period is paid once" to the paid-line ledger. Frozen here: later
edits of ``schema.py`` never change what this step did.

1. ``payouts``: a ``number`` (existing payouts keep their period as number), ``expert_code``,
   and no UNIQUE on ``period``. PostgreSQL drops the constraint; SQLite cannot, so the table
   is rebuilt. ``entries.payout_id`` points at ``payouts``: it is set aside, cleared while the
   old table is dropped (a drop of a parent table with children fails the foreign key check
   at the commit, even when a table of the same name is back by then) and put back.
2. ``paid_lines``: one row per settled entry, filled from the payout's JSON snapshot (the
   amounts on the statements and the SEPA batch that were sent). A settled entry missing from
   its snapshot (not expected) gets zero amounts and a note in ``figures``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    update,
)

from vergoeding.core.money import D, to_cents

_md = MetaData()

_old_payouts = Table(
    "payouts", _md,
    Column("id", Integer, primary_key=True),
    Column("period", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("execution_date", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("override_reason", Text),
    Column("batch_msg_id", String(35), nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("files_written_at", DateTime),
)

_new_payouts = Table(
    "payouts__v5", _md,
    Column("id", Integer, primary_key=True),
    Column("number", String(20), nullable=False),
    Column("period", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("execution_date", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("override_reason", Text),
    Column("batch_msg_id", String(35), nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("files_written_at", DateTime),
    Column("expert_code", String(40)),
    UniqueConstraint("number", name="uq_payouts_number"),
)

_entries = Table(
    "entries", _md,
    Column("id", Integer, primary_key=True),
    Column("engagement_id", Integer),
    Column("work_date", Date),
    Column("km", String(12)),
    Column("payout_id", Integer),
    Column("correction_of", Integer),
    Column("activity", Text),
)

_engagements = Table("engagements", _md, Column("id", Integer, primary_key=True), Column("expert_id", Integer))

_keep = Table(
    "m5_entry_payout", _md,
    Column("entry_id", Integer, primary_key=True),
    Column("payout_id", Integer, nullable=False),
)

paid_lines = Table(
    "paid_lines", _md,
    Column("id", Integer, primary_key=True),
    Column("payout_id", Integer, ForeignKey("payouts.id"), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id"), nullable=False, unique=True),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("regime", String(20), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("late", Boolean, nullable=False, server_default="0"),
    Column("unit", String(20), nullable=False),
    Column("quantity", String(20), nullable=False),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("km", String(12), nullable=False, server_default="0"),
    Column("km_rate_cents", Integer),
    Column("fee_cents", BigInteger, nullable=False),
    Column("travel_cents", BigInteger, nullable=False),
    Column("expenses_fixed_cents", BigInteger, nullable=False),
    Column("expenses_receipt_cents", BigInteger, nullable=False),
    Column("inkind_cents", BigInteger, nullable=False),
    Column("cap_cents", BigInteger, nullable=False),
    Column("activity", Text, nullable=False, server_default=""),
    Column("correction_of", Integer),
    Column("figures", Text, nullable=False, server_default="{}"),
)
Index("ix_paid_lines_expert_date", paid_lines.c.expert_id, paid_lines.c.work_date)
Index("ix_paid_lines_payout", paid_lines.c.payout_id)
# Stubs so that the foreign keys above resolve inside this MetaData.
Table("experts", _md, Column("id", Integer, primary_key=True))


def _payouts_without_unique_period(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        for uc in inspect(conn).get_unique_constraints("payouts"):
            if uc["column_names"] == ["period"] and uc.get("name"):
                conn.exec_driver_sql(f'ALTER TABLE payouts DROP CONSTRAINT "{uc["name"]}"')
        conn.exec_driver_sql("ALTER TABLE payouts ADD COLUMN number VARCHAR(20)")
        conn.exec_driver_sql("ALTER TABLE payouts ADD COLUMN expert_code VARCHAR(40)")
        conn.exec_driver_sql("UPDATE payouts SET number = period")
        conn.exec_driver_sql("ALTER TABLE payouts ALTER COLUMN number SET NOT NULL")
        conn.exec_driver_sql("ALTER TABLE payouts ADD CONSTRAINT uq_payouts_number UNIQUE (number)")
        return
    _keep.create(conn)
    conn.execute(_keep.insert().from_select(
        ["entry_id", "payout_id"], select(_entries.c.id, _entries.c.payout_id).where(_entries.c.payout_id.is_not(None))))
    conn.execute(update(_entries).where(_entries.c.payout_id.is_not(None)).values(payout_id=None))
    _new_payouts.create(conn)
    old = [c.name for c in _old_payouts.columns]
    conn.execute(_new_payouts.insert().from_select(
        ["number", *old], select(_old_payouts.c.period, *[_old_payouts.c[n] for n in old])))
    conn.exec_driver_sql("DROP TABLE payouts")
    conn.exec_driver_sql("ALTER TABLE payouts__v5 RENAME TO payouts")
    conn.execute(update(_entries).where(_entries.c.id.in_(select(_keep.c.entry_id))).values(
        payout_id=select(_keep.c.payout_id).where(_keep.c.entry_id == _entries.c.id).scalar_subquery()))
    _keep.drop(conn)


def _line_values(pid: int, period: str, d: dict[str, Any] | None, row: Any) -> dict[str, Any]:
    from vergoeding.core.period import parse_period

    start = parse_period(period).start
    figures: dict[str, str] = {"bron": f"overgenomen uit uitbetaling {period} (migratie 7)"}
    if d is None:
        figures["let_op"] = "regel ontbrak in de opgeslagen uitbetaling: bedragen onbekend"
        d = {"regime": "vrijwilliger", "unit": "uur", "quantity": "0", "minutes": 0, "unit_price": "0", "fee": "0",
             "travel": "0", "expenses_fixed": "0", "expenses_receipt": "0", "inkind": "0", "cap_amount": "0"}
    travel = D(d["travel"])
    work_date: date = row.work_date
    return dict(
        payout_id=pid, entry_id=int(row.id), expert_id=int(row.expert_id), engagement_id=int(row.engagement_id),
        regime=d["regime"], work_date=work_date, late=work_date < start, unit=d["unit"],
        quantity=str(Decimal(d["quantity"])), minutes=int(d["minutes"]), unit_price_cents=to_cents(D(d["unit_price"])),
        km=row.km or "0", km_rate_cents=None, fee_cents=to_cents(D(d["fee"])), travel_cents=to_cents(travel),
        expenses_fixed_cents=to_cents(D(d["expenses_fixed"])), expenses_receipt_cents=to_cents(D(d["expenses_receipt"])),
        inkind_cents=to_cents(D(d["inkind"])), cap_cents=to_cents(D(d["cap_amount"])), activity=row.activity or "",
        correction_of=row.correction_of, figures=json.dumps(figures, ensure_ascii=False, sort_keys=True))


def migrate_paid_lines(conn: Connection) -> None:
    _payouts_without_unique_period(conn)
    paid_lines.create(conn)
    payouts = Table("payouts", MetaData(), autoload_with=conn)
    for p in conn.execute(select(payouts.c.id, payouts.c.period, payouts.c.snapshot)).all():
        snap_lines = {int(d["entry_id"]): d for d in json.loads(p.snapshot).get("lines", [])}
        rows = conn.execute(
            select(_entries.c.id, _entries.c.work_date, _entries.c.km, _entries.c.engagement_id,
                   _entries.c.correction_of, _entries.c.activity, _engagements.c.expert_id)
            .join(_engagements, _engagements.c.id == _entries.c.engagement_id)
            .where(_entries.c.payout_id == p.id)).all()
        values = [_line_values(int(p.id), str(p.period), snap_lines.get(int(r.id)), r) for r in rows]
        for i in range(0, len(values), 500):
            conn.execute(paid_lines.insert(), values[i:i + 500])
