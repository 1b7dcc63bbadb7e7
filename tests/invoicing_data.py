"""Test data for the invoice and contract tests (built with tests/builders.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from builders import engagement, entry, expert, new_engine, org
from sqlalchemy import update

from vergoeding.api.workspace import Workspace
from vergoeding.config import Settings
from vergoeding.store import schema as s

ISSUE = date(2026, 11, 5)


def workspace(db: Path | str, **extra: Any) -> Workspace:
    return Workspace(Settings(db=str(db), actor="tester", extra=extra))


def build(db: Path, *, client_name: str | None = None) -> Workspace:
    """Our organisation, two clients, four experts (volunteer, zzp with VAT, zzp KOR, zzp
    CRKBO trainer) and October 2026 hours, all approved."""
    engine = new_engine(db)
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt", street="Oudegracht 100",
            postcode="3511 AZ", city="Utrecht", contact_email="factuur@ervaringwerkt.nl")
        org(c, "GEM-UTR", name=client_name or "Gemeente Utrecht", street="Stadsplateau 1", postcode="3521 AZ",
            city="Utrecht", oin="00000001002220647000", vat_id="NL002220647B01", payment_term_days=30)
        org(c, "ZORG", name="Stichting Zorg Dichtbij", street="Lange Nieuwstraat 7", postcode="3512 PE",
            city="Utrecht", payment_term_days=14)
        expert(c, "E001", name="Anna de Vries")
        expert(c, "E002", name="Bram Jansen", kvk="87654321", vat_id="NL001234567B01", street="Biltstraat 9",
               postcode="3572 AB", city="Utrecht")
        expert(c, "E003", name="Cor Pieters", kvk="76543210", vat_id="NL002345678B01", kor=True)
        expert(c, "E004", name="Dina Bakker", kvk="65432109", vat_id="NL003456789B01", crkbo=True)
        engagement(c, "G001", "E001", "GEM-UTR", role="adviseur", regime="vrijwilliger", unit="uur",
                   expert_rate="5.00", client_rate="45.00", description="adviesraad sociaal domein")
        engagement(c, "G002", "E002", "GEM-UTR", role="trainer", regime="zzp", unit="uur",
                   expert_rate="62.50", client_rate="85.00", description="training schuldhulp",
                   self_billing=True)
        engagement(c, "G003", "E003", "ZORG", role="adviseur", regime="zzp", unit="uur",
                   expert_rate="55.00", client_rate="80.00", vat_exemption="kor")
        engagement(c, "G004", "E004", "ZORG", role="trainer", regime="zzp", unit="sessie",
                   expert_rate="250.00", client_rate="395.00", vat_exemption="crkbo",
                   description="training voor professionals")
        # G001: 2:30 + 1:15 = 3.75 h x 45.00 = 168.75
        entry(c, "G001", date(2026, 10, 6), minutes=150, activity="adviesraad")
        entry(c, "G001", date(2026, 10, 20), minutes=75, activity="voorbereiding")
        # G002: 4:00 + 3:20 = 7:20 = 7.33 h (invoiced to 2 decimals) x 85.00 = 623.05 (client); x 62.50 = 458.13 (expert)
        entry(c, "G002", date(2026, 10, 8), minutes=240, activity="training")
        entry(c, "G002", date(2026, 10, 22), minutes=200, activity="training")
        # G003: 2 h x 80 = 160.00 (client); x 55 = 110.00 (expert)
        entry(c, "G003", date(2026, 10, 13), minutes=120, activity="advies")
        # G004: 2 sessions x 395 = 790.00 (client); x 250 = 500.00 (expert)
        entry(c, "G004", date(2026, 10, 15), quantity=2, activity="training")
        # not invoiceable: logged (not approved) and another month
        entry(c, "G001", date(2026, 10, 27), minutes=60, status="logged")
        entry(c, "G001", date(2026, 9, 29), minutes=60)
    engine.dispose()
    return workspace(db)


def agree_self_billing(ws: Workspace, *codes: str) -> None:
    """Record the written self-billing agreement on engagements ``codes`` (what 'vergoeding
    engagement edit CODE --self-billing' records): we may then issue the zzp'er's invoice."""
    with ws.engine.begin() as c:
        c.execute(update(s.engagements).where(s.engagements.c.code.in_(codes)).values(self_billing=True))
