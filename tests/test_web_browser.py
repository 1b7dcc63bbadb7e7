"""The portal in a real browser (Playwright from PyPI driving Debian's chromium; no browser
download): the whole path from the invitation mail (caught by an aiosmtpd server this test
starts) to the statement PDF of the normal payout, with axe-core (vendored in
tests/web/vendor) on every page: no violation at the serious or critical level. Screenshots
of every page at 360 and 1280 pixels go to ``VERGOEDING_SCREENSHOTS`` when set.

Runs on SQLite and on PostgreSQL (the suite's backend). Skipped where chromium is missing."""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from conftest import clean_env
from sqlalchemy import select
from webtools import TODAY, build

from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "web" / "vendor" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium ontbreekt (.ci/sysdeps.sh)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """An SMTP server on a free port that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                inbox.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def link_to(self, address: str) -> str:
        for m in reversed(self.messages):
            if address in str(m["To"]):
                body = m.get_payload(decode=True) if not m.is_multipart() else \
                    next(p for p in m.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
                found = re.search(r"https?://\S+/link/[A-Za-z0-9_-]+", body.decode("utf-8"))
                assert found, body
                return found.group(0)
        raise AssertionError(f"geen mail aan {address}: {[m['To'] for m in self.messages]}")

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from werkzeug.serving import make_server

    from vergoeding.web import create_app

    root = tmp_path_factory.mktemp("browser")
    db = root / "vergoeding.db"
    build(db, root / "uit")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    inbox = Inbox()
    env = {"VERGOEDING_SMTP": f"smtp://127.0.0.1:{inbox.port}", "VERGOEDING_MAIL_FROM": "Portaal <portaal@example.org>",
           "VERGOEDING_WEB_URL": url, "VERGOEDING_TODAY": TODAY.isoformat()}
    ws = open_workspace(db=str(db))
    app = create_app({"WORKSPACE": ws, "SECRET_KEY": "b" * 32, "TODAY": TODAY, "UPLOAD_DIR": root / "up",
                      "WEB_URL": url, "ORGANISATION_NAME": "Stichting Herstel"})
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    shots = Path(os.environ["VERGOEDING_SCREENSHOTS"]) if os.environ.get("VERGOEDING_SCREENSHOTS") else root / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    yield {"db": db, "url": url, "inbox": inbox, "env": env, "browser": browser, "ws": ws, "root": root,
           "shots": shots}
    browser.close()
    pw.stop()
    server.shutdown()
    inbox.stop()
    ws.close()


def run_cli(world: Any, cli: Any, *args: str) -> Any:
    r = CliRunner().invoke(cli, ["--db", str(world["db"]), *args], env=clean_env(**world["env"]))
    assert r.exit_code == 0, r.output
    return r


def invite(world: Any, cli: Any, *args: str) -> str:
    """Invite through the command line; the link comes out of the mail the SMTP server caught."""
    run_cli(world, cli, "user", "invite", *args)
    return world["inbox"].link_to(args[-1])


AXE_RUN = """async () => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""

# Elements whose right edge lies beyond the screen, or whose text is cut off by their own box
# (a fixed width or height that does not grow with the text): what 200% zoom breaks first.
CLIPPED = """() => {
    const w = document.documentElement.clientWidth, out = [];
    for (const el of document.querySelectorAll('body *')) {
        const cs = getComputedStyle(el);
        if (cs.display === 'none' || cs.visibility === 'hidden' || el.closest('.skip, thead')) continue;
        // a data table may scroll sideways inside its own frame (WCAG 1.4.10 exempts tables)
        if (el.closest('.table-wrap') && !el.classList.contains('table-wrap')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
        if (r.right > w + 1) out.push(name + ' reikt tot ' + Math.round(r.right) + ' px');
        const clips = v => v === 'hidden' || v === 'clip';
        // a form field scrolls its own text sideways by design; it must not cut it off in height
        const field = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
        if ((clips(cs.overflowX) && el.scrollWidth > el.clientWidth + 1 && !field && !el.classList.contains('bar'))
            || (clips(cs.overflowY) && el.scrollHeight > el.clientHeight + 1))
            out.push(name + ' knipt tekst af');
    }
    return out;
}"""


class Checker:
    """Runs axe on the page and takes the screenshots; collects serious/critical violations and
    whatever does not fit. Four views of every page:

    - 360: a phone, 360 CSS pixels wide;
    - 1280: a laptop;
    - zoom200: the laptop at 200% browser zoom: Chromium then lays the page out in 640 CSS
      pixels at two device pixels per CSS pixel, which is what this emulates (WCAG 1.4.4/1.4.10);
    - tekst200: the laptop with only the text at 200% (a larger default font size): everything is
      sized in rem, so this must not overflow either.
    In every view: no sideways scrolling of the page and no text cut off by its box."""

    def __init__(self, world: Any, page: Any, who: str) -> None:
        self.page, self.who, self.shots = page, who, world["shots"]
        self.problems: list[str] = []
        self.seen: list[str] = []
        self.cdp = page.context.new_cdp_session(page)

    def _fits(self, name: str, view: str, width: int) -> None:
        page = self.page
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            self.problems.append(f"{self.who}/{name}@{view}: de pagina is {scroll} px breed, het scherm {width}")
        self.problems += [f"{self.who}/{name}@{view}: {x}" for x in page.evaluate(CLIPPED)]
        path = self.shots / f"{self.who}-{name}-{view}.png"
        if view != "zoom200":
            page.screenshot(path=str(path), full_page=True)
            return
        # Playwright's screenshot does not know about the emulated zoom: ask Chromium itself,
        # which gives the picture in device pixels (1280 wide), as the user sees it at 200%
        height = page.evaluate("document.documentElement.scrollHeight")
        shot = self.cdp.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))

    def look(self, name: str) -> None:
        page = self.page
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        self.problems += [f"{self.who}/{name}: {v}" for v in page.evaluate(AXE_RUN)]
        assert page.locator("h1").count() == 1, name
        assert page.locator("main#inhoud").count() == 1 and page.locator("a.skip").count() == 1
        # 200% browser zoom of a 1280 x 800 window
        self.cdp.send("Emulation.setDeviceMetricsOverride",
                      {"width": 640, "height": 400, "deviceScaleFactor": 2, "mobile": False})
        assert page.evaluate("[window.innerWidth, window.devicePixelRatio]") == [640, 2], name
        self._fits(name, "zoom200", 640)
        # the contrast of text against its background does not change with zoom, but what is
        # hidden or stacked does: axe again in this view
        self.problems += [f"{self.who}/{name}@zoom200: {v}" for v in page.evaluate(AXE_RUN)]
        self.cdp.send("Emulation.clearDeviceMetricsOverride")
        # two different sizes in a row, so Playwright sets its own emulation again
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("window.innerWidth") == width, name
            self._fits(name, str(width), width)
        # only the text at 200%: the user's default font size doubled
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        self._fits(name, "tekst200", 1280)
        page.evaluate("document.documentElement.style.fontSize = ''")
        self.seen.append(name)


def test_invitation_to_statement(world: Any, cli: Any) -> None:
    browser, url = world["browser"], world["url"]
    # --- the expert: invitation mail, link, password
    link = invite(world, cli, "--expert", "E001", "--email", "anna@example.org")
    assert link.startswith(url + "/link/")
    ctx = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = ctx.new_page()
    expert = Checker(world, page, "deskundige")
    page.goto(f"{url}/inloggen")
    expert.look("inloggen")
    page.goto(link)
    expert.look("link")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url("**/wachtwoord?nieuw=1")
    expert.look("wachtwoord")
    page.get_by_label("Nieuw wachtwoord").fill("mijn geheime zin voor het portaal")
    page.get_by_label("Typ het wachtwoord nog een keer").fill("mijn geheime zin voor het portaal")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/mijn/")
    assert "In november 2026 kan er nog" in page.inner_text("main")
    expert.look("overzicht")
    # --- keyboard only: the skip link is the first stop and jumps to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    # --- submitting hours: preview with the room, then submit
    page.get_by_role("link", name="Uren indienen").first.click()
    expert.look("indienen")
    page.get_by_label("Opdracht").select_option("G001")
    page.get_by_label("Datum").fill("20-11-2026")
    page.get_by_label("Tijd").fill("3:00")
    page.get_by_label("Wat heeft u gedaan?").fill("training in de bibliotheek")
    page.get_by_role("button", name="Bekijk wat dit doet").click()
    assert "Voor dit werk krijgt u ongeveer € 75,00." in page.inner_text("main").replace("\xa0", " ")
    expert.look("indienen-bekijk")
    page.get_by_role("button", name="Indienen", exact=True).click()
    page.wait_for_url("**/mijn/uren?maand=2026-11&opgeslagen=1")
    assert "training in de bibliotheek" in page.inner_text("main")
    expert.look("uren")
    page.get_by_role("link", name="Mijn gegevens").click()
    expert.look("gegevens")
    # a new IBAN is a request that finance confirms
    page.get_by_label("Nieuw rekeningnummer (IBAN)").fill("NL91 ABNA 0417 1643 00")
    page.get_by_role("button", name="Doorgeven").click()
    assert "Uw nieuwe rekeningnummer is doorgegeven" in page.inner_text("main")
    assert "IBAN eindigend op 4300" in page.inner_text("main") and "wacht op controle" in page.inner_text("main")
    expert.look("gegevens-verzoek")
    page.get_by_role("link", name="Opdrachten").click()
    expert.look("opdrachten")
    # a wrong form shows the errors at the top and next to the field
    page.goto(f"{url}/mijn/uren/nieuw")
    page.get_by_label("Datum").fill("morgen")
    page.get_by_role("button", name="Bekijk wat dit doet").click()
    assert page.locator("#fout-datum").inner_text().startswith("Vul de datum in")
    expert.look("indienen-fout")
    # hours that would cross the month's cap: a warning in plain words before anything is saved
    page.get_by_label("Opdracht").select_option("G001")
    page.get_by_label("Datum").fill("21-11-2026")
    page.get_by_label("Tijd").fill("12:00")
    page.get_by_role("button", name="Bekijk wat dit doet").click()
    assert "Let op: met deze uren gaat u over de grens" in page.inner_text("main")
    expert.look("indienen-waarschuwing")

    # --- finance: invitation, password, second factor, approval
    flink = invite(world, cli, "--finance", "--email", "fin@example.org")
    fctx = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": 1280, "height": 800})
    fpage = fctx.new_page()
    fin = Checker(world, fpage, "financien")
    fpage.goto(flink)
    fpage.get_by_role("button", name="Verder").click()
    fpage.get_by_label("Nieuw wachtwoord").fill("financien heeft een lange zin")
    fpage.get_by_label("Typ het wachtwoord nog een keer").fill("financien heeft een lange zin")
    fpage.get_by_role("button", name="Wachtwoord opslaan").click()
    fpage.wait_for_url("**/tweede-stap/instellen")
    fin.look("tweede-stap-instellen")
    # the phone's camera reads the QR code: decode a screenshot of it with zxing
    import io
    from urllib.parse import parse_qs, unquote, urlparse

    import zxingcpp
    from PIL import Image

    qr = fpage.locator(".qr-box svg")
    assert qr.get_attribute("role") == "img" and qr.get_attribute("aria-label")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    uri = urlparse(found[0].text)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Stichting Herstel:fin@example.org"
    query = parse_qs(uri.query)
    secret = query["secret"][0]
    assert query["issuer"] == ["Stichting Herstel"]
    # the same key as the one shown as text (for typing it over)
    assert fpage.locator(".secret").inner_text().replace(" ", "") == secret
    totp = pyotp.TOTP(secret)
    setup_time = datetime.now(UTC)
    fpage.get_by_label("Code uit de app").fill(totp.at(setup_time))
    fpage.get_by_role("button", name="Tweede stap aanzetten").click()
    assert fpage.locator(".codes li").count() == 10
    fin.look("herstelcodes")
    fpage.get_by_role("link", name="Ik heb de codes bewaard").click()
    fin.look("maand")
    # log out and in again: the code that switched the second factor on does not work twice
    fpage.get_by_role("button", name="Uitloggen").click()
    fpage.goto(f"{url}/inloggen")
    fpage.locator("#email").fill("fin@example.org")
    fpage.get_by_label("Wachtwoord").fill("financien heeft een lange zin")
    fpage.get_by_role("button", name="Inloggen").click()
    fpage.wait_for_url("**/tweede-stap")
    fin.look("tweede-stap")
    fpage.get_by_label("Code uit de app").fill(totp.at(setup_time))
    fpage.get_by_role("button", name="Verder").click()
    assert "Deze code is al gebruikt" in fpage.locator(".errors").inner_text()
    fin.look("tweede-stap-fout")
    fpage.get_by_label("Code uit de app").fill(totp.at(setup_time + timedelta(seconds=30)))
    fpage.get_by_role("button", name="Verder").click()
    fpage.wait_for_url("**/financien/")
    fpage.get_by_role("link", name="Uren goedkeuren").click()
    fin.look("goedkeuren")
    section = fpage.locator("section", has_text="Anna de Vries")
    section.get_by_role("button", name="Aangevinkte regels goedkeuren").click()
    assert "regel(s) goedgekeurd" in fpage.inner_text("main")
    fpage.get_by_role("link", name="Rekeningnummers").click()
    fin.look("rekeningnummers")
    request = fpage.locator("section", has_text="Anna de Vries")
    assert "NL91ABNA0417164300" in request.inner_text().replace(" ", "")
    request.get_by_role("button", name="Goedkeuren", exact=True).click()
    assert "Er zijn geen verzoeken." in fpage.inner_text("main")
    fin.look("rekeningnummers-goedgekeurd")
    ws = world["ws"]
    with ws.engine.connect() as conn:
        e, g = s.entries, s.engagements
        rows = conn.execute(select(e.c.status, e.c.activity).join(g, g.c.id == e.c.engagement_id)
                            .where(g.c.code == "G001", e.c.work_date >= TODAY.replace(day=1))).all()
    assert {r.activity: r.status for r in rows} == {"voorbereiding": "approved",
                                                     "training in de bibliotheek": "approved"}

    # --- the normal payout, then the expert downloads the statement
    out = world["root"] / "uitbetaling-11"
    run_cli(world, cli, "payout", "--period", "2026-11", "--out", str(out))
    page.goto(f"{url}/mijn/betalingen")
    expert.look("betalingen")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF van betaling 2026-11").click()
    pdf = world["root"] / "specificatie.pdf"
    info.value.save_as(pdf)
    # reading order, not layout: a cell that wraps ("training in de / bibliotheek") reads as one
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    # 1:30 (voorbereiding) + 3:00 (training) = 4:30 x € 25 = € 112,50
    assert "Anna de Vries" in text and "training in de bibliotheek" in text and "€ 112,50" in text
    page.goto(f"{url}/mijn/uren?maand=2026-11")
    assert page.inner_text("main").count("betaald") >= 2
    page.goto(f"{url}/mijn/betalingen/1999-01.pdf")
    assert "Deze pagina bestaat niet" in page.inner_text("main")
    expert.look("niet-gevonden")
    page.get_by_role("button", name="Uitloggen").click()
    expert.look("uitgelogd")
    # a login link asked for, and an old link followed
    page.goto(f"{url}/inloggen")
    page.locator("#email-link").fill("anna@example.org")
    page.get_by_role("button", name="Stuur mij een link").click()
    assert "Als dit e-mailadres bij ons bekend is" in page.inner_text("main")
    expert.look("link-gevraagd")
    page.goto(link)
    page.get_by_role("button", name="Verder").click()
    assert "Deze link werkt niet meer" in page.inner_text("main")
    expert.look("link-verlopen")
    problems = expert.problems + fin.problems
    assert problems == [], "\n".join(problems)
    assert len(expert.seen) + len(fin.seen) >= 24
    ctx.close()
    fctx.close()
    if os.environ.get("VERGOEDING_SCREENSHOTS") is None:
        shutil.rmtree(world["shots"], ignore_errors=True)
