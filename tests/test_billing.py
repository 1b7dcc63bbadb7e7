"""Billing every hour (issue 22, items 2 and 3) through the real CLI: payroll hours are
invoiced at the engagement's client rate, `check` lists what is not invoiced yet, a
correction of invoiced work reaches the client (a correction line, or a credit note), and a
client without KvK/OIN gets a PDF invoice without e-invoice unless it must receive them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import builders as b
import click
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from vergoeding.store import schema as s

ENV = {"VERGOEDING_TODAY": "2026-11-05"}


def run(runner: CliRunner, cli: click.Group, *args: str, today: str = "2026-11-05"):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env={"VERGOEDING_TODAY": today})


def seed(db: Path) -> dict[str, int]:
    eng = b.new_engine(db)
    ids: dict[str, int] = {}
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        b.org(c, "GEM", name="Gemeente Utrecht")
        # a private person as client: no KvK, no OIN
        b.org(c, "PRIV", name="J. Jansen", kvk=None, street="Dorpsstraat 3", postcode="1234 AB", city="Ergens")
        b.expert(c, "V1", name="Anne Vrij")
        b.expert(c, "P1", name="Piet Loon")
        b.engagement(c, "GV", "V1", "GEM", expert_rate="5.00", client_rate="45.00", unit="uur")
        b.engagement(c, "GP", "P1", "GEM", regime="loondienst", client_rate="60.00", unit="uur")
        b.engagement(c, "GQ", "V1", "PRIV", expert_rate="5.00", client_rate="40.00", unit="uur")
        b.engagement(c, "GN", "P1", "GEM", regime="loondienst", unit="uur", start=date(2026, 10, 1))  # no client rate
        ids["gv"] = b.entry(c, "GV", date(2026, 10, 6), minutes=120, activity="adviesraad")
        b.entry(c, "GP", date(2026, 10, 7), minutes=180, activity="spreekuur")
        b.entry(c, "GQ", date(2026, 10, 8), minutes=60, activity="gesprek")
        b.entry(c, "GN", date(2026, 10, 9), minutes=60, activity="intern")
    eng.dispose()
    return ids


def test_every_hour_billed_once_and_corrections_reach_the_client(runner: CliRunner, cli: click.Group,
                                                                  tmp_db: Path, tmp_path: Path) -> None:
    ids = seed(tmp_db)
    r = run(runner, cli, "check", "--period", "2026-10", "--format", "json")
    found = {(f["rule"], f.get("engagement") or f["message"][:40]) for f in json.loads(r.stdout)
             if f["rule"].startswith("invoice.")}
    assert ("invoice.no_client_rate", "GN") in found
    texts = [f["message"] for f in json.loads(r.stdout) if f["rule"] == "invoice.not_invoiced"]
    assert texts == [
        "Nog niet gefactureerd aan Gemeente Utrecht (GEM): 2 goedgekeurde regel(s), 5:00 uur, oktober 2026 "
        "(opdracht(en) GP, GV).",
        "Nog niet gefactureerd aan J. Jansen (PRIV): 1 goedgekeurde regel(s), 1:00 uur, oktober 2026 "
        "(opdracht(en) GQ).",
    ]
    # payroll hours are billed at the engagement's client rate: 2 h x 45 + 3 h x 60 = 270.00 + 21% = 326.70
    r = run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Factuur 2026-0001: Gemeente Utrecht, 2 regel(s), excl. btw €\u00a0270,00")
    assert "totaal €\u00a0326,70" in r.stdout and r.stderr == ""
    # a private person: a complete PDF invoice without e-invoice, and the command says why
    r = run(runner, cli, "invoice", "create", "--client", "PRIV", "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Factuur 2026-0002: J. Jansen, 1 regel(s), excl. btw €\u00a040,00")
    assert "Zonder e-factuur: J. Jansen heeft geen KvK-nummer of OIN" in r.stderr
    assert "vergoeding org edit PRIV --kvk 12345678" in r.stderr
    pdf = tmp_path / "f.pdf"
    assert run(runner, cli, "invoice", "render", "2026-0002", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    reader = PdfReader(pdf)
    text = " ".join(p.extract_text() for p in reader.pages).replace("\xa0", " ")
    assert "J. Jansen" in text and "Dorpsstraat 3" in text and "2026-0002" in text and "e-factuur" not in text
    assert not reader.attachments  # no UBL inside
    r = run(runner, cli, "invoice", "render", "2026-0002", "--format", "ubl", "-o", str(tmp_path / "x.xml"))
    assert r.exit_code == 1 and "zonder e-factuur" in r.output and not (tmp_path / "x.xml").exists()
    # nothing left to bill (GN has no client rate: named, never silently dropped)
    r = run(runner, cli, "check", "--period", "2026-10", "--format", "json")
    rules = [f["rule"] for f in json.loads(r.stdout) if f["rule"].startswith("invoice.")]
    assert rules == ["invoice.no_client_rate"]

    # the meeting of 6 October did not take place for an hour: the client gets a credit note
    r = run(runner, cli, "correct", str(ids["gv"]), "--hours", "1", "--reason", "bijeenkomst duurde maar een uur")
    assert r.exit_code == 0, r.output
    r = run(runner, cli, "check", "--period", "2026-11", "--format", "json")
    assert [f["message"] for f in json.loads(r.stdout) if f["rule"] == "invoice.not_invoiced"] == [
        "Nog niet gefactureerd aan Gemeente Utrecht (GEM): 1 goedgekeurde regel(s), -1:00 uur, correcties op "
        "gefactureerd werk (opdracht(en) GV)."]
    r = run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-11")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Creditnota 2026-0003: Gemeente Utrecht, 1 regel(s), excl. btw €\u00a0-45,00")
    r = run(runner, cli, "invoice", "show", "2026-0003", "--format", "json")
    shown = json.loads(r.stdout)
    assert shown["credit_of"] == "2026-0001" and shown["totals"]["total"] == "-54.45"
    assert shown["lines"][0]["description"].startswith("Correctie op factuur 2026-0001, ")
    assert "op 06-10-2026 (GV, Anne Vrij): " in shown["lines"][0]["description"]
    assert shown["lines"][0]["quantity"] == "-1.00"
    # the original stays issued: a partial credit
    assert [x["status"] for x in json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)] == [
        "issued", "issued", "issued"]
    # invoiced exactly once: nothing open, a second run finds nothing
    r = run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-11")
    assert r.exit_code == 1 and "geen goedgekeurde, nog niet gefactureerde uren" in r.output


def test_public_body_without_number_is_refused_and_corrections_can_stay_with_us(
        runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    ids = seed(tmp_db)
    r = run(runner, cli, "org", "edit", "PRIV", "--public-body")
    assert r.exit_code == 0, r.output
    r = run(runner, cli, "invoice", "create", "--client", "PRIV", "--period", "2026-10")
    assert r.exit_code == 1
    assert "moet e-facturen ontvangen" in r.output and "vergoeding org edit PRIV --kvk" in r.output
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        assert c.execute(select(s.invoices.c.id)).all() == []  # no number used
    eng.dispose()
    # an engagement whose corrections stay between us and the expert
    assert run(runner, cli, "engagement", "edit", "GV", "--corrections-not-billed").exit_code == 0
    assert run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-10").exit_code == 0
    assert run(runner, cli, "correct", str(ids["gv"]), "--hours", "1", "--reason", "korter dan gepland").exit_code == 0
    r = run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-11")
    assert r.exit_code == 1 and "geen goedgekeurde, nog niet gefactureerde uren" in r.output
    r = run(runner, cli, "engagement", "show", "GV", "--format", "json")
    assert json.loads(r.stdout)["corrections_billed"] is False and json.loads(r.stdout)["billable"] is True


def test_overdue_lists_what_clients_still_owe(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    seed(tmp_db)
    assert run(runner, cli, "invoice", "create", "--client", "GEM", "--period", "2026-10").exit_code == 0
    assert run(runner, cli, "invoice", "create", "--client", "PRIV", "--period", "2026-10").exit_code == 0
    assert run(runner, cli, "invoice", "paid", "2026-0002", "--date", "20-11-2026", today="2026-11-20").exit_code == 0
    # payment term 30 days: 2026-0001 of 05-11-2026 falls due on 05-12-2026
    r = run(runner, cli, "invoice", "list", "--overdue", today="2026-12-05")
    assert r.exit_code == 0 and r.stdout.startswith("Geen facturen over de vervaldatum")
    r = run(runner, cli, "invoice", "list", "--overdue", "--format", "json", today="2026-12-06")
    assert [(x["number"], x["due_date"], x["total"], x["open"]) for x in json.loads(r.stdout)] == [
        ("2026-0001", "2026-12-05", "326.70", "326.70")]
    r = run(runner, cli, "invoice", "list", "--overdue", "--status", "paid")
    assert r.exit_code == 2 and "--overdue" in r.stderr
