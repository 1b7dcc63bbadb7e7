"""Injection: names that look like spreadsheet formulas or HTML come out as plain text.

One administration is built through the CLI in which every client, expert and engagement
description carries one of the hostile names below; then every document kind is written
through the CLI and checked: each xlsx stores the names as text cells (openpyxl read-back:
data type 's', never a formula) and each PDF shows the literal text (pdftotext)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from vergoeding.__main__ import load_cli

NAMES = {
    "formula": '=HYPERLINK("http://x","klik")',
    "plus": "+SUM(A1)",
    "minus": "-1+1",
    "at": "@cmd",
    "script": "<script>alert(1)</script>",
    "bold": "<b>vet</b>",
}
KEYS = list(NAMES)
# regime per expert: volunteers, one private person (in the third-party report) and one
# freelancer whose invoice we make ourselves (self-billing)
REGIME = {"formula": "particulier", "bold": "zzp"}
BSNS = {"formula": "111222333"}
ZZP = "bold"
UNSAFE_START = ("=", "+", "-", "@")
# per-expert PDFs (hours, year statement, contract) for a few names only, to keep the test
# fast; the payout overview, the invoices and the xlsx files carry every name
FEW = ("formula", "script", "bold")


def code(prefix: str, key: str) -> str:
    return f"{prefix}{KEYS.index(key) + 1}"


@dataclass
class Admin:
    runner: CliRunner
    cli: click.Group
    out: Path

    def __call__(self, *args: str) -> Result:
        r = self.runner.invoke(self.cli, list(args), catch_exceptions=False)
        assert r.exit_code == 0, (args, r.stdout, r.stderr)
        return r

    def file(self, name: str, *args: str) -> Path:
        path = self.out / name
        self(*[a.replace("{out}", str(path)) for a in args])
        assert path.is_file(), name
        return path


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Admin:
    out = tmp_path_factory.mktemp("injection")
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    runner = CliRunner(env={**unset, "VERGOEDING_DB": str(out / "db.sqlite"), "VERGOEDING_TODAY": "2026-11-02"})
    a = Admin(runner, load_cli().cli, out)
    a("org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Ervaring Werkt", "--street", "Oudegracht 100",
      "--postcode", "3511AZ", "--city", "Utrecht", "--kvk", "12345678", "--vat-id", "NL000099998B57",
      "--iban", "NL91ABNA0417164300", "--bic", "ABNANL2A", "--anbi", "--may-pay-volunteers",
      "--payroll-tax-number")
    for key, name in NAMES.items():
        a("org", "add", "--code", code("KL", key), "--name", name, "--street", "Stadsplateau 1",
          "--postcode", "3521AZ", "--city", "Utrecht", "--kvk", "41234567")
        extra = ["--kvk", "87654321", "--vat-id", "NL002000003B01"] if key == ZZP else []
        a("expert", "add", "--code", code("E", key), "--name", name, "--birth-date", "17-5-1980",
          "--street", "Kerkstraat 5", "--postcode", "3511BB", "--city", "Utrecht",
          "--iban", "NL44RABO0123456789", *(["--bsn", BSNS[key]] if key in BSNS else []), *extra)
        regime = REGIME.get(key, "vrijwilliger")
        a("engagement", "add", "--code", code("G", key), "--expert", code("E", key), "--client", code("KL", key),
          "--role", "adviseur", "--regime", regime, "--start", "1-1-2026", "--description", name,
          *(["--self-billing", "--expert-rate", "62,50", "--client-rate", "85"] if key == ZZP else []))
        a("log", "--engagement", code("G", key), "--date", "6-10-2026", "--hours", "7:20" if key == ZZP else "2",
          "--activity", name)
    a("approve", "--period", "2026-10")
    return a


def _produce(a: Admin) -> dict[str, list[tuple[Path, list[str]]]]:
    """Every document kind -> [(file, the names it must show)]."""
    docs: dict[str, list[tuple[Path, list[str]]]] = {}
    pay = a.out / "uitbetaling"
    held = [x for k in KEYS for x in ("--override-expert", code("E", k))]  # pay everyone, also with a finding
    a("payout", "--period", "2026-10", "--out", str(pay), *held, "--override-reason", "test: iedereen betalen")
    paid = [k for k in KEYS if k != ZZP]  # the freelancer is paid against the invoice
    docs["uitbetaling.xlsx"] = [(pay / "uitbetaling-2026-10.xlsx", [NAMES[k] for k in paid])]
    docs["uitbetaling.pdf"] = [(pay / "uitbetaling-2026-10.pdf", [NAMES[k] for k in paid])]
    docs["specificatie.pdf"] = [(pay / f"specificatie-2026-10-{code('E', k)}.pdf", [NAMES[k]]) for k in paid]
    for fmt in ("xlsx", "pdf"):
        docs[f"urenoverzicht.{fmt}"] = [
            (a.file(f"uren-{code('E', k)}.{fmt}", "hours", "--expert", code("E", k), "--period", "2026-10",
                    "--format", fmt, "-o", "{out}"), [NAMES[k]]) for k in (KEYS if fmt == "xlsx" else FEW)]
    docs["jaaropgave.pdf"] = [
        (a.file(f"jaaropgave-{code('E', k)}.pdf", "statement", "--expert", code("E", k), "--year", "2026",
                "-o", "{out}"), [NAMES[k]]) for k in FEW if k in paid]
    a("invoice", "create", "--all-clients", "--period", "2026-10", "--group-by", "expert",
      "--out", str(a.out / "facturen"))
    numbers = {k: f"2026-{i:04d}" for i, k in enumerate(KEYS, start=1)}  # one per client, in code order
    for fmt, ext in (("xlsx", "xlsx"), ("ubl", "xml")):
        docs[f"factuur.{ext}"] = [
            (a.file(f"factuur-{numbers[k]}.{ext}", "invoice", "render", numbers[k], "--format", fmt, "-o", "{out}"),
             [NAMES[k]]) for k in KEYS]
    docs["factuur.pdf"] = [(a.out / "facturen" / f"factuur-{numbers[k]}.pdf", [NAMES[k]]) for k in KEYS]
    a("invoice", "expert", "--expert", code("E", ZZP), "--period", "2026-10", "--self-billing")
    sb = f"ZF2026-{code('E', ZZP)}-001"
    docs["zelffactuur"] = [
        (a.file(f"{sb}.{ext}", "invoice", "render", sb, "--format", fmt, "-o", "{out}"), [NAMES[ZZP]])
        for fmt, ext in (("pdf", "pdf"), ("xlsx", "xlsx"), ("ubl", "xml"))]
    docs["contract.pdf"] = [
        (a.file(f"contract-{code('G', k)}.pdf", "contract", code("G", k), "-o", "{out}"), [NAMES[k]]) for k in FEW]
    docs["overeenkomst-opdrachtgever.pdf"] = [
        (a.file(f"overeenkomst-{code('G', k)}.pdf", "contract", code("G", k), "--kind", "client", "-o", "{out}"),
         [NAMES[k]]) for k in ("script",)]
    docs["contractenregister.xlsx"] = [
        (a.file("contracten.xlsx", "contracts", "--format", "xlsx", "-o", "{out}"), list(NAMES.values()))]
    docs["opgave-derden.xlsx"] = [
        (a.file("derden.xlsx", "report", "derden", "--year", "2026", "-o", "{out}"), [NAMES["formula"]])]
    return docs


@pytest.fixture(scope="module")
def documents(admin: Admin) -> dict[str, list[tuple[Path, list[str]]]]:
    return _produce(admin)


# --- checks per file type ------------------------------------------------------------------

def check_xlsx(path: Path, names: list[str]) -> None:
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        # the only formulas are the tool's own totals, =SUM over a column range; never a name
        formulas = [f for n in sheets for f in re.findall(rb"<f[ >][^<]*</f>", z.read(n))]
        assert sheets and all(re.fullmatch(rb"<f>SUM\([A-Z]+\d+:[A-Z]+\d+\)</f>", f) for f in formulas), (
            "formula in " + path.name, formulas)
    texts: list[str] = []
    for ws in load_workbook(io.BytesIO(data)):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" or re.fullmatch(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)", cell.value), (
                    path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.data_type != "f":
                    texts.append(cell.value)
                    if cell.value.startswith(UNSAFE_START):
                        assert cell.data_type == "s", (path.name, cell.coordinate, cell.value)
    for name in names:
        # the name is a cell of its own, or leads it (e.g. "naam: rol"), stored as text
        assert any(t.startswith(name) for t in texts), (path.name, name)


def check_pdf(path: Path, names: list[str]) -> None:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)
    text = re.sub(r"\s+", "", out.stdout)
    for name in names:
        assert re.sub(r"\s+", "", name) in text, (path.name, name)


def check_xml(path: Path, names: list[str]) -> None:
    root = ET.fromstring(path.read_bytes())  # well-formed: the names were escaped
    texts = [e.text or "" for e in root.iter()]
    for name in names:
        assert name in texts or any(t.startswith(name) for t in texts), (path.name, name)


CHECKS: dict[str, Callable[[Path, list[str]], Any]] = {".xlsx": check_xlsx, ".pdf": check_pdf, ".xml": check_xml}

KINDS = ["uitbetaling.xlsx", "uitbetaling.pdf", "specificatie.pdf", "urenoverzicht.xlsx", "urenoverzicht.pdf",
         "jaaropgave.pdf", "factuur.pdf", "factuur.xlsx", "factuur.xml", "zelffactuur", "contract.pdf",
         "overeenkomst-opdrachtgever.pdf", "contractenregister.xlsx", "opgave-derden.xlsx"]


@pytest.mark.parametrize("kind", KINDS)
def test_names_come_out_as_plain_text(documents: dict[str, list[tuple[Path, list[str]]]], kind: str) -> None:
    files = documents[kind]
    assert files
    for path, names in files:
        CHECKS[path.suffix](path, names)


def test_every_document_kind_is_covered(documents: dict[str, list[tuple[Path, list[str]]]]) -> None:
    assert sorted(documents) == sorted(KINDS)
    seen = {n for files in documents.values() for _, names in files for n in names}
    assert seen == set(NAMES.values())


def test_invoice_xlsx_keeps_formula_like_names_as_text(documents: dict[str, list[tuple[Path, list[str]]]]) -> None:
    path = next(p for p, names in documents["factuur.xlsx"] if names == [NAMES["formula"]])
    wb = load_workbook(path)
    head = {r[0].value: r[1] for r in wb["Factuur"].iter_rows(min_row=2)}
    assert head["Afnemer"].value == NAMES["formula"] and head["Afnemer"].data_type == "s"
    line = wb["Regels"]["B4"]  # grouped by expert: "<expert name>: <role>"
    assert line.value == NAMES["formula"] + ": Adviseur (beleidsadvies)" and line.data_type == "s"


def test_listings_json_verbatim_csv_neutralised(admin: Admin) -> None:
    """json is data for scripts: the names are passed on exactly. csv is opened in
    spreadsheets: text that would start a formula gets a leading apostrophe."""
    import json

    from vergoeding.render.csvtext import BOM, read_back

    rows = json.loads(admin("expert", "list", "--format", "json").stdout)
    assert sorted(r["name"] for r in rows) == sorted(NAMES.values())
    out = admin("org", "list", "--kind", "client", "--format", "csv").stdout
    assert out.startswith(BOM) and out.splitlines()[0].count(";") > 2
    values = {v for r in read_back(out) for v in r}
    assert "'" + NAMES["formula"] in values and "'+SUM(A1)" in values and "'-1+1" in values and "'@cmd" in values
    assert NAMES["script"] in values and NAMES["bold"] in values  # not formulas: unchanged
    assert NAMES["formula"] not in values


def test_csv_text_neutralises_text_numbers_stay_numbers() -> None:
    from decimal import Decimal

    from vergoeding.render.csvtext import cell, csv_text

    assert cell(Decimal("-3.00")) == "-3,00" and cell(Decimal("1234.56")) == "1234,56" and cell(31) == "31"
    assert csv_text("-3.00") == "'-3.00"  # text that looks like a number is still text
    assert csv_text("-1+1") == "'-1+1" and csv_text("=1") == "'=1" and csv_text("\tx") == "'\tx"
    assert csv_text("\ufeff=1") == "'\ufeff=1" and csv_text(" \u200b=1") == "' \u200b=1"
    assert csv_text("\uff1dSUM(A1)") == "'\uff1dSUM(A1)" and csv_text("\uff20x") == "'\uff20x"
    assert csv_text("Anne") == "Anne" and csv_text("") == ""


@pytest.mark.parametrize("hidden", ["\u2029", "\u200b\u2028", "\u200f", "\u2063", "\u034f", "\ufe0f",
                                    "\U000e0020", "\u3164", "\u2800 ", "\u00ad\u2060"])
def test_csv_formula_behind_any_invisible_character_is_neutralised(hidden: str) -> None:
    from vergoeding.render.csvtext import csv_text

    assert csv_text(hidden + "+HYPERLINK(1)") == "'" + hidden + "+HYPERLINK(1)"
    assert csv_text(hidden + "Bram") == hidden + "Bram"  # invisible characters before text: no apostrophe


def test_report_derden_csv_parsed_back_has_no_live_formula(admin: Admin,
                                                           documents: dict[str, list[tuple[Path, list[str]]]]) -> None:
    """The third-party report as CSV (after the payout in ``documents``): the spreadsheet
    convention, read back by Python's csv module; the formula-like name is text."""
    from vergoeding.render.csvtext import BOM, read_back

    path = admin.file("derden.csv", "report", "derden", "--year", "2026", "-o", "{out}")
    text = path.read_bytes().decode("utf-8")
    assert text.startswith(BOM)
    rows = read_back(text)
    assert rows[0][:3] == ["BSN", "Naam", "Adres"] and len(rows[0]) == 9
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    cells = [c for r in rows for c in r]
    assert "'" + NAMES["formula"] in cells and NAMES["formula"] not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "\uff1d")]
    assert BSNS["formula"] in cells  # the full BSN, as text (the xlsx keeps its leading zero)
    amounts = [r[6] for r in rows[1:]]
    assert all("," in a and "." not in a for a in amounts), amounts
