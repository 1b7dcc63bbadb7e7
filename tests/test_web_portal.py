"""The portal through Flask's test client: accounts, links, login, the expert's pages (the
same figures as the command line), submitting, finance approving, IBAN requests."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select, update
from webtools import PASSWORD, TODAY, Browser, build, entry_rows, login_link, login_password

from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc
from vergoeding.web import accounts, create_app, two_factor

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("portal")
    db = root / "vergoeding.db"
    build(db, root / "uit")
    ws = open_workspace(db=str(db))
    ws = ws.as_actor("beheer")
    app = create_app({"WORKSPACE": ws, "SECRET_KEY": "test" * 8, "TODAY": TODAY, "UPLOAD_DIR": root / "bonnetjes",
                      "PORTAL_LIMIT_CLIENT": "1000 per minute", "PORTAL_LIMIT_ADDRESS": "1000 per minute",
                      "ORGANISATION_NAME": "Stichting Herstel"})
    for email, code in (("anna@example.org", "E001"), ("bram@example.org", "E002"), ("cor@example.org", "E003")):
        link = accounts.invite(ws, email=email, kind="expert", expert_code=code)
        accounts.set_password(ws, link.account, PASSWORD)
    fin = accounts.invite(ws, email="fin@example.org", kind="finance")
    accounts.set_password(ws, fin.account, PASSWORD)
    with ws.engine.begin() as conn:
        conn.execute(update(s.portal_accounts).where(s.portal_accounts.c.email == "fin@example.org")
                     .values(totp_secret=SECRET))
    yield {"app": app, "ws": ws, "root": root, "db": db}
    ws.close()


def expert_browser(site: Any, email: str = "anna@example.org") -> Browser:
    br = Browser(site["app"])
    r = login_password(br, email)
    assert r.status_code == 302 and r.headers["Location"].endswith("/mijn/")
    return br


def finance_browser(site: Any) -> Browser:
    br = Browser(site["app"])
    r = login_password(br, "fin@example.org")
    assert r.headers["Location"].endswith("/tweede-stap")
    br.get("/tweede-stap")
    # several tests log in within one 30-second step; a code works once (tested on its own in
    # test_second_factor_code_works_once), so forget the step the previous login used
    with site["ws"].engine.begin() as conn:
        conn.execute(update(s.portal_accounts).where(s.portal_accounts.c.email == "fin@example.org")
                     .values(totp_last_step=None))
    r = br.post("/tweede-stap", {"code": pyotp.TOTP(SECRET).now()})
    assert r.status_code == 302 and r.headers["Location"].endswith("/financien/")
    return br


# ---------------------------------------------------------------------------- accounts and links


def test_invitation_link_logs_in_once_and_session_id_changes(site: Any) -> None:
    ws = site["ws"]
    link = accounts.invite(ws, email="nieuw@example.org", kind="finance")
    br = Browser(site["app"])
    page = br.get(f"/link/{link.token}")
    assert page.status_code == 200 and "Verder" in page.text  # GET does not use the link up
    before = br.cookie()
    assert before is not None  # the CSRF token lives in an anonymous session
    r = br.post(f"/link/{link.token}")
    assert r.status_code == 302 and "/wachtwoord?nieuw=1" in r.headers["Location"]
    after = br.cookie()
    assert after.value != before.value and after.http_only and after.same_site == "Lax"
    # the old (pre-login) id is worth nothing
    with ws.engine.connect() as conn:
        hashes = {r.id_hash for r in conn.execute(select(s.portal_sessions.c.id_hash))}
    assert accounts.sha256(before.value) not in hashes and accounts.sha256(after.value) in hashes
    # replayed: the same answer as a link that never existed
    again = Browser(site["app"])
    again.get(f"/link/{link.token}")
    r2 = again.post(f"/link/{link.token}")
    assert r2.status_code == 410 and "werkt niet meer" in r2.get_data(as_text=True)
    # finance must choose a password, then set up the second factor before anything else
    br.get("/wachtwoord?nieuw=1")
    r = br.post("/wachtwoord", {"wachtwoord": "kort", "herhaal": "kort"})
    assert r.status_code == 400 and "minstens 12 tekens" in r.get_data(as_text=True)
    r = br.post("/wachtwoord", {"wachtwoord": PASSWORD, "herhaal": PASSWORD})
    assert r.headers["Location"].endswith("/tweede-stap/instellen")
    assert br.get("/financien/uren").headers["Location"].endswith("/tweede-stap/instellen")
    page = br.get("/tweede-stap/instellen").get_data(as_text=True)
    with br.client.session_transaction() as sess:
        secret = sess["totp_nieuw"]
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    r = br.post("/tweede-stap/instellen", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert r.status_code == 400
    r = br.post("/tweede-stap/instellen", {"code": pyotp.TOTP(secret).now()})
    codes = [c for c in r.get_data(as_text=True).split("<li>")[1:]]
    codes = [c.split("</li>")[0] for c in codes if "-" in c[:11]]
    assert len(codes) == 10
    assert br.get("/financien/").status_code == 200
    # a recovery code works once
    br2 = Browser(site["app"])
    login_password(br2, "nieuw@example.org")
    br2.get("/tweede-stap")
    assert br2.post("/tweede-stap", {"code": codes[0]}).status_code == 302
    br3 = Browser(site["app"])
    login_password(br3, "nieuw@example.org")
    br3.get("/tweede-stap")
    assert br3.post("/tweede-stap", {"code": codes[0]}).status_code == 400


def test_second_factor_code_works_once(site: Any) -> None:
    """A TOTP code seen over a shoulder, or sent twice, does not log in a second time: the
    account keeps the last 30-second step it used and refuses that step and any earlier one."""
    ws = site["ws"]
    link = accounts.invite(ws, email="eenmalig@example.org", kind="finance")
    accounts.set_password(ws, link.account, PASSWORD)
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime.now(UTC)
    step = totp.timecode(now)
    # the code that switches the second factor on is used up by doing so
    assert two_factor.enable_totp(ws, link.account, secret, totp.at(now))
    br = Browser(site["app"])
    login_password(br, "eenmalig@example.org")
    br.get("/tweede-stap")
    r = br.post("/tweede-stap", {"code": totp.at(now)})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Deze code is al gebruikt. Een code werkt maar één keer." in page
    assert br.get("/financien/").headers["Location"].endswith("/tweede-stap")
    br.get("/tweede-stap")
    # the next code (the app shows it within 30 seconds; one step ahead is accepted for a clock
    # that runs a little fast) logs in
    nxt = totp.at(now + timedelta(seconds=30))
    r = br.post("/tweede-stap", {"code": nxt})
    assert r.status_code == 302 and r.headers["Location"].endswith("/financien/")
    # the same code again, in a second browser (an attacker who saw it): refused
    other = Browser(site["app"])
    login_password(other, "eenmalig@example.org")
    other.get("/tweede-stap")
    r = other.post("/tweede-stap", {"code": nxt})
    assert r.status_code == 400 and "al gebruikt" in r.get_data(as_text=True)
    # an older code that is still within the window is refused too (steps only go forward)
    r = other.post("/tweede-stap", {"code": totp.at(now)})
    assert r.status_code == 400
    # a code that is simply wrong says so
    wrong = next(c for c in ("000000", "111111", "222222") if c not in (totp.at(now), nxt,
                                                                       totp.at(now + timedelta(seconds=60))))
    r = other.post("/tweede-stap", {"code": wrong})
    assert r.status_code == 400 and "Deze code klopt niet" in r.get_data(as_text=True)
    with ws.engine.connect() as conn:
        a = s.portal_accounts
        last = conn.execute(select(a.c.totp_last_step).where(a.c.email == "eenmalig@example.org")).scalar_one()
        replays = conn.execute(select(s.audit_log.c.action).where(
            s.audit_log.c.action == "portal.totp_replayed", s.audit_log.c.actor == "portaal:eenmalig@example.org")
        ).all()
    assert last == step + 1 and len(replays) == 3


def test_expired_link_refused(site: Any) -> None:
    ws = site["ws"]
    link = accounts.login_link(ws, "cor@example.org")
    assert link is not None
    with ws.engine.begin() as conn:
        conn.execute(update(s.portal_tokens).where(s.portal_tokens.c.token_hash == accounts.sha256(link.token))
                     .values(expires_at=now_utc()))
    br = Browser(site["app"])
    r = login_link(br, link.token)
    assert r.status_code == 410 and br.get("/mijn/").status_code == 302


def _no_token(html: str) -> str:
    import re

    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_wrong_password_and_unknown_address_get_the_same_answer(site: Any) -> None:
    answers = []
    for email, pw in (("anna@example.org", "fout wachtwoord!!"), ("niemand@example.org", "fout wachtwoord!!")):
        br = Browser(site["app"])
        r = login_password(br, email, pw)
        answers.append((r.status_code, _no_token(r.get_data(as_text=True).replace(email, "ADRES"))))
    assert answers[0] == answers[1] and answers[0][0] == 401
    # the link request too
    texts = []
    for email in ("anna@example.org", "niemand@example.org"):
        br = Browser(site["app"])
        br.get("/inloggen")
        r = br.post("/inloggen/link", {"email": email}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
        texts.append((r.status_code, _no_token(r.get_data(as_text=True))))
    assert texts[0] == texts[1] and "Als dit e-mailadres bij ons bekend is" in texts[0][1]


def test_cli_invite_list_revoke(site: Any, cli: Any) -> None:
    from click.testing import CliRunner

    db = str(site["db"])
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", db, "user", "invite", "--expert", "E002", "--email", "ander@example.org",
                            "--print-link"])
    assert r.exit_code == 1 and "heeft al een account (bram@example.org)" in r.output
    r = runner.invoke(cli, ["--db", db, "user", "invite", "--finance", "--email", "fin2@example.org", "--print-link"])
    assert r.exit_code == 0, r.output
    url = r.output.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:8000/link/")
    r = runner.invoke(cli, ["--db", db, "user", "invite", "--email", "x@example.org"])
    assert r.exit_code == 2 and "--expert CODE" in r.output
    r = runner.invoke(cli, ["--db", db, "user", "invite", "--expert", "E001", "--email", "geen adres", "--print-link"])
    assert r.exit_code == 2 and "geen geldig e-mailadres" in r.output
    # revoking ends a running session at once and the open link stops working
    br = expert_browser(site, "bram@example.org")
    assert br.get("/mijn/").status_code == 200
    r = runner.invoke(cli, ["--db", db, "user", "revoke", "--email", "fin2@example.org"])
    assert r.exit_code == 0 and "0 sessie(s)" in r.output
    r = runner.invoke(cli, ["--db", db, "user", "revoke", "--email", "Bram@Example.org"])
    assert r.exit_code == 0 and "1 sessie(s) beëindigd" in r.output
    assert br.get("/mijn/").status_code == 302
    assert login_password(Browser(site["app"]), "bram@example.org").status_code == 401
    token = url.rsplit("/", 1)[1]
    assert login_link(Browser(site["app"]), token).status_code == 410
    r = runner.invoke(cli, ["--db", db, "user", "list", "--format", "json"])
    rows = {x["email"]: x for x in json.loads(r.output)}
    assert rows["bram@example.org"]["revoked"] is True and rows["anna@example.org"]["kind"] == "expert"
    audit = [a.action for a in __import__("vergoeding.api.ledger", fromlist=["x"]).audit_log(site["ws"], "portal_account")]
    assert "portal.revoke" in audit and "portal.invite" in audit
    # invited again: the account opens again with a new link
    link = accounts.invite(site["ws"], email="bram@example.org", kind="expert", expert_code="E002")
    assert not link.account.has_password  # revoking removed it: a new start
    assert login_link(Browser(site["app"]), link.token).status_code == 302
    accounts.set_password(site["ws"], link.account, PASSWORD)


# ---------------------------------------------------------------------------- the expert's pages


def test_home_shows_the_room_of_vergoeding_room(site: Any, cli: Any) -> None:
    from click.testing import CliRunner

    r = CliRunner().invoke(cli, ["--db", str(site["db"]), "room", "--expert", "E001", "--on", "2026-11-23",
                                 "--format", "json"])
    room = json.loads(r.output)
    month = next(p for p in room["periods"] if p["period"] == "2026-11")
    year = next(p for p in room["periods"] if p["period"] == "2026")
    br = expert_browser(site)
    page = br.get("/mijn/").get_data(as_text=True)
    from vergoeding.api.room import room_story
    from vergoeding.core.nl import euro

    story = room_story(site["ws"], "E001", TODAY)  # the one caps story (what `room` tells too)
    assert not story.crossed and story.month_left == Decimal(month["left"])
    # the same sentences, with a no-break space after the euro sign (never "€" alone at a line end)
    assert f"In november 2026 kan er nog {euro(Decimal(month['left']))} bij." in page
    assert f"In 2026 kan er nog {euro(Decimal(year['left']))} bij." in page
    assert "€ " not in page
    assert all(line.replace("€ ", "€\xa0") in page for line in story.lines)
    assert f"Deze maand gebruikt: {euro(Decimal(month['counted']) + Decimal(month['declared']))}" in page
    assert "Anna de Vries" in page and "Bram" not in page
    assert euro(Decimal("50.00")) in page  # the October payment: 2 hours x € 25


def test_hours_page_status_and_only_own_lines(site: Any) -> None:
    br = expert_browser(site)
    page = br.get("/mijn/uren?maand=2026-10").get_data(as_text=True)
    assert "training oktober" in page and "betaald" in page and "advies oktober" not in page
    page = br.get("/mijn/uren?maand=2026-11").get_data(as_text=True)
    assert "voorbereiding" in page and "ingediend, wacht op goedkeuring" in page and "gesprek" not in page
    assert br.get("/mijn/uren?maand=2026-13").status_code == 404


def test_statement_and_year_statement_pdfs(site: Any) -> None:
    br = expert_browser(site)
    r = br.get("/mijn/betalingen/2026-10.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = site["root"] / "st.pdf"
    pdf.write_bytes(r.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Anna de Vries" in text and "€ 50,00" in text and "Bram" not in text
    r = br.get("/mijn/jaaropgave/2026.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert br.get("/mijn/jaaropgave/2031.pdf").status_code == 404
    r = br.get("/mijn/contracten/G001.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_submit_preview_then_save_as_submitted(site: Any) -> None:
    ws = site["ws"]
    br = expert_browser(site)
    br.get("/mijn/uren/nieuw")
    count = len(entry_rows(ws, "G001"))
    form = {"opdracht": "G001", "datum": "20-11-2026", "tijd": "3:00", "activiteit": "training <b>groep</b>"}
    r = br.post("/mijn/uren/nieuw", {**form, "stap": "bekijk"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Voor dit werk krijgt u ongeveer €\xa075,00." in page
    assert "Indienen" in page and len(entry_rows(ws, "G001")) == count  # nothing saved yet
    r = br.post("/mijn/uren/nieuw", {**form, "stap": "opslaan"})
    assert r.status_code == 302
    rows = entry_rows(ws, "G001")
    new = rows[-1]
    assert new.status == "logged" and new.minutes == 180 and new.created_by == "portaal:anna@example.org"
    page = br.get("/mijn/uren?maand=2026-11").get_data(as_text=True)
    assert "training &lt;b&gt;groep&lt;/b&gt;" in page and "<b>groep" not in page


def test_submit_warns_before_crossing_the_cap(site: Any) -> None:
    br = expert_browser(site)
    br.get("/mijn/uren/nieuw")
    r = br.post("/mijn/uren/nieuw", {"opdracht": "G001", "datum": "21-11-2026", "tijd": "12:00", "stap": "bekijk"})
    page = r.get_data(as_text=True)
    assert "Let op: met deze uren gaat u over de grens" in page
    assert "hele" in page and "belast" in page


@pytest.mark.parametrize(("form", "message"), [
    ({"datum": "24-11-2026", "tijd": "1:00"}, "in de toekomst"),
    ({"datum": "10-10-2026", "tijd": "1:00"}, "oktober 2026 is al uitbetaald"),
    ({"datum": "gisteren", "tijd": "1:00"}, "Vul de datum in"),
    ({"datum": "20-11-2026", "tijd": ""}, "Vul de tijd in"),
    ({"datum": "20-11-2026", "tijd": "1:00", "opdracht": "G002"}, "Kies een van uw eigen opdrachten"),
])
def test_submit_refusals(site: Any, form: dict[str, str], message: str) -> None:
    br = expert_browser(site)
    br.get("/mijn/uren/nieuw")
    before = len(entry_rows(site["ws"], "G002")) + len(entry_rows(site["ws"], "G001"))
    r = br.post("/mijn/uren/nieuw", {"opdracht": "G001", **form, "stap": "opslaan"})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert len(entry_rows(site["ws"], "G002")) + len(entry_rows(site["ws"], "G001")) == before


def test_locked_month_refused(site: Any) -> None:
    from vergoeding.api.ledger import lock, unlock
    from vergoeding.core.period import month

    ws = site["ws"]
    lock(ws, month(2026, 9), "afgesloten")
    try:
        br = expert_browser(site)
        br.get("/mijn/uren/nieuw")
        r = br.post("/mijn/uren/nieuw", {"opdracht": "G001", "datum": "10-09-2026", "tijd": "1:00", "stap": "bekijk"})
        assert r.status_code == 400 and "september 2026 is afgesloten" in r.get_data(as_text=True)
    finally:
        unlock(ws, month(2026, 9), "test")


# ---------------------------------------------------------------------------- finance


def test_finance_approves_and_rejects_with_one_audit_trail(site: Any) -> None:
    from vergoeding.api.ledger import audit_log

    ws = site["ws"]
    br = finance_browser(site)
    page = br.get("/financien/uren?maand=2026-11").get_data(as_text=True)
    assert "Bram Jansen" in page and "gesprek" in page
    g2 = [r for r in entry_rows(ws, "G002") if r.status == "logged"]
    assert len(g2) == 1
    r = br.post("/financien/uren?maand=2026-11", {"actie": "afwijzen", "regel": str(g2[0].id), "reden": ""})
    assert r.status_code == 400 and "geef een reden" in r.get_data(as_text=True)
    r = br.post("/financien/uren?maand=2026-11", {"actie": "afwijzen", "regel": str(g2[0].id),
                                                 "reden": "Dit gesprek was in december."})
    assert r.status_code == 200 and "afgewezen" in r.get_data(as_text=True)
    assert [x for x in entry_rows(ws, "G002") if x.status == "logged"] == []
    g1 = [r for r in entry_rows(ws, "G001") if r.status == "logged"]
    r = br.post("/financien/uren?maand=2026-11", {"actie": "goedkeuren", "opdracht": "G001",
                                                 "regel": [str(x.id) for x in g1]})
    assert f"{len(g1)} regel(s) goedgekeurd" in r.get_data(as_text=True)
    assert all(x.status == "approved" for x in entry_rows(ws, "G001") if x.work_date.month == 11)
    rows = [a for a in audit_log(ws, "entry") if a.action in ("approve", "reject")]
    assert rows[-1].actor == "portaal:fin@example.org" and rows[-1].action == "approve"
    assert rows[-1].detail["engagement"] == "G001" and sorted(rows[-1].detail["ids"]) == sorted(x.id for x in g1)
    assert rows[-2].action == "reject" and rows[-2].detail["reason"] == "Dit gesprek was in december."
    # the expert sees the reason
    bram = expert_browser(site, "bram@example.org")
    page = bram.get("/mijn/uren?maand=2026-11").get_data(as_text=True)
    assert "Afgewezen" in page and "Dit gesprek was in december." in page
    # the month page
    page = br.get("/financien/?maand=2026-11").get_data(as_text=True)
    assert "Cor Smit (E003)" in page  # nothing submitted in November
    assert "Wacht op goedkeuring: 0" in page


def test_iban_change_is_a_request_finance_confirms(site: Any) -> None:
    ws = site["ws"]
    br = expert_browser(site, "cor@example.org")
    br.get("/mijn/gegevens")
    r = br.post("/mijn/gegevens", {"iban": "NL00 FOUT 0000 0000 00"})
    assert r.status_code == 400 and "Dit rekeningnummer klopt niet" in r.get_data(as_text=True)
    r = br.post("/mijn/gegevens", {"iban": "NL91 ABNA 0417 1643 00"})
    assert r.status_code == 200 and "doorgegeven" in r.get_data(as_text=True)
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.experts.c.iban).where(s.experts.c.code == "E003")).scalar() is None
    fin = finance_browser(site)
    page = fin.get("/financien/rekeningnummers").get_data(as_text=True)
    assert "NL91ABNA0417164300" in page and "Cor Smit" in page
    with ws.engine.connect() as conn:
        req = conn.execute(select(s.portal_iban_requests.c.id)).scalar_one()
    r = fin.post("/financien/rekeningnummers", {"verzoek": str(req), "actie": "goed"})
    assert r.status_code == 200
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.experts.c.iban).where(s.experts.c.code == "E003")).scalar() == "NL91ABNA0417164300"
    page = br.get("/mijn/gegevens").get_data(as_text=True)
    assert "eindigt op 4300" in page and "goedgekeurd" in page


def test_receipt_upload_kept_outside_the_web_root(site: Any) -> None:
    import io

    png = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (100).to_bytes(4, "big") + (80).to_bytes(4, "big")
           + b"\x08\x02\x00\x00\x00" + b"\x00" * 40)
    br = expert_browser(site)
    br.get("/mijn/uren/nieuw")
    r = br.post("/mijn/uren/nieuw", {"opdracht": "G001", "datum": "19-11-2026", "tijd": "1:00", "onkosten": "7,50",
                                     "toelichting": "trein", "stap": "opslaan",
                                     "bonnetje": (io.BytesIO(png), "kaartje.png")},
                content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    ws = site["ws"]
    with ws.engine.connect() as conn:
        up = conn.execute(select(s.portal_uploads)).first()
    assert up.content_type == "image/png" and up.filename == "kaartje.png" and up.size == len(png)
    stored = Path(site["root"] / "bonnetjes" / up.stored_name)
    assert stored.read_bytes() == png and oct(stored.stat().st_mode)[-3:] == "600"
    assert br.get(f"/static/../bonnetjes/{up.stored_name}").status_code == 404
    fin = finance_browser(site)
    r = fin.get(f"/financien/bonnetjes/{up.id}")
    assert r.status_code == 200 and r.data == png and "attachment" in r.headers["Content-Disposition"]
    for data, name, msg in ((b"PK\x03\x04" + b"\x00" * 100, "bon.jpg", "kunnen we niet gebruiken"),
                            (png[:16] + (50000).to_bytes(4, "big") + (50000).to_bytes(4, "big") + png[24:], "bom.png",
                             "te groot"),
                            (b"", "leeg.pdf", None)):
        br.get("/mijn/uren/nieuw")
        r = br.post("/mijn/uren/nieuw", {"opdracht": "G001", "datum": "18-11-2026", "tijd": "1:00", "stap": "opslaan",
                                         "bonnetje": (io.BytesIO(data), name)}, content_type="multipart/form-data")
        if msg:
            assert r.status_code == 400 and msg in r.get_data(as_text=True), name


def test_demo_accounts_log_in(tmp_path: Path) -> None:
    from types import SimpleNamespace

    import builders as b

    from vergoeding.web import demo

    engine = b.new_engine(tmp_path / "d.db")
    with engine.begin() as conn:
        for code in ("E001", "E002", "E003"):
            b.expert(conn, code)
    engine.dispose()
    ws = open_workspace(db=str(tmp_path / "d.db"))
    try:
        lines = demo.step_portal(SimpleNamespace(ws=ws, out_dir=tmp_path, facts={}))
        app = create_app({"WORKSPACE": ws, "SECRET_KEY": "d" * 32, "TODAY": TODAY})
        br = Browser(app)
        assert login_password(br, "fatima@demo.example", demo.PASSWORD).headers["Location"].endswith("/mijn/")
        fin = Browser(app)
        login_password(fin, demo.FINANCE, demo.PASSWORD)
        fin.get("/tweede-stap")
        assert fin.post("/tweede-stap", {"code": pyotp.TOTP(demo.TOTP_SECRET).now()}).status_code == 302
        assert fin.get("/financien/").status_code == 200
        assert any(demo.TOTP_SECRET in line for line in lines)
    finally:
        ws.close()


def test_invitation_mail_text(site: Any) -> None:
    from vergoeding.web.mailer import link_mail

    link = accounts.invite(site["ws"], email="mailtekst@example.org", kind="finance")
    subject, text = link_mail(link, "https://portaal.example.org/", "Stichting Herstel")
    assert subject == "Uitnodiging voor het portaal van Stichting Herstel"
    assert f"https://portaal.example.org/link/{link.token}\n" in text
    assert "tweede stap" in text and "De link werkt één keer, tot" in text
    with site["ws"].engine.connect() as conn:  # only the hash is stored
        stored = conn.execute(select(s.portal_tokens.c.token_hash).where(
            s.portal_tokens.c.account_id == link.account.id)).scalar_one()
    assert stored == accounts.sha256(link.token) and link.token not in stored
