# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Every period can be paid (1 January included), an empty payout is refused, work in the
future is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import builders as b
from click.testing import CliRunner
from sqlalchemy import func, select

from vergoeding.store import schema as s


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E001", name="Anne de Vries", iban="NL20INGB0001234567")
        b.engagement(c, "O1", "E001", "GEM")  # 5.75 an hour
        b.entry(c, "O1", date(2026, 1, 5), minutes=120)  # 11.50
        b.entry(c, "O1", date(2026, 3, 9), minutes=60)  # 5.75
    eng.dispose()


def counts(path: Path) -> tuple[int, int]:
    eng = b.new_engine(path)
    with eng.connect() as c:
        n = c.execute(select(func.count()).select_from(s.payouts)).scalar_one()
        settled = c.execute(select(func.count()).select_from(s.entries).where(s.entries.c.status == "settled")).scalar_one()
    eng.dispose()
    return n, settled


def test_january_is_paid(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2026-01", "--out", str(tmp_path / "jan")],
                      env={"VERGOEDING_TODAY": "2026-02-02"})
    assert r.exit_code == 0, r.output
    assert "1 overboeking(en), totaal €\u00a011,50, 1 regel(s) afgerekend" in r.stdout
    assert "Traceback" not in r.output
    assert counts(tmp_db) == (1, 1)


def test_whole_year_is_paid(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2026", "--out", str(tmp_path / "jaar")],
                      env={"VERGOEDING_TODAY": "2026-12-01"})
    assert r.exit_code == 0, r.output
    assert "1 overboeking(en), totaal €\u00a017,25, 2 regel(s) afgerekend" in r.stdout
    assert counts(tmp_db) == (1, 2)


def test_first_quarter_is_paid(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2026-Q1", "--out", str(tmp_path / "q1")],
                      env={"VERGOEDING_TODAY": "2026-04-01"})
    assert r.exit_code == 0, r.output
    assert "totaal €\u00a017,25, 2 regel(s) afgerekend" in r.stdout


def test_empty_payout_is_refused_and_changes_nothing(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    out = tmp_path / "feb"
    r = runner.invoke(cli, ["payout", "--period", "2025-02", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-03-01"})
    assert r.exit_code == 1
    assert "er is niets te betalen voor februari 2025" in r.stderr and "vergoeding approve" in r.stderr
    assert counts(tmp_db) == (0, 0)
    assert not out.exists() or not any(out.iterdir())


def test_future_work_date_is_refused(cli, runner: CliRunner, tmp_db: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["log", "--engagement", "O1", "--date", "1-6-2030", "--hours", "2"],
                      env={"VERGOEDING_TODAY": "2026-11-20"})
    assert r.exit_code != 0
    assert "01-06-2030 ligt na vandaag (20-11-2026)" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["log", "--engagement", "O1", "--date", "20-11-2026", "--hours", "2"],
                      env={"VERGOEDING_TODAY": "2026-11-20"})
    assert r.exit_code == 0, r.output


def test_future_work_date_in_an_import_is_refused(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    csv = tmp_path / "uren.csv"
    csv.write_text("opdracht;datum;uren\nO1;3-11-2026;2\nO1;1-6-2030;2\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", str(csv)], env={"VERGOEDING_TODAY": "2026-11-20"})
    assert r.exit_code == 1, r.output
    assert "01-06-2030 ligt na vandaag" in r.stderr and "rij 3" in r.stderr
