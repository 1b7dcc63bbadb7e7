"""Several processes issuing invoices against one SQLite file at the same moment get unique,
consecutive numbers without gaps (BEGIN IMMEDIATE serialises the writers; the sequence row
is advanced in the transaction that inserts the invoice)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date
from pathlib import Path

import pytest
from builders import engagement, entry, expert, new_engine, org
from conftest import HANG_GUARD, db_target
from invoicing_data import ISSUE, workspace
from sqlalchemy import select

from vergoeding.store.schema import invoice_series

PROCS, PER_PROC = 8, 25  # issue 12: 8 processes x 25 invoices, first use of the series


def _worker(db: str, clients: list[str], start: object, out: object) -> None:
    from vergoeding.api import invoices as api
    from vergoeding.core.period import parse_period

    ws = workspace(db)
    start.wait()  # type: ignore[attr-defined]
    got = []
    for code in clients:
        got.append(api.create_client_invoice(ws, code, parse_period("2026-10"), issue_date=ISSUE).number)
    out.put(got)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_parallel_processes_get_unique_consecutive_numbers(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    engine = new_engine(db)
    codes = [f"C{i:02d}" for i in range(PROCS * PER_PROC)]
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        expert(c, "E001")
        for i, code in enumerate(codes):
            org(c, code, name=f"Opdrachtgever {code}")
            engagement(c, f"G{code}", "E001", code, unit="uur", expert_rate="5.00", client_rate="40.00")
            entry(c, f"G{code}", date(2026, 10, 1 + i % 28), minutes=60)
    engine.dispose()
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_target(db), codes[p::PROCS], start, out)) for p in range(PROCS)]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=HANG_GUARD) for _ in procs]
    for p in procs:
        p.join(timeout=HANG_GUARD)
        assert p.exitcode == 0
    numbers = sorted(n for r in results for n in r)
    assert numbers == [f"2026-{i:04d}" for i in range(1, PROCS * PER_PROC + 1)]
    for r in results:  # each process saw its own numbers increase
        assert r == sorted(r)
    ws = workspace(db)
    with ws.engine.connect() as c:
        assert c.execute(select(invoice_series.c.next_number)).scalar_one() == PROCS * PER_PROC + 1
