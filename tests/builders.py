"""Direct row builders for tests of checks, payouts and invoices (they bypass the
validated ledger path in vergoeding.store.ledger on purpose: tests of later stages should
not depend on the import and CLI code). Amounts are given as Decimal/str, stored as cents."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, select

from vergoeding.core.money import D, to_cents
from vergoeding.store import db as store_db
from vergoeding.store import schema as s
from vergoeding.store.db import make_engine, migrate, now_utc


def new_engine(path: Any) -> Engine:
    """The test database at ``path`` (SQLite file, or the test's PostgreSQL database; see
    conftest), migrated."""
    engine = make_engine(store_db.db_url(path))
    migrate(engine)
    return engine


def _cents(v: Any) -> int | None:
    return None if v is None else to_cents(D(v) if not isinstance(v, Decimal) else v)


def org(conn: Connection, code: str, *, kind: str = "client", name: str | None = None, **kw: Any) -> int:
    values = dict(code=code, kind=kind, name=name or f"Organisatie {code}", street="Stationsplein 1",
                  postcode="3511 AA", city="Utrecht", created_at=now_utc())
    if kind == "client":  # every client is registered somewhere: the e-invoice needs KvK or OIN
        values.update(kvk="41234567")
    if kind == "own":
        values.update(kvk="12345678", vat_id="NL000099998B57", iban="NL91ABNA0417164300", bic="ABNANL2A",
                      is_anbi=True, may_pay_volunteers=True, has_payroll_tax_number=True)
    values.update(kw)
    return int(conn.execute(s.organisations.insert().values(**values)).inserted_primary_key[0])


def expert(conn: Connection, code: str, *, name: str | None = None, dob: date | None = date(1980, 5, 17), **kw: Any) -> int:
    values = dict(code=code, name=name or f"Deskundige {code}", street="Kerkstraat 5", postcode="3511 BB",
                  city="Utrecht", date_of_birth=dob, email=f"{code.lower()}@example.nl",
                  iban="NL44RABO0123456789", created_at=now_utc())
    values.update(kw)
    return int(conn.execute(s.experts.insert().values(**values)).inserted_primary_key[0])


def engagement(conn: Connection, code: str, expert_code: str, client_code: str, *, role: str = "adviseur",
               regime: str = "vrijwilliger", start: date = date(2026, 1, 1), end: date | None = None,
               expert_rate: Any = None, client_rate: Any = None, budget_cents: int | None = None,
               km_rate: Any = None, **kw: Any) -> int:
    eid = conn.execute(select(s.experts.c.id).where(s.experts.c.code == expert_code)).scalar_one()
    cid = conn.execute(select(s.organisations.c.id).where(s.organisations.c.code == client_code)).scalar_one()
    values = dict(code=code, expert_id=eid, client_id=cid, role=role, regime=regime, start_date=start,
                  end_date=end, expert_rate_cents=_cents(expert_rate), client_rate_cents=_cents(client_rate),
                  budget_cents=budget_cents, km_rate_cents=_cents(km_rate), created_at=now_utc())
    values.update(kw)
    return int(conn.execute(s.engagements.insert().values(**values)).inserted_primary_key[0])


def entry(conn: Connection, engagement_code: str, day: date, *, minutes: int = 0, quantity: int = 0,
          status: str = "approved", km: str = "0", expense: Any = "0", receipt: bool = False,
          inkind: Any = "0", amount: Any = None, activity: str = "werk", **kw: Any) -> int:
    gid = conn.execute(select(s.engagements.c.id).where(s.engagements.c.code == engagement_code)).scalar_one()
    key = hashlib.sha256(f"{engagement_code}|{day}|{minutes}|{quantity}|{activity}|{amount}|{now_utc()}|{kw}|{id(kw)}".encode()).hexdigest()
    values = dict(engagement_id=gid, work_date=day, minutes=minutes, quantity=quantity, activity=activity,
                  km=km, expense_cents=_cents(expense), expense_receipt=receipt, inkind_cents=_cents(inkind),
                  amount_cents=_cents(amount), status=status, dedupe_key=key, created_at=now_utc(),
                  created_by="test")
    values.update(kw)
    return int(conn.execute(s.entries.insert().values(**values)).inserted_primary_key[0])
