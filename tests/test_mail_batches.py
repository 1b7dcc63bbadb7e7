# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""``mail statements``, ``mail invoices`` and ``mail reminders`` on a paid and invoiced month,
sent to a real SMTP server and read back: the right person, the document's own bytes, the
e-invoice valid; privacy (only the expert's own address, checked again when sending; no BSN)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import builders as b
import pytest
from click.testing import CliRunner
from smtp_server import Server
from sqlalchemy import delete, update
from test_payout_cli import seed

from vergoeding.api.invoices import create_client_invoice, issue
from vergoeding.api.payout import payout
from vergoeding.api.workspace import open_workspace
from vergoeding.core.period import parse_period
from vergoeding.store import schema as s

FROM = "Stichting Ervaringskracht <administratie@ervaringskracht.example>"
TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def server():
    with Server() as srv:
        yield srv


@pytest.fixture(scope="module")
def paid(tmp_path_factory) -> tuple[Path, Path]:
    """November 2026 paid (statements for E001 and E002) and invoiced to GEM (one invoice)."""
    folder = tmp_path_factory.mktemp("mail")
    db = folder / "vergoeding.db"
    seed(db)
    ws = open_workspace(db=str(db))
    try:
        payout(ws, "2026-11", folder / "uit", date(2026, 11, 27))
        inv = create_client_invoice(ws, "GEM", parse_period("2026-11"), issue_date=date(2026, 12, 1), concept=True)
        issue(ws, inv.label, issue_date=date(2026, 12, 1))
        # a private client without KvK or OIN: its invoice is a PDF without e-invoice
        with ws.engine.begin() as c:
            b.org(c, "PRIV", name="Familie de Wit", kvk=None, contact_email="dewit@voorbeeld.nl")
            b.engagement(c, "O4", "E001", "PRIV", client_rate="40.00")
            b.entry(c, "O4", date(2026, 11, 20), minutes=60, activity="Huisbezoek")
        inv = create_client_invoice(ws, "PRIV", parse_period("2026-11"), issue_date=date(2026, 12, 1), concept=True)
        issue(ws, inv.label, issue_date=date(2026, 12, 1))
        with ws.engine.begin() as c:
            c.execute(update(s.experts).where(s.experts.c.code == "E001").values(email="anne@voorbeeld.nl"))
            c.execute(update(s.experts).where(s.experts.c.code == "E002").values(email="bram@voorbeeld.nl",
                                                                                 bsn="111222333"))
            c.execute(update(s.organisations).where(s.organisations.c.code == "GEM").values(
                invoice_email="facturen@utrecht.example", contact_name="Team Inkoop"))
            c.execute(update(s.organisations).where(s.organisations.c.kind == "own").values(
                phone="030 123 4567", contact_email="administratie@ervaringskracht.example"))
    finally:
        ws.close()
    return db, folder / "uit"


@pytest.fixture
def env(paid, server: Server, runner: CliRunner):
    """A clean outbox and mailbox; the environment of a run."""
    db, _ = paid
    ws = open_workspace(db=str(db))
    with ws.engine.begin() as c:
        c.execute(delete(s.outbox_attachments))
        c.execute(delete(s.outbox))
        c.execute(update(s.experts).values(mail_opt_out=False))
    ws.close()
    server.handler.received.clear()
    return {"VERGOEDING_DB": str(db), "VERGOEDING_TODAY": TODAY, "VERGOEDING_MAIL_FROM": FROM,
            "VERGOEDING_SMTP": f"smtp://127.0.0.1:{server.port}"}


def test_statements_go_to_each_paid_expert_with_their_own_pdf(cli, runner, env, paid, server) -> None:
    _, out = paid
    ws = open_workspace(db=env["VERGOEDING_DB"])
    with ws.engine.begin() as c:
        c.execute(update(s.experts).where(s.experts.c.code == "E002").values(mail_opt_out=True))
    ws.close()
    dry = runner.invoke(cli, ["mail", "statements", "--period", "2026-11", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "E001 Anne de Vries <anne@voorbeeld.nl>: Uw specificatie van november 2026 [specificatie-2026-11-E001.pdf]",
        "Zou klaarzetten: 1 mail(s) (specificaties november 2026).",
        "Overgeslagen: 1.",
        "  E002 Bram Jansen: wil geen mail (--no-mail)",
        "Er is niets klaargezet of verzonden (--dry-run)."]
    r = runner.invoke(cli, ["mail", "statements", "--period", "2026-11"], env=env)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "Klaargezet: 1 mail(s) (specificaties november 2026)."
    again = runner.invoke(cli, ["mail", "statements", "--period", "2026-11"], env=env)
    assert again.stdout.splitlines()[:2] == ["Klaargezet: 0 mail(s) (specificaties november 2026).",
                                             "Al eerder klaargezet (niet opnieuw): 1."]
    sent = runner.invoke(cli, ["mail", "send"], env=env)
    assert sent.stdout == "Verzonden: 1 mail(s).\n", sent.output
    [(rcpt, _)] = server.handler.received
    [msg] = server.handler.messages()
    assert rcpt == ["anne@voorbeeld.nl"] and msg["Subject"] == "Uw specificatie van november 2026"
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_filename() == "specificatie-2026-11-E001.pdf" and pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == (out / "specificatie-2026-11-E001.pdf").read_bytes()  # the payout's own file
    body = msg.get_body(("plain",)).get_content()
    assert "Beste Anne," in body and "Wij betalen u €\u00a022,89 voor november 2026." in body
    assert "Stichting Ervaringskracht" in body and "telefoon 030 123 4567" in body
    # the audit says who queued what; the outbox row links the mail to the expert and the payout
    listed = json.loads(runner.invoke(cli, ["mail", "list", "--format", "json"], env=env).stdout)
    assert [(d["kind"], d["ref"], d["state"]) for d in listed["rows"]] == [("statement", "payout:2026-11:E001", "sent")]


def test_a_statement_goes_nowhere_when_the_address_changed_after_queueing(cli, runner, env, server) -> None:
    assert runner.invoke(cli, ["mail", "statements", "--period", "2026-11"], env=env).exit_code == 0
    edit = runner.invoke(cli, ["expert", "edit", "E002", "--email", "b.jansen@elders.example"], env=env)
    assert edit.exit_code == 0, edit.output
    r = runner.invoke(cli, ["mail", "send"], env=env)
    assert r.exit_code == 1
    assert "het e-mailadres van de deskundige is gewijzigd sinds deze mail in de wachtrij kwam" in r.stdout
    assert [x[0] for x in server.handler.received] == [["anne@voorbeeld.nl"]]
    audit = json.loads(runner.invoke(cli, ["audit", "--entity", "expert", "--format", "json"], env=env).stdout)
    changes = [a for a in audit if a["action"] == "edit"] if isinstance(audit, list) else audit["rows"]
    assert any("b.jansen@elders.example" in json.dumps(a, ensure_ascii=False) for a in changes)
    # queued again: to the address on the record now, never to another one
    failed = json.loads(runner.invoke(cli, ["mail", "list", "--state", "failed", "--format", "json"], env=env).stdout)
    [mail_id] = [d["id"] for d in failed["rows"]]
    other = runner.invoke(cli, ["mail", "retry", str(mail_id), "--to", "iemand@anders.example"], env=env)
    assert other.exit_code == 1 and "gaat alleen naar het adres in diens gegevens (b.jansen@elders.example)" in other.stderr
    again = runner.invoke(cli, ["mail", "retry", str(mail_id)], env=env)
    assert again.stdout == f"#{mail_id} statement aan b.jansen@elders.example: weer in de wachtrij.\n", again.output
    assert runner.invoke(cli, ["mail", "send"], env=env).stdout == "Verzonden: 1 mail(s).\n"
    assert [x[0] for x in server.handler.received][-1] == ["b.jansen@elders.example"]
    ws = open_workspace(db=env["VERGOEDING_DB"])
    with ws.engine.begin() as c:
        c.execute(update(s.experts).where(s.experts.c.code == "E002").values(email="bram@voorbeeld.nl"))
    ws.close()


def test_statements_as_a_link_to_the_portal_without_bsn(cli, runner, env, server) -> None:
    env = {**env, "VERGOEDING_WEB_URL": "https://portaal.ervaringskracht.example"}
    r = runner.invoke(cli, ["mail", "statements", "--period", "2026-11"], env=env)
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["mail", "send"], env=env).exit_code == 0
    msgs = {m["To"]: m for m in server.handler.messages()}
    assert sorted(msgs) == ["anne@voorbeeld.nl", "bram@voorbeeld.nl"]
    bram = msgs["bram@voorbeeld.nl"]
    assert list(bram.iter_attachments()) == []
    body = bram.get_body(("plain",)).get_content()
    assert "https://portaal.ervaringskracht.example/mijn/betalingen/2026-11.pdf" in body
    assert '<a href="https://portaal.ervaringskracht.example/mijn/betalingen/2026-11.pdf">' in \
        bram.get_body(("html",)).get_content()
    raw = b"".join(r for _, r in server.handler.received)
    assert b"111222333" not in raw and "111222333" not in body


def test_invoices_go_to_the_invoice_address_with_pdf_and_valid_xml(cli, runner, env, server, ubl_rules) -> None:
    r = runner.invoke(cli, ["mail", "invoices", "--period", "2026-11"], env=env)
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["mail", "send"], env=env).exit_code == 0
    msg, private = server.handler.messages()
    # the private client's invoice was issued without e-invoice: the PDF alone, to its contact
    assert private["To"] == "dewit@voorbeeld.nl"
    assert [a.get_filename()[-4:] for a in private.iter_attachments()] == [".pdf"]
    assert "In de bijlage vindt u de factuur als PDF." in private.get_body(("plain",)).get_content()
    number = msg["Subject"].split()[1]
    assert msg["To"] == "facturen@utrecht.example"
    assert msg["Subject"] == f"Factuur {number} van Stichting Ervaringskracht"
    pdf, xml = list(msg.iter_attachments())
    assert (pdf.get_filename(), xml.get_filename()) == (f"factuur-{number}.pdf", f"factuur-{number}.xml")
    assert xml.get_content_type() == "application/xml"
    data = xml.get_content()
    assert ubl_rules.fatal(data) == []
    ws = open_workspace(db=env["VERGOEDING_DB"])
    from vergoeding.api.invoices import render

    assert data == render(ws, number, "ubl") and pdf.get_content() == render(ws, number, "pdf")
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Beste Team Inkoop,") and f"Hierbij ontvangt u factuur {number}" in body
    # XML alone for a client that asks for it; once per invoice
    with ws.engine.begin() as c:
        c.execute(update(s.organisations).where(s.organisations.c.code == "GEM").values(invoice_mail="xml"))
        c.execute(delete(s.outbox_attachments))
        c.execute(delete(s.outbox))
    ws.close()
    server.handler.received.clear()
    r = runner.invoke(cli, ["mail", "invoices", "--number", number], env=env)
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["mail", "invoices", "--number", number], env=env).stdout.startswith("Klaargezet: 0")
    assert runner.invoke(cli, ["mail", "send"], env=env).exit_code == 0
    [msg] = server.handler.messages()
    assert [a.get_filename() for a in msg.iter_attachments()] == [f"factuur-{number}.xml"]
    ws = open_workspace(db=env["VERGOEDING_DB"])
    with ws.engine.begin() as c:
        c.execute(update(s.organisations).where(s.organisations.c.code == "GEM").values(invoice_mail="pdf"))
    ws.close()


def test_reminders_once_per_period_to_who_has_no_hours(cli, runner, env, server) -> None:
    # December: E001 has hours (2 December), E002 and E003 have an engagement and none
    ws = open_workspace(db=env["VERGOEDING_DB"])
    with ws.engine.begin() as c:
        c.execute(update(s.experts).where(s.experts.c.code == "E003").values(email=None))
    ws.close()
    args = ["mail", "reminders", "--period", "2026-12", "--before", "05-01-2027"]
    r = runner.invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:3] == ["Klaargezet: 1 mail(s) (herinneringen december 2026).",
                                         "Overgeslagen: 1.", "  E003 Cor Zzp: geen e-mailadres"]
    assert runner.invoke(cli, args, env=env).stdout.startswith("Klaargezet: 0 mail(s)")
    assert runner.invoke(cli, ["mail", "send"], env=env).exit_code == 0
    [msg] = server.handler.messages()
    assert msg["To"] == "bram@voorbeeld.nl" and msg["Subject"] == "Wilt u uw uren van december 2026 doorgeven?"
    assert "Wilt u uw uren doorgeven vóór 5 januari 2027?" in msg.get_body(("plain",)).get_content()
    past = runner.invoke(cli, ["mail", "reminders", "--period", "2026-12", "--before", "01-11-2026"], env=env)
    assert past.exit_code == 2 and "ligt in het verleden" in past.stderr


def test_no_statements_before_the_payout(cli, runner, env) -> None:
    r = runner.invoke(cli, ["mail", "statements", "--period", "2026-10"], env=env)
    assert r.exit_code == 1
    assert r.stderr == ("fout: oktober 2026 is nog niet uitbetaald: er zijn geen specificaties om te versturen "
                        "(eerst 'vergoeding payout --period 2026-10')\n")


def test_year_statements_to_each_paid_expert(cli, runner, env, server) -> None:
    dry = runner.invoke(cli, ["mail", "year-statements", "--year", "2026", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[:2] == [
        "E001 Anne de Vries <anne@voorbeeld.nl>: Uw jaaropgave 2026 [jaaropgave-E001-2026.pdf]",
        "E002 Bram Jansen <bram@voorbeeld.nl>: Uw jaaropgave 2026 [jaaropgave-E002-2026.pdf]"]
    assert runner.invoke(cli, ["mail", "year-statements", "--year", "2026"], env=env).exit_code == 0
    assert runner.invoke(cli, ["mail", "send"], env=env).exit_code == 0
    msgs = {m["To"]: m for m in server.handler.messages()}
    [pdf] = list(msgs["anne@voorbeeld.nl"].iter_attachments())
    out = Path(env["VERGOEDING_DB"]).parent / "jaaropgave-E001-2026.pdf"
    direct = runner.invoke(cli, ["statement", "--expert", "E001", "--year", "2026", "-o", str(out)], env=env)
    assert direct.exit_code == 0, direct.output
    assert pdf.get_filename() == "jaaropgave-E001-2026.pdf"
    assert pdf.get_content() == out.read_bytes()  # the same document as 'vergoeding statement' writes


def test_addresses_and_choices_are_set_on_the_command_line(cli, runner, env) -> None:
    r = runner.invoke(cli, ["org", "edit", "GEM", "--invoice-email", "geen-adres", "--invoice-mail", "xml"], env=env)
    assert r.exit_code != 0 and "e-mail voor facturen" in r.stderr and "is geen e-mailadres" in r.stderr
    r = runner.invoke(cli, ["org", "edit", "GEM", "--invoice-email", "crediteuren@utrecht.example",
                            "--invoice-mail", "xml"], env=env)
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["expert", "edit", "E002", "--no-mail"], env=env).exit_code == 0
    dry = runner.invoke(cli, ["mail", "statements", "--period", "2026-11", "--dry-run"], env=env)
    assert "  E002 Bram Jansen: wil geen mail (--no-mail)" in dry.stdout.splitlines()
    dry = runner.invoke(cli, ["mail", "invoices", "--dry-run"], env=env)
    gem = [line for line in dry.stdout.splitlines() if line.startswith("GEM ")]
    assert len(gem) == 1 and "<crediteuren@utrecht.example>" in gem[0] and gem[0].endswith(".xml]")
    assert ".pdf" not in gem[0]
    assert runner.invoke(cli, ["expert", "edit", "E002", "--mail"], env=env).exit_code == 0
    assert runner.invoke(cli, ["org", "edit", "GEM", "--invoice-email", "facturen@utrecht.example",
                               "--invoice-mail", "pdf"], env=env).exit_code == 0
    audit = runner.invoke(cli, ["audit", "--entity", "organisation", "--format", "json"], env=env).stdout
    assert "crediteuren@utrecht.example" in audit
