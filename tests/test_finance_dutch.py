# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""Finance files in Dutch (issue 21, item 4): rule names and severities from one mapping in
every file a person reads (the stable ids stay in JSON), Dutch CSV headers in every listing."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import openpyxl
import pytest
from click.testing import CliRunner
from test_payout_cli import seed

from vergoeding.core.findings import SEVERITY_LABELS, Finding, Severity, rule_label, severity_label
from vergoeding.render.csvtext import read_back

NOV = {"VERGOEDING_TODAY": "2026-11-27"}
# English words that were CSV headers before: none may come back as a header.
ENGLISH = {"name", "street", "level", "date", "amount", "role", "client", "expert", "hours", "phone", "kind",
           "city", "rule", "severity", "message", "advice", "period", "limit", "unit", "valid", "source", "key"}


@pytest.fixture
def db(tmp_db: Path) -> Path:
    seed(tmp_db)
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:  # 40 more hours at 5.75: Anne is over the month cap and held
        for day in range(16, 21):
            b.entry(c, "O1", date(2026, 11, day), minutes=480, activity="Project")
    eng.dispose()
    return tmp_db


def test_one_mapping_for_severities_and_rules() -> None:
    assert dict(SEVERITY_LABELS) == {"error": "fout", "warning": "waarschuwing", "info": "let op"}
    assert [s.label for s in Severity] == ["FOUT", "WAARSCHUWING", "LET OP"]
    assert severity_label("info") == "let op" and rule_label("volunteer.month_cap") == "maandgrens vrijwilligersvergoeding"
    d = Finding(Severity.WARNING, "volunteer.month_cap", "Boven de grens.").as_dict()
    assert (d["severity"], d["severity_label"], d["rule"], d["rule_label"]) == (
        "warning", "waarschuwing", "volunteer.month_cap", "maandgrens vrijwilligersvergoeding")


def test_findings_csv_says_it_in_dutch_with_the_ids_at_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    from vergoeding.commands._common import emit_findings

    f = Finding(Severity.ERROR, "payment.missing_data", "Geen IBAN.", expert="E001", period="2026-11")
    emit_findings([f], "csv")
    rows = read_back(capsys.readouterr().out)
    assert rows[0] == ["ernst", "regel", "deskundige", "opdracht", "periode", "grens", "jaar grens", "waar", "uitleg",
                       "wat u kunt doen", "ernst (code)", "regel (code)"]
    assert rows[1][:2] == ["fout", "betaalgegevens"] and rows[1][-2:] == ["error", "payment.missing_data"]
    emit_findings([f], "json")
    (js,) = json.loads(capsys.readouterr().out)
    assert (js["rule"], js["rule_label"], js["severity"], js["severity_label"]) == (
        "payment.missing_data", "betaalgegevens", "error", "fout")


def test_listings_have_dutch_csv_headers(cli, runner: CliRunner, db: Path) -> None:
    commands = [["expert", "list"], ["org", "list"], ["engagement", "list"], ["rates", "show"], ["limits", "show"],
                ["hours", "--expert", "E001", "--period", "2026-11"], ["room", "--expert", "E001"], ["audit"]]
    headers = {}
    for args in commands:
        r = runner.invoke(cli, [*args, "--format", "csv"], env=NOV)
        assert r.exit_code == 0, (args, r.output)
        headers[" ".join(args)] = read_back(r.stdout)[0]
    for cmd, header in headers.items():
        assert header, cmd
        assert not [h for h in header if "_" in h or h in ENGLISH], (cmd, header)
    assert headers["room --expert E001"] == ["periode", "grens", "geteld bij ons", "waarvan bonnetjes",
                                             "opgegeven elders", "nog over", "erboven", "bevestigd"]
    assert headers["expert list"][:3] == ["code", "naam", "straat"]


def test_payout_findings_sheet_and_pdf_in_dutch(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env=NOV)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out / "uitbetaling-2026-11.xlsx")
    rows = list(wb["Bevindingen"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Ernst", "Regel") and rows[0][-1] == "Code regel (voor scripts)"
    assert {row[:2] for row in rows[1:]} == {("fout", "maandgrens vrijwilligersvergoeding"), ("waarschuwing", "aangehouden")}
    for row in rows[1:]:
        assert row[0] in SEVERITY_LABELS.values() and row[1] == rule_label(row[-1]) and "." not in row[1]
    pdf = subprocess.run(["pdftotext", str(out / "uitbetaling-2026-11.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    flat = " ".join(pdf.split())
    assert "maandgrens vrijwilligersvergoeding" in flat and "volunteer.month_cap" not in flat and "warning" not in flat


def test_overview_counts_meetings_and_totals_are_formulas_with_values(cli, runner: CliRunner, tmp_db: Path,
                                                                      tmp_path: Path) -> None:
    seed(tmp_db)  # E002 sits on the council: 2 meetings (vacatiegeld), paid per meeting
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env=NOV)
    assert r.exit_code == 0, r.output
    path = out / "uitbetaling-2026-11.xlsx"
    formulas, values = openpyxl.load_workbook(path)["Samenvatting"], openpyxl.load_workbook(path, data_only=True)
    header = [c.value for c in formulas[3]]
    assert header[4:8] == ["Uren", "Bijeenkomsten", "Sessies", "Dagen"]
    rows = {row[0].value: row for row in formulas.iter_rows(min_row=4)}
    assert (rows["E002"][4].value, rows["E002"][5].value) == (None, 2)  # not "0:00": two meetings
    assert rows["E001"][4].value == pytest.approx(3.5) and rows["E001"][5].value is None
    col = {h: i for i, h in enumerate(header)}
    total = rows["Totaal"]
    last = total[0].row - 1
    assert total[col["Te betalen"]].value == f"=SUM(M4:M{last})" and total[col["In SEPA-batch"]].value == f"=SUM(N4:N{last})"
    cached = {h: values["Samenvatting"].cell(row=total[0].row, column=i + 1).value for h, i in col.items()}
    assert (cached["Te betalen"], cached["In SEPA-batch"], cached["Reiskosten"]) == (
        pytest.approx(290.29), pytest.approx(155.29), pytest.approx(2.76))  # 155.29 by SEPA + the zzp invoice 135.00
    lines = openpyxl.load_workbook(path, data_only=True)["Regels"]
    assert [c.value for c in lines[lines.max_row]][:2] == [None, "Totaal"]
    assert openpyxl.load_workbook(path)["Regels"].cell(row=lines.max_row, column=16).value.startswith("=SUM(P2:P")
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "uitbetaling-2026-11.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    e002 = next(line for line in pdf.splitlines() if "E002" in line and "Bram" in line)
    assert "2 bijeenkomsten" in e002 and "0:00" not in e002


def test_audit_reads_who_when_what_in_dutch(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    edit = runner.invoke(cli, ["expert", "edit", "E002", "--city", "Amersfoort"], env=NOV)
    assert edit.exit_code == 0, edit.output
    runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "p")], env=NOV)
    table = runner.invoke(cli, ["audit"], env=NOV).stdout
    flat = " ".join(table.split())
    assert ", deskundige nr 2 gewijzigd: plaats Utrecht → Amersfoort; code E002" in flat
    assert "uitbetaling nr 1 uitbetaling gemaakt: nummer 2026-11; periode 2026-11;" in flat
    assert "payout.create" not in table and "{" not in table and max(len(x) for x in table.splitlines()) <= 100
    raw = json.loads(runner.invoke(cli, ["audit", "--format", "json"], env=NOV).stdout)
    rows = raw["rows"] if isinstance(raw, dict) else raw
    assert {"payout.create", "edit"} <= {r["action"] for r in rows}  # json keeps the codes and the raw detail


@pytest.mark.parametrize("chunk", [3, 17, 64, 1 << 20])
def test_formula_values_are_filled_in_pieces_of_any_size(chunk: int) -> None:
    """The totals' cached values are written into the sheet's XML a piece at a time (a sheet
    of 100,000 lines is never read whole, render.xlsx._fill_streamed): a cell cut between two
    pieces gets its value all the same, and every other byte is copied as it was."""
    import io

    from vergoeding.render.xlsx import _fill_streamed

    xml = (b'<row r="3"><c r="A3" t="inlineStr"><is><t>Totaal</t></is></c>'
           b'<c r="B3" s="2"><f>SUM(B1:B2)</f><v></v></c><c r="C3"><f>SUM(C1:C2)</f><v/></c>'
           b'<c r="D3"><v>7</v></c></row>')
    out, refs = io.BytesIO(), {"B3": "12.50", "C3": "0.00"}
    _fill_streamed(io.BytesIO(xml), out, refs, chunk=chunk)
    assert out.getvalue() == (b'<row r="3"><c r="A3" t="inlineStr"><is><t>Totaal</t></is></c>'
                              b'<c r="B3" s="2"><f>SUM(B1:B2)</f><v>12.50</v></c><c r="C3"><f>SUM(C1:C2)</f>'
                              b'<v>0.00</v></c><c r="D3"><v>7</v></c></row>')
    assert refs == {}
