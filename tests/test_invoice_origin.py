"""Where an invoice comes from is stored (``invoices.origin``, migration 20), never read off
what the invoice lacks: a database of schema 19 holding every kind of invoice the old code
made is upgraded, each row gets the origin the database knows for certain, and the expert
invoices we made in a freelancer's name before the distinction existed are marked as such
("door ons opgemaakt"): ours, reprinted as the invoice that was sent, credited with a number
of ours, never read as received (docs/E-INVOICE.md, "Where an invoice comes from")."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import builders as b
import click
import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, select

from vergoeding.core.invoice import (
    KOR_NOTE,
    SELF_BILLING_NOTE,
    Address,
    Invoice,
    InvoiceLine,
    Party,
    VatTreatment,
    credit_note,
    invoice_to_dict,
)
from vergoeding.store import db
from vergoeding.store import schema as s
from vergoeding.store.db import current_version, make_engine, migrate, now_utc
from vergoeding.store.migrations import MIGRATIONS

ENV = {"VERGOEDING_TODAY": "2026-12-07"}
US = Party("Stichting Ervaring Werkt", Address("Oudegracht 100", "3511 AZ", "Utrecht"), "NL000099998B57",
           "12345678", "NL91ABNA0417164300", "ABNANL2A", code="EIGEN")
CITY = Party("Gemeente Utrecht", Address("Stadsplateau 1", "3521 AZ", "Utrecht"), "NL002220647B01", "41234567",
             oin="00000001002220647000", code="GEM-UTR")
BRAM = Party("Bram Jansen", Address("Biltstraat 9", "3572 AB", "Utrecht"), "NL001234567B01", "87654321",
             "NL44RABO0123456789", code="E002")
COR = Party("Cor Pieters", Address("Kerkstraat 5", "3511 BB", "Utrecht"), "NL002345678B01", "76543210",
            "NL44RABO0123456789", code="E003")
DINA = Party("Dina Bakker", Address("Kerkstraat 5", "3511 BB", "Utrecht"), "NL003456789B01", "65432109",
             "NL44RABO0123456789", code="E004")
VAT21 = VatTreatment(Decimal("0.21"))
KOR = VatTreatment(Decimal("0"), KOR_NOTE, "kor")
OCT = (date(2026, 10, 1), date(2026, 10, 31))


def _invoice(kind: str, supplier: Party, customer: Party, number: str | None, day: date, qty: str, price: str,
             vat: VatTreatment = VAT21, **kw: Any) -> Invoice:
    line = InvoiceLine("inzet als ervaringsdeskundige", Decimal(qty), "uur", Decimal(price), vat, *OCT)
    return Invoice(kind=kind, supplier=supplier, customer=customer, issue_date=day, lines=(line,), number=number,
                   period="2026-10", **kw)


def _old_row(c: Connection, inv: Invoice, *, status: str, series: str | None, client_id: int | None = None,
             expert_id: int | None = None, credit_of: int | None = None, approved_at: date | None = None) -> int:
    """An invoice row as the code of schema 19 wrote it: no origin column."""
    t = inv.totals
    return int(c.execute(s.invoices.insert().values(
        number=inv.number, series=series, kind=inv.kind, status=status,
        issue_date=inv.issue_date if status != "concept" else None, client_id=client_id, expert_id=expert_id,
        credit_of=credit_of, self_billed=inv.self_billed, period=inv.period, total_excl_cents=int(t.excl * 100),
        vat_cents=int(t.vat * 100), total_cents=int(t.total * 100), approved_at=approved_at,
        snapshot=json.dumps(invoice_to_dict(inv), ensure_ascii=False, sort_keys=True), created_at=now_utc(),
    )).inserted_primary_key[0])


def _schema_19_with_every_kind(path: Path) -> None:
    engine = make_engine(db.db_url(path))
    assert migrate(engine, [m for m in MIGRATIONS if m[0] <= 19]) == 19
    with engine.begin() as c:
        b.org(c, "EIGEN", kind="own", name=US.name)
        city = b.org(c, "GEM-UTR", name=CITY.name)
        bram = b.expert(c, "E002", name=BRAM.name, kvk=BRAM.kvk, vat_id=BRAM.vat_id)
        cor = b.expert(c, "E003", name=COR.name, kvk=COR.kvk, vat_id=COR.vat_id, kor=True)
        dina = b.expert(c, "E004", name=DINA.name, kvk=DINA.kvk, vat_id=DINA.vat_id)
        # our client invoice and our credit note on it
        client = _invoice("client", US, CITY, "2026-0001", date(2026, 11, 5), "3", "85.00")
        first = _old_row(c, client, status="credited", series="factuur:2026", client_id=city)
        _old_row(c, replace(credit_note(client, issue_date=date(2026, 11, 6), reason="fout"), number="2026-0002"),
                 status="issued", series="factuur:2026", client_id=city, credit_of=first)
        # self-billed under a recorded agreement
        _old_row(c, _invoice("expert", BRAM, US, "ZF2026-E002-001", date(2026, 11, 5), "7.33", "62.50",
                             self_billed=True, notes=(SELF_BILLING_NOTE,)),
                 status="issued", series="zelffacturering:E002:2026", expert_id=bram, approved_at=date(2026, 11, 5))
        # received: Cor's own invoices under his numbers, his credit note on the first
        cp9 = _invoice("expert", COR, US, "CP-9", date(2026, 11, 2), "2", "55.00", KOR)
        nine = _old_row(c, cp9, status="credited", series=None, expert_id=cor)
        _old_row(c, replace(credit_note(cp9, issue_date=date(2026, 11, 4), reason="dubbel"), number="CP-C1"),
                 status="issued", series=None, expert_id=cor, credit_of=nine)
        _old_row(c, _invoice("expert", COR, US, "CP-10", date(2026, 11, 4), "2", "55.00", KOR),
                 status="issued", series=None, expert_id=cor)
        # made by us in Dina's name before issue 22 ('invoice expert' without --self-billing):
        # our "deskundige" series, no self-billing flag, no note; and a concept of one
        _old_row(c, _invoice("expert", DINA, US, "E004-2026-001", date(2026, 10, 31), "4", "60.00"),
                 status="issued", series="deskundige:E004:2026", expert_id=dina)
        c.execute(s.invoice_series.insert().values(series="deskundige:E004:2026", next_number=2))
        _old_row(c, _invoice("expert", DINA, US, None, date(2026, 11, 30), "2", "60.00"),
                 status="concept", series=None, expert_id=dina)
    engine.dispose()


@pytest.fixture
def upgraded(tmp_db: Path) -> Path:
    _schema_19_with_every_kind(tmp_db)
    engine = make_engine(db.db_url(tmp_db))
    assert migrate(engine) == MIGRATIONS[-1][0]
    engine.dispose()
    return tmp_db


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env=ENV)


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.replace("\u00a0", " ").split())


@pytest.mark.pg_empty
def test_migration_20_stores_the_origin_the_database_knows(upgraded: Path) -> None:
    engine = make_engine(db.db_url(upgraded))
    with engine.connect() as c:
        assert current_version(c) >= 20
        rows = dict(c.execute(select(s.invoices.c.id, s.invoices.c.origin).order_by(s.invoices.c.id)).all())
        numbers = dict(c.execute(select(s.invoices.c.id, s.invoices.c.number)).all())
    engine.dispose()
    assert {numbers[i] or f"concept-{i}": o for i, o in rows.items()} == {
        "2026-0001": "issued", "2026-0002": "issued",  # ours to the client, and our credit note
        "ZF2026-E002-001": "self_billed",
        "CP-9": "received", "CP-C1": "received", "CP-10": "received",  # his own: no series of ours
        "E004-2026-001": "prepared", "concept-8": "prepared",  # ours in her name, agreement not known
    }


@pytest.mark.pg_empty
def test_after_the_upgrade_the_commands_read_the_stored_origin(upgraded: Path, runner: CliRunner,
                                                              cli: click.Group, tmp_path: Path) -> None:
    r = run(runner, cli, "invoice", "list", "--format", "json")
    assert r.exit_code == 0, r.output
    assert [(x["number"], x["origin"]) for x in json.loads(r.stdout)] == [
        ("2026-0001", "issued"), ("2026-0002", "issued"), ("ZF2026-E002-001", "self_billed"), ("CP-9", "received"),
        ("CP-C1", "received"), ("CP-10", "received"), ("E004-2026-001", "prepared"), ("concept-8", "prepared")]
    table = run(runner, cli, "invoice", "list", "--breed").stdout  # one line an invoice
    assert table.splitlines()[0].split()[:4] == ["nummer", "soort", "herkomst", "status"]
    line = next(x for x in table.splitlines() if x.startswith("E004-2026-001"))
    assert line.split()[1:6] == ["deskundige", "door", "ons", "opgemaakt", "uitgereikt"], line
    line = next(x for x in table.splitlines() if x.startswith("CP-10"))
    assert line.split()[1:4] == ["deskundige", "ontvangen", "te"], line  # "te keuren": waits for approval
    show = run(runner, cli, "invoice", "show", "E004-2026-001").stdout
    assert show.startswith("Factuur E004-2026-001 (uitgereikt, door ons opgemaakt)\n"
                           "  Deze factuur op naam van Dina Bakker maakten wij voordat de herkomst werd bijgehouden; "
                           "of zelffacturering was afgesproken, is niet vastgelegd.\n"), show

    # the invoice we made in her name reprints as the invoice that was sent, not as a registration
    pdf = tmp_path / "e004.pdf"
    assert run(runner, cli, "invoice", "render", "E004-2026-001", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    text = text_of(pdf)
    assert text.startswith("Dina Bakker Factuur") and "Dit is geen factuur" not in text, text[:200]
    assert "€ 60,00" in text and "€ 240,00" in text and "€ 290,40" in text and "Vervaldatum" in text
    xml = tmp_path / "e004.xml"  # its e-invoice is ours too
    assert run(runner, cli, "invoice", "render", "E004-2026-001", "--format", "ubl", "-o", str(xml)).exit_code == 0
    assert "<cbc:ID>E004-2026-001</cbc:ID>" in xml.read_text(encoding="utf-8")
    # Cor's own invoice: our registration of it, and no e-invoice of ours
    assert run(runner, cli, "invoice", "render", "CP-10", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    text = text_of(pdf)
    assert text.startswith("Stichting Ervaring Werkt Registratie ontvangen factuur"), text[:80]
    assert "Dit is geen factuur: de factuur is CP-10 van Cor Pieters van 4 november 2026." in text
    r = run(runner, cli, "invoice", "render", "CP-10", "--format", "ubl", "-o", str(tmp_path / "cp.xml"))
    assert r.exit_code == 1 and "de factuur die Cor Pieters ons stuurde" in r.stderr
    assert not (tmp_path / "cp.xml").exists()

    # credit notes: ours on the invoice we made takes the next number of our series ...
    r = run(runner, cli, "invoice", "credit", "E004-2026-001", "--reason", "verkeerd tarief", "--date", "7-12-2026")
    assert r.exit_code == 0, r.output
    assert "E004-2026-002" in r.stdout
    # ... Cor's invoice is credited by Cor: his number, never one of ours
    r = run(runner, cli, "invoice", "credit", "CP-10", "--reason", "dubbel")
    assert r.exit_code == 1 and "--number HUN-NUMMER" in r.stderr
    r = run(runner, cli, "invoice", "credit", "CP-10", "--reason", "dubbel", "--number", "CP-C2", "--date", "5-12-2026")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Ontvangen creditnota CP-C2 geregistreerd: Cor Pieters, vervalt factuur CP-10")
    rows = {x["number"]: x["origin"] for x in json.loads(run(runner, cli, "invoice", "list", "--format",
                                                              "json").stdout)}
    assert (rows["E004-2026-002"], rows["CP-C2"]) == ("prepared", "received")  # a credit note: its original's
    line = next(x for x in run(runner, cli, "invoice", "list", "--breed").stdout.splitlines() if x.startswith("CP-C2"))
    assert line.split()[1:4] == ["creditnota", "ontvangen", "geregistreerd"], line  # nothing to approve

    # the old concept in her name is not issued now: the way out is named, nothing changes
    r = run(runner, cli, "invoice", "issue", "concept-8", "--date", "7-12-2026")
    assert r.exit_code == 1 and r.stdout == ""
    assert "concept concept-8 is een factuur op naam van Dina Bakker zonder vastgelegde zelffacturering" in r.stderr
    assert "'vergoeding invoice discard concept-8'" in r.stderr
    js = json.loads(run(runner, cli, "invoice", "show", "concept-8", "--format", "json").stdout)
    assert (js["status"], js["number"], js["origin"]) == ("concept", None, "prepared")


@pytest.mark.pg_empty
def test_the_payout_overview_names_the_stored_origin(upgraded: Path, runner: CliRunner, cli: click.Group,
                                                     tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for number in ("CP-10", "E004-2026-001"):  # neither was approved before the upgrade
        assert run(runner, cli, "invoice", "approve", number).exit_code == 0
    out = tmp_path / "pay"
    r = run(runner, cli, "payout", "--period", "2026-11", "--out", str(out))
    assert r.exit_code == 0, r.output
    values = [[c.value for c in row] for row in load_workbook(out / "uitbetaling-2026-11.xlsx")["Facturen"].iter_rows()]
    assert [(v[0], v[4], v[5]) for v in values[1:4]] == [
        ("E004-2026-001", "door ons opgemaakt", 290.4), ("CP-10", "ontvangen", 110),
        ("ZF2026-E002-001", "zelffacturering", 554.34)]
    text = text_of(out / "uitbetaling-2026-11.pdf")  # the PDF overview's "Soort" column says the same
    assert text.count("door ons opgemaakt") == 1 and text.count("zelffacturering") == 1
    assert "CP-10 E003 Cor Pieters 04-11-2026 ontvangen € 110,00" in text
