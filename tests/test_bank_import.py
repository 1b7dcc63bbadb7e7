"""Reconciling with the bank (issue 22, item 5): CAMT.053 statements built here, checked against
the ISO 20022 schema (camt.053.001.02) by the import itself, with full, partial, double and
unrecognised payments, a reversal, a payout's transfer and a statement read twice; the result
read back per invoice."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import click
from click.testing import CliRunner
from test_billing import seed

from vergoeding.bank.camt import NS, parse, schema

OWN_IBAN = "NL91ABNA0417164300"


def camt(entries: list[dict[str, str]], stmt_id: str = "STMT-2026-11") -> bytes:
    """A camt.053.001.02 document with one statement holding ``entries``."""
    ET.register_namespace("", NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    doc = ET.Element(f"{{{NS}}}Document")
    root = sub(doc, "BkToCstmrStmt")
    hdr = sub(root, "GrpHdr")
    sub(hdr, "MsgId", f"MSG-{stmt_id}")
    sub(hdr, "CreDtTm", "2026-11-30T18:00:00")
    st = sub(root, "Stmt")
    sub(st, "Id", stmt_id)
    sub(st, "CreDtTm", "2026-11-30T18:00:00")
    sub(sub(sub(st, "Acct"), "Id"), "IBAN", OWN_IBAN)
    bal = sub(st, "Bal")
    sub(sub(sub(bal, "Tp"), "CdOrPrtry"), "Cd", "CLBD")
    sub(bal, "Amt", "1000.00", Ccy="EUR")
    sub(bal, "CdtDbtInd", "CRDT")
    sub(sub(bal, "Dt"), "Dt", "2026-11-30")
    for e in entries:
        n = sub(st, "Ntry")
        sub(n, "Amt", e["amount"], Ccy="EUR")
        sub(n, "CdtDbtInd", e.get("ind", "CRDT"))
        if e.get("reversal"):
            sub(n, "RvslInd", "true")
        sub(n, "Sts", "BOOK")
        sub(sub(n, "BookgDt"), "Dt", e["date"])
        sub(sub(n, "ValDt"), "Dt", e["date"])
        sub(n, "AcctSvcrRef", e["ref"])
        sub(n, "BkTxCd")
        tx = sub(sub(n, "NtryDtls"), "TxDtls")
        sub(sub(tx, "Refs"), "EndToEndId", e.get("e2e", "NOTPROVIDED"))
        parties = sub(tx, "RltdPties")
        sub(sub(parties, "Dbtr" if e.get("ind", "CRDT") == "CRDT" else "Cdtr"), "Nm", e.get("who", "Gemeente Utrecht"))
        sub(sub(tx, "RmtInf"), "Ustrd", e.get("text", ""))
    return ET.tostring(doc, xml_declaration=True, encoding="UTF-8")


def run(runner: CliRunner, cli: click.Group, *args: str, today: str = "2026-12-01"):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env={"VERGOEDING_TODAY": today})


def invoices(runner: CliRunner, cli: click.Group) -> dict[str, tuple[str, str | None]]:
    rows = json.loads(run(runner, cli, "invoice", "list", "--format", "json").stdout)
    return {x["number"]: (x["status"], x["paid_at"]) for x in rows}


def test_statement_is_reconciled_per_invoice_and_twice_changes_nothing(runner: CliRunner, cli: click.Group,
                                                                       tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    for client in ("GEM", "PRIV"):  # 2026-0001: € 326,70; 2026-0002: € 48,40
        assert run(runner, cli, "invoice", "create", "--client", client, "--period", "2026-10",
                   today="2026-11-05").exit_code == 0
    r = run(runner, cli, "payout", "--period", "2026-10", "--out", str(tmp_path / "pay"), today="2026-11-02")
    assert r.exit_code == 0, r.output  # Anne: 2 h + 1 h x 5.00 = 15.00, end-to-end id 2026-10-V1
    data = camt([
        {"ref": "B1", "date": "2026-11-03", "amount": "15.00", "ind": "DBIT", "e2e": "2026-10-V1", "who": "Anne Vrij",
         "text": "Vergoeding 2026-10"},
        {"ref": "B2", "date": "2026-11-20", "amount": "326.70", "text": "Factuur 2026-0001 Gemeente Utrecht"},
        {"ref": "B3", "date": "2026-11-21", "amount": "20.00", "who": "J. Jansen", "text": "betaling 2026-0002"},
        {"ref": "B4", "date": "2026-11-24", "amount": "28.40", "who": "J. Jansen", "text": "rest 2026-0002"},
        {"ref": "B5", "date": "2026-11-25", "amount": "326.70", "text": "Factuur 2026-0001"},
        {"ref": "B6", "date": "2026-11-26", "amount": "15.00", "who": "Onbekend", "text": "gift"},
        {"ref": "B7", "date": "2026-11-27", "amount": "28.40", "ind": "DBIT", "reversal": "1", "who": "J. Jansen",
         "text": "rest 2026-0002"},
    ])
    schema().validate(ET.fromstring(data))  # the file is a valid camt.053.001.02 document
    path = tmp_path / "afschrift.xml"
    path.write_bytes(data)
    r = run(runner, cli, "bank", "import", str(path), "--format", "json")
    assert r.exit_code == 0, r.output
    texts = [x["text"] for x in json.loads(r.stdout)]
    assert texts == [
        "uitbetaling 2026-10: overboeking aan Anne Vrij uitgevoerd op 03-11-2026",
        "factuur 2026-0001 betaald op 20-11-2026 (volledig, € 326,70)",
        "deelbetaling op factuur 2026-0002: € 20,00 ontvangen, samen € 20,00 van € 48,40; nog open € 28,40",
        "factuur 2026-0002 betaald op 24-11-2026 (volledig, € 48,40)",
        "dubbele betaling: factuur 2026-0001 was al betaald; € 326,70 is te veel ontvangen en moet worden "
        "terugbetaald",
        "niet herkend: geen factuurnummer van ons in de omschrijving",
        "storno op 27-11-2026: € 28,40 van de betaling op factuur 2026-0002 is teruggeboekt; nog open € 28,40",
    ]
    # read back per invoice: the bank's date; the reversal reopened 2026-0002
    assert invoices(runner, cli) == {"2026-0001": ("paid", "2026-11-20"), "2026-0002": ("issued", None)}
    r = run(runner, cli, "invoice", "list", "--overdue", "--format", "json", today="2026-12-20")
    assert [(x["number"], x["total"], x["received"], x["open"]) for x in json.loads(r.stdout)] == [
        ("2026-0002", "48.40", "20.00", "28.40")]  # the partial payment counts, the reversed one not
    r = run(runner, cli, "invoice", "list", "--overdue", today="2026-12-20")
    assert "€ 28,40" in r.stdout.replace("\u00a0", " ")
    assert "1 factuur/facturen over de vervaldatum; nog te ontvangen: € 28,40." in r.stdout.replace("\u00a0", " ")
    # the same statement again: nothing changes
    r = run(runner, cli, "bank", "import", str(path))
    assert r.exit_code == 0 and "7 post(en): 0 herkend, 0 niet herkend, 7 al eerder ingelezen." in r.stderr
    assert invoices(runner, cli) == {"2026-0001": ("paid", "2026-11-20"), "2026-0002": ("issued", None)}
    assert len(json.loads(run(runner, cli, "bank", "list", "--format", "json").stdout)) == 7


def test_an_overpayment_and_a_returned_invoice_payment(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                       tmp_path: Path) -> None:
    seed(tmp_db)
    assert run(runner, cli, "invoice", "create", "--client", "PRIV", "--period", "2026-10",
               today="2026-11-05").exit_code == 0
    path = tmp_path / "a.xml"
    path.write_bytes(camt([{"ref": "C1", "date": "2026-11-20", "amount": "50.00", "who": "J. Jansen",
                            "text": "factuur 2026-0001"}], stmt_id="S2"))
    r = run(runner, cli, "bank", "import", str(path), "--format", "json")
    assert [x["text"] for x in json.loads(r.stdout)] == [
        "factuur 2026-0001 betaald op 20-11-2026, maar te veel: € 50,00 ontvangen voor € 48,40; € 1,60 terugbetalen "
        "of verrekenen"]


def test_a_file_that_is_not_a_camt053_statement_is_refused(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                           tmp_path: Path) -> None:
    seed(tmp_db)
    bad = tmp_path / "x.xml"
    bad.write_bytes(b"<a>geen afschrift</a>")
    r = run(runner, cli, "bank", "import", str(bad))
    assert r.exit_code == 2 and "x.xml: dit is geen CAMT.053-bankafschrift" in r.stderr
    broken = camt([{"ref": "D1", "date": "2026-11-20", "amount": "tien", "text": "x"}])
    bad.write_bytes(broken)
    r = run(runner, cli, "bank", "import", str(bad))
    assert r.exit_code == 2 and "klopt niet met het ISO 20022-schema" in r.stderr
    try:
        parse(broken)
    except Exception as exc:  # noqa: BLE001 - the same refusal from the library
        assert "ISO 20022" in str(exc)
    assert json.loads(run(runner, cli, "bank", "list", "--format", "json").stdout) == []
