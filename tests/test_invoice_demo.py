"""The invoice and contract demo steps run on top of the demo administration."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from vergoeding.api import demo
from vergoeding.api.invoices_demo import DEMO_STEPS
from vergoeding.api.workspace import Workspace
from vergoeding.config import Settings


def test_demo_makes_invoices_and_contracts(tmp_path: Path) -> None:
    ws = Workspace(Settings(db=str(tmp_path / "x.db")))
    report = demo.run_demo(ws, tmp_path, steps=[*demo.STEPS, *DEMO_STEPS])
    numbers = report.facts["invoices"]
    client = sorted(n for n in numbers if n.startswith("2026-"))
    assert client == [f"2026-{i:04d}" for i in range(1, len(client) + 1)] and len(client) >= 3
    names = {p.name for p in report.files}
    assert "factuur-2026-0001.pdf" in names and "factuur-2026-0001.xml" in names
    assert "contractenregister.xlsx" in names
    contracts = [p for p in report.files if p.parent.name == "contracten" and p.suffix == ".pdf"]
    assert len(contracts) >= 4
    text = PdfReader(tmp_path / "facturen" / "factuur-2026-0001.pdf").pages[0].extract_text()
    assert "2026-0001" in text and "2 november 2026" in text
