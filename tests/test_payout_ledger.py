# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""The paid-line ledger through the CLI: paid is final (a rate edit after the payout changes no
statement, report or reprint), late lines are paid once by the next payout, a period has
follow-up payouts with their own number, an expert over the cap is held while the others are
paid, an override names the expert and needs a real reason."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import openpyxl
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.store import schema as s

IBAN = "NL91ABNA0417164300"
NOV = {"VERGOEDING_TODAY": "2026-11-30"}
DEC = {"VERGOEDING_TODAY": "2026-12-02"}


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Binnen", iban=IBAN, bsn="123456782")
        b.expert(c, "V2", name="Victor Boven", iban=IBAN, bsn="100000009")
        b.expert(c, "P1", name="Pieter Particulier", iban=IBAN, bsn="111222333")
        b.engagement(c, "GV1", "V1", "GEM", travel_policy="km")  # 5.75 an hour, km 0.23
        b.engagement(c, "GV2", "V2", "GEM")
        b.engagement(c, "GP1", "P1", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        b.entry(c, "GV1", date(2026, 11, 3), minutes=600, km="20")  # 57.50 + 4.60
        b.entry(c, "GV1", date(2026, 11, 4), minutes=60, expense="12.50", receipt=True)  # 5.75 + 12.50 receipt
        b.entry(c, "GV2", date(2026, 11, 3), amount="250.00")  # over the month cap of 220
        b.entry(c, "GP1", date(2026, 11, 5), minutes=90)  # 60.00
    eng.dispose()


def invoke(cli, runner: CliRunner, args: list[str], env: dict[str, str]):  # noqa: ANN201
    r = runner.invoke(cli, args, env=env)
    return r


def pay(cli, runner, out: Path, *extra: str, period: str = "2026-11", env=NOV):  # noqa: ANN001, ANN201
    return runner.invoke(cli, ["payout", "--period", period, "--out", str(out), *extra], env=env)


def db_rows(path: Path, query):  # noqa: ANN001, ANN201
    eng = b.new_engine(path)
    with eng.connect() as c:
        rows = c.execute(query).all()
    eng.dispose()
    return rows


def test_over_the_cap_is_held_the_others_are_paid_then_override(cli, runner: CliRunner, tmp_db: Path,
                                                                 tmp_path: Path) -> None:
    seed(tmp_db)
    r = pay(cli, runner, tmp_path / "a")
    assert r.exit_code == 0, r.output
    # V1: 57.50 + 4.60 + 5.75 + 12.50 = 80.35; P1: 60.00
    assert "Betaald: 2026-11, 2 overboeking(en), totaal €\u00a0140,35, 3 regel(s) afgerekend." in r.stdout
    assert "Aangehouden (1)" in r.stdout and "V2 Victor Boven:" in r.stdout
    assert "specificatie-2026-11-V2.pdf" not in {p.name for p in (tmp_path / "a").iterdir()}
    # an override needs the expert and a real reason
    r = pay(cli, runner, tmp_path / "b", "--override-reason", "ok")
    assert r.exit_code == 2 and "--override-expert" in r.stderr
    r = pay(cli, runner, tmp_path / "b", "--override-expert", "V2", "--override-reason", "ok")
    assert r.exit_code == 2 and "te kort" in r.stderr and "minstens 20 tekens" in r.stderr
    reason = "boven de grens: wordt als loon opgegeven, met loonheffing"
    r = pay(cli, runner, tmp_path / "b", "--override-expert", "V2", "--override-reason", reason)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.2, 1 overboeking(en), totaal €\u00a0250,00, 1 regel(s) afgerekend." in r.stdout
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "sepa-2026-11.2.xml", "specificatie-2026-11.2-V2.pdf", "uitbetaling-2026-11.2.pdf",
        "uitbetaling-2026-11.2.xlsx"]
    rows = db_rows(tmp_db, select(s.audit_log.c.action, s.audit_log.c.detail).where(s.audit_log.c.entity == "payout")
                   .order_by(s.audit_log.c.id))
    assert [a for a, _ in rows] == ["payout.create", "payout.override"]
    detail = json.loads(rows[1][1])
    assert detail["override_reason"] == reason and detail["override_experts"] == ["V2"]
    assert json.loads(rows[0][1])["held"] == ["V2"]
    # everything is paid now
    r = pay(cli, runner, tmp_path / "c")
    assert r.exit_code == 1 and "alles van november 2026 is al uitbetaald (uitbetaling 2026-11.2" in r.stderr


def test_expert_option_pays_one_expert(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    r = pay(cli, runner, tmp_path / "a", "--expert", "P1")
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11, 1 overboeking(en), totaal €\u00a060,00, 1 regel(s) afgerekend." in r.stdout
    r = pay(cli, runner, tmp_path / "b")
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.2, 1 overboeking(en), totaal €\u00a080,35, 2 regel(s) afgerekend." in r.stdout


def test_late_hours_are_paid_once_by_the_next_payout(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    assert pay(cli, runner, tmp_path / "nov").exit_code == 0
    # hours of November logged and approved after November was paid
    r = runner.invoke(cli, ["log", "--engagement", "GP1", "--date", "27-11-2026", "--hours", "1", "--activity",
                            "Nagekomen gesprek"], env=DEC)
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["approve", "--period", "2026-11"], env=DEC)
    assert r.exit_code == 0 and "1 regel(s)" in r.stdout
    r = pay(cli, runner, tmp_path / "dec", period="2026-12", env=DEC)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-12, 1 overboeking(en), totaal €\u00a040,00, 1 regel(s) afgerekend." in r.stdout
    assert "Daarvan 1 regel(s) van vóór december 2026" in r.stdout
    wb = openpyxl.load_workbook(tmp_path / "dec" / "uitbetaling-2026-12.xlsx")
    lines = [row for row in wb["Regels"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert [(row[1], row[-1]) for row in lines] == [("P1", "ja")]
    text = subprocess.run(["pdftotext", str(tmp_path / "dec" / "specificatie-2026-12-P1.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Nagekomen gesprek" in flat and "(van eerder)" in flat and "december 2026" in text
    assert "Er staat ook 1 regel van eerder bij. Die is later goedgekeurd of verbeterd. Die staat hieronder" in flat
    # paid exactly once: neither December nor November pays it again
    # (V2, over the cap, is still held: nothing else is open)
    r = pay(cli, runner, tmp_path / "dec2", period="2026-12", env=DEC)
    assert r.exit_code == 1 and "er is niets betaald voor december 2026: iedereen met open regels (1 deskundige) " \
        "is aangehouden: Victor Boven (V2)" in r.stderr
    r = pay(cli, runner, tmp_path / "nov2", period="2026-11", env=DEC)
    assert r.exit_code == 1 and "Victor Boven (V2)" in r.stderr
    paid = db_rows(tmp_db, select(s.paid_lines.c.entry_id, s.paid_lines.c.late, s.paid_lines.c.fee_cents)
                   .order_by(s.paid_lines.c.entry_id))
    assert [tuple(p) for p in paid] == [(1, False, 5750), (2, False, 575), (4, False, 6000), (5, True, 4000)]
    # the year statement shows it in November (the month of the work), paid in December
    r = runner.invoke(cli, ["statement", "--expert", "P1", "--year", "2026", "--format", "json"], env=DEC)
    rows = json.loads(r.stdout)["rows"]
    assert [(x["month"], x["paid"], x["paid_on"]) for x in rows] == [("2026-11", "100.00", ["2026-12-01", "2026-12-03"])]


def test_rate_edit_after_payout_changes_no_statement_or_report(cli, runner: CliRunner, tmp_db: Path,
                                                               tmp_path: Path) -> None:
    seed(tmp_db)
    reason = "boven de grens: wordt als loon opgegeven, met loonheffing"
    assert pay(cli, runner, tmp_path / "a", "--override-expert", "V2", "--override-reason", reason).exit_code == 0

    def reports() -> dict[str, object]:
        out: dict[str, object] = {}
        for code in ("V1", "V2", "P1"):
            r = runner.invoke(cli, ["statement", "--expert", code, "--year", "2026", "--format", "json"], env=DEC)
            assert r.exit_code == 0, r.output
            out[f"jaar-{code}"] = json.loads(r.stdout)
        r = runner.invoke(cli, ["room", "--expert", "V1", "--on", "2026-11-30", "--format", "json"], env=DEC)
        out["room"] = json.loads(r.stdout)
        derden = tmp_path / "derden.xlsx"
        r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(derden)], env=DEC)
        assert r.exit_code == 0, r.output
        out["derden"] = [list(x) for x in openpyxl.load_workbook(derden).active.iter_rows(values_only=True)]
        again = tmp_path / f"herdruk{len(list(tmp_path.iterdir()))}"
        r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(again), "--reprint"], env=DEC)
        assert r.exit_code == 0, r.output
        out["files"] = {p.name: p.read_bytes() for p in again.iterdir()}
        return out

    before = reports()
    assert before["jaar-V1"]["total"] == "80.35" and before["jaar-P1"]["total"] == "60.00"
    for code, rate in (("GV1", "9,00"), ("GP1", "55,00"), ("GV2", "1,00")):
        r = runner.invoke(cli, ["engagement", "edit", code, "--expert-rate", rate], env=DEC)
        assert r.exit_code in (0, 1), r.output
    after = reports()
    assert after == before


def test_missing_own_iban_is_reported_by_check_and_payout_says_what_to_do(cli, runner: CliRunner, tmp_db: Path,
                                                                          tmp_path: Path) -> None:
    seed(tmp_db)
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        c.execute(s.organisations.update().where(s.organisations.c.code == "EIGEN").values(iban=None))
    eng.dispose()
    r = runner.invoke(cli, ["check", "--period", "2026-11", "--format", "json"], env=NOV)
    assert r.exit_code == 1
    own = [f for f in json.loads(r.stdout) if f["rule"] == "payout.own_data"]
    assert [(f["severity"], f["expert"]) for f in own] == [("error", None)]
    assert "IBAN ontbreekt bij de eigen organisatie Stichting Ervaringskracht" in own[0]["message"]
    assert "vergoeding org edit EIGEN --iban" in own[0]["advice"]
    out = tmp_path / "x"
    r = pay(cli, runner, out)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "IBAN ontbreekt bij de eigen organisatie" in r.stderr and "vergoeding org edit EIGEN --iban" in r.stderr
    assert "Er is niets betaald" in r.stderr and "schema" not in r.stderr.lower()
    assert not out.exists()
    assert db_rows(tmp_db, select(s.payouts.c.id)) == []
