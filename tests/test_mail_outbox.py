# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""The outbox against a real SMTP server (aiosmtpd, started by the test): what arrives is
read back with the standard library's ``email`` package. Plain, STARTTLS with a login, a
server that refuses recipients, drops the connection or answers slowly, a wrong host."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from smtp_server import Server, self_signed
from sqlalchemy import select

from vergoeding.api.workspace import open_workspace
from vergoeding.errors import ConfigError, InputError
from vergoeding.mail.config import load_mail_config, parse_url
from vergoeding.mail.outbox import Attachment, Mail, queue_mail, queue_many, send_queued
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

FROM = "Stichting Één Stem <administratie@eenstem.example>"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>F2026-0001</ID></Invoice>\n'


@pytest.fixture(scope="module")
def server():
    with Server() as srv:
        yield srv


@pytest.fixture
def ws(tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch):
    for k in ("VERGOEDING_SMTP", "VERGOEDING_MAIL_FROM", "VERGOEDING_MAIL_REPLY_TO", "VERGOEDING_WEB_URL"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("VERGOEDING_SMTP", f"smtp://127.0.0.1:{server.port}")
    monkeypatch.setenv("VERGOEDING_MAIL_FROM", FROM)
    server.handler.received.clear()
    server.handler.refuse.clear()
    server.handler.drop_at.clear()
    server.handler.say_at.clear()
    server.handler.mails_seen = 0
    server.handler.slow = 0.0
    w = open_workspace(db=str(tmp_path / "vergoeding.db"))
    yield w
    w.close()


def stored(ws, mail_id: int):
    with ws.engine.connect() as c:
        return c.execute(select(s.outbox).where(s.outbox.c.id == mail_id)).one()


def test_a_sent_mail_reads_back_with_its_headers_parts_and_attachments(ws, server, monkeypatch) -> None:
    monkeypatch.setenv("VERGOEDING_MAIL_REPLY_TO", "vragen@eenstem.example")
    subject = "Uw specificatie van november 2026 – € 120,50"
    text = "Beste Anouk,\n\nIn de bijlage staat uw specificatie.\n\nMet vriendelijke groet,\nStichting Één Stem"
    mid = queue_mail(ws, kind="statement", to="anouk@voorbeeld.nl", subject=subject, text=text,
                     attachments=[Attachment("specificatie-2026-11-Ré.pdf", "application/pdf", PDF),
                                  Attachment("factuur.xml", "application/xml", XML)],
                     ref="payout:2026-11:E001")
    report = send_queued(ws)
    assert [o.id for o in report.sent] == [mid] and report.ok
    assert report.summary() == ["Verzonden: 1 mail(s)."]
    [(rcpt, raw)] = server.handler.received
    assert rcpt == ["anouk@voorbeeld.nl"]
    raw.decode("ascii")  # 7-bit on the wire: names and subject encoded as the standards say
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"filename*=utf-8''specificatie-2026-11-R%C3%A9.pdf" in raw
    [msg] = server.handler.messages()
    row = stored(ws, mid)
    assert msg["To"] == "anouk@voorbeeld.nl" and msg["Subject"] == subject
    assert msg["Message-ID"] == row.message_id and row.message_id.endswith("@eenstem.example>")
    sender = msg["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Stichting Één Stem", "administratie@eenstem.example")
    assert msg["Reply-To"] == "vragen@eenstem.example"
    assert msg["Date"].datetime.replace(tzinfo=None) == row.created_at
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == text
    html = msg.get_body(("html",)).get_content()
    assert "<p>Beste Anouk,</p>" in html and "Stichting Één Stem" in html
    files = list(msg.iter_attachments())
    assert [(f.get_filename(), f.get_content_type()) for f in files] == [
        ("specificatie-2026-11-Ré.pdf", "application/pdf"), ("factuur.xml", "application/xml")]
    assert files[0].get_content() == PDF and files[1].get_content() == XML
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None and row.claim is None
    # run again: nothing is due
    assert send_queued(ws).sent == [] and len(server.handler.received) == 1


def test_the_same_key_queues_once(ws) -> None:
    a = queue_mail(ws, kind="login", to="a@voorbeeld.nl", subject="Inloggen", text="Uw link", key="login:17:abc")
    b = queue_mail(ws, kind="login", to="a@voorbeeld.nl", subject="Inloggen", text="Uw link", key="login:17:abc")
    c = queue_mail(ws, kind="login", to="a@voorbeeld.nl", subject="Inloggen", text="Uw link", key="login:17:def")
    assert a == b != c
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.outbox.c.id)).scalars().all() == [a, c]


@pytest.mark.parametrize(("field", "mail", "message"), [
    ("to", Mail("login", "geen-adres", "Inloggen", "x"), "is geen e-mailadres"),
    ("subject", Mail("login", "a@voorbeeld.nl", "Inloggen\r\nBcc: x@y.nl", "x"), "regeleinde"),
    ("bsn", Mail("statement", "a@voorbeeld.nl", "Specificatie", "Uw BSN is 111222333."), "burgerservicenummer"),
])
def test_what_cannot_be_mailed_is_refused_before_the_outbox(ws, field, mail, message) -> None:
    with pytest.raises(InputError, match=message):
        queue_many(ws, [mail])
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.outbox.c.id)).first() is None


def test_only_the_given_ids_go_and_at_once(ws, server) -> None:
    ids = [queue_mail(ws, kind="statement", to=f"p{i}@voorbeeld.nl", subject="Specificatie", text="t")
           for i in range(3)]
    login = queue_mail(ws, kind="login", to="q@voorbeeld.nl", subject="Inloggen", text="link")
    report = send_queued(ws, ids=[login])
    assert [o.id for o in report.sent] == [login]
    assert [r for r, _ in server.handler.received] == [["q@voorbeeld.nl"]]
    assert {stored(ws, i).state for i in ids} == {"queued"}


def test_refused_dropped_and_slow_nothing_lost_nothing_twice(ws, server) -> None:
    h = server.handler
    h.refuse.update({"weg@voorbeeld.nl": "550 5.1.1 Mailbox bestaat niet",
                     "vol@voorbeeld.nl": "452 4.2.2 Mailbox vol"})
    h.drop_at.add(4)  # the server drops the connection at the 4th MAIL FROM
    h.say_at[8] = "421 4.7.0 Te veel berichten op deze verbinding"  # and closes it politely at the 8th
    h.slow = 0.05
    people = [f"p{i}@voorbeeld.nl" for i in range(8)] + ["weg@voorbeeld.nl", "vol@voorbeeld.nl"]
    ids = [i for i, _ in queue_many(ws, [Mail("statement", to, "Specificatie", "t") for to in people])]
    report = send_queued(ws)
    assert len(report.sent) == 8
    assert [(o.to, o.reason) for o in report.failed] == [("weg@voorbeeld.nl", "550 5.1.1 Mailbox bestaat niet")]
    assert [(o.to, o.reason) for o in report.retry] == [("vol@voorbeeld.nl", "452 4.2.2 Mailbox vol")]
    assert report.summary() == [
        "Verzonden: 8 mail(s).",
        "Tijdelijk niet gelukt, later opnieuw: 1.",
        f"  #{ids[9]} vol@voorbeeld.nl: 452 4.2.2 Mailbox vol",
        "Niet afgeleverd (de server weigert): 1.",
        f"  #{ids[8]} weg@voorbeeld.nl: 550 5.1.1 Mailbox bestaat niet"]
    got = [m["Message-ID"] for m in h.messages()]
    assert len(got) == len(set(got)) == 8
    assert sorted(r[0][0] for r in h.received) == sorted(people[:8])
    # the temporary one waits (backoff), then goes once the mailbox has room
    assert send_queued(ws).waiting == 1 and len(h.received) == 8
    del h.refuse["vol@voorbeeld.nl"]
    later = send_queued(ws, now=now_utc() + timedelta(minutes=2))
    assert [o.to for o in later.sent] == ["vol@voorbeeld.nl"]
    assert stored(ws, ids[9]).attempts == 2 and stored(ws, ids[8]).state == "failed"
    got = [m["Message-ID"] for m in h.messages()]
    assert len(got) == len(set(got)) == 9


def test_no_server_at_that_address_keeps_the_mails_queued(ws, monkeypatch) -> None:
    from smtp_server import free_port

    monkeypatch.setenv("VERGOEDING_SMTP", f"smtp://127.0.0.1:{free_port()}")
    mid = queue_mail(ws, kind="login", to="a@voorbeeld.nl", subject="Inloggen", text="x")
    report = send_queued(ws)
    assert report.stopped is not None and "verbinding geweigerd; controleer host en poort" in report.stopped
    assert report.sent == [] and not report.ok
    row = stored(ws, mid)
    assert (row.state, row.attempts, row.claim) == ("queued", 0, None)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    with Server(tls=(cert, key), login=("mailer@eenstem.example", "g3h€im:/@!")) as srv:
        srv.cert = cert
        yield srv


def test_starttls_with_a_login_and_what_goes_wrong_there(ws, tls_server, monkeypatch, runner, cli,
                                                         tmp_db: Path) -> None:
    base = f"smtp://mailer%40eenstem.example:{{pw}}@127.0.0.1:{tls_server.port}?starttls=1"
    good = "g3h%E2%82%ACim%3A%2F%40%21"
    mid = queue_mail(ws, kind="invitation", to="nieuw@voorbeeld.nl", subject="Welkom bij het portaal", text="x")
    # refused login: one Dutch line, no password, the mail stays queued
    monkeypatch.setenv("VERGOEDING_SMTP", base.format(pw="fout") + f"&cafile={tls_server.cert}")
    report = send_queued(ws)
    assert report.stopped == (f"mailserver smtp://mailer@eenstem.example@127.0.0.1:{tls_server.port}: de server "
                              "weigert de login (gebruikersnaam of wachtwoord onjuist)")
    # a certificate this machine does not trust
    monkeypatch.setenv("VERGOEDING_SMTP", base.format(pw=good))
    report = send_queued(ws)
    assert report.stopped is not None and "het certificaat van de server wordt niet vertrouwd" in report.stopped
    assert stored(ws, mid).state == "queued" and tls_server.handler.received == []
    # trusted (cafile) and the right password: sent over TLS
    monkeypatch.setenv("VERGOEDING_SMTP", base.format(pw=good) + f"&cafile={tls_server.cert}")
    report = send_queued(ws)
    assert [o.id for o in report.sent] == [mid]
    [msg] = tls_server.handler.messages()
    assert msg["To"] == "nieuw@voorbeeld.nl"
    assert load_mail_config(ws.settings).password == "g3h€im:/@!"
    assert "g3h" not in repr(load_mail_config(ws.settings))


def test_mail_send_and_list_on_the_command_line_never_show_the_password(server, runner, cli, tmp_db: Path,
                                                                        monkeypatch) -> None:
    ws = open_workspace(db=str(tmp_db))
    queue_many(ws, [Mail("statement", f"p{i}@voorbeeld.nl", f"Specificatie {i}", "t") for i in range(3)])
    ws.close()
    env = {"VERGOEDING_SMTP": f"smtp://piet:Zeer%20Geheim@localhost:{server.port}?starttls=0",
           "VERGOEDING_MAIL_FROM": FROM}
    dry = runner.invoke(cli, ["mail", "send", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[-1] == "Zou verzenden: 3 mail(s). Er is niets verzonden (--dry-run)."
    # the local server offers no login: the refusal names the user, never the password
    r = runner.invoke(cli, ["mail", "send"], env=env)
    assert r.exit_code == 1 and "Geheim" not in r.output + r.stderr
    assert f"Gestopt: mailserver smtp://piet@localhost:{server.port}: de server biedt geen login" in r.stdout
    env["VERGOEDING_SMTP"] = f"smtp://localhost:{server.port}"
    server.handler.received.clear()
    r = runner.invoke(cli, ["mail", "send"], env=env)
    assert r.exit_code == 0, r.output
    assert r.stdout == "Verzonden: 3 mail(s).\n" and r.stderr == ""  # no progress bar in a pipe
    listed = runner.invoke(cli, ["mail", "list", "--format", "json"])
    data = json.loads(listed.stdout)
    assert data["total"] == 3 and [d["state"] for d in data["rows"]] == ["sent"] * 3
    assert [d["to"] for d in data["rows"]] == ["p2@voorbeeld.nl", "p1@voorbeeld.nl", "p0@voorbeeld.nl"]


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://u:p@mail.example:587?starttls=1", ("mail.example", 587, "starttls", "u", "p")),
    ("smtps://u%40x.nl:p%3Aq@mail.example", ("mail.example", 465, "tls", "u@x.nl", "p:q")),
    ("smtp://relay.lan:25", ("relay.lan", 25, "none", None, None)),
    ("smtp://u:p@mail.example", ("mail.example", 587, "starttls", "u", "p")),
])
def test_smtp_urls(url, expected) -> None:
    c = parse_url(url)
    assert (c["host"], c["port"], c["security"], c["user"], c["password"]) == expected


def test_bad_mail_settings_are_one_dutch_line_without_the_password(tmp_path: Path) -> None:
    from vergoeding.config import Settings

    def cfg(url: str, **extra: str) -> str:
        with pytest.raises(ConfigError) as exc:
            load_mail_config(Settings(), {"VERGOEDING_SMTP": url, "VERGOEDING_MAIL_FROM": "a@b.nl", **extra})
        assert "geheim" not in exc.value.message and "\n" not in exc.value.message
        return exc.value.message

    assert "starttls=1 of smtps://" in cfg("smtp://u:geheim@mail.example:25?starttls=0")
    assert "onbekende optie 'tls'" in cfg("smtp://u:geheim@mail.example?tls=1")
    assert "geen geldige SMTP-URL" in cfg("http://u:geheim@mail.example")
    assert "geen geldige SMTP-URL" in cfg("smtp://u:geheim@mail.example:99999")
    assert "geen e-mailadres" in cfg("smtp://mail.example", VERGOEDING_MAIL_FROM="administratie")
    with pytest.raises(ConfigError, match="geen mailserver ingesteld"):
        load_mail_config(Settings(), {})
    toml = Settings(extra={"mail": {"host": "mail.example", "user": "u", "password": "p", "from": "a@b.nl",
                                    "keep_days": 30}})
    c = load_mail_config(toml, {})
    assert (c.host, c.port, c.security, c.keep_days) == ("mail.example", 587, "starttls", 30)


def test_bodies_and_attachments_of_sent_mails_are_pruned_after_the_period(ws, server, monkeypatch) -> None:
    old = queue_mail(ws, kind="statement", to="a@voorbeeld.nl", subject="Specificatie", text="oud",
                     attachments=[Attachment("s.pdf", "application/pdf", PDF)])
    assert send_queued(ws).sent
    new = queue_mail(ws, kind="statement", to="b@voorbeeld.nl", subject="Specificatie", text="nieuw")
    report = send_queued(ws, now=now_utc() + timedelta(days=91))  # keep_days 90 (the default)
    assert [o.id for o in report.sent] == [new] and report.pruned == 1
    row = stored(ws, old)
    assert (row.body_text, row.body_html, row.state) == (None, None, "sent") and row.pruned_at is not None
    with ws.engine.connect() as c:
        att = c.execute(select(s.outbox_attachments).where(s.outbox_attachments.c.outbox_id == old)).one()
    assert att.data is None and att.size == len(PDF) and len(att.sha256) == 64  # the proof stays
    assert stored(ws, new).body_text == "nieuw"
