"""A quarter of every euro in and out through the CLI (issue 22, must show): volunteers, a
payroll engagement, a zzp'er with VAT, a KOR zzp'er with self-billing and a client without
KvK. Three month-ends (zzp invoices, payout, invoices to the clients); every approved hour is
invoiced exactly once, every expert paid exactly once, a correction reaches the client, the
third-party report has the real payment dates and the year statement adds up to what was paid.
Runs on SQLite and PostgreSQL (``tmp_db``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import builders as b
import click
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.store import schema as s

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
# month-end day (the batch is executed on the next business day)
MONTH_END = {10: "2026-11-02", 11: "2026-12-01", 12: "2026-12-31"}
EXECUTED = {10: "2026-11-03", 11: "2026-12-02", 12: "2027-01-04"}


def seed(db: Path) -> dict[str, int]:
    eng = b.new_engine(db)
    ids: dict[str, int] = {}
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.org(c, "PRIV", name="J. Jansen", kvk=None, street="Dorpsstraat 3", postcode="1234 AB", city="Ergens")
        b.expert(c, "V1", name="Vera Vrij")
        b.expert(c, "P1", name="Piet Loon")
        b.expert(c, "Z1", name="Zeno Zzp", kvk="87654321", vat_id="NL001234567B01", iban="NL91ABNA0417164300")
        b.expert(c, "K1", name="Kees Kor", kvk="76543210", vat_id="NL002345678B01", kor=True, bsn="111222333")
        b.engagement(c, "GV1", "V1", "GEM", expert_rate="5.00", client_rate="45.00", unit="uur")
        b.engagement(c, "GVP", "V1", "PRIV", expert_rate="5.00", client_rate="40.00", unit="uur")
        b.engagement(c, "GP", "P1", "GEM", regime="loondienst", client_rate="60.00", unit="uur")
        b.engagement(c, "GZ1", "Z1", "GEM", regime="zzp", role="trainer", expert_rate="60.00", client_rate="80.00",
                     unit="uur")
        b.engagement(c, "GK1", "K1", "GEM", regime="zzp", role="trainer", expert_rate="50.00", client_rate="70.00",
                     unit="uur", self_billing=True, vat_exemption="kor")
        for m in (10, 11, 12):
            ids[f"GV1-{m}"] = b.entry(c, "GV1", date(2026, m, 5), minutes=60)
            b.entry(c, "GP", date(2026, m, 6), minutes=120)
            b.entry(c, "GZ1", date(2026, m, 7), minutes=120)
            b.entry(c, "GK1", date(2026, m, 8), minutes=60)
        b.entry(c, "GVP", date(2026, 10, 9), minutes=60)
    eng.dispose()
    return ids


def transfers(path: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(path).getroot()
    return [(t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) or "", t.findtext("p:Amt/p:InstdAmt", namespaces=NS)
             or "", t.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "") for t in root.iterfind(".//p:CdtTrfTxInf", NS)]


def test_a_quarter_every_hour_invoiced_once_every_expert_paid_once(runner: CliRunner, cli: click.Group,
                                                                  tmp_db: Path, tmp_path: Path) -> None:
    ids = seed(tmp_db)

    def run(day: str, *args: str):  # type: ignore[no-untyped-def]
        r = runner.invoke(cli, list(args), env={"VERGOEDING_TODAY": day})
        assert r.exit_code == 0, (args, r.output)
        return r

    paid: list[tuple[str, str, str]] = []
    for m in (10, 11, 12):
        day, period = MONTH_END[m], f"2026-{m}"
        if m == 11:  # the October meeting took half an hour less: the client and the expert hear of it
            run(day, "correct", str(ids["GV1-10"]), "--hours", "0,5", "--reason", "bijeenkomst was korter")
        run(day, "invoice", "receive", "--expert", "Z1", "--period", period, "--number", f"Z1-{m}", "--date", day,
            "--amount", "145,20")
        run(day, "invoice", "approve", f"Z1-{m}")
        run(day, "invoice", "expert", "--expert", "K1", "--period", period, "--self-billing")
        out = tmp_path / period
        run(day, "payout", "--period", period, "--out", str(out))
        paid += transfers(out / f"sepa-{period}.xml")
        run(day, "invoice", "create", "--all-clients", "--period", period)

    # every expert paid exactly once: V1 each month (October: 2 h; November: 1 h - 0,5 h), the
    # invoices of Z1 (2 h x 60 + 21%) and K1 (1 h x 50, KOR) each month, by their numbers
    assert paid == [
        ("2026-10-V1", "10.00", "Vergoeding 2026-10 Stichting Ervaring Werkt"),
        ("2026-10-F1", "145.20", "Factuur Z1-10"), ("2026-10-F2", "50.00", "Factuur ZF2026-K1-001"),
        ("2026-11-V1", "2.50", "Vergoeding 2026-11 Stichting Ervaring Werkt"),
        ("2026-11-F5", "145.20", "Factuur Z1-11"), ("2026-11-F6", "50.00", "Factuur ZF2026-K1-002"),
        ("2026-12-V1", "5.00", "Vergoeding 2026-12 Stichting Ervaring Werkt"),
        ("2026-12-F8", "145.20", "Factuur Z1-12"), ("2026-12-F9", "50.00", "Factuur ZF2026-K1-003"),
    ]
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        # every approved hour of a billed engagement is on exactly one client invoice (one column)
        rows = c.execute(select(s.entries.c.id, s.entries.c.invoice_id, s.entries.c.status)).all()
        assert all(r.invoice_id is not None for r in rows) and {r.status for r in rows} == {"approved", "settled"}
        inv = {r.number: r for r in c.execute(select(s.invoices))}
    eng.dispose()
    assert {n: (r.status, str(r.paid_at)) for n, r in inv.items() if r.kind == "expert"} == {
        f"Z1-{m}": ("paid", EXECUTED[m]) for m in (10, 11, 12)} | {
        f"ZF2026-K1-00{i}": ("paid", EXECUTED[m]) for i, m in ((1, 10), (2, 11), (3, 12))}
    # the correction reached the client on the November invoice of the Gemeente
    nov = json.loads(runner.invoke(cli, ["invoice", "show", "2026-0003", "--format", "json"]).stdout)
    assert nov["customer"]["name"] == "Gemeente Utrecht"
    corr = [x for x in nov["lines"] if x["description"].startswith("Correctie op factuur 2026-0001")]
    assert [(x["quantity"], x["amount"]) for x in corr] == [("-0.50", "-22.50")]
    # the client without KvK got a PDF invoice without e-invoice
    priv = json.loads(runner.invoke(cli, ["invoice", "show", "2026-0002", "--format", "json"]).stdout)
    assert priv["customer"]["name"] == "J. Jansen" and priv["einvoice"] is False
    # the third-party report 2026: K1's KOR invoices on their real payment dates (December's
    # was paid in 2027); Zeno's invoices with VAT are not reported
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(tmp_path / "d.csv")],
                      env={"VERGOEDING_TODAY": "2027-01-10"})
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "d.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [(x.split(";")[1], x.split(";")[6], x.split(";")[7]) for x in lines] == [
        ("Kees Kor", "50,00", "2026-11-03"), ("Kees Kor", "50,00", "2026-12-02")]
    # the year statement adds up to what was paid for the work of 2026
    ys = json.loads(runner.invoke(cli, ["statement", "--expert", "V1", "--year", "2026", "--format", "json"],
                                  env={"VERGOEDING_TODAY": "2027-01-10"}).stdout)
    assert Decimal(ys["total"]) == Decimal("17.50") == sum(Decimal(a) for e2e, a, _ in paid if e2e.endswith("-V1"))
    kys = json.loads(runner.invoke(cli, ["statement", "--expert", "K1", "--year", "2026", "--format", "json"],
                                   env={"VERGOEDING_TODAY": "2027-01-10"}).stdout)
    assert [(i["number"], i["total"]) for i in kys["invoices"]] == [
        ("ZF2026-K1-001", "50.00"), ("ZF2026-K1-002", "50.00"), ("ZF2026-K1-003", "50.00")]
