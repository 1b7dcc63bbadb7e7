# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Documents look finished: no totals, payment sentence or signature block alone on a page, no
date range or address torn apart, and every document kind rendered to PNG (set
``VERGOEDING_LOOK=/some/dir`` to keep the PNGs and look at them; `make look` is not needed).

The keep-together rules live in templates/style.css (break-inside/break-before: avoid,
orphans/widows, headings kept with what follows) and invoice.html (the closing block)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from builders import engagement, expert
from click.testing import CliRunner
from invoicing_data import ISSUE, build
from PIL import Image
from pypdf import PdfReader
from test_invoice_render import _long_invoice
from test_payout_cli import seed

from vergoeding.api import contracts
from vergoeding.api import invoices as api
from vergoeding.core.period import parse_period

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")


def pages_of(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


def look(data: bytes, name: str, tmp_path: Path) -> list[Path]:
    """Render every page to PNG at 60 dpi (like `pdftoppm -png -r 60`); each page has ink on it."""
    where = Path(os.environ.get("VERGOEDING_LOOK") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    pdf = where / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(where / name)], check=True, timeout=120)
    pngs = sorted(where.glob(f"{name}-*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(data)).pages)
    for png in pngs:
        with Image.open(png) as im:
            lo, _hi = im.convert("L").getextrema()
            assert im.width in (496, 497, 701, 702) and lo < 100, f"{png}: blank page"  # A4 at 60 dpi, dark text
    return pngs


@pytest.fixture
def ws(tmp_path: Path):
    w = build(tmp_path / "db.sqlite")
    with w.engine.begin() as c:
        expert(c, "E005", name="Eva Smit", bsn="111222333", street="Laan van Nieuw Oost-Indië 254")
        engagement(c, "G005", "E001", "GEM-UTR", role="adviesraad", regime="vacatiegeld", unit="bijeenkomst",
                   expert_rate="60.00", client_rate="60.00", end=date(2027, 1, 1), travel_policy="km")
        engagement(c, "G006", "E005", "ZORG", role="voorlichter", regime="particulier", unit="sessie",
                   expert_rate="75.00", client_rate="150.00", budget_cents=30000)
    return w


@pytest.mark.parametrize("n", [14, 15, 16, 18, 21])
def test_invoice_totals_and_payment_never_stand_alone(ws, tmp_path: Path, n: int) -> None:
    number = _long_invoice(ws, n)
    data = api.render(ws, number, "pdf")
    pages = pages_of(data)
    last = pages[-1]
    assert "Totaal incl. btw" in last and "Wij verzoeken u het totaalbedrag" in last
    assert "e-factuur als bijlage" in last  # the last sentence goes along too
    assert re.search(r"Training dag \d+", last), f"{n} lines: totals without a line on page {len(pages)}"
    look(data, f"factuur-{n}", tmp_path)


def test_invoice_and_credit_note_keep_dates_and_addresses_whole(ws, tmp_path: Path) -> None:
    oct_ = parse_period("2026-10")
    api.create_client_invoice(ws, "GEM-UTR", oct_, issue_date=ISSUE)
    api.credit(ws, "2026-0001", "verkeerd tarief", issue_date=date(2026, 11, 12))
    for number in ("2026-0001", "2026-0002"):
        data = api.render(ws, number, "pdf")
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
        lines = text.decode().splitlines()
        assert not [x for x in lines if re.search(r"\bt/$", x.rstrip())], "a 't/m' split over two lines"
        assert any(re.search(r"t/m \d\d? oktober 2026", x) for x in lines)  # the service period, whole
        assert any(re.search(r"t/m \d\d-10-2026", x) for x in lines)  # a line's dates in their narrow column
        assert any(re.search(r"Oudegracht\s100", x) for x in lines)  # street and number on one line
        look(data, f"factuur-{number}", tmp_path)


@pytest.mark.parametrize("code,kind", [("G001", "expert"), ("G002", "expert"), ("G003", "expert"),
                                       ("G004", "expert"), ("G005", "expert"), ("G006", "expert"),
                                       ("G001", "client")])
def test_contract_signatures_keep_the_last_clause(ws, tmp_path: Path, code: str, kind: str) -> None:
    data = contracts.render_pdf(ws, code, kind=kind, today=date(2026, 11, 5))
    pages = pages_of(data)
    last = pages[-1]
    assert last.count("Plaats en datum") == 2  # both signatures on one page
    before = last.split("Naam:")[0]
    # the signatures close the text: the page holds more than the two party names
    assert len(before) > 200, f"signature block alone on page {len(pages)}: {last[:300]}"
    look(data, f"contract-{code}-{kind}", tmp_path)


def test_payout_statements_year_statement_and_hours_render(cli, runner: CliRunner, tmp_db: Path,
                                                           tmp_path: Path) -> None:
    seed(tmp_db)
    env = {"VERGOEDING_TODAY": "2026-11-27"}
    for args in (["approve", "--period", "2026-11"],
                 ["payout", "--period", "2026-11", "--out", str(tmp_path / "uit")],
                 ["statement", "--expert", "E001", "--year", "2026", "-o", str(tmp_path / "jaar.pdf")],
                 ["hours", "--expert", "E001", "--year", "2026", "--format", "pdf", "-o", str(tmp_path / "uren.pdf")]):
        r = runner.invoke(cli, args, env=env)
        assert r.exit_code == 0, r.output
    docs = {"uitbetaling": tmp_path / "uit" / "uitbetaling-2026-11.pdf",
            "specificatie": tmp_path / "uit" / "specificatie-2026-11-E001.pdf",
            "jaaropgave": tmp_path / "jaar.pdf", "urenoverzicht": tmp_path / "uren.pdf"}
    for name, path in docs.items():
        data = path.read_bytes()
        look(data, name, tmp_path)
        text = " ".join(pages_of(data))
        assert not re.search(r"(?<![\d.])\d+\.\d\d(?![\d.])", text.replace("2026-11-27", "")), f"{name}: amount with a point"
    assert "Uitbetaling november 2026" in pages_of(docs["uitbetaling"].read_bytes())[0]
    assert "Uw vergoeding over november 2026" in pages_of(docs["specificatie"].read_bytes())[0]
