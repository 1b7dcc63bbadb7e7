"""The mail fields the outbox uses (an expert's address and 'geen mail', a client's address for
invoices and 'facturen per mail') are shown by `org show` / `expert show` and are columns of
the import file and its template."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from vergoeding.api.importing import import_files
from vergoeding.api.workspace import open_workspace


def ok(runner: CliRunner, cli, *args: str):  # noqa: ANN001, ANN201
    r = runner.invoke(cli, list(args), prog_name="vergoeding")
    assert r.exit_code == 0, r.output
    return r


def test_show_names_the_mail_fields(runner: CliRunner, cli) -> None:  # noqa: ANN001
    ok(runner, cli, "org", "add", "--code", "UTR", "--name", "Gemeente Utrecht", "--contact-email", "inkoop@utrecht.nl",
       "--invoice-email", "facturen@utrecht.nl", "--invoice-mail", "xml")
    ok(runner, cli, "org", "add", "--code", "ZON", "--name", "Zonnehuis", "--contact-email", "info@zonnehuis.nl")
    ok(runner, cli, "expert", "add", "--code", "E001", "--name", "Anna de Vries", "--email", "anna@example.org",
       "--no-mail")
    ok(runner, cli, "expert", "add", "--code", "E002", "--name", "Bram Bos", "--email", "bram@example.org")

    out = ok(runner, cli, "org", "show", "UTR").stdout
    lines = {line[:32].strip(): line[32:].strip() for line in out.splitlines()}
    assert lines["e-mail voor facturen"] == "facturen@utrecht.nl"
    assert lines["facturen per mail"] == "xml"
    data = json.loads(ok(runner, cli, "org", "show", "ZON", "--format", "json").stdout)
    assert (data["contact_email"], data["invoice_email"], data["invoice_mail"]) == ("info@zonnehuis.nl", None, "pdf")

    out = ok(runner, cli, "expert", "show", "E001").stdout
    assert any(line.split() == ["geen", "mail", "ja"] for line in out.splitlines()), out
    assert any(line.split() == ["e-mail", "anna@example.org"] for line in out.splitlines()), out
    data = json.loads(ok(runner, cli, "expert", "show", "E002", "--format", "json").stdout)
    assert (data["email"], data["mail_opt_out"]) == ("bram@example.org", False)
    rows = json.loads(ok(runner, cli, "expert", "list", "--format", "json").stdout)
    assert {r["code"]: r["mail_opt_out"] for r in rows} == {"E001": True, "E002": False}


def test_template_and_import_carry_the_mail_fields(tmp_path: Path, runner: CliRunner, cli) -> None:  # noqa: ANN001
    tpl = tmp_path / "sjabloon.xlsx"
    ok(runner, cli, "import", "--template", "-o", str(tpl))
    wb = openpyxl.load_workbook(tpl)
    org_heads = [c.value for c in wb["organisaties"][1]]
    exp_heads = [c.value for c in wb["deskundigen"][1]]
    assert {"e-mail voor facturen", "facturen per mail"} <= set(org_heads)
    assert "geen mail" in exp_heads
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1
             for dv in wb["organisaties"].data_validations.dataValidation}
    col = openpyxl.utils.get_column_letter(org_heads.index("facturen per mail") + 1)
    assert lists[col] == '"pdf,xml"'
    note = wb["deskundigen"].cell(row=1, column=exp_heads.index("geen mail") + 1).comment.text
    assert "geen mail van u wil" in note

    # filled in and read back: the values land in the administration
    ws_o, ws_e = wb["organisaties"], wb["deskundigen"]
    org = {"code *": "UTR", "naam *": "Gemeente Utrecht", "e-mail voor facturen": "Facturen@Utrecht.nl",
           "facturen per mail": "XML"}
    for i, h in enumerate(org_heads, start=1):
        ws_o.cell(row=2, column=i, value=org.get(h))
    exp = {"code *": "E001", "naam *": "Anna de Vries", "e-mail": "anna@example.org", "geen mail": "ja"}
    for i, h in enumerate(exp_heads, start=1):
        ws_e.cell(row=2, column=i, value=exp.get(h))
    filled = tmp_path / "gevuld.xlsx"
    wb.save(filled)
    ok(runner, cli, "import", str(filled))
    data = json.loads(ok(runner, cli, "org", "show", "UTR", "--format", "json").stdout)
    assert (data["invoice_email"], data["invoice_mail"]) == ("Facturen@Utrecht.nl", "xml")
    data = json.loads(ok(runner, cli, "expert", "show", "E001", "--format", "json").stdout)
    assert data["mail_opt_out"] is True

    # a wrong value is named by file, sheet, row and column, and nothing is stored
    ws_e.cell(row=3, column=1, value="E002")
    ws_e.cell(row=3, column=exp_heads.index("naam *") + 1, value="Bram Bos")
    ws_e.cell(row=3, column=exp_heads.index("geen mail") + 1, value="misschien")
    bad = tmp_path / "fout.xlsx"
    wb.save(bad)
    r = runner.invoke(cli, ["import", str(bad)], prog_name="vergoeding")
    assert r.exit_code == 1, r.output
    assert "fout.xlsx" in r.stderr and "deskundigen" in r.stderr and "rij 3" in r.stderr
    assert "geen mail" in r.stderr and "'misschien': verwacht ja of nee" in r.stderr
    r = runner.invoke(cli, ["expert", "show", "E002"], prog_name="vergoeding")
    assert r.exit_code == 1


def test_an_older_file_without_the_columns_keeps_the_stored_mail_settings(tmp_path: Path) -> None:
    ws = open_workspace(db=str(tmp_path / "v.db"))
    try:
        orgs = tmp_path / "organisaties.csv"
        orgs.write_text("code;naam;e-mail voor facturen;facturen per mail\nUTR;Gemeente Utrecht;f@utrecht.nl;xml\n",
                        encoding="utf-8")
        experts = tmp_path / "deskundigen.csv"
        experts.write_text("code;naam;e-mail;geen mail\nE001;Anna de Vries;anna@example.org;ja\n", encoding="utf-8")
        assert import_files(ws, [orgs, experts]).added == {"organisation": 1, "expert": 1}
        # the same people from a file made before these columns existed: nothing differs
        orgs.write_text("code;naam\nUTR;Gemeente Utrecht\n", encoding="utf-8")
        experts.write_text("code;naam;e-mail\nE001;Anna de Vries;anna@example.org\n", encoding="utf-8")
        report = import_files(ws, [orgs, experts])
        assert report.added == {} and report.unchanged == {"organisation": 1, "expert": 1}
        # a file that says otherwise is refused, naming the column
        experts.write_text("code;naam;e-mail;geen mail\nE001;Anna de Vries;anna@example.org;nee\n", encoding="utf-8")
        with pytest.raises(Exception) as info:
            import_files(ws, [experts])
        assert "kolom geen mail" in str(info.value)
    finally:
        ws.close()
