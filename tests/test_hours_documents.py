"""The expert's hour overview: PDF text (totals first, Dutch months, name), xlsx read back, CLI."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from vergoeding.api import ledger as api
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.core.period import parse_period
from vergoeding.documents.hours import period_text


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_workspace(db=str(tmp_path / "v.db"))
    api.add_organisation(w, api.OrganisationData(code="EIGEN", kind="own", name="Stichting Eigen"))
    api.add_organisation(w, api.OrganisationData(code="LEK", name="Gemeente Lekstede"))
    api.add_expert(w, api.ExpertData(code="E1", name="Ria de Groot", bsn="111222333"))
    api.add_engagement(w, api.EngagementData(code="G1", expert="E1", client="LEK", role="trainer",
                                             regime="vrijwilliger", start_date=date(2026, 8, 1)))
    api.add_engagement(w, api.EngagementData(code="G2", expert="E1", client="LEK", role="adviesraad",
                                             regime="vacatiegeld", start_date=date(2026, 8, 1)))
    for day, minutes, code in [(date(2026, 9, 3), 150, "G1"), (date(2026, 9, 10), 180, "G1"),
                               (date(2026, 10, 1), 120, "G2"), (date(2026, 10, 8), 90, "G1")]:
        api.log(w, api.EntryData(engagement=code, work_date=day, minutes=minutes, activity="werk"))
    api.approve(w, parse_period("2026-09"))
    yield w
    w.close()


def test_model_totals(ws: Workspace) -> None:
    doc = api.hours(ws, "E1", parse_period("2026"), made_on=date(2026, 11, 2))
    assert doc.total.minutes == 540 and doc.total.count_texts == ["1 bijeenkomst"]
    assert [(m.label, m.minutes) for m in doc.months] == [("september 2026", 330), ("oktober 2026", 210)]
    assert [(g.key, g.minutes) for g in doc.engagements] == [("G1", 420), ("G2", 120)]
    assert doc.waiting == 2
    assert period_text(parse_period("2026-Q4")) == "oktober tot en met december 2026"


def test_pdf_text_totals_first(ws: Workspace, tmp_path: Path) -> None:
    doc = api.hours(ws, "E1", parse_period("2026"), made_on=date(2026, 11, 2))
    pdf = api.hours_pdf(ws, doc)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Urenoverzicht" in text and "Ria de Groot" in text
    assert "9 uur" in text and "1 bijeenkomst" in text
    assert "september 2026" in text and "oktober 2026" in text and "2 november 2026" in text
    assert text.index("9 uur") < text.index("Per maand") < text.index("Alle dagen")
    assert "2 regels zijn nog niet goedgekeurd" in text
    assert "111222333" not in text and "2333" not in text


def test_xlsx_read_back(ws: Workspace) -> None:
    doc = api.hours(ws, "E1", parse_period("2026"), made_on=date(2026, 11, 2))
    wb = openpyxl.load_workbook(io.BytesIO(api.hours_xlsx(doc)))
    assert wb.sheetnames == ["Totalen", "Regels"]
    tot = wb["Totalen"]
    assert tot["A1"].value == "Urenoverzicht Ria de Groot"
    assert [c.value for c in tot[5]][:4] == ["Totaal", "hele periode", 9, 540]
    lines = wb["Regels"]
    assert lines["B2"].value.date() == date(2026, 9, 3) and lines["F2"].value == 2.5 and lines["G2"].value == 150
    assert lines["M2"].value == "goedgekeurd" and lines["M5"].value == "nog niet goedgekeurd"


def test_cli_hours_formats(ws: Workspace, tmp_path: Path, cli) -> None:  # noqa: ANN001
    runner = CliRunner(env={"VERGOEDING_DB": ws.settings.db})
    r = runner.invoke(cli, ["hours", "--expert", "E1", "--period", "2026-09"])
    assert r.exit_code == 0, r.stderr
    assert "Totaal: 5:30 uur" in r.stdout and "september 2026: 5:30 uur" in r.stdout
    r = runner.invoke(cli, ["hours", "--expert", "E1", "--year", "2026", "--format", "csv"])
    assert r.stdout.splitlines()[0].startswith("\ufeffregel;datum;opdracht") and len(r.stdout.splitlines()) == 5
    r = runner.invoke(cli, ["hours", "--expert", "E1", "--year", "2026", "--format", "json"])
    assert json.loads(r.stdout)["total"]["minutes"] == 540
    r = runner.invoke(cli, ["hours", "--expert", "E1", "--format", "pdf"])
    assert r.exit_code == 2 and "-o BESTAND" in r.stderr
    out = tmp_path / "uren.pdf"
    r = runner.invoke(cli, ["hours", "--expert", "E1", "--year", "2026", "--format", "pdf", "-o", str(out)])
    assert r.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
