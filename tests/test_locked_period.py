# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""A locked period through the CLI: it refuses new hours and approvals until it is unlocked,
the message names the period and the unlock command, and lock/unlock are in the audit log."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import builders as b
from click.testing import CliRunner
from sqlalchemy import func, select

from vergoeding.store import schema as s

NOV = {"VERGOEDING_TODAY": "2026-11-30"}


def seed(path: Path, *, status: str = "approved") -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Binnen", iban="NL91ABNA0417164300", bsn="123456782")
        b.engagement(c, "GV1", "V1", "GEM")
        b.entry(c, "GV1", date(2026, 11, 3), minutes=120, status=status)
        b.entry(c, "GV1", date(2026, 10, 6), minutes=60, status="logged")
    eng.dispose()


def statuses(path: Path) -> dict[date, str]:
    eng = b.new_engine(path)
    with eng.connect() as c:
        rows = c.execute(select(s.entries.c.work_date, s.entries.c.status)).all()
    eng.dispose()
    return {d: st for d, st in rows}


def audit_count(path: Path) -> int:
    eng = b.new_engine(path)
    with eng.connect() as c:
        n = int(c.execute(select(func.count()).select_from(s.audit_log)).scalar() or 0)
    eng.dispose()
    return n


def test_locked_month_refuses_approval_and_hours_until_unlocked(cli, runner: CliRunner, tmp_db: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["lock", "--period", "2026-11", "--reason", "uitbetaald en verantwoord"], env=NOV)
    assert r.exit_code == 0, r.output
    before = (statuses(tmp_db), audit_count(tmp_db))

    r = runner.invoke(cli, ["approve", "--period", "2026-11"], env=NOV)
    assert r.exit_code != 0
    assert "Traceback" not in r.output
    assert "november 2026 ligt in een afgesloten periode (01-11-2026 tot en met 30-11-2026: " \
           "uitbetaald en verantwoord)" in r.stderr
    assert 'vergoeding unlock --period 2026-11 --reason "..."' in r.stderr
    r = runner.invoke(cli, ["log", "--engagement", "GV1", "--date", "10-11-2026", "--hours", "1",
                            "--activity", "training"], env=NOV)
    assert r.exit_code != 0
    assert "10-11-2026 ligt in een afgesloten periode" in r.stderr
    assert (statuses(tmp_db), audit_count(tmp_db)) == before

    # A wider period approves what lies outside the lock (October), nothing inside it.
    r = runner.invoke(cli, ["approve", "--period", "2026"], env=NOV)
    assert r.exit_code == 0, r.output
    assert "1 regel(s) in 2026 goedgekeurd." in r.stdout
    assert statuses(tmp_db)[date(2026, 10, 6)] == "approved"

    r = runner.invoke(cli, ["unlock", "--period", "2026-11", "--reason", "regel vergeten"], env=NOV)
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["log", "--engagement", "GV1", "--date", "10-11-2026", "--hours", "1",
                            "--activity", "training"], env=NOV)
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["approve", "--period", "2026-11"], env=NOV)
    assert r.exit_code == 0, r.output
    assert "1 regel(s) in november 2026 goedgekeurd." in r.stdout

    r = runner.invoke(cli, ["audit", "--entity", "locked_period", "--format", "json"], env=NOV)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    assert sorted((x["action"], x["detail"]["period"], x["detail"]["reason"]) for x in rows) == [
        ("lock", "2026-11", "uitbetaald en verantwoord"), ("unlock", "2026-11", "regel vergeten")]


def test_waiting_lines_inside_a_lock_refuse_the_whole_approval(cli, runner: CliRunner, tmp_db: Path) -> None:
    """Lines that wait for approval inside a locked quarter (stored before the lock rules
    existed) are not approved behind the lock's back, and the rest is not approved half-way."""
    seed(tmp_db, status="logged")
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        c.execute(s.locked_periods.insert().values(start_date=date(2026, 10, 1), end_date=date(2027, 1, 1),
                                                   reason="kwartaal verantwoord", created_at=b.now_utc()))
    eng.dispose()
    before = statuses(tmp_db)
    r = runner.invoke(cli, ["approve", "--period", "2026"], env=NOV)
    assert r.exit_code != 0
    assert "(01-10-2026 tot en met 31-12-2026: kwartaal verantwoord) (2 regel(s) wachten daarin op goedkeuring)" \
        in r.stderr
    assert 'vergoeding unlock --period 2026-Q4 --reason "..."' in r.stderr
    assert statuses(tmp_db) == before
