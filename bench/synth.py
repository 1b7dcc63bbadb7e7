"""A synthetic regional network, written straight into the schema in bulk.

2,000 experts, 100 clients, one engagement per expert (plus a second for a quarter of them),
a year of hours: ~1,000,000 entries. Deterministic (seeded)."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s
from vergoeding.store.db import make_engine, migrate, now_utc

ROLES = ["adviseur", "trainer", "voorlichter", "buddy", "co-onderzoeker", "intervisiebegeleider", "toegangsteam"]
REGIMES = ["vrijwilliger"] * 6 + ["zzp"] * 2 + ["particulier"]
VERSION = 3  # bump when the generated data changes: the cached database is named after it


def _roles_by_regime(year: int) -> dict[str, list[str]]:
    """The roles of the shipped rate card that have an hourly rate for each regime in
    ``year`` (so that every synthetic entry can be priced)."""
    card = open_workspace().ratecard
    out: dict[str, list[str]] = {}
    for regime in set(REGIMES):
        out[regime] = [r for r in ROLES if r in card.roles and any(
            rr.regime.value == regime and rr.unit.value == "uur" and rr.level == "standaard"
            and rr.valid_on(date(year, 1, 1)) for rr in card.roles[r].rates)]
        if not out[regime]:
            raise RuntimeError(f"the rate card has no hourly role for {regime}")
    return out


def build(path: Path | str, *, experts: int = 2000, clients: int = 100, entries: int = 1_000_000,
          year: int = 2026, seed: int = 7) -> Engine:
    """Into a new SQLite file at ``path``, or into an EMPTY database when ``path`` is a URL
    (PostgreSQL: ``bench --pg``)."""
    if isinstance(path, Path) and path.exists():
        path.unlink()
    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    migrate(engine)
    rnd = random.Random(seed)
    now = now_utc()
    roles = _roles_by_regime(year)
    with engine.begin() as c:
        c.execute(insert(s.organisations), [dict(
            code="EIGEN", kind="own", name="Stichting Benchmarknetwerk", street="Plein 1", postcode="3511 AA",
            city="Utrecht", kvk="12345678", vat_id="NL000099998B57", iban="NL91ABNA0417164300", bic="ABNANL2A",
            is_anbi=True, may_pay_volunteers=True, has_payroll_tax_number=True, created_at=now)])
        c.execute(insert(s.organisations), [dict(
            code=f"K{i:03d}", kind="client", name=f"Gemeente {i}", street=f"Raadhuisstraat {i}",
            postcode="1234 AB", city="Ergens", created_at=now) for i in range(1, clients + 1)])
        c.execute(insert(s.experts), [dict(
            code=f"E{i:04d}", name=f"Deskundige {i}", street=f"Laan {i}", postcode="1234 AB", city="Ergens",
            date_of_birth=date(1960 + i % 45, 1 + i % 12, 1 + i % 28), iban="NL44RABO0123456789",
            created_at=now) for i in range(1, experts + 1)])
        engs = []
        for i in range(1, experts + 1):
            for k in range(2 if i % 4 == 0 else 1):
                regime = rnd.choice(REGIMES)
                engs.append(dict(code=f"G{i:04d}-{k}", expert_id=i, client_id=2 + rnd.randrange(clients),
                                 role=rnd.choice(roles[regime]), regime=regime, start_date=date(year, 1, 1),
                                 end_date=None, travel_policy="km", created_at=now))
        c.execute(insert(s.engagements), engs)
    n_eng = len(engs)
    start = date(year, 1, 1)
    batch: list[dict[str, object]] = []
    with engine.begin() as c:
        for n in range(entries):
            eng = 1 + (n * 7919) % n_eng  # spread evenly and deterministically
            day = start + timedelta(days=(n // n_eng * 3 + eng) % 365)
            batch.append(dict(engagement_id=eng, work_date=day, minutes=30 * (1 + rnd.randrange(4)),
                              quantity=0, activity="werk", km=str(rnd.randrange(0, 20)), expense_cents=0,
                              expense_receipt=False, inkind_cents=0, status="approved",
                              dedupe_key=hashlib.blake2b(str(n).encode(), digest_size=16).hexdigest(),
                              created_at=now, created_by="bench"))
            if len(batch) == 50_000:
                c.execute(insert(s.entries), batch)
                batch.clear()
        if batch:
            c.execute(insert(s.entries), batch)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    return engine
