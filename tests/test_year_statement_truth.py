# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""The year statement tells the truth per year and per regime (issue 11 item 7): lines go by
month of work, the payment date is on each line, work of December paid in January is named on
both year statements, and "Doorgegeven aan de Belastingdienst" shows exactly what
``report derden`` reports for the expert."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import builders as b
import openpyxl
from click.testing import CliRunner

IBAN = "NL91ABNA0417164300"
JAN = {"VERGOEDING_TODAY": "2026-01-05"}  # a Monday: the payout executes on 06-01-2026
LATER = {"VERGOEDING_TODAY": "2026-12-02"}


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Binnen", iban=IBAN, bsn="123456782")
        b.expert(c, "P1", name="Pieter Particulier", iban=IBAN, bsn="111222333")
        b.engagement(c, "GV1", "V1", "GEM")
        b.engagement(c, "GP1", "P1", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        b.entry(c, "GV1", date(2025, 12, 8), amount="50.00")
        b.entry(c, "GP1", date(2025, 12, 9), minutes=120)  # 2 h x 40,00 = 80,00
    eng.dispose()


def pdf_text(cli, runner: CliRunner, args: list[str], out: Path, env: dict[str, str]) -> str:
    r = runner.invoke(cli, [*args, "-o", str(out)], env=env)
    assert r.exit_code == 0, r.output
    return " ".join(subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def statement(cli, runner: CliRunner, code: str, year: int) -> dict:
    r = runner.invoke(cli, ["statement", "--expert", code, "--year", str(year), "--format", "json"], env=LATER)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_december_work_paid_in_january_on_both_year_statements(cli, runner: CliRunner, tmp_db: Path,
                                                               tmp_path: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2025-12", "--out", str(tmp_path / "p")], env=JAN)
    assert r.exit_code == 0, r.output
    y25 = statement(cli, runner, "V1", 2025)
    assert y25["total"] == "50.00" and y25["rows"][0]["paid_on"] == ["2026-01-06"]
    assert y25["paid_next_year"] == [{"month": "2025-12", "regime": "Vrijwilligersvergoeding", "amount": "50.00",
                                      "paid_on": "2026-01-06"}]
    assert y25["paid_in_year"] == "0.00"
    y26 = statement(cli, runner, "V1", 2026)
    assert y26["rows"] == [] and y26["total"] == "0.00" and y26["paid_in_year"] == "50.00"
    assert y26["paid_for_previous_year"] == y25["paid_next_year"]

    t25 = pdf_text(cli, runner, ["statement", "--expert", "V1", "--year", "2025"], tmp_path / "v25.pdf", LATER)
    assert "u in 2025 heeft betaald" not in t25
    assert "een overzicht van uw werk in 2025 voor Stichting Ervaringskracht" in t25
    assert "Totaal voor werk in 2025: € 50,00" in t25
    assert "Werk van 2025, betaald in 2026" in t25
    assert "december 2025 Vrijwilligersvergoeding € 50,00 06-01-2026" in t25
    assert "Betaald in 2025 (op datum van betaling, zonder facturen): € 0,00" in t25
    assert ("Vrijwilligersvergoeding: Niet doorgegeven: uw vrijwilligersvergoeding bleef binnen de grenzen."
            in t25)
    t26 = pdf_text(cli, runner, ["statement", "--expert", "V1", "--year", "2026"], tmp_path / "v26.pdf", LATER)
    assert "Betaald in 2026 voor werk in 2025" in t26 and "Het staat op de jaaropgave van 2025" in t26
    assert "december 2025 Vrijwilligersvergoeding € 50,00 06-01-2026" in t26
    assert "Totaal voor werk in 2026: € 0,00" in t26
    assert "Betaald in 2026 (op datum van betaling, zonder facturen): € 50,00" in t26
    # within the caps: not reported, and it says so
    assert ("Vrijwilligersvergoeding: Niet doorgegeven: uw vrijwilligersvergoeding bleef binnen de grenzen. "
            "Die geven wij niet door aan de Belastingdienst.") in t26
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "v26.pdf"),
                    str(tmp_path / "v26")], check=True)
    assert list(tmp_path.glob("v26*.png"))


def test_private_person_year_statement_shows_what_report_derden_reports(cli, runner: CliRunner, tmp_db: Path,
                                                                       tmp_path: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2025-12", "--out", str(tmp_path / "p")], env=JAN)
    assert r.exit_code == 0, r.output
    xlsx, csvf = tmp_path / "d.xlsx", tmp_path / "d.csv"
    for out in (xlsx, csvf):
        r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(out)], env=LATER)
        assert r.exit_code == 0, r.output
    sheet = openpyxl.load_workbook(xlsx)["Opgave derden"]
    body = [list(x) for x in sheet.iter_rows(min_row=3, values_only=True) if x[0]]
    assert [(x[1], Decimal(str(x[6])).quantize(Decimal("0.01"))) for x in body] == [
        ("Pieter Particulier", Decimal("80.00"))]
    with csvf.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[1][1] == "Pieter Particulier" and rows[1][6] == "80,00" and rows[1][7] == "2026-01-06"

    y26 = statement(cli, runner, "P1", 2026)
    assert y26["total"] == "0.00"  # no work in 2026 ...
    assert y26["reported_to_tax"] == [{"regime": "Betaling aan particulier", "total": "80.00", "note": "",
                                       "rows": [{"payment_date": "2026-01-06", "kind": "Betaling aan particulier",
                                                 "amount": "80.00"}]}]  # ... but 80,00 paid and reported in 2026
    t26 = pdf_text(cli, runner, ["statement", "--expert", "P1", "--year", "2026"], tmp_path / "p26.pdf", LATER)
    assert "Doorgegeven aan de Belastingdienst" in t26
    assert "Betaling aan particulier: doorgegeven € 80,00." in t26
    assert "06-01-2026 Betaling aan particulier € 80,00" in t26
    assert "111222333" not in t26  # the BSN stays in the report only
    y25 = statement(cli, runner, "P1", 2025)
    assert y25["total"] == "80.00" and y25["reported_to_tax"][0]["rows"] == []
    assert y25["reported_to_tax"][0]["note"] == (
        "Niets doorgegeven over 2025: wij betaalden u in 2025 niets onder deze regeling. "
        "Werk van 2025 dat wij in 2026 betaalden, telt in de opgave over 2026.")


def test_zzp_year_statement_names_its_invoices_and_what_is_not_reported(cli, runner: CliRunner, tmp_db: Path,
                                                                        tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "Z1", name="Zara Zzp", iban=IBAN, kvk="12345678", vat_id="NL000099998B57")
        b.engagement(c, "GZ1", "Z1", "GEM", regime="zzp")
        b.entry(c, "GZ1", date(2026, 11, 5), minutes=60)
    eng.dispose()
    r = runner.invoke(cli, ["invoice", "receive", "--expert", "Z1", "--period", "2026-11", "--number", "Z-2026-001",
                            "--date", "02-12-2026"], env=LATER)
    assert r.exit_code == 0, r.output
    data = statement(cli, runner, "Z1", 2026)
    number = data["invoices"][0]["number"]
    assert data["invoices"][0]["total"] == "81.68"
    assert data["reported_to_tax"][0]["regime"] == "Zzp / freelance" and data["reported_to_tax"][0]["rows"] == []
    text = pdf_text(cli, runner, ["statement", "--expert", "Z1", "--year", "2026"], tmp_path / "z.pdf", LATER)
    assert f"{number} 02-12-2026 € 81,68" in text
    assert "Zzp / freelance: Niet doorgegeven: facturen van een zzp'er met btw geven wij niet door." in text
    assert "belastingvrij" not in text


def test_year_statement_without_payroll_tax_number_says_nothing_is_reported(cli, runner: CliRunner, tmp_db: Path,
                                                                          tmp_path: Path) -> None:
    seed(tmp_db)
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        from vergoeding.store import schema as s

        c.execute(s.organisations.update().where(s.organisations.c.code == "EIGEN")
                  .values(has_payroll_tax_number=False))
    eng.dispose()
    data = statement(cli, runner, "P1", 2025)
    assert data["reported_to_tax"] is None
    text = pdf_text(cli, runner, ["statement", "--expert", "P1", "--year", "2025"], tmp_path / "n.pdf", LATER)
    assert "heeft geen loonheffingennummer. Daarom geven wij geen betalingen aan u door." in text


def test_work_after_today_names_the_field_in_dutch(cli, runner: CliRunner, tmp_db: Path) -> None:
    seed(tmp_db)
    r = runner.invoke(cli, ["log", "--engagement", "GV1", "--date", "2026-12-03", "--hours", "1"], env=LATER)
    assert r.exit_code != 0
    assert "kolom/veld datum" in r.output and "veld date" not in r.output
