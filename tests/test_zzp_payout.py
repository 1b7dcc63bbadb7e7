"""Paying zzp'ers (issue 22, item 1) through the real CLI: a received invoice is registered
with the freelancer's own number and checked against the approved hours; no document in the
expert's name without a self-billing agreement; approved received invoices and self-billed
invoices are paid by the month-end payout in the same SEPA file, with the invoice number as
remittance information, held with the reason where approval or IBAN is missing, marked paid
with the payment date that the third-party report and the year statement use."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import builders as b
import click
from click.testing import CliRunner

TODAY = {"VERGOEDING_TODAY": "2026-11-02"}  # a Monday: the batch is executed on 03-11-2026
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env=TODAY)


def seed(db: Path) -> None:
    eng = b.new_engine(db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Vrij")
        b.expert(c, "Z1", name="Zeno Zzp", kvk="87654321", vat_id="NL001234567B01", iban="NL91ABNA0417164300")
        b.expert(c, "K1", name="Kees Kor", kvk="76543210", vat_id="NL002345678B01", kor=True, bsn="111222333")
        b.expert(c, "Z2", name="Zita Zonder", kvk="65432109", vat_id="NL003456789B01", iban=None)
        b.engagement(c, "GV1", "V1", "GEM", expert_rate="5.00", client_rate="45.00", unit="uur")
        b.engagement(c, "GZ1", "Z1", "GEM", regime="zzp", role="trainer", expert_rate="60.00", client_rate="80.00",
                     unit="uur")
        b.engagement(c, "GK1", "K1", "GEM", regime="zzp", role="trainer", expert_rate="50.00", client_rate="70.00",
                     unit="uur", self_billing=True, vat_exemption="kor")
        b.engagement(c, "GZ2", "Z2", "GEM", regime="zzp", role="trainer", expert_rate="55.00", client_rate="75.00",
                     unit="uur")
        b.entry(c, "GV1", date(2026, 10, 5), minutes=120)
        b.entry(c, "GZ1", date(2026, 10, 6), minutes=120)
        b.entry(c, "GK1", date(2026, 10, 7), minutes=180)
        b.entry(c, "GZ2", date(2026, 10, 8), minutes=60)
    eng.dispose()


def transfers(path: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(path).getroot()
    return [(t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) or "", t.findtext("p:Amt/p:InstdAmt", namespaces=NS) or "",
             t.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "")
            for t in root.iterfind(".//p:CdtTrfTxInf", NS)]


def test_zzp_invoices_are_paid_once_by_the_month_end_payout(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                             tmp_path: Path) -> None:
    seed(tmp_db)
    # never an invoice in the expert's name without the self-billing agreement
    r = run(runner, cli, "invoice", "expert", "--expert", "Z1", "--period", "2026-10")
    assert r.exit_code == 1 and "wij maken geen factuur op naam van Z1" in r.output
    assert "vergoeding invoice receive --expert Z1 --period 2026-10" in r.output
    # the invoice Zeno sent: 2 h x 60.00 = 120.00 + 21% = 145.20; he asks 150.00
    r = run(runner, cli, "invoice", "receive", "--expert", "Z1", "--period", "2026-10", "--number", "ZZ-017",
            "--date", "31-10-2026", "--amount", "150")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Ontvangen factuur ZZ-017: Zeno Zzp, 1 regel(s), excl. btw €\u00a0120,00")
    assert "de factuur vraagt € 150,00, de goedgekeurde uren en tarieven geven € 145,20 (verschil € 4,80)" in r.stderr
    # self-billing for Kees (KOR): 3 h x 50.00 = 150.00, no VAT
    r = run(runner, cli, "invoice", "expert", "--expert", "K1", "--period", "2026-10", "--self-billing")
    assert r.exit_code == 0 and r.stdout.startswith("Factuur ZF2026-K1-001: Kees Kor")
    r = run(runner, cli, "invoice", "receive", "--expert", "Z2", "--period", "2026-10", "--number", "A-1",
            "--date", "30-10-2026", "--amount", "66.55")
    assert r.exit_code == 0 and r.stderr == ""
    assert run(runner, cli, "invoice", "approve", "A-1").exit_code == 0
    # check says exactly what the payout will hold, with the same reasons
    r = run(runner, cli, "check", "--period", "2026-10", "--format", "json")
    held = sorted((f["expert"], f["message"]) for f in json.loads(r.stdout) if f["rule"] == "payout.held")
    assert held == [
        ("Z1", "Zeno Zzp wordt aangehouden bij 'vergoeding payout --period 2026-10': factuur ZZ-017 is nog niet "
               "goedgekeurd: keur haar goed met 'vergoeding invoice approve ZZ-017'"),
        ("Z2", "Zita Zonder wordt aangehouden bij 'vergoeding payout --period 2026-10': factuur A-1: geen geldig "
               "IBAN; vul het in met 'vergoeding expert edit Z2 --iban ...'"),
    ]
    out = tmp_path / "pay"
    r = run(runner, cli, "payout", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    # one SEPA file: the volunteer's allowance and the self-billed invoice, by its number
    assert transfers(out / "sepa-2026-10.xml") == [("2026-10-V1", "10.00", "Vergoeding 2026-10 Stichting Ervaring Werkt"),
                                                   ("2026-10-F2", "150.00", "Factuur ZF2026-K1-001")]
    from openpyxl import load_workbook

    sheet = load_workbook(out / "uitbetaling-2026-10.xlsx")["Facturen"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["ZF2026-K1-001", "K1", "Kees Kor"] == values[1][:3] and values[1][4:] == ["zelffacturering", 150]
    rows = {x["number"]: x for x in json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)}
    assert (rows["ZF2026-K1-001"]["status"], rows["ZF2026-K1-001"]["paid_at"]) == ("paid", "2026-11-03")
    assert rows["ZZ-017"]["status"] == "issued" and rows["A-1"]["paid_at"] is None
    # approved later: paid by a follow-up payout, once
    assert run(runner, cli, "invoice", "approve", "ZZ-017").exit_code == 0
    r = run(runner, cli, "payout", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert transfers(out / "sepa-2026-10.2.xml") == [("2026-10.2-F1", "145.20", "Factuur ZZ-017")]
    r = run(runner, cli, "payout", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 1 and "aangehouden" in r.output and "A-1" in r.output  # only Zita is left: held
    # the third-party report: the KOR invoice, on its real payment date; the VAT invoice is not reported
    r = run(runner, cli, "report", "derden", "--year", "2026", "-o", str(tmp_path / "derden.csv"))
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "derden.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [ln.split(";")[1] for ln in lines[1:]] == ["Kees Kor"]
    assert ";150,00;2026-11-03;" in lines[1] and "ZF2026-K1-001" in lines[1]
    # the year statement: the invoice with its payment date, no "Wij betaalden u geen vergoeding"
    r = run(runner, cli, "statement", "--expert", "K1", "--year", "2026", "--format", "json")
    data = json.loads(r.stdout)
    assert [(i["number"], i["total"]) for i in data["invoices"]] == [("ZF2026-K1-001", "150.00")]
    assert "2026-11-03" in json.dumps(data["invoices"])
    # credited after it was paid: the money went out on 03-11-2026 all the same, so the third-party
    # report keeps it (named with its credit note) and so does the year statement
    r = runner.invoke(cli, ["invoice", "credit", "ZF2026-K1-001", "--reason", "uren dubbel geschreven",
                            "--date", "20-11-2026"], env={"VERGOEDING_TODAY": "2026-11-20"})
    assert r.exit_code == 0, r.output
    credit_no = json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)
    credit_no = [x["number"] for x in credit_no if x["kind"] == "credit"]
    assert len(credit_no) == 1
    r = run(runner, cli, "report", "derden", "--year", "2026", "-o", str(tmp_path / "derden2.csv"))
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "derden2.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [ln.split(";")[1] for ln in lines[1:]] == ["Kees Kor"]
    assert ";150,00;2026-11-03;" in lines[1]
    assert f"factuur ZF2026-K1-001 zonder btw, na betaling gecrediteerd met {credit_no[0]}" in lines[1]
    data = json.loads(run(runner, cli, "statement", "--expert", "K1", "--year", "2026", "--format", "json").stdout)
    assert [(i["number"], i["total"]) for i in data["invoices"]] == [("ZF2026-K1-001", "150.00")]
