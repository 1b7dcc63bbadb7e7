# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""LibreOffice as a second client for every spreadsheet the tool writes (issue 14).

The xlsx files (payout overview, hours overview, invoice, import template, third-party
report) and the CSV files (third-party report, listings with ``--format csv``) are opened
by LibreOffice Calc (headless) and saved as CSV, as shown on screen; every cell is then
compared with what the tool wrote: amounts to the cent, dates, numbers, text.

All files are converted in ONE soffice run per test session (start-up is slow), with a
private profile under the session's temporary directory (``-env:UserInstallation``), so
parallel runs do not collide. The command-line ``--convert-to`` can only force one import
filter for all files, and a CSV needs its own (separator, decimal comma, UTF-8), so the
run executes a small Basic macro placed in that private profile: it opens each file with
its filter (xlsx: type detection; CSV: the options a person picks in Calc's import dialog
for that file) and stores every sheet as CSV (``-1``: one file per sheet). LibreOffice
shows numbers in its default locale here (en-US: ``€ 1,234.56``, CSV dates ``11/03/26``).

Skipped, with the reason, where LibreOffice is not installed (``.ci/sysdeps.sh`` installs
``libreoffice-calc-nogui`` on Debian)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import engagement, entry, expert
from click.testing import CliRunner
from invoicing_data import build

from vergoeding.__main__ import load_cli

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (Debian: apt-get install --no-install-recommends "
                            "libreoffice-calc-nogui; 'make setup' runs .ci/sysdeps.sh, which does this)")

# Export: tab-separated (a shown "€ 1,234.56" needs no quotes then), double quotes, UTF-8,
# from row 1; quote all text (so text and numbers can be told apart), save cell contents as
# shown, every sheet to its own file.
EXPORT = "9,34,76,1,,1033,true,false,true,false,false,-1"

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>en-US</value></prop></item>
</oor:items>
"""
_XLC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
"""
_XLB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
 library:readonly="false" library:passwordprotected="false">
{elements}</library:library>
"""
_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Convert" script:language="StarBasic">
Sub ConvertOne(sIn As String, sFilter As String, sInOpts As String, sOut As String, sOutOpts As String)
  Dim oDoc As Object
  If sFilter = "" Then
    Dim hidden(0) As New com.sun.star.beans.PropertyValue
    hidden(0).Name = "Hidden"
    hidden(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, hidden())
  Else
    Dim args(2) As New com.sun.star.beans.PropertyValue
    args(0).Name = "Hidden"
    args(0).Value = True
    args(1).Name = "FilterName"
    args(1).Value = sFilter
    args(2).Name = "FilterOptions"
    args(2).Value = sInOpts
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, args())
  End If
  Dim outArgs(1) As New com.sun.star.beans.PropertyValue
  outArgs(0).Name = "FilterName"
  outArgs(0).Value = "Text - txt - csv (StarCalc)"
  outArgs(1).Name = "FilterOptions"
  outArgs(1).Value = sOutOpts
  oDoc.storeToURL(ConvertToURL(sOut), outArgs())
  oDoc.close(True)
End Sub

Sub ConvertAll(listFile As String)
  Dim n As Integer
  Dim sLine As String
  Dim parts As Variant
  n = FreeFile
  Open listFile For Input As #n
  Do While Not EOF(n)
    Line Input #n, sLine
    If sLine &lt;&gt; "" Then
      parts = Split(sLine, "|")
      ConvertOne(parts(0), parts(1), parts(2), parts(3), parts(4))
    End If
  Loop
  Close #n
  StarDesktop.terminate()
End Sub
</script:module>
"""


def csv_import_options(path: Path) -> str:
    """What a person picks in Calc's CSV dialog for this file: the separator of its header
    line, double quotes, UTF-8 (a BOM is fine), and the language that reads its decimal
    separator (Dutch for the Dutch convention: semicolon and decimal comma)."""
    head = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    return "59,34,76,1,,1043" if ";" in head else "44,34,76,1,,1033"


def convert_all(files: list[Path], work: Path) -> Path:
    """Every file through ONE LibreOffice run; returns the folder with the CSV results
    (``<stem>-<sheet>.csv``)."""
    profile = work / "lo-profile"
    basic = profile / "user" / "basic"
    (basic / "Standard").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    (basic / "script.xlc").write_text(_XLC, encoding="utf-8")
    (basic / "dialog.xlc").write_text(_XLC, encoding="utf-8")
    (basic / "Standard" / "script.xlb").write_text(
        _XLB.format(elements=' <library:element library:name="Convert"/>\n'), encoding="utf-8")
    (basic / "Standard" / "dialog.xlb").write_text(_XLB.format(elements=""), encoding="utf-8")
    (basic / "Standard" / "Convert.xba").write_text(_MACRO, encoding="utf-8")
    out = work / "lo-out"
    out.mkdir()
    lines = []
    for f in files:
        if f.suffix == ".csv":
            filt, opts = "Text - txt - csv (StarCalc)", csv_import_options(f)
        else:
            filt, opts = "", ""
        lines.append("|".join([str(f), filt, opts, str(out / f"{f.stem}.csv"), EXPORT]))
    todo = work / "lo-files.txt"
    todo.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env["LC_ALL"] = "C.UTF-8"
    proc = subprocess.run(
        [SOFFICE or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
         "--norestore", f'macro:///Standard.Convert.ConvertAll("{todo}")'],
        capture_output=True, text=True, env=env, timeout=600, check=False)
    made = sorted(p.name for p in out.iterdir())
    assert made, f"LibreOffice wrote nothing (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return out


@dataclass
class LoCell:
    text: str
    quoted: bool  # LibreOffice quotes text cells, not numbers or dates


def read_lo_csv(path: Path) -> list[list[LoCell]]:
    """LibreOffice's tab-separated export, keeping whether each field was quoted."""
    rows: list[list[LoCell]] = []
    data = path.read_text(encoding="utf-8")
    row: list[LoCell] = []
    i, n = 0, len(data)
    while i < n:
        if data[i] == '"':
            j, buf = i + 1, []
            while True:
                if data[j] == '"' and j + 1 < n and data[j + 1] == '"':
                    buf.append('"')
                    j += 2
                elif data[j] == '"':
                    break
                else:
                    buf.append(data[j])
                    j += 1
            row.append(LoCell("".join(buf), True))
            i = j + 1
        else:
            m = re.compile(r"[^\t\n]*").match(data, i)
            assert m is not None
            row.append(LoCell(m.group(0), False))
            i = m.end()
        if i >= n or data[i] == "\n":
            rows.append(row)
            row = []
        i += 1
    return rows


# --- the files -----------------------------------------------------------------------------

ENV = {"VERGOEDING_TODAY": "2026-11-05"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Every spreadsheet kind, made by the CLI from one administration."""
    tmp = tmp_path_factory.mktemp("lo")
    db = tmp / "db.sqlite"
    ws = build(db)
    with ws.engine.begin() as c:  # a private person, whose BSN starts with a zero
        expert(c, "E005", name="Eva Smit", bsn="012345672", iban="NL91ABNA0417164300")
        engagement(c, "G005", "E005", "ZORG", role="voorlichter", regime="particulier", unit="sessie",
                   expert_rate="75.00", client_rate="150.00")
        entry(c, "G005", date(2026, 10, 9), quantity=2, activity="voorlichting")
    ws.close()
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    runner = CliRunner(env={**unset, "VERGOEDING_DB": str(db), **ENV})
    cli = load_cli().cli

    def run(*args: str) -> str:
        r = runner.invoke(cli, list(args))
        assert r.exit_code == 0, r.output
        return r.stdout

    held = [x for n in range(1, 6) for x in ("--override-expert", f"E00{n}")]  # pay everyone, also with a finding
    run("payout", "--period", "2026-10", "--out", str(tmp / "p"), *held, "--override-reason", "toets: iedereen betalen")
    run("invoice", "create", "--client", "GEM-UTR", "--period", "2026-10", "--out", str(tmp / "f"))
    run("invoice", "render", "2026-0001", "--format", "xlsx", "-o", str(tmp / "factuur.xlsx"))
    run("hours", "--expert", "E001", "--year", "2026", "--format", "xlsx", "-o", str(tmp / "uren.xlsx"))
    run("import", "--template", "-o", str(tmp / "invullen.xlsx"))
    run("report", "derden", "--year", "2026", "-o", str(tmp / "derden.xlsx"))
    run("report", "derden", "--year", "2026", "-o", str(tmp / "derden.csv"))
    (tmp / "facturen.csv").write_text(run("invoice", "list", "--format", "csv"), encoding="utf-8")
    (tmp / "urenlijst.csv").write_text(run("hours", "--expert", "E001", "--year", "2026", "--format", "csv"),
                                       encoding="utf-8")
    made = {"uitbetaling": tmp / "p" / "uitbetaling-2026-10.xlsx", "factuur": tmp / "factuur.xlsx",
            "uren": tmp / "uren.xlsx", "invullen": tmp / "invullen.xlsx", "derden_xlsx": tmp / "derden.xlsx",
            "derden_csv": tmp / "derden.csv", "facturen_csv": tmp / "facturen.csv",
            "urenlijst_csv": tmp / "urenlijst.csv"}
    # name clash guard: the stems become the output names
    assert len({p.stem for p in made.values() if p.suffix == ".xlsx"} | {p.stem + "_csv" for p in made.values()
                                                                         if p.suffix == ".csv"}) == len(made)
    return made


@pytest.fixture(scope="module")
def lo(files, tmp_path_factory) -> Path:
    return convert_all(list(files.values()), tmp_path_factory.mktemp("lo-run"))


# --- reading LibreOffice's view back -------------------------------------------------------

_AMOUNT = re.compile(r"^(€ )?(-?)([\d,]+)(?:\.(\d+))?(%?)$")


def lo_number(text: str) -> Decimal:
    """``€ 1,234.56``, ``1,234.56``, ``-5.10``, ``21%`` (en-US display) -> Decimal."""
    m = _AMOUNT.match(text.replace("€ -", "-€ ").replace("-€ ", "€ -"))
    assert m, f"LibreOffice shows {text!r}, not a number"
    value = Decimal(f"{m.group(2)}{m.group(3).replace(',', '')}.{m.group(4) or '0'}")
    return value / 100 if m.group(5) else value


def decimals_of(fmt: str) -> int | None:
    if fmt == "General":
        return None
    m = re.search(r"0\.(0+)", fmt)
    return len(m.group(1)) if m else 0


def compare_sheet(ws, lo_rows: list[list[LoCell]], where: str) -> dict[str, int]:
    """Every cell the tool wrote against what LibreOffice shows; returns counts per kind."""
    counts = {"amount": 0, "date": 0, "number": 0, "text": 0}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            r, k = c.row - 1, c.column - 1
            got = lo_rows[r][k] if r < len(lo_rows) and k < len(lo_rows[r]) else LoCell("", True)
            at = f"{where}!{c.coordinate}"
            if isinstance(c.value, datetime | date):
                d = c.value.date() if isinstance(c.value, datetime) else c.value
                assert not got.quoted and datetime.strptime(got.text, "%d-%m-%Y").date() == d, (at, got, d)
                counts["date"] += 1
            elif isinstance(c.value, int | float) and not isinstance(c.value, bool):
                assert not got.quoted, (at, got)
                places = decimals_of(c.number_format)
                expected = Decimal(str(c.value))
                if "%" in c.number_format:
                    expected = (expected * 100).quantize(Decimal(1)) / 100
                elif places is not None:
                    expected = expected.quantize(Decimal(1).scaleb(-places))
                assert lo_number(got.text) == expected, (at, c.number_format, got, c.value)
                counts["amount" if "€" in c.number_format else "number"] += 1
            else:
                assert got.quoted and got.text == str(c.value), (at, got, c.value)
                counts["text"] += 1
    return counts


XLSX = ["uitbetaling", "factuur", "uren", "invullen", "derden_xlsx"]


@pytest.mark.parametrize("kind", XLSX)
def test_xlsx_reads_the_same_in_libreoffice(files, lo, kind: str) -> None:
    wb = openpyxl.load_workbook(files[kind], data_only=True)  # a total is a formula: its cached value
    total = {"amount": 0, "date": 0, "number": 0, "text": 0}
    for ws in wb.worksheets:
        out = lo / f"{files[kind].stem}-{ws.title}.csv"
        assert out.exists(), f"LibreOffice did not export sheet {ws.title!r} of {files[kind].name}"
        for key, n in compare_sheet(ws, read_lo_csv(out), f"{files[kind].name}:{ws.title}").items():
            total[key] += n
    assert total["text"] > 0
    if kind != "invullen":  # the template holds only headers and examples as text
        assert total["amount"] > 0
    if kind in ("uitbetaling", "factuur", "derden_xlsx"):
        assert total["date"] > 0


def test_key_figures_as_libreoffice_shows_them(files, lo) -> None:
    """A few values named outright, so the generic comparison cannot pass by comparing nothing."""
    inv = read_lo_csv(lo / "factuur-Factuur.csv")
    shown = {r[0].text: r[1].text for r in inv if len(r) > 1}
    assert shown["Totaal"] == "€ 958.08" and shown["Btw"] == "€ 166.28"
    derden = read_lo_csv(lo / "derden-Opgave derden.csv")
    head = next(i for i, r in enumerate(derden) if r[0].text == "BSN")
    row = derden[head + 1]
    assert row[0] == LoCell("012345672", True)  # the BSN stays text with its zero in the xlsx
    assert (row[5], row[6], row[7]) == (LoCell("17-05-1980", False), LoCell("€ 150.00", False),
                                        LoCell("06-11-2026", False))


def test_totals_are_formulas_whose_cached_values_libreoffice_shows(files, lo) -> None:
    """A total is =SUM(..) over its column, with its value stored beside the formula: openpyxl
    with data_only=True (a reader that does not calculate) and LibreOffice show the same sum."""
    seen = 0
    for kind in ("uitbetaling", "factuur", "derden_xlsx"):
        formulas, values = openpyxl.load_workbook(files[kind]), openpyxl.load_workbook(files[kind], data_only=True)
        for ws in formulas.worksheets:
            shown = read_lo_csv(lo / f"{files[kind].stem}-{ws.title}.csv")
            for row in ws.iter_rows():
                for c in row:
                    if not (isinstance(c.value, str) and c.value.startswith("=SUM(")):
                        continue
                    first, last = c.value[5:-1].split(":")
                    column = [ws[f"{first[0]}{n}"].value for n in range(int(first[1:]), int(last[1:]) + 1)]
                    expected = sum(Decimal(str(v)) for v in column if isinstance(v, int | float))
                    cached = values[ws.title][c.coordinate].value
                    assert Decimal(str(cached)).quantize(Decimal("0.01")) == expected.quantize(Decimal("0.01")), (
                        kind, ws.title, c.coordinate)
                    assert lo_number(shown[c.row - 1][c.column - 1].text) == Decimal(str(cached)).quantize(
                        Decimal("0.01")), (kind, ws.title, c.coordinate)
                    seen += 1
    assert seen >= 8


# --- CSV -----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NL_DATE = re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$")


def test_csv_reads_the_same_in_libreoffice(files, lo) -> None:
    """Amounts and dates in the CSV files come out of LibreOffice as the same numbers and
    dates; the only value a spreadsheet changes is a BSN's leading zero, which is why the
    docs point to the xlsx version of the third-party report."""
    checked = {"number": 0, "date": 0, "time": 0, "text": 0}
    bsn_damaged = []
    for kind in ("derden_csv", "facturen_csv", "urenlijst_csv"):
        path = files[kind]
        sep = ";" if ";" in path.read_text(encoding="utf-8-sig").split("\n", 1)[0] else ","
        comma = sep == ";"
        tool = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=sep))
        shown = read_lo_csv(lo / f"{path.stem}-{path.stem}.csv")
        header = tool[0]
        for r, row in enumerate(tool):
            for k, value in enumerate(row):
                got = shown[r][k] if r < len(shown) and k < len(shown[r]) else LoCell("", False)
                at = f"{path.name} row {r + 1} {header[k]}"
                if value == "":
                    assert got.text == "", at
                    continue
                num = value.replace(".", "").replace(",", ".") if comma else value
                if r > 0 and header[k].upper() == "BSN":
                    if not got.quoted:
                        assert got.text == str(int(value)), at
                        bsn_damaged.append(value)
                    else:
                        assert got.text == value, at
                elif r > 0 and (_ISO_DATE.match(value) or _NL_DATE.match(value)):
                    d = (date.fromisoformat(value) if _ISO_DATE.match(value)
                         else datetime.strptime(value, "%d-%m-%Y").date())
                    assert not got.quoted, (at, got, value)  # a date, not text
                    # LibreOffice keeps the ISO form for ISO input; other dates in its locale's form
                    shown_as = "%Y-%m-%d" if _ISO_DATE.match(got.text) else "%m/%d/%y"
                    assert datetime.strptime(got.text, shown_as).date() == d, (at, got, value)
                    checked["date"] += 1
                elif r > 0 and (hm := re.fullmatch(r"(\d+):(\d{2})", value)):
                    # a duration h:mm is read as a time of day: the same hours and minutes
                    # (the value, a fraction of a day, sums correctly with the [h]:mm format)
                    # (shown in the import language's time format: 01:00:00 in Dutch, 01:00:00 AM in English)
                    t = datetime.strptime(got.text, "%I:%M:%S %p" if got.text.endswith("M") else "%H:%M:%S")
                    assert not got.quoted and (t.hour, t.minute) == (int(hm[1]) % 24, int(hm[2])), (at, got)
                    checked["time"] += 1
                elif r > 0 and re.fullmatch(r"-?\d+(\.\d+)?", num) and not re.fullmatch(r"0\d+", value):
                    assert not got.quoted and Decimal(got.text.replace(",", "")) == Decimal(num), (at, got, value)
                    checked["number"] += 1
                else:
                    assert got.text == value, (at, got, value)
                    checked["text"] += 1
    assert checked["number"] >= 10 and checked["date"] >= 3 and checked["text"] >= 10, checked
    assert bsn_damaged in ([], ["012345672"])
