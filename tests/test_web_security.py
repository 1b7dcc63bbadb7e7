"""The portal under attack: every route without login and without CSRF token, with another
expert's ids, after revocation; security headers; HTML shown as text; rate limits that hold
across several processes (the counters live in the database)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
from conftest import db_target
from webtools import PASSWORD, TODAY, Browser, build, login_password

from vergoeding.api.workspace import open_workspace
from vergoeding.web import accounts, create_app

SAMPLE = {"token": "x" * 43, "number": "2026-10", "year": "2026", "code": "G001", "upload_id": "1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("security")
    db = root / "vergoeding.db"
    build(db, root / "uit")
    ws = open_workspace(db=str(db)).as_actor("beheer")
    app = create_app({"WORKSPACE": ws, "SECRET_KEY": "s" * 32, "TODAY": TODAY, "UPLOAD_DIR": root / "up",
                      "PORTAL_LIMIT_CLIENT": "1000 per minute", "PORTAL_LIMIT_ADDRESS": "1000 per minute"})
    for email, code in (("anna@example.org", "E001"), ("bram@example.org", "E002")):
        accounts.set_password(ws, accounts.invite(ws, email=email, kind="expert", expert_code=code).account, PASSWORD)
    accounts.set_password(ws, accounts.invite(ws, email="fin@example.org", kind="finance").account, PASSWORD)
    yield {"app": app, "ws": ws, "db": db}
    ws.close()


def _routes(app: Any) -> list[tuple[str, str, set[str]]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", SAMPLE[arg]).replace(f"<int:{arg}>", SAMPLE[arg])
        out.append((rule.endpoint, path, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return sorted(out)


PUBLIC = {"auth.index", "auth.login", "auth.request_link", "auth.follow_link", "auth.logout"}


def test_every_route_without_login(site: Any) -> None:
    routes = _routes(site["app"])
    assert len(routes) >= 20
    for endpoint, path, methods in routes:
        br = Browser(site["app"])
        if "GET" in methods:
            r = br.get(path)
            if endpoint in PUBLIC:
                assert r.status_code in (200, 302), endpoint
            else:
                assert r.status_code == 302 and "/inloggen" in r.headers["Location"], endpoint
            for h, v in (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff")):
                assert r.headers[h] == v, (endpoint, h)
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
        if "POST" in methods:
            r = br.post(path, {"email": "anna@example.org"}, csrf=False)
            assert r.status_code == 400 and "Formulier verlopen" in r.get_data(as_text=True), endpoint


def test_every_post_needs_the_csrf_token_also_when_logged_in(site: Any) -> None:
    br = Browser(site["app"])
    login_password(br, "anna@example.org")
    for endpoint, path, methods in _routes(site["app"]):
        if "POST" in methods:
            r = br.post(path, {"iban": "NL91ABNA0417164300", "opdracht": "G001"}, csrf=False)
            assert r.status_code == 400, endpoint
            r = br.post(path, {"csrf_token": "vervalst"}, csrf=False)
            assert r.status_code == 400, endpoint
    assert br.get("/mijn/gegevens").status_code == 200  # still logged in, nothing changed


def test_another_experts_ids(site: Any) -> None:
    anna = Browser(site["app"])
    login_password(anna, "anna@example.org")
    assert anna.get("/mijn/contracten/G002.pdf").status_code == 404  # Bram's engagement
    assert anna.get("/mijn/contracten/G999.pdf").status_code == 404  # none: the same answer
    assert anna.get("/mijn/betalingen/2099-01.pdf").status_code == 404
    assert anna.get("/mijn/uren?maand=2026-10").get_data(as_text=True).count("advies oktober") == 0
    r = anna.get("/mijn/betalingen/2026-10.pdf")  # a payout of both: only her own statement
    assert r.status_code == 200
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "Anna de Vries" in text and "Bram" not in text
    # Bram's receipt: his to see, not hers
    import io as _io

    bram = Browser(site["app"])
    login_password(bram, "bram@example.org")
    bram.get("/mijn/uren/nieuw")
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + (10).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00" + b"\x00" * 20)
    r = bram.post("/mijn/uren/nieuw", {"opdracht": "G002", "datum": "12-11-2026", "tijd": "1:00", "stap": "opslaan",
                                       "bonnetje": (_io.BytesIO(png), "bon.png")}, content_type="multipart/form-data")
    assert r.status_code == 302
    page = bram.get("/mijn/uren?maand=2026-11").get_data(as_text=True)
    upload = int(page.split("/mijn/bonnetjes/")[1].split('"')[0])
    assert bram.get(f"/mijn/bonnetjes/{upload}").data == png
    assert anna.get(f"/mijn/bonnetjes/{upload}").status_code == 404
    assert anna.get(f"/mijn/bonnetjes/{upload + 100}").status_code == 404
    # finance pages are not for experts; expert pages are not for finance
    for path in ("/financien/", "/financien/uren", "/financien/rekeningnummers", "/financien/bonnetjes/1"):
        r = anna.get(path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/mijn/"), path
    fin = Browser(site["app"])
    login_password(fin, "fin@example.org")  # no second factor yet: nothing of finance either
    for path in ("/mijn/", "/mijn/uren", "/financien/", "/financien/uren"):
        r = fin.get(path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/tweede-stap/instellen"), path
    anna.get("/mijn/gegevens")  # a page of hers with a form: her own valid token
    r = anna.post("/financien/uren", {"actie": "goedkeuren", "opdracht": "G001", "regel": "1"})
    assert r.status_code == 302  # refused before anything happens


def test_open_redirect_refused(site: Any) -> None:
    br = Browser(site["app"])
    br.get("/inloggen?volgende=//boos.example/x")
    r = br.post("/inloggen", {"email": "anna@example.org", "wachtwoord": PASSWORD, "volgende": "//boos.example/x"})
    assert r.headers["Location"] == "/mijn/"


def test_session_ends_after_revocation(site: Any) -> None:
    ws = site["ws"]
    br = Browser(site["app"])
    login_password(br, "bram@example.org")
    assert br.get("/mijn/").status_code == 200
    accounts.revoke(ws, "bram@example.org")
    for path in ("/mijn/", "/mijn/uren", "/mijn/betalingen/2026-10.pdf"):
        assert br.get(path).status_code == 302
    assert login_password(Browser(site["app"]), "bram@example.org").status_code == 401


_HAMMER = textwrap.dedent("""
    import sys
    from vergoeding.api.workspace import open_workspace
    from vergoeding.web import create_app
    ws = open_workspace(db=sys.argv[1])
    app = create_app({"WORKSPACE": ws, "SECRET_KEY": "s" * 32, "WTF_CSRF_ENABLED": False,
                      "PORTAL_LIMIT_CLIENT": "6 per 15 minutes", "PORTAL_LIMIT_ADDRESS": "5 per 15 minutes"})
    c = app.test_client()
    codes = []
    for i in range(4):  # one address, from different clients
        codes.append(c.post("/inloggen", data={"email": "doel@example.org", "wachtwoord": "x" * 12},
                            environ_base={"REMOTE_ADDR": f"10.0.{sys.argv[2]}.{i}"}).status_code)
    for i in range(3):  # one client, different addresses
        codes.append(c.post("/inloggen/link", data={"email": f"p{sys.argv[2]}{i}@example.org"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code)
    print(" ".join(map(str, codes)))
""")


def test_rate_limits_hold_across_processes(site: Any) -> None:
    target = db_target(site["db"])
    procs = [subprocess.Popen([sys.executable, "-c", _HAMMER, target, str(n)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in range(3)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        results.append([int(x) for x in out.split()])
    per_address = [c for r in results for c in r[:4]]
    per_client = [c for r in results for c in r[4:]]
    assert per_address.count(429) == 12 - 5 and per_address.count(401) == 5
    assert per_client.count(429) == 9 - 6 and per_client.count(200) == 6


def test_an_unknown_page_and_a_too_large_upload_get_their_dutch_error_page(site: Any) -> None:
    br = Browser(site["app"])
    r = br.get("/bestaat-niet")
    assert r.status_code == 404
    assert "Niet gevonden" in r.get_data(as_text=True) and "u mag hem niet zien" in r.get_data(as_text=True)
    assert r.headers["X-Frame-Options"] == "DENY"
    site["app"].config["MAX_CONTENT_LENGTH"], old = 10, site["app"].config["MAX_CONTENT_LENGTH"]
    try:
        r = br.post("/inloggen", {"email": "anna@example.org", "x": "y" * 100}, csrf=False)
    finally:
        site["app"].config["MAX_CONTENT_LENGTH"] = old
    assert r.status_code == 413 and "hoogstens 10 MB" in r.get_data(as_text=True)
