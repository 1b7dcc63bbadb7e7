"""The demo's last step: portal accounts for a few demo experts and one finance employee,
and how to start the portal and log in (``vergoeding demo``, ``make demo``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from vergoeding.store import schema as s
from vergoeding.web import accounts

DEMO_EXPERTS = (("E001", "noah@demo.example"), ("E002", "fatima@demo.example"), ("E003", "ria@demo.example"))
FINANCE = "financien@demo.example"
PASSWORD = "demo-wachtwoord-portaal"  # fictional administration only
TOTP_SECRET = "DEMOPORTAALVERGOEDINGDEMO234567A"  # base32, fictional; shown so a demo can log in


def step_portal(ctx: Any) -> list[str]:
    ws = ctx.ws
    for code, email in DEMO_EXPERTS:
        link = accounts.invite(ws, email=email, kind="expert", expert_code=code)
        accounts.set_password(ws, link.account, PASSWORD)
    fin = accounts.invite(ws, email=FINANCE, kind="finance")
    accounts.set_password(ws, fin.account, PASSWORD)
    with ws.engine.begin() as conn:
        conn.execute(update(s.portal_accounts).where(s.portal_accounts.c.id == fin.account.id)
                     .values(totp_secret=TOTP_SECRET))
    ctx.facts["portal_accounts"] = len(DEMO_EXPERTS) + 1
    db = ctx.out_dir / "vergoeding.db"
    return [
        f"accounts voor {', '.join(c for c, _ in DEMO_EXPERTS)} en één medewerker financiën "
        f"(wachtwoord van allemaal: {PASSWORD})",
        "Start het portaal:",
        f"  VERGOEDING_TODAY=2026-11-23 vergoeding --db {db} web --port 8000",
        "  en open http://127.0.0.1:8000/",
        f"Deskundige: log in als {DEMO_EXPERTS[1][1]} (of {DEMO_EXPERTS[0][1]}, {DEMO_EXPERTS[2][1]}).",
        f"Financiën: log in als {FINANCE}; de code van de tweede stap geeft",
        f"  python -c \"import pyotp; print(pyotp.TOTP('{TOTP_SECRET}').now())\"",
        f"  (of voeg de sleutel {TOTP_SECRET} toe aan een app op uw telefoon).",
    ]
