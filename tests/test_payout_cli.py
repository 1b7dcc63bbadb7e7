# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""The month-end payout through the CLI: refusal, override, files, SEPA, reprint, settled."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import builders as b
import openpyxl
import pytest
import xmlschema
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.store import schema as s

OK_IBAN = "NL91ABNA0417164300"
E1_IBAN = "NL20INGB0001234567"
E2_IBAN = "NL39RABO0300065264"


def seed(path: Path, *, bad_iban: bool = False) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E001", name="Anne de Vries", iban=None if bad_iban else E1_IBAN)
        b.expert(c, "E002", name="Bram Jansen", iban=E2_IBAN)
        b.expert(c, "E003", name="Cor Zzp", iban=OK_IBAN, kvk="12345678")
        b.engagement(c, "O1", "E001", "GEM", travel_policy="km")  # 5.75/h, km 0.23
        b.engagement(c, "O2", "E002", "GEM", regime="vacatiegeld")  # 60 per meeting
        b.engagement(c, "O3", "E003", "GEM", regime="zzp")
        b.entry(c, "O1", date(2026, 11, 3), minutes=150, km="12", activity="Adviesgesprek")  # 14.38 + 2.76
        b.entry(c, "O1", date(2026, 11, 10), minutes=60, inkind="10.00", activity="Training")  # 5.75 (+10 in kind)
        b.entry(c, "O1", date(2026, 11, 12), minutes=60, status="logged")  # not approved: not paid
        b.entry(c, "O2", date(2026, 11, 18), quantity=2, activity="Adviesraad", expense="12.40", receipt=True)  # 120 + 12.40
        b.entry(c, "O3", date(2026, 11, 4), minutes=120, activity="Advies")  # zzp: via factuur
        b.entry(c, "O1", date(2026, 12, 2), minutes=60)  # after the period: not paid now
    eng.dispose()


@pytest.fixture
def db(tmp_db: Path) -> Path:
    seed(tmp_db)
    return tmp_db


def test_payout_writes_everything(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    assert "2 overboeking(en), totaal €\u00a0155,29" in r.stdout  # 17.14 + 5.75 + 132.40
    names = sorted(p.name for p in out.iterdir())
    assert names == ["sepa-2026-11.xml", "specificatie-2026-11-E001.pdf", "specificatie-2026-11-E002.pdf",
                     "uitbetaling-2026-11.pdf", "uitbetaling-2026-11.xlsx"]
    # xlsx read back to the cent
    wb = openpyxl.load_workbook(out / "uitbetaling-2026-11.xlsx", data_only=True)  # totals: cached values
    ws = wb["Samenvatting"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    header = rows[0]
    data = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[0]}
    assert data["E001"]["Te betalen"] == pytest.approx(22.89) and isinstance(data["E001"]["Te betalen"], float | int)
    assert Decimal(str(data["E001"]["Reiskosten"])) == Decimal("2.76")
    assert Decimal(str(data["E001"]["In natura (niet overgemaakt)"])) == Decimal("10")
    assert Decimal(str(data["E002"]["Te betalen"])) == Decimal("132.4")
    assert data["E003"]["Betaalwijze"] == "via factuur" and Decimal(str(data["E003"]["In SEPA-batch"])) == 0
    assert Decimal(str(data["Totaal"]["In SEPA-batch"])) == Decimal("155.29")
    lines = list(wb["Regels"].iter_rows(min_row=2, values_only=True))
    assert {ln[1] for ln in lines if ln[1]} == {"E001", "E002", "E003", "Totaal"}
    assert wb["Regels"]["F2"].is_date
    # streamed sheets keep their filter buttons: header to last data row, not the totals
    assert wb["Regels"].auto_filter.ref == f"A1:R{len(lines)}"  # R: "Te laat"
    assert ws.auto_filter.ref == "A3:N6"  # Uren, Bijeenkomsten, Sessies, Dagen
    # SEPA validated against the schema, amounts and IBANs
    import sepaxml

    xsd = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
    schema = xmlschema.XMLSchema(str(xsd))
    schema.validate(str(out / "sepa-2026-11.xml"))
    doc = schema.to_dict(str(out / "sepa-2026-11.xml"))
    info = doc["CstmrCdtTrfInitn"]
    assert Decimal(str(info["GrpHdr"]["CtrlSum"])) == Decimal("155.29") and info["GrpHdr"]["NbOfTxs"] == "2"
    txs = info["PmtInf"][0]["CdtTrfTxInf"]
    got = sorted((t["CdtrAcct"]["Id"]["IBAN"], Decimal(str(t["Amt"]["InstdAmt"]["$"]))) for t in txs)
    assert got == sorted([(E1_IBAN, Decimal("22.89")), (E2_IBAN, Decimal("132.40"))])
    assert info["PmtInf"][0]["DbtrAcct"]["Id"]["IBAN"] == OK_IBAN
    # statement PDF text
    text = subprocess.run(["pdftotext", "-layout", str(out / "specificatie-2026-11-E001.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Uw vergoeding over november 2026" in text and "€ 22,89" in text and "3 uur en 30 minuten" in text
    assert "nog € 181,36" in text  # 220 - (17.14 + 5.75 + 10 in kind + 5.75 logged)
    assert re.search(r"Vrijwilligersvergoeding\s+€ 22,89", text)
    # entries settled with the payout id; logged and zzp untouched
    eng = b.new_engine(db)
    with eng.connect() as c:
        rows2 = c.execute(select(s.entries.c.work_date, s.entries.c.status, s.entries.c.payout_id)
                          .order_by(s.entries.c.id)).all()
        payout_row = c.execute(select(s.payouts)).one()
        audit = c.execute(select(s.audit_log.c.action)).scalars().all()
    assert [r.status for r in rows2] == ["settled", "settled", "logged", "settled", "approved", "approved"]
    assert payout_row.total_cents == 15529 and payout_row.override_reason is None
    assert "payout.create" in audit


def test_room_in_statement_counts_inkind_and_logged(cli, runner: CliRunner, db: Path) -> None:
    """Room: 17.14 + 15.75 (5.75 + 10 in kind) + 5.75 logged = 38.64 counted -> 181.36 left."""
    r = runner.invoke(cli, ["room", "--expert", "E001", "--on", "2026-11-20", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    month = data["periods"][0]
    assert (month["counted"], month["left"], month["limit"]) == ("38.64", "181.36", "220")


def test_expert_without_iban_is_held_and_the_others_are_paid(cli, runner: CliRunner, tmp_db: Path,
                                                           tmp_path: Path) -> None:
    seed(tmp_db, bad_iban=True)
    out = tmp_path / "o"
    c = runner.invoke(cli, ["check", "--period", "2026-11", "--format", "json"])
    assert c.exit_code == 1
    assert [f["rule"] for f in json.loads(c.stdout) if f["severity"] == "error"] == ["payment.missing_data",
                                                                                    "payout.held"]
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11, 1 overboeking(en), totaal €\u00a0132,40, 1 regel(s) afgerekend." in r.stdout
    assert "Aangehouden (1)" in r.stdout and "E001 Anne de Vries:" in r.stdout
    eng = b.new_engine(tmp_db)
    with eng.connect() as conn:
        statuses = conn.execute(select(s.entries.c.status).order_by(s.entries.c.id)).scalars().all()
        detail = json.loads(conn.execute(select(s.audit_log.c.detail).where(
            s.audit_log.c.action == "payout.create")).scalar_one())
    # E001 has no IBAN: held, its lines stay open; E002 paid; zzp via invoice
    assert statuses == ["approved", "approved", "logged", "settled", "approved", "approved"]
    assert detail["held"] == ["E001"]
    assert sorted(p.name for p in out.iterdir()) == ["sepa-2026-11.xml", "specificatie-2026-11-E002.pdf",
                                                      "uitbetaling-2026-11.pdf", "uitbetaling-2026-11.xlsx"]
    import openpyxl

    held = list(openpyxl.load_workbook(out / "uitbetaling-2026-11.xlsx")["Aangehouden"].iter_rows(values_only=True))
    assert held[1][0] == "E001" and "IBAN" in held[1][2]


def test_second_payout_refused_and_reprint_identical(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a"
    env = {"VERGOEDING_TODAY": "2026-11-27"}
    assert runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env=env).exit_code == 0
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "b")], env=env)
    assert r.exit_code == 1 and "alles van november 2026 is al uitbetaald" in r.stderr and "--reprint" in r.stderr
    again = tmp_path / "c"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(again), "--reprint"],
                      env={"VERGOEDING_TODAY": "2027-02-01"})
    assert r.exit_code == 0, r.output
    for f in out.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes(), f.name


def test_reprint_of_unpaid_period(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    r = runner.invoke(cli, ["payout", "--period", "2026-10", "--out", str(tmp_path), "--reprint"])
    assert r.exit_code == 1 and "nog niet uitbetaald" in r.stderr
