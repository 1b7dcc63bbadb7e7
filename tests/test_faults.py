# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Crash safety and concurrency of the month-end payout, with real processes.

A process is killed with SIGKILL at a named point (``VERGOEDING_KILL_AT``, see
vergoeding/faults.py): before the commit, after the commit but before the files, and between
writing a file and renaming it. After each, the database is as before or fully committed, no
output file is truncated, and running the same command again completes the work once. Two
payouts of one period started at the same moment: one pays, the other refuses cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import HANG_GUARD, clean_env, db_engine, db_target
from sqlalchemy import select, text
from test_payout_cli import seed

from vergoeding.store import schema as s

PERIOD = "2026-11"
TODAY = "2026-12-01"


def run(db: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = {"VERGOEDING_DB": db_target(db), "VERGOEDING_TODAY": TODAY}
    if kill_at:
        extra["VERGOEDING_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "vergoeding", *args], capture_output=True, text=True,
                          env=clean_env(**extra), timeout=HANG_GUARD)


def popen(db: Path, *args: str) -> subprocess.Popen[str]:
    env = clean_env(VERGOEDING_DB=db_target(db), VERGOEDING_TODAY=TODAY)
    return subprocess.Popen([sys.executable, "-m", "vergoeding", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the whole administration), for before/after comparisons."""
    engine = db_engine(db)
    with engine.connect() as c:
        out = {t.name: sorted(tuple(r) for r in c.execute(select(t))) for t in s.metadata.sorted_tables}
    engine.dispose()
    return out


def payout_state(db: Path) -> tuple[int, int, Any]:
    """(payouts rows, settled entries, files_written_at of the payout). Every settled entry
    has exactly one paid line, in the payout that settled it."""
    engine = db_engine(db)
    with engine.connect() as c:
        n = c.execute(text("SELECT COUNT(*) FROM payouts")).scalar_one()
        settled = c.execute(text("SELECT COUNT(*) FROM entries WHERE status = 'settled'")).scalar_one()
        written = c.execute(text("SELECT files_written_at FROM payouts")).scalar()
        paid = c.execute(text("SELECT COUNT(*) FROM paid_lines p JOIN entries e ON e.id = p.entry_id "
                              "AND e.payout_id = p.payout_id AND e.status = 'settled'")).scalar_one()
    engine.dispose()
    assert paid == settled
    return n, settled, written


def audit_actions(db: Path) -> list[str]:
    engine = db_engine(db)
    with engine.connect() as c:
        actions = [str(r[0]) for r in c.execute(text(
            "SELECT action FROM audit_log WHERE entity = 'payout' ORDER BY id"))]
    engine.dispose()
    return actions


def visible(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def assert_complete_files(out: Path) -> None:
    names = visible(out)
    assert f"uitbetaling-{PERIOD}.xlsx" in names and f"uitbetaling-{PERIOD}.pdf" in names
    assert f"sepa-{PERIOD}.xml" in names
    for n in names:
        data = (out / n).read_bytes()
        if n.endswith(".pdf"):
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), n
        elif n.endswith(".xml"):
            assert data.rstrip().endswith(b"</Document>"), n
        elif n.endswith(".xlsx"):
            openpyxl.load_workbook(out / n, read_only=True).close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "vergoeding.db"
    seed(path)  # 2026-11: three entries paid by SEPA, one zzp (via invoice), one still logged
    return path


@pytest.mark.slow
def test_killed_before_commit_changes_nothing_and_rerun_pays_once(db: Path, tmp_path: Path) -> None:
    before = dump(db)
    out = tmp_path / "uit"
    r = run(db, "payout", "--period", PERIOD, "--out", str(out), kill_at="payout.before_commit")
    assert r.returncode == -signal.SIGKILL
    assert dump(db) == before  # the transaction was never committed
    assert not out.exists() or visible(out) == []
    r = run(db, "payout", "--period", PERIOD, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Betaald: 2026-11, 2 overboeking(en), totaal €\u00a0155,29, 3 regel(s) afgerekend." in r.stdout
    assert payout_state(db)[:2] == (1, 3)
    assert_complete_files(out)


@pytest.mark.slow
def test_killed_after_commit_next_run_writes_the_files_without_paying_again(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "uit"
    r = run(db, "payout", "--period", PERIOD, "--out", str(out), kill_at="payout.after_commit")
    assert r.returncode == -signal.SIGKILL
    n, settled, written = payout_state(db)
    assert (n, settled, written) == (1, 3, None)  # paid in full, files not yet written
    assert not out.exists() or visible(out) == []
    after_kill = dump(db)

    r = run(db, "payout", "--period", PERIOD, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "afgebroken nadat de betaling was vastgelegd" in r.stdout
    assert "er is niets opnieuw betaald" in r.stdout
    assert "0 regel(s) afgerekend" in r.stdout
    n, settled, written = payout_state(db)
    assert (n, settled) == (1, 3) and written is not None
    assert_complete_files(out)
    after = dump(db)
    assert after["entries"] == after_kill["entries"]  # nothing settled twice
    actions = audit_actions(db)
    assert actions.count("payout.create") == 1 and actions.count("payout.complete") == 1

    first = {name: (out / name).read_bytes() for name in visible(out)}
    again = tmp_path / "herdruk"
    r = run(db, "payout", "--period", PERIOD, "--out", str(again), "--reprint")
    assert r.returncode == 0, r.stderr
    assert {name: (again / name).read_bytes() for name in visible(again)} == first

    r = run(db, "payout", "--period", PERIOD, "--out", str(out))  # complete now: a third run refuses
    assert r.returncode == 1
    assert "al uitbetaald" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_killed_between_write_and_rename_leaves_no_truncated_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "uit"
    r = run(db, "payout", "--period", PERIOD, "--out", str(out), kill_at="write.before_rename:2")
    assert r.returncode == -signal.SIGKILL
    assert len(visible(out)) == 1  # the first file is complete, the second was never renamed
    leftovers = [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".tmp")
    r = run(db, "payout", "--period", PERIOD, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "afgebroken" in r.stdout
    assert_complete_files(out)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # the dead process's temp file is gone
    assert payout_state(db)[:2] == (1, 3)


@pytest.mark.slow
def test_two_payouts_of_one_period_at_once(db: Path, tmp_path: Path) -> None:
    procs = [popen(db, "payout", "--period", PERIOD, "--out", str(tmp_path / f"uit{i}")) for i in range(2)]
    results = [(p.wait(timeout=HANG_GUARD), *p.communicate()) for p in procs]
    codes = sorted(rc for rc, _, _ in results)
    assert codes == [0, 1], results
    loser = next(r for r in results if r[0] == 1)
    assert "al uitbetaald" in loser[2] and "Traceback" not in loser[2]
    winner = next(r for r in results if r[0] == 0)
    assert "3 regel(s) afgerekend" in winner[1]
    assert payout_state(db)[:2] == (1, 3)
    assert audit_actions(db) == ["payout.create"]


# --- the invoice batch ----------------------------------------------------------------------

CLIENTS = [f"C{i:02d}" for i in range(4)]


@pytest.fixture
def clients_db(tmp_path: Path) -> Path:
    """Four clients with approved October hours: a batch of four invoices."""
    from datetime import date

    import builders as b

    path = tmp_path / "facturen.db"
    engine = b.new_engine(path)
    with engine.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        b.expert(c, "E001")
        for i, code in enumerate(CLIENTS):
            b.org(c, code, name=f"Opdrachtgever {code}")
            b.engagement(c, f"G{code}", "E001", code, unit="uur", expert_rate="5.00", client_rate="40.00")
            b.entry(c, f"G{code}", date(2026, 10, 1 + i), minutes=60 * (i + 1))
    engine.dispose()
    return path


def invoice_rows(db: Path) -> list[tuple[str, int]]:
    engine = db_engine(db)
    with engine.connect() as c:
        rows = [(str(r[0]), int(r[1])) for r in c.execute(text(
            "SELECT number, total_cents FROM invoices ORDER BY number"))]
    engine.dispose()
    return rows


BATCH = ("invoice", "create", "--all-clients", "--period", "2026-10", "--date", "2026-11-05")
NUMBERS = [("2026-0001", 4840), ("2026-0002", 9680), ("2026-0003", 14520), ("2026-0004", 19360)]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["invoice.batch.issued:2", "invoice.batch.before_commit"])
def test_invoice_batch_killed_before_commit_leaves_no_invoice(clients_db: Path, tmp_path: Path, point: str) -> None:
    before = dump(clients_db)
    out = tmp_path / "facturen"
    out.mkdir()
    r = run(clients_db, *BATCH, "--out", str(out), kill_at=point)
    assert r.returncode == -signal.SIGKILL
    assert dump(clients_db) == before  # not one invoice, no number taken
    r = run(clients_db, *BATCH, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert invoice_rows(clients_db) == NUMBERS  # € 40 an hour, 21% btw: 1 h = € 48,40
    assert visible(out) == [f"factuur-2026-000{i}.{ext}" for i in range(1, 5) for ext in ("pdf", "xml")]


@pytest.mark.slow
def test_invoice_batch_killed_while_writing_pdfs_is_completed_by_a_rerun(clients_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "facturen"
    out.mkdir()
    r = run(clients_db, *BATCH, "--out", str(out), kill_at="write.before_rename:2")
    assert r.returncode == -signal.SIGKILL
    assert invoice_rows(clients_db) == NUMBERS  # the batch was committed before the files
    names = visible(out)  # the e-invoice of the first finished invoice goes first; its PDF was never renamed
    assert len(names) == 1 and names[0].endswith(".xml")
    r = run(clients_db, *BATCH, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert invoice_rows(clients_db) == NUMBERS  # nothing invoiced twice
    assert visible(out) == [f"factuur-2026-000{i}.{ext}" for i in range(1, 5) for ext in ("pdf", "xml")]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert r.stdout.count("geschreven:") == 8  # each invoice's PDF and e-invoice
    # said plainly: nothing invoiced again, the missing files of the interrupted run completed
    assert "4 ontbrekende PDF('s) van eerder uitgereikte facturen van oktober 2026 aangevuld" in r.stdout
    for name in visible(out):
        data = (out / name).read_bytes()
        if name.endswith(".pdf"):
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
        else:
            assert data.startswith(b"<?xml") and data.rstrip().endswith(b"</Invoice>")
