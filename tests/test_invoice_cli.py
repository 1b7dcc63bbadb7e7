"""The invoice and contract commands through the real CLI: exit codes, stdout, stderr, files;
and the --all-clients batch with parallel PDF rendering."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
from click.testing import CliRunner
from invoicing_data import ISSUE, build
from openpyxl import load_workbook
from pypdf import PdfReader

from vergoeding.api import invoices as api
from vergoeding.core.period import parse_period


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env={"VERGOEDING_TODAY": "2026-11-05"})


def test_create_list_show_render_credit_paid(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                              tmp_path: Path) -> None:
    build(tmp_db)
    r = run(runner, cli, "invoice", "create", "--client", "GEM-UTR", "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Factuur 2026-0001: Gemeente Utrecht, 2 regel(s)")
    assert "totaal €\u00a0958,08" in r.stdout
    r = run(runner, cli, "invoice", "create", "--client", "ZORG", "--period", "2026-10", "--group-by", "date")
    assert r.exit_code == 0 and "Factuur 2026-0002" in r.stdout
    r = run(runner, cli, "invoice", "list", "--format", "json")
    rows = json.loads(r.stdout)
    assert [(x["number"], x["status"], x["total"]) for x in rows] == [
        ("2026-0001", "issued", "958.08"), ("2026-0002", "issued", "1149.50")]  # 160 + 790 = 950 x 1.21
    r = run(runner, cli, "invoice", "show", "2026-0002")
    assert r.exit_code == 0 and "Stichting Zorg Dichtbij" in r.stdout and "13-10-2026" in r.stdout
    out = tmp_path / "f.pdf"
    r = run(runner, cli, "invoice", "render", "2026-0001", "--format", "pdf", "-o", str(out))
    assert r.exit_code == 0 and r.stderr == ""
    assert "2026-0001" in PdfReader(out).pages[0].extract_text()
    xl = tmp_path / "f.xlsx"
    assert run(runner, cli, "invoice", "render", "2026-0001", "--format", "xlsx", "-o", str(xl)).exit_code == 0
    assert load_workbook(xl)["Regels"]["B4"].value.startswith("Adviseur")
    ubl = tmp_path / "f.xml"
    assert run(runner, cli, "invoice", "render", "2026-0001", "--format", "ubl", "-o", str(ubl)).exit_code == 0
    assert b"<cbc:PayableAmount currencyID=\"EUR\">958.08</cbc:PayableAmount>" in ubl.read_bytes()
    r = run(runner, cli, "invoice", "credit", "2026-0001", "--reason", "verkeerd tarief")
    assert r.exit_code == 0 and r.stdout.startswith("Creditnota 2026-0003")
    r = run(runner, cli, "invoice", "paid", "2026-0002", "--date", "5-11-2026")  # today (VERGOEDING_TODAY): not in the future
    assert r.exit_code == 0 and "betaald op 05-11-2026" in r.stdout
    r = run(runner, cli, "invoice", "list", "--status", "credited", "--format", "csv")
    assert r.stdout.splitlines()[1].startswith("2026-0001;client;issued;credited;2026-11-05;Gemeente Utrecht;2026-10;791,80;166,28;958,08")


def test_errors_are_messages_not_tracebacks(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    build(tmp_db)
    r = run(runner, cli, "invoice", "create", "--client", "GEM-UTR", "--period", "2026-12")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("fout: geen goedgekeurde, nog niet gefactureerde uren voor GEM-UTR")
    r = run(runner, cli, "invoice", "show", "2026-0099")
    assert r.exit_code == 1 and "factuur '2026-0099' bestaat niet" in r.stderr
    r = run(runner, cli, "invoice", "create", "--period", "2026-10")
    assert r.exit_code == 2 and "--all-clients" in r.stderr
    r = run(runner, cli, "invoice", "create", "--client", "X", "--period", "2026-13")
    assert r.exit_code == 2


def test_all_clients_batch_with_parallel_pdfs(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                              tmp_path: Path) -> None:
    build(tmp_db)
    out = tmp_path / "facturen"
    r = run(runner, cli, "invoice", "create", "--all-clients", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "Factuur 2026-0001: Gemeente Utrecht" in r.stdout and "Factuur 2026-0002: Stichting Zorg Dichtbij" in r.stdout
    files = sorted(p.name for p in out.iterdir())
    assert files == ["factuur-2026-0001.pdf", "factuur-2026-0001.xml", "factuur-2026-0002.pdf", "factuur-2026-0002.xml"]
    assert "Stichting Zorg Dichtbij" in PdfReader(out / "factuur-2026-0002.pdf").pages[0].extract_text()


def test_batch_api_reports_progress(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    seen: list[tuple[int, int, str]] = []
    res = api.create_all_client_invoices(ws, parse_period("2026-10"), issue_date=ISSUE, out_dir=tmp_path,
                                         progress=lambda d, t, n: seen.append((d, t, n)))
    assert [s.number for s in res.issued] == ["2026-0001", "2026-0002"] and res.failed == []
    assert sorted(x[0] for x in seen) == [1, 2] and {x[1] for x in seen} == {2}
    assert {x[2] for x in seen} == {"2026-0001", "2026-0002"}
    again = api.create_all_client_invoices(ws, parse_period("2026-10"), issue_date=ISSUE)
    assert again.issued == [] and again.failed == []


def test_expert_invoice_command(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    build(tmp_db)
    r = run(runner, cli, "invoice", "expert", "--expert", "E002", "--period", "2026-10", "--self-billing")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Factuur ZF2026-E002-001: Bram Jansen") and "totaal €\u00a0554,34" in r.stdout
    r = run(runner, cli, "invoice", "expert", "--expert", "E004", "--period", "2026-10", "--self-billing")
    assert r.exit_code == 1 and "zelffacturering is niet afgesproken" in r.stderr


def test_concept_commands(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    build(tmp_db)
    r = run(runner, cli, "invoice", "create", "--client", "ZORG", "--period", "2026-10", "--concept")
    assert r.exit_code == 0 and r.stdout.startswith("Concept concept-1")
    r = run(runner, cli, "invoice", "issue", "concept-1")
    assert r.exit_code == 0 and r.stdout.startswith("Factuur 2026-0001")


def test_pdf_bytes_from_batch_match_single_render(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    api.create_all_client_invoices(ws, parse_period("2026-10"), issue_date=ISSUE, out_dir=tmp_path)
    single = PdfReader(io.BytesIO(api.render(ws, "2026-0001", "pdf"))).pages[0].extract_text()
    batch = PdfReader(tmp_path / "factuur-2026-0001.pdf").pages[0].extract_text()
    assert single == batch


def test_templates_option_overrides_the_invoice(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                tmp_path: Path) -> None:
    build(tmp_db)
    tdir = tmp_path / "sjablonen"
    tdir.mkdir()
    (tdir / "invoice.html").write_text('{% extends "base.html" %}{% block content %}'
                                       "<h1>Huisstijl {{ number }}</h1>{% endblock %}", encoding="utf-8")
    assert run(runner, cli, "invoice", "create", "--client", "ZORG", "--period", "2026-10").exit_code == 0
    out = tmp_path / "f.pdf"
    r = run(runner, cli, "--templates", str(tdir), "invoice", "render", "2026-0001", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "Huisstijl 2026-0001" in PdfReader(out).pages[0].extract_text()
    (tdir / "invoice.html").write_text("{{ onbekend_veld }}", encoding="utf-8")
    from vergoeding.render import templating

    templating.environment.cache_clear()
    r = run(runner, cli, "--templates", str(tdir), "invoice", "render", "2026-0001", "-o", str(out))
    assert r.exit_code == 1
    assert "sjabloon invoice.html" in r.stderr and "onbekend_veld" in r.stderr
