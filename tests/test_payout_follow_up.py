# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Follow-up and quarter payouts (issue 20, item 10): "al uitbetaald op" is the payout's own
date (the product's clock), a line approved after the month's payout is "(van eerder)" in a
same-month follow-up, and zzp/payroll lines an earlier payout already listed for invoicing are
not listed again by a quarter payout or a follow-up."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import builders as b
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.store import schema as s

NOV = {"VERGOEDING_TODAY": "2026-11-20"}


def _run(cli, db: Path, *args: str):
    unset = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    r = CliRunner(env={**unset, "VERGOEDING_DB": str(db), **NOV}).invoke(cli, list(args))
    return SimpleNamespace(exit_code=r.exit_code, stdout=r.stdout.replace("\xa0", " "),
                           stderr=r.stderr.replace("\xa0", " "))


def snapshot(db: Path, number: str) -> dict:
    eng = b.new_engine(db)
    with eng.connect() as c:
        snap = json.loads(c.execute(select(s.payouts.c.snapshot).where(s.payouts.c.number == number)).scalar_one())
    eng.dispose()
    return snap


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory):
    from vergoeding.__main__ import load_cli

    db = tmp_path_factory.mktemp("followup") / "v.db"
    eng = b.new_engine(db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E1", name="Vera Vrijwilliger")
        b.expert(c, "E2", name="Zora Zzp", kvk="87654321", vat_id="NL000099998B57")
        b.engagement(c, "GV", "E1", "GEM", regime="vrijwilliger", expert_rate="5.00", client_rate="50.00")
        b.engagement(c, "GZ", "E2", "GEM", regime="zzp", expert_rate="60.00", client_rate="80.00")
        for code in ("GV", "GZ"):
            b.entry(c, code, date(2026, 10, 5), minutes=60)
            b.entry(c, code, date(2026, 11, 2), minutes=60)
    eng.dispose()
    cli = load_cli().cli
    r = _run(cli, db, "payout", "--period", "2026-10", "--out", str(db.parent / "okt"))
    assert r.exit_code == 0, r.stderr
    return SimpleNamespace(cli=cli, db=db)


def test_already_paid_names_the_payouts_own_date_not_the_wall_clock(admin) -> None:
    r = _run(admin.cli, admin.db, "payout", "--period", "2026-10", "--out", str(admin.db.parent / "x"))
    assert r.exit_code == 1
    # VERGOEDING_TODAY 20-11-2026: the batch of that payout is executed on Monday 23-11-2026
    assert "is al uitbetaald (uitbetaling 2026-10 op 23-11-2026)" in r.stderr, r.stderr


def test_a_line_approved_after_the_months_payout_is_late_in_the_follow_up(admin) -> None:
    eng = b.new_engine(admin.db)
    with eng.begin() as c:
        late = b.entry(c, "GV", date(2026, 10, 26), minutes=30, activity="nagekomen gesprek")
    eng.dispose()
    r = _run(admin.cli, admin.db, "payout", "--period", "2026-10", "--out", str(admin.db.parent / "okt2"))
    assert r.exit_code == 0, r.stderr
    lines = snapshot(admin.db, "2026-10.2")["lines"]
    assert [(x["entry_id"], x["late"]) for x in lines if x["route"] == "sepa"] == [(late, True)]
    eng = b.new_engine(admin.db)
    with eng.connect() as c:
        assert c.execute(select(s.paid_lines.c.late).where(s.paid_lines.c.entry_id == late)).scalar_one() is True
    eng.dispose()
    # the follow-up does not list October's zzp line again: the first payout of October did
    assert [x for x in lines if x["route"] != "sepa"] == []


def test_a_quarter_payout_lists_only_the_zzp_lines_no_earlier_payout_listed(admin) -> None:
    october = [x["work_date"] for x in snapshot(admin.db, "2026-10")["lines"] if x["route"] == "factuur"]
    assert october == ["2026-10-05"]
    r = _run(admin.cli, admin.db, "payout", "--period", "2026-Q4", "--out", str(admin.db.parent / "q4"))
    assert r.exit_code == 0, r.stderr
    lines = snapshot(admin.db, "2026-Q4")["lines"]
    assert [(x["engagement"], x["work_date"], x["route"]) for x in lines] == [
        ("GV", "2026-11-02", "sepa"), ("GZ", "2026-11-02", "factuur")]


def test_a_payout_too_large_for_paper_refers_to_the_workbook(admin, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PDF_LINES_MAX lines (PDF_SUMMARY_MAX rows per expert and regime) the overview PDF
    gives the totals per regime and names the workbook, which holds every line (here the
    bounds are lowered to 0 on a reprint of October)."""
    import subprocess

    from vergoeding.documents import payout as doc

    monkeypatch.setattr(doc, "PDF_LINES_MAX", 0)
    monkeypatch.setattr(doc, "PDF_SUMMARY_MAX", 0)
    out = admin.db.parent / "herdruk"
    r = _run(admin.cli, admin.db, "payout", "--period", "2026-10", "--out", str(out), "--reprint")
    assert r.exit_code == 0, r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / "uitbetaling-2026-10.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout.replace("\xa0", " ")
    assert "te veel voor een leesbaar overzicht op papier" in " ".join(text.split())
    assert "Alle regels staan in uitbetaling-2026-10.xlsx (blad Regels" in " ".join(text.split())
    assert "Vrijwilligersvergoeding" in text and "€ 5,00" in text
