"""Contracts: each regime's template carries its own clauses and the parties' data; the
client agreement; the register; the CLI."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import click
import pytest
from builders import engagement, expert
from click.testing import CliRunner
from invoicing_data import build
from openpyxl import load_workbook
from pypdf import PdfReader

from vergoeding.api import contracts as api
from vergoeding.errors import RuleViolation

TODAY = date(2026, 11, 5)


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = build(tmp_path / "db.sqlite")
    with w.engine.begin() as c:
        engagement(c, "G005", "E001", "GEM-UTR", role="adviesraad", regime="vacatiegeld", unit="bijeenkomst",
                   expert_rate="60.00", client_rate="60.00", end=date(2027, 1, 1), travel_policy="km")
        expert(c, "E005", name="Eva Smit", bsn="111222333")
        engagement(c, "G006", "E005", "ZORG", role="voorlichter", regime="particulier", unit="sessie",
                   expert_rate="75.00", client_rate="150.00", budget_cents=30000)
        engagement(c, "G007", "E005", "ZORG", role="buddy", regime="vrijwilliger", unit="uur", expert_rate="4.00",
                   client_rate="30.00", budget_minutes=6000, travel_policy="werkelijk")
        engagement(c, "G008", "E005", "ZORG", role="adviseur", regime="loondienst")
    return w


def pdf(ws, code: str, kind: str = "expert") -> str:  # type: ignore[no-untyped-def]
    return text_of(api.render_pdf(ws, code, kind=kind, today=TODAY))


def test_volunteer_agreement(ws) -> None:  # type: ignore[no-untyped-def]
    t = pdf(ws, "G001")
    for s in ("Vrijwilligersovereenkomst", "Stichting Ervaring Werkt", "Oudegracht 100, 3511 AZ Utrecht",
              "KvK 12345678", "Anna de Vries", "Kerkstraat 5", "Adviseur (beleidsadvies)", "adviesraad sociaal domein",
              "Gemeente Utrecht", "1 januari 2026", "onbepaalde tijd", "Begeleiding en intervisie", "intervisie",
              "Inspraak", "€ 5,00 per uur", "€ 220,00 per maand", "€ 2.200,00 per jaar",
              "hele vergoeding belast", "Verzekering",
              "vrijwilligersverzekering van de gemeente", "aanvullende (secundaire) dekking", "VOG",
              "Geheimhouding en privacy (AVG)", "Geschillen", "art. 2 lid 6", "Utrecht, 5 november 2026"):
        assert s in t, s
    assert "geen VOG nodig" in t
    # the rate that applies, not the hourly presumptions next to it; month/year caps are law text (confirmed)
    assert "€ 5,75" not in t and "€ 3,40" not in t and "nog niet door de Belastingdienst bevestigd" not in t
    assert "tellen die onkosten mee voor de grenzen" in t
    buddy = pdf(ws, "G007")
    assert "Voor dit werk is een VOG nodig" in buddy and "ten hoogste 100 uur" in buddy
    assert "werkelijke kosten" in buddy and "€ 4,00 per uur" in buddy


def test_freelance_assignment_has_the_dba_clauses(ws) -> None:  # type: ignore[no-untyped-def]
    t = pdf(ws, "G002")
    for s in ("Overeenkomst van opdracht", "art. 7:400 BW", "geen arbeidsovereenkomst", "Wet DBA",
              "1 januari 2025", "hoe, wanneer en waar", "Vervanging", "gekwalificeerde",
              "geen aanwijzingen of instructies", "in onderhandeling tussen partijen", "geen betaling bij ziekte of vakantie",
              "zelf verzekerd", "andere opdrachtgevers", "KvK 87654321", "btw-id NL001234567B01", "Bram Jansen",
              "€ 62,50 per uur", "21% btw", "factuur uitgereikt door afnemer", "bepaalde tijd of een afgebakend project"):
        assert s in t, s
    # no court-case names in contract text (the reasoning stays, in plain words); a liability clause
    assert "Deliveroo" not in t and "Hoge Raad" not in t and "hoe partijen echt samenwerken" in t
    assert "Aansprakelijkheid" in t and "grove schuld" in t
    kor = pdf(ws, "G003")
    assert "kleineondernemersregeling (KOR, art. 25a Wet OB 1968)" in kor and "factuur uitgereikt" not in kor
    crkbo = pdf(ws, "G004")
    assert "art. 11 lid 1 onderdeel o Wet OB 1968" in crkbo and "€ 250,00 per sessie" in crkbo


def test_meeting_fee_arrangement(ws) -> None:  # type: ignore[no-untyped-def]
    t = pdf(ws, "G005")
    for s in ("Regeling vacatiegeld", "lid adviesraad sociaal domein", "€ 60,00 per bijeenkomst",
              "€ 220,00 per maand", "€ 2.200,00 per jaar", "inkomen", "31 december 2026",
              "vaste vergoeding per kilometer van € 0,23", "Anna de Vries"):
        assert s in t, s
    # the duty to report to the benefit agency, and how the membership ends
    assert "5. Uitkering" in t and "bij de gemeente of het UWV" in t and "6. Einde" in t


def test_private_person_assignment_and_no_bsn(ws) -> None:  # type: ignore[no-untyped-def]
    t = pdf(ws, "G006")
    assert "overeenkomst van opdracht (art. 7:400 BW)" in t and "Dit is geen arbeidsovereenkomst" in t
    for s in ("incidentele opdracht", "niet bij de KvK ingeschreven", "€ 75,00 per sessie", "maximum van € 300,00",
              "Belastingdienst", "1 februari", "uitbetaalde bedragen aan derden", "Eva Smit"):
        assert s in t, s
    assert "111222333" not in t and "2333" not in t


def test_client_agreement(ws) -> None:  # type: ignore[no-untyped-def]
    t = pdf(ws, "G002", "client")
    for s in ("Samenwerkingsovereenkomst", "de intermediair", "de opdrachtgever", "Gemeente Utrecht",
              "Trainer / docent", "Bram Jansen", "€ 85,00 per uur", "exclusief btw", "Annulering", "48 uur",
              "Facturering", "30 dagen", "Geschillen"):
        assert s in t, s
    assert "€ 62,50" not in t  # what the expert receives is not the client's business
    capped = pdf(ws, "G006", "client")
    assert "€ 300,00" in capped and "80%" in capped
    assert "volgens Peppol BIS Billing 3.0" in capped  # ZORG receives Peppol


def test_contracts_follow_the_client_and_end_sentences_once(ws) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with ws.engine.begin() as c:
        c.execute(text("UPDATE organisations SET einvoice_format = 'si-ubl' WHERE code = 'GEM-UTR'"))
        c.execute(text("UPDATE organisations SET name = 'Zorg Dichtbij B.V.' WHERE code = 'ZORG'"))
    client = pdf(ws, "G002", "client")
    assert "volgens SI-UBL 2.0 (NLCIUS)" in client and "Peppol" not in client  # the client's own format
    buddy = pdf(ws, "G007")
    assert "Het werk is bij Zorg Dichtbij B.V. " in buddy and "B.V.." not in buddy
    for code in ("G001", "G002", "G003", "G004", "G005", "G006", "G007"):
        t = pdf(ws, code)
        assert not re.search(r"\d{4}en\b", t) and "B.V.." not in t and ".." not in t.replace("....", ""), code


def test_payroll_has_no_contract(ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation, match="loondienst"):
        api.render_pdf(ws, "G008", today=TODAY)


def test_register_and_cli(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from vergoeding.__main__ import load_cli

    cli: click.Group = load_cli().cli
    runner = CliRunner()
    env = {"VERGOEDING_DB": ws.settings.db, "VERGOEDING_TODAY": "2026-11-05"}
    out = tmp_path / "c.pdf"
    r = runner.invoke(cli, ["contract", "G002", "-o", str(out)], env=env)
    assert r.exit_code == 0, r.output
    assert "Overeenkomst van opdracht" in text_of(out.read_bytes())
    r = runner.invoke(cli, ["contract", "G008", "-o", str(out)], env=env)
    assert r.exit_code == 1 and "fout:" in r.stderr
    xl = tmp_path / "reg.xlsx"
    r = runner.invoke(cli, ["contracts", "--format", "xlsx", "-o", str(xl)], env=env)
    assert r.exit_code == 0, r.output
    rows = list(load_workbook(xl)["Contracten"].iter_rows(values_only=True))
    assert rows[0][0] == "opdracht" and len(rows) == 9
    g002 = next(x for x in rows if x[0] == "G002")
    assert g002[9] == "Overeenkomst van opdracht" and g002[11] == "ja" and g002[12] == pytest.approx(62.5)
    r = runner.invoke(cli, ["contracts", "--format", "json"], env=env)
    data = json.loads(r.stdout)
    assert {d["engagement"]: d["contract"] for d in data}["G008"].startswith("arbeidsovereenkomst")
    r = runner.invoke(cli, ["contracts", "--format", "xlsx"], env=env)
    assert r.exit_code == 2 and "-o" in r.stderr
