"""A small administration for the portal's tests, and a test client that reads CSRF tokens
from the forms the way a browser sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import builders as b
from sqlalchemy import select

from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s

TODAY = date(2026, 11, 23)
PASSWORD = "een lange zin als wachtwoord"


def build(path: Path, out: Path) -> None:
    """Own organisation, one client, experts E001 and E002 (volunteers) and E003 (no IBAN),
    October approved and paid (payout 2026-10), November partly submitted."""
    engine = b.new_engine(path)
    with engine.begin() as conn:
        b.org(conn, "EIGEN", kind="own", name="Stichting Herstel")
        b.org(conn, "GEM", name="Gemeente Lekstede")
        b.expert(conn, "E001", name="Anna de Vries")
        b.expert(conn, "E002", name="Bram Jansen")
        b.expert(conn, "E003", name="Cor Smit", iban=None)
        b.engagement(conn, "G001", "E001", "GEM", expert_rate="25.00", client_rate="60.00", description="training")
        b.engagement(conn, "G002", "E002", "GEM", expert_rate="25.00", client_rate="60.00", description="advies")
        b.engagement(conn, "G003", "E003", "GEM", expert_rate="25.00", client_rate="60.00", description="advies")
        b.entry(conn, "G001", date(2026, 10, 6), minutes=120, activity="training oktober")
        b.entry(conn, "G002", date(2026, 10, 7), minutes=180, activity="advies oktober")
        b.entry(conn, "G003", date(2026, 10, 8), minutes=60, activity="advies oktober")
        b.entry(conn, "G001", date(2026, 11, 3), minutes=90, status="logged", activity="voorbereiding")
        b.entry(conn, "G002", date(2026, 11, 4), minutes=60, status="logged", activity="gesprek")
    engine.dispose()
    from vergoeding.api.payout import payout

    ws = open_workspace(db=str(path))
    try:
        payout(ws, "2026-10", out, date(2026, 11, 5))
    finally:
        ws.close()


@dataclass
class Page:
    status: int
    text: str
    headers: Any


class Browser:
    """A Flask test client with a cookie jar; ``post`` fills in the CSRF token of the last
    page (as the form would)."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.last = ""

    def get(self, path: str, **kw: Any) -> Any:
        r = self.client.get(path, **kw)
        if r.mimetype == "text/html":
            self.last = r.get_data(as_text=True)
        return r

    def token(self) -> str:
        m = re.search(r'name="csrf_token" value="([^"]+)"', self.last)
        assert m, "no CSRF token on the last page"
        return m.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any) -> Any:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        r = self.client.post(path, data=data, **kw)
        if r.mimetype == "text/html":
            self.last = r.get_data(as_text=True)
        return r

    def cookie(self, name: str = "vg_sessie") -> Any:
        return self.client.get_cookie(name)


def login_link(browser: Browser, token: str) -> Any:
    browser.get(f"/link/{token}")
    return browser.post(f"/link/{token}")


def login_password(browser: Browser, email: str, password: str = PASSWORD) -> Any:
    browser.get("/inloggen")
    return browser.post("/inloggen", {"email": email, "wachtwoord": password})


def entry_rows(ws: Any, engagement: str) -> list[Any]:
    e, g = s.entries, s.engagements
    with ws.engine.connect() as conn:
        return conn.execute(select(e).join(g, g.c.id == e.c.engagement_id).where(g.c.code == engagement)
                            .order_by(e.c.id)).all()
