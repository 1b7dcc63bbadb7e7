# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Jaaropgave and the third-party report (derden): what is in, what is out, BSN only there."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import openpyxl
from click.testing import CliRunner

IBAN = "NL91ABNA0417164300"
ENV = {"VERGOEDING_TODAY": "2026-12-02"}


def seed(path: Path, *, bsn_p: str | None = "111222333") -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Binnen", iban=IBAN, bsn="123456782")  # volunteer within caps
        b.expert(c, "V2", name="Victor Boven", iban=IBAN, bsn="100000009")  # volunteer over the month cap
        b.expert(c, "P1", name="Pieter Particulier", iban=IBAN, bsn=bsn_p)
        b.expert(c, "Z1", name="Zara Zzp", iban=IBAN, kvk="12345678")  # zzp with VAT
        b.engagement(c, "GV1", "V1", "GEM")
        b.engagement(c, "GV2", "V2", "GEM")
        b.engagement(c, "GP1", "P1", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        b.engagement(c, "GZ1", "Z1", "GEM", regime="zzp")
        b.entry(c, "GV1", date(2026, 11, 3), minutes=600)  # 57.50
        b.entry(c, "GV1", date(2026, 10, 3), minutes=120, status="logged")  # 11.50 (not approved: not paid)
        b.entry(c, "GV2", date(2026, 11, 3), amount="250.00")  # over 220
        b.entry(c, "GP1", date(2026, 11, 5), minutes=90)  # 60.00
        b.entry(c, "GZ1", date(2026, 11, 5), minutes=60)
    eng.dispose()


def pay(cli, runner: CliRunner, out: Path, *also: str) -> None:
    more = [x for code in also for x in ("--override-expert", code)]
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out), "--override-expert", "V2", *more,
                            "--override-reason", "boven de grens: wordt als loon opgegeven"], env=ENV)
    assert r.exit_code == 0, r.output


def test_year_statement(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    pay(cli, runner, tmp_path / "p")
    r = runner.invoke(cli, ["statement", "--expert", "V1", "--year", "2026", "--format", "json"], env=ENV)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["rows"] == [{"month": "2026-11", "regime": "Vrijwilligersvergoeding", "minutes": 600,
                             "paid": "57.50", "inkind": "0.00", "paid_on": ["2026-12-03"]}]  # next business day
    assert data["total"] == "57.50" and data["caps_exceeded"] is False
    pdf = tmp_path / "j.pdf"
    r = runner.invoke(cli, ["statement", "--expert", "V2", "--year", "2026", "-o", str(pdf)], env=ENV)
    assert r.exit_code == 0, r.output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jaaropgave 2026" in text and "€ 250,00" in text and "november" in text
    flat = " ".join(text.split())
    assert "Daarom is uw hele vrijwilligersvergoeding van 2026 belast, niet alleen het stuk erboven." in flat
    assert "Vergoeding als vrijwilliger, belast als loon: € 250,00" in flat  # not "vrijwilligersvergoeding" any more
    assert "binnen de grens" not in flat
    assert "100000009" not in text


def test_derden_includes_only_reportable(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    pay(cli, runner, tmp_path / "p")
    out = tmp_path / "derden.xlsx"
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(out)], env=ENV)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Opgave derden"]
    rows = [list(x) for x in ws.iter_rows(min_row=3, values_only=True)]
    body = {r[1]: r for r in rows if r[0]}
    assert set(body) == {"Victor Boven", "Pieter Particulier"}  # not V1 (within caps), not Z1 (zzp with VAT)
    assert body["Pieter Particulier"][0] == "111222333"  # full BSN, only here
    assert float(body["Pieter Particulier"][6]) == 60.0 and float(body["Victor Boven"][6]) == 250.0
    assert body["Victor Boven"][7].date() == date(2026, 12, 3)  # paid on the execution date: the next business day
    # the BSN appears nowhere else
    for f in (tmp_path / "p").iterdir():
        if f.suffix == ".pdf":
            txt = subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, check=True).stdout
        else:
            txt = f.read_bytes().decode("latin-1")
        assert "111222333" not in txt and "100000009" not in txt
    chk = runner.invoke(cli, ["check", "--period", "2026-11", "--format", "json"], env=ENV)
    assert "111222333" not in chk.stdout


def test_derden_missing_bsn_writes_nothing(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db, bsn_p=None)
    pay(cli, runner, tmp_path / "p", "P1")  # paid without a BSN (held otherwise): the report then refuses
    out = tmp_path / "derden.csv"
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(out)], env=ENV)
    assert r.exit_code == 1
    assert "BSN ontbreekt voor Pieter Particulier" in " ".join(r.stdout.split()) and "niets geschreven" in r.stderr
    assert not out.exists()


def test_derden_needs_payroll_tax_number(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", has_payroll_tax_number=False)
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 1 and "loonheffingennummer" in r.stderr


def test_year_statement_of_a_zzp_expert_lists_invoices_and_no_tax_free_sentence(cli, runner: CliRunner,
                                                                                tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        from vergoeding.store import schema as s

        c.execute(s.experts.update().where(s.experts.c.code == "Z1").values(vat_id="NL000099998B57"))
    eng.dispose()
    r = runner.invoke(cli, ["invoice", "receive", "--expert", "Z1", "--period", "2026-11", "--number", "Z-17",
                            "--date", ENV["VERGOEDING_TODAY"]], env=ENV)
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["statement", "--expert", "Z1", "--year", "2026", "--format", "json"], env=ENV)
    data = json.loads(r.stdout)
    assert data["rows"] == [] and len(data["invoices"]) == 1 and data["invoices"][0]["total"] == "81.68"
    pdf = tmp_path / "z.pdf"
    r = runner.invoke(cli, ["statement", "--expert", "Z1", "--year", "2026", "-o", str(pdf)], env=ENV)
    assert r.exit_code == 0, r.output
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Uw facturen (zzp)" in text and data["invoices"][0]["number"] in text
    assert "belastingvrij" not in text and "Vrijwilligersvergoeding" not in text
