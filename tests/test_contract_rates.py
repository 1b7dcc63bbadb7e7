"""Contracts state what the pricing pays (issue 21 item 6): the rate card's change from a date,
the engagement's own rate history and a volunteer under 21 paid above the hourly presumption.
Each stated price is compared with the priced amounts of entries logged on a day in each
stretch: the payout's pricing for the expert, the client invoice's pricing for the client."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from builders import engagement, entry, expert
from invoicing_data import build
from pypdf import PdfReader

from vergoeding.api import contracts
from vergoeding.api.check_input import price_all
from vergoeding.api.rate_change import edit_engagement
from vergoeding.api.workspace import Workspace
from vergoeding.config import Settings
from vergoeding.core.compensation import price_entry
from vergoeding.store import queries

TODAY = date(2026, 11, 20)
CARD = """
[card]
name = "Testkaart"
organisation = "Stichting Ervaring Werkt"
example = false

[roles.trainer]
label = "Trainer"
regimes = ["zzp"]

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "60.00"
client = "85.00"
valid_from = 2026-01-01
valid_to = 2027-02-01

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "64.00"
client = "90.00"
valid_from = 2027-02-01

[roles.buddy]
label = "Buddy"
regimes = ["vrijwilliger"]

[[roles.buddy.rates]]
regime = "vrijwilliger"
unit = "uur"
expert = "5.75"
client = "30.00"
valid_from = 2026-01-01
"""
DAYS = {"Z1": (date(2026, 12, 10), date(2027, 2, 10), date(2027, 5, 10)), "V1": (date(2026, 1, 15), date(2027, 6, 15))}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    tmp = tmp_path_factory.mktemp("contract-rates")
    build(tmp / "db.sqlite")
    (tmp / "ratecard.toml").write_text(CARD, encoding="utf-8")
    w = Workspace(Settings(db=str(tmp / "db.sqlite"), actor="tester", rate_card=tmp / "ratecard.toml"))
    with w.engine.begin() as c:
        # zzp on the card: 60,00 / 85,00 until the card changes on 1 February 2027 (64,00 / 90,00);
        # from 1 May 2027 the engagement's own expert rate 70,00
        engagement(c, "Z1", "E002", "GEM-UTR", role="trainer", regime="zzp", unit="uur", start=date(2026, 12, 1),
                   end=date(2027, 7, 1))
        # a volunteer of 18 (21 on 10 March 2028) on the card's 5,75 an hour
        expert(c, "E009", name="Sam Yilmaz", dob=date(2007, 3, 10))
        engagement(c, "V1", "E009", "ZORG", role="buddy", regime="vrijwilliger", unit="uur")
        for code, days in DAYS.items():
            for d in days:
                entry(c, code, d, minutes=120, activity="training" if code == "Z1" else "buddy")
    edit_engagement(w, "Z1", {"expert_rate": Decimal("70.00")}, rate_from=date(2027, 5, 1), reason="nieuwe afspraak")
    return w


def text(ws: Workspace, code: str, kind: str = "expert") -> str:
    data = contracts.render_pdf(ws, code, kind=kind, today=TODAY)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def priced(ws: Workspace, code: str) -> dict[date, tuple[Decimal, Decimal]]:
    """(expert fee as the payout prices it, client amount as the client invoice prices it) per day."""
    with ws.engine.connect() as conn:
        g = queries.engagement(conn, code)
        entries = [e for e in queries.load_entries(conn, expert_code=g.expert_code) if e.engagement_code == code]
    fees = {p.entry.work_date: p.fee for p in price_all(ws, entries, {code: g})}
    return {e.work_date: (fees[e.work_date], price_entry(e, g, ws.ratecard, ws.limits).client_amount)
            for e in entries}


def test_zzp_contract_names_the_rate_card_change_and_the_own_rate_as_paid(ws: Workspace) -> None:
    paid = priced(ws, "Z1")
    # 2 hours on a day in each stretch: the card's 60, the card's 64 from 1 February, the own 70 from 1 May
    assert [paid[d][0] for d in DAYS["Z1"]] == [Decimal("120.00"), Decimal("128.00"), Decimal("140.00")]
    t = text(ws, "Z1")
    assert "Het tarief is € 60,00 per uur." in t
    assert "Vanaf 1 februari 2027 is het tarief € 64,00 per uur." in t
    assert "Vanaf 1 mei 2027 is het tarief € 70,00 per uur." in t
    stated = [Decimal(m.replace(".", "").replace(",", ".")) for m in re.findall(r"tarief (?:is )?€ ([\d.,]+) per uur", t)]
    assert [r * 2 for r in stated] == [paid[d][0] for d in DAYS["Z1"]]


def test_client_agreement_names_the_client_price_changes_only(ws: Workspace) -> None:
    paid = priced(ws, "Z1")
    assert [paid[d][1] for d in DAYS["Z1"]] == [Decimal("170.00"), Decimal("180.00"), Decimal("180.00")]
    t = text(ws, "Z1", kind="client")
    assert "Het tarief is € 85,00 per uur, exclusief btw." in t
    assert "Vanaf 1 februari 2027 is het tarief € 90,00 per uur, exclusief btw." in t
    assert "1 mei 2027" not in t and "€ 70,00" not in t  # the expert's own rate is not the client's business


def test_volunteer_under_21_contract_states_what_is_paid_not_the_presumption(ws: Workspace) -> None:
    paid = priced(ws, "V1")
    # the pricing pays 5,75 an hour at 18 and at 20: 2 hours = 11,50
    assert [paid[d][0] for d in DAYS["V1"]] == [Decimal("11.50"), Decimal("11.50")]
    t = text(ws, "V1")
    assert "De vergoeding is € 5,75 per uur." in t
    assert "vergoeding is € 3,40" not in t and "tarief is € 3,40" not in t
    assert ("Tot 10 maart 2028 is de vrijwilliger jonger dan 21 jaar. Voor die leeftijd gaat de Belastingdienst uit "
            "van ten hoogste € 3,40 per uur. De vergoeding is dan € 5,75 per uur, dus hoger.") in t
    assert "Stichting Ervaring Werkt moet dan kunnen uitleggen waarom de vergoeding toch niet marktconform is" in t


def test_a_recorded_justification_is_named_in_the_volunteer_contract(ws: Workspace, tmp_path: Path) -> None:
    with ws.engine.begin() as c:
        engagement(c, "V2", "E009", "ZORG", role="buddy", regime="vrijwilliger", unit="uur",
                   hourly_justification="het tarief is gelijk voor alle vrijwilligers van de buddypool")
    t = text(ws, "V2")
    assert "De vergoeding is € 5,75 per uur." in t
    assert ("heeft vastgelegd waarom de vergoeding toch niet marktconform is: het tarief is gelijk voor alle "
            "vrijwilligers van de buddypool.") in t
