"""A synthetic regional network, written straight into the schema in bulk.

2,000 experts, 100 clients, one engagement per expert (plus a second for a quarter of them),
a year of hours: 1,000,000 entries. Deterministic (seeded). It keeps the rules: see below and
tests/test_bench_network.py."""

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
VERSION = 4  # bump when the generated data changes: the cached database is named after it

# What the network looks like (issue 25: a real organisation, checked by tests/test_bench_network.py):
# most experts are volunteers within the caps (16 short sessions a month at most, 30 or 60 minutes
# and up to 10 km: at most about EUR 130 a month, EUR 1,550 a year against EUR 220 and EUR 2,200);
# private persons (particulier) work a few sessions a month; the freelancers (zzp, paid by
# invoice) carry the bulk of the hours. A few volunteers (OVER_EVERY) work far more in March
# and go over the month cap: they are the only ones a payout holds. Every expert has an IBAN,
# an address, a date of birth (21 or older) and a BSN; freelancers a KvK number and a VAT id.
# A second engagement (a quarter of the experts) has the regime of the first: no volunteer is
# also a freelancer or on the payroll.
VOLUNTEER_PER_MONTH = 16
PRIVATE_PER_MONTH = 5
OVER_EVERY = 100  # expert 7, 107, 207, ... is a volunteer over the month cap in March
OVER_EXTRA = 45   # sessions of 60 minutes on top in March: about EUR 260 more that month


def regime_of(i: int) -> str:
    """The regime of expert ``i`` (1-based): 60% volunteers, 15% private persons, 25% zzp."""
    if over_cap(i):
        return "vrijwilliger"
    k = (i * 37) % 20
    return "vrijwilliger" if k < 12 else "particulier" if k < 15 else "zzp"


def over_cap(i: int) -> bool:
    return i % OVER_EVERY == 7


def over_cap_codes(experts: int) -> list[str]:
    """The experts the network puts over the month cap (and nobody else breaks a rule)."""
    return [f"E{i:04d}" for i in range(1, experts + 1) if over_cap(i)]


def _roles_by_regime(year: int) -> dict[str, list[str]]:
    """The roles of the shipped rate card that have an hourly rate for each regime in
    ``year`` (so that every synthetic entry can be priced)."""
    card = open_workspace().ratecard
    out: dict[str, list[str]] = {}
    for regime in ("vrijwilliger", "particulier", "zzp"):
        out[regime] = [r for r in ROLES if r in card.roles and any(
            rr.regime.value == regime and rr.unit.value == "uur" and rr.level == "standaard"
            and rr.valid_on(date(year, 1, 1)) for rr in card.roles[r].rates)]
        if not out[regime]:
            raise RuntimeError(f"the rate card has no hourly role for {regime}")
    return out


def _counts(regimes: list[str], owners: list[int], entries: int) -> list[int]:
    """Entries per engagement in the year: volunteers and private persons their sessions a
    month (split over their engagements), freelancers the rest, evenly."""
    per_expert: dict[int, int] = {}
    for i in owners:
        per_expert[i] = per_expert.get(i, 0) + 1
    out = []
    for regime, i in zip(regimes, owners, strict=True):
        month = {"vrijwilliger": VOLUNTEER_PER_MONTH, "particulier": PRIVATE_PER_MONTH}.get(regime)
        out.append(0 if month is None else 12 * month // per_expert[i])
    zzp = [k for k, r in enumerate(regimes) if r == "zzp"]
    rest = entries - sum(out)
    if rest < len(zzp):
        raise ValueError(f"{entries} entries are too few for {len(set(owners))} experts (about 500 each)")
    for n, k in enumerate(zzp):
        out[k] = rest // len(zzp) + (1 if n < rest % len(zzp) else 0)
    return out


def build(path: Path | str, *, experts: int = 2000, clients: int = 100, entries: int = 1_000_000,
          year: int = 2026, seed: int = 7) -> Engine:
    """Into a new SQLite file at ``path``, or into an EMPTY database when ``path`` is a URL
    (PostgreSQL: ``bench --pg``). About ``entries`` entries (exactly, when the freelancers can
    take the rest)."""
    from vergoeding.demo.data import Numbers

    if isinstance(path, Path) and path.exists():
        path.unlink()
    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    migrate(engine)
    rnd = random.Random(seed)
    ids = Numbers(seed)
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
        rows = []
        for i in range(1, experts + 1):
            zzp = regime_of(i) == "zzp"
            rows.append(dict(
                code=f"E{i:04d}", name=f"Deskundige {i}", street=f"Laan {i}", postcode="1234 AB", city="Ergens",
                date_of_birth=date(1955 + i % 45, 1 + i % 12, 1 + i % 28), iban=ids.iban(), bsn=ids.bsn(),
                kvk=ids.kvk() if zzp else None, vat_id=ids.vat_id() if zzp else None, created_at=now))
        c.execute(insert(s.experts), rows)
        engs, regimes, owners = [], [], []
        for i in range(1, experts + 1):
            regime = regime_of(i)
            for k in range(2 if i % 4 == 0 else 1):
                engs.append(dict(code=f"G{i:04d}-{k}", expert_id=i, client_id=2 + rnd.randrange(clients),
                                 role=rnd.choice(roles[regime]), regime=regime, start_date=date(year, 1, 1),
                                 end_date=None, travel_policy="km", created_at=now))
                regimes.append(regime)
                owners.append(i)
        c.execute(insert(s.engagements), engs)
    counts = _counts(regimes, owners, entries)
    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    batch: list[dict[str, object]] = []
    n = 0

    def add(eng_id: int, day: date, minutes: int, km: int) -> None:
        nonlocal n
        batch.append(dict(engagement_id=eng_id, work_date=day, minutes=minutes, quantity=0, activity="werk",
                          km=str(km), expense_cents=0, expense_receipt=False, inkind_cents=0, status="approved",
                          dedupe_key=hashlib.blake2b(str(n).encode(), digest_size=16).hexdigest(),
                          created_at=now, created_by="bench"))
        n += 1

    with engine.begin() as c:
        for eng_id, (regime, i, count) in enumerate(zip(regimes, owners, counts, strict=True), start=1):
            paid = regime == "zzp"
            for k in range(count):  # spread evenly over the year
                day = start + timedelta(days=(k * days // count + eng_id) % days)
                add(eng_id, day, 30 * (1 + rnd.randrange(4 if paid else 2)), rnd.randrange(0, 20 if paid else 11))
            if over_cap(i) and eng_id == owners.index(i) + 1:
                for k in range(OVER_EXTRA):
                    add(eng_id, date(year, 3, 1 + k % 28), 60, 0)
            if len(batch) >= 50_000:
                c.execute(insert(s.entries), batch)
                batch.clear()
        if batch:
            c.execute(insert(s.entries), batch)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    return engine
