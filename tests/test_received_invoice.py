"""A zzp'er's own invoice that we received is registered, never re-issued in their name: its
PDF is our registration ("Dit is geen factuur"), with what we checked and its state, without a
payment request or an e-invoice; its UBL is refused with a Dutch message and nothing written;
`invoice list/show` name where each invoice comes from (docs/E-INVOICE.md)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click
from click.testing import CliRunner
from invoicing_data import build
from openpyxl import load_workbook
from pypdf import PdfReader

ENV = {"VERGOEDING_TODAY": "2026-11-05"}
NUMBER = "BJ/2026/17"  # Bram Jansen's own number, with the slashes people use


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env=ENV)


def text_of(pdf: Path, *layout: str) -> str:
    out = subprocess.run(["pdftotext", *layout, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.replace("\u00a0", " ").split())


def test_a_received_invoice_is_our_registration_never_an_invoice_in_their_name(
        runner: CliRunner, cli: click.Group, tmp_db: Path, tmp_path: Path) -> None:
    build(tmp_db)
    # Bram Jansen (21% VAT): 7:20 h = 7,33 x € 62,50 = € 458,13 + € 96,21 btw = € 554,34; he asks € 560,00
    r = run(runner, cli, "invoice", "receive", "--expert", "E002", "--period", "2026-10", "--number", NUMBER,
            "--date", "3-11-2026", "--amount", "560")
    assert r.exit_code == 0, r.output
    assert "de factuur vraagt € 560,00, de goedgekeurde uren en tarieven geven € 554,34 (verschil € 5,66)" \
        in r.stderr.replace("\u00a0", " ")
    r = run(runner, cli, "invoice", "expert", "--expert", "E002", "--period", "2026-10", "--self-billing")
    assert r.exit_code == 1  # the hours are on the received invoice: nothing left to self-bill
    r = run(runner, cli, "invoice", "create", "--client", "GEM-UTR", "--period", "2026-10")
    assert r.exit_code == 0, r.output

    # --- the registration PDF, read back ---
    pdf = tmp_path / "registratie.pdf"
    r = run(runner, cli, "invoice", "render", NUMBER, "--format", "pdf", "-o", str(pdf))
    assert r.exit_code == 0, r.output
    text = text_of(pdf)
    assert "Registratie ontvangen factuur" in text[:60], text[:80]  # the heading, next to our name
    assert PdfReader(pdf).metadata.title == "Registratie ontvangen factuur BJ/2026/17"
    assert "Dit is geen factuur: de factuur is BJ/2026/17 van Bram Jansen van 3 november 2026." in text
    assert "Dit is onze registratie van die factuur." in text
    # what we checked: their details, the approved hours x the rate, VAT, and the difference
    assert "Bram Jansen" in text and "KvK 87654321" in text and "Btw-id NL001234567B01" in text
    assert "7,33 uur € 62,50 21% € 458,13" in text_of(pdf, "-layout")  # the line as it is printed
    assert "Btw 21% over € 458,13 € 96,21" in text and "Op hun factuur € 560,00" in text
    assert ("De factuur vraagt € 560,00. De goedgekeurde uren en tarieven geven € 554,34. Het verschil is "
            "€ 5,66. Wij betalen € 554,34.") in text
    assert "Goedgekeurd nog niet Betaald nog niet" in text
    # no payment request, none of our bank details, no self-billing note, no e-invoice
    for wrong in ("verzoeken u", "over te maken", "NL91ABNA0417164300", "Vervaldatum", "uitgereikt door afnemer",
                  "e-factuur", "Factuurnummer"):
        assert wrong not in text, wrong
    assert PdfReader(pdf).attachments == {}
    assert len(PdfReader(pdf).pages) == 1

    # --- approved: the state on the registration and in the listings ---
    assert run(runner, cli, "invoice", "approve", NUMBER).exit_code == 0
    r = run(runner, cli, "invoice", "render", NUMBER, "--format", "pdf", "-o", str(pdf))
    assert r.exit_code == 0 and "Goedgekeurd ja, op 5 november 2026 Betaald nog niet" in text_of(pdf)

    # --- the e-invoice is refused: why, and what to use; nothing written ---
    xml = tmp_path / "e-factuur" / "bj.xml"
    xml.parent.mkdir()
    r = run(runner, cli, "invoice", "render", NUMBER, "--format", "ubl", "-o", str(xml))
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("fout: factuur BJ/2026/17 is de factuur die Bram Jansen ons stuurde."), r.stderr
    assert "Van een ontvangen factuur maken wij geen e-factuur" in r.stderr
    assert f"'vergoeding invoice render {NUMBER} --format pdf -o registratie.pdf'" in r.stderr
    assert "'vergoeding invoice expert --expert E002 --period 2026-10 --self-billing'" in r.stderr
    assert "Traceback" not in r.stderr
    assert list(xml.parent.iterdir()) == []

    # --- the xlsx: the same registration as cells ---
    xl = tmp_path / "registratie.xlsx"
    assert run(runner, cli, "invoice", "render", NUMBER, "--format", "xlsx", "-o", str(xl)).exit_code == 0
    cells = {row[0].value: row[1].value for row in load_workbook(xl)["Factuur"].iter_rows(min_row=2)}
    assert cells["Document"] == "Registratie ontvangen factuur"
    assert cells["Factuurnummer van de zzp'er"] == NUMBER
    assert cells["Let op"] == "Dit is geen factuur: de factuur is BJ/2026/17 van Bram Jansen"
    assert (cells["Totaal"], cells["Op hun factuur"], cells["Verschil"]) == (554.34, 560, 5.66)
    assert cells["Goedgekeurd op"].date().isoformat() == "2026-11-05" and cells["Betaald op"] is None
    assert "Vervaldatum" not in cells and "Nummer" not in cells

    # --- where each invoice comes from: list and show ---
    rows = {x["number"]: x for x in json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)}
    assert {n: (x["kind"], x["origin"], x["status"]) for n, x in rows.items()} == {
        NUMBER: ("expert", "received", "issued"), "2026-0001": ("client", "issued", "issued")}
    assert rows[NUMBER]["approved_at"] == "2026-11-05"
    table = run(runner, cli, "invoice", "list", "--breed").stdout  # one line an invoice
    line = next(x for x in table.splitlines() if x.startswith(NUMBER))
    assert line.split()[1:4] == ["deskundige", "ontvangen", "goedgekeurd"], line
    line = next(x for x in table.splitlines() if x.startswith("2026-0001"))
    assert line.split()[1:4] == ["opdrachtgever", "uitgereikt", "uitgereikt"], line
    csv = run(runner, cli, "invoice", "list", "--format", "csv").stdout.splitlines()
    assert csv[0].lstrip("\ufeff").split(";")[:4] == ["nummer", "soort", "herkomst", "status"]
    assert [ln.split(";")[:4] for ln in csv[1:]] == [[NUMBER, "expert", "received", "issued"],
                                                     ["2026-0001", "client", "issued", "issued"]]
    show = run(runner, cli, "invoice", "show", NUMBER).stdout.replace("\u00a0", " ")
    assert show.startswith("Ontvangen factuur BJ/2026/17 (goedgekeurd)\n"
                           "  Dit is onze registratie. De factuur is BJ/2026/17 van Bram Jansen.\n"
                           "  goedgekeurd: 05-11-2026   betaald: nog niet\n"
                           "  op hun factuur: € 560,00 (verschil € 5,66; wij betalen € 554,34)\n"), show
    js = json.loads(run(runner, cli, "invoice", "show", NUMBER, "--format", "json").stdout)
    assert (js["origin"], js["stated_total"], js["totals"]["total"]) == ("received", "560.00", "554.34")


def test_self_billed_invoices_are_ours_and_say_so(runner: CliRunner, cli: click.Group, tmp_db: Path) -> None:
    build(tmp_db)  # G002 (Bram Jansen) has a recorded self-billing agreement
    r = run(runner, cli, "invoice", "expert", "--expert", "E002", "--period", "2026-10", "--self-billing")
    assert r.exit_code == 0, r.output
    rows = json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)
    assert [(x["number"], x["origin"]) for x in rows] == [("ZF2026-E002-001", "self_billed")]
    line = run(runner, cli, "invoice", "list", "--breed").stdout.splitlines()[2]  # one line an invoice
    assert line.split()[:4] == ["ZF2026-E002-001", "deskundige", "zelffacturering", "uitgereikt"], line
    show = run(runner, cli, "invoice", "show", "ZF2026-E002-001").stdout
    assert show.startswith("Factuur ZF2026-E002-001 (uitgereikt, zelffacturering)\n"), show


def test_the_credit_note_on_a_received_invoice_is_theirs_too(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                             tmp_path: Path) -> None:
    build(tmp_db)
    # Cor Pieters (KOR): 2 h x € 55,00 = € 110,00
    r = run(runner, cli, "invoice", "receive", "--expert", "E003", "--period", "2026-10", "--number", "CP-9",
            "--date", "2-11-2026")
    assert r.exit_code == 0, r.output
    r = run(runner, cli, "invoice", "credit", "CP-9", "--reason", "dubbel gestuurd")  # no number of ours
    assert r.exit_code == 1 and r.stdout == ""
    assert ("factuur CP-9 is de factuur die Cor Pieters ons stuurde: de creditnota daarop maakt Cor Pieters ook "
            "zelf. Registreer die met 'vergoeding invoice credit CP-9 --number HUN-NUMMER --date DD-MM-JJJJ "
            "--reason ...'") in r.stderr
    r = run(runner, cli, "invoice", "credit", "CP-9", "--reason", "dubbel gestuurd", "--number", "CP-C1")
    assert r.exit_code == 2 and "--date" in r.stderr  # their date, not today
    r = run(runner, cli, "invoice", "credit", "CP-9", "--reason", "dubbel gestuurd", "--number", "CP-C1",
            "--date", "4-11-2026")
    assert r.exit_code == 0, r.output
    assert r.stdout.replace("\u00a0", " ") == ("Ontvangen creditnota CP-C1 geregistreerd: Cor Pieters, vervalt "
                                               "factuur CP-9, totaal € -110,00 (kleineondernemersregeling: geen btw)\n")
    rows = {x["number"]: x for x in json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)}
    assert {n: (x["kind"], x["origin"], x["status"]) for n, x in rows.items()} == {
        "CP-9": ("expert", "received", "credited"), "CP-C1": ("credit", "received", "issued")}
    pdf = tmp_path / "cn.pdf"
    assert run(runner, cli, "invoice", "render", "CP-C1", "--format", "pdf", "-o", str(pdf)).exit_code == 0
    text = text_of(pdf)
    assert "Registratie ontvangen creditnota" in text[:60]
    assert ("Dit is geen creditnota: de creditnota is CP-C1 van Cor Pieters van 4 november 2026. Dit is onze "
            "registratie van die creditnota. Zij vervalt factuur CP-9. Reden: dubbel gestuurd") in text
    assert "Wij betalen factuur CP-9 niet (meer)." in text and "€ -110,00" in text
    assert "%" not in text and "incl. btw" not in text  # KOR: no VAT rate or VAT total
    assert PdfReader(pdf).attachments == {}
    xml = tmp_path / "cn.xml"
    r = run(runner, cli, "invoice", "render", "CP-C1", "--format", "ubl", "-o", str(xml))
    assert r.exit_code == 1 and not xml.exists() and "de factuur die Cor Pieters ons stuurde" in r.stderr
    # the hours are free again: their corrected invoice is received for them
    r = run(runner, cli, "invoice", "receive", "--expert", "E003", "--period", "2026-10", "--number", "CP-10",
            "--date", "4-11-2026", "--amount", "110")
    assert r.exit_code == 0 and r.stderr == "", r.output
    # an invoice we issued is credited with a number of ours, never one given
    assert run(runner, cli, "invoice", "create", "--client", "ZORG", "--period", "2026-10").exit_code == 0
    r = run(runner, cli, "invoice", "credit", "2026-0001", "--reason", "fout", "--number", "X-1", "--date", "5-11-2026")
    assert r.exit_code == 1 and "laat --number weg" in r.stderr
