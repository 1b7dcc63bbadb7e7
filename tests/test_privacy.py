"""Privacy: a BSN never appears in any output, log or error message, except in the
third-party report (``report derden``).

Every expert of this administration has a (valid) BSN. Every command that produces output
runs through the CLI; its stdout and stderr, every file it writes (PDF text via pdftotext,
xlsx cells, xml, csv) and every table of the database except ``experts`` are searched for
each BSN, written plainly and in the dotted and spaced forms people use."""

from __future__ import annotations

import io
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import db_engine
from openpyxl import load_workbook
from sqlalchemy import inspect, text
from stdnum.nl import bsn as stdnum_bsn

from vergoeding.__main__ import load_cli

# (code, name, regime, extra expert options); each expert has its own BSN
EXPERTS = [
    ("E001", "Anna de Vries", "vrijwilliger", []),
    ("E002", "Bram Jansen", "particulier", []),
    ("E003", "Cor Pieters", "zzp", ["--kvk", "76543210", "--vat-id", "NL002000015B01", "--kor"]),
    ("E004", "Dina Bakker", "zzp", ["--kvk", "65432109", "--vat-id", "NL002000027B01"]),
    ("E005", "Eva Smit", "vacatiegeld", []),
]
BSNS = {"E001": "725763863", "E002": "162275869", "E003": "192285142", "E004": "691682483", "E005": "987825707"}
NEW_BSN = "688136138"  # given later with 'expert edit'
IMPORT_BSN = "864623112"  # in an import file
BAD_BSN = "725763864"  # fails the 11-test
ALL = [*BSNS.values(), NEW_BSN, IMPORT_BSN, BAD_BSN]


def forms(bsn: str) -> list[str]:
    """The ways a BSN is written: 123456782, 1234.56.782, 123.456.782, 1234 56 782, 123 456 782."""
    return [bsn, f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}", f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}",
            f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}", f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}"]


def leaks(text_: str) -> list[str]:
    return [f for b in ALL for f in forms(b) if f in text_]


@dataclass
class Run:
    runner: CliRunner
    cli: click.Group
    out: Path
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (what, text)

    def __call__(self, *args: str, code: int | None = 0) -> Result:
        """Run a command; ``code`` is the expected exit code (None: 0 or 1, as a check may find errors)."""
        r = self.runner.invoke(self.cli, list(args), catch_exceptions=False)
        assert r.exit_code in ((0, 1) if code is None else (code,)), (args, r.exit_code, r.stdout, r.stderr)
        self.outputs.append((" ".join(args) + " [stdout]", r.stdout))
        self.outputs.append((" ".join(args) + " [stderr]", r.stderr))
        return r


def file_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
    if path.suffix == ".xlsx":
        wb = load_workbook(io.BytesIO(path.read_bytes()))
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    return path.read_bytes().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    assert all(stdnum_bsn.is_valid(b) for b in [*BSNS.values(), NEW_BSN, IMPORT_BSN])
    assert not stdnum_bsn.is_valid(BAD_BSN)
    out = tmp_path_factory.mktemp("privacy")
    for sub in ("facturen", "derden"):
        (out / sub).mkdir()
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    runner = CliRunner(env={**unset, "VERGOEDING_DB": str(out / "db.sqlite"), "VERGOEDING_TODAY": "2026-11-02"})
    r = Run(runner, load_cli().cli, out)
    # --- the administration ---
    r("org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Ervaring Werkt", "--street", "Oudegracht 100",
      "--postcode", "3511AZ", "--city", "Utrecht", "--kvk", "12345678", "--vat-id", "NL000099998B57",
      "--iban", "NL91ABNA0417164300", "--bic", "ABNANL2A", "--anbi", "--may-pay-volunteers", "--payroll-tax-number")
    r("org", "add", "--code", "GEM", "--name", "Gemeente Utrecht", "--street", "Stadsplateau 1", "--postcode", "3521AZ",
      "--city", "Utrecht", "--oin", "00000001002220647000", "--anbi")
    for n, (code, name, regime, extra) in enumerate(EXPERTS, start=1):
        r("expert", "add", "--code", code, "--name", name, "--birth-date", "17-5-1980", "--street", "Kerkstraat 5",
          "--postcode", "3511BB", "--city", "Utrecht", "--email", f"{code.lower()}@example.nl",
          "--iban", "NL44RABO0123456789", "--bsn", BSNS[code], *extra)
        role = {"vacatiegeld": "adviesraad"}.get(regime, "adviseur")
        r("engagement", "add", "--code", f"G00{n}", "--expert", code, "--client", "GEM", "--role", role,
          "--regime", regime, "--start", "1-1-2026", "--description", f"inzet {name}",
          *(["--self-billing"] if code == "E004" else []), *(["--vat-exemption", "kor"] if code == "E003" else []))
        r("log", "--engagement", f"G00{n}", "--date", "6-10-2026", "--hours", "2:30", "--activity", "overleg")
    r("approve", "--period", "2026-10")
    # --- every command that produces output ---
    for fmt in ("table", "json", "csv"):
        r("expert", "list", "--format", fmt)
        r("expert", "show", "E002", "--format", fmt)
        r("engagement", "list", "--format", fmt)
        r("org", "list", "--format", fmt)
        r("room", "--expert", "E001", "--on", "2026-10-31", "--format", fmt)
        r("hours", "--expert", "E002", "--period", "2026-10", "--format", fmt)
    for fmt in ("xlsx", "pdf"):
        r("hours", "--expert", "E002", "--year", "2026", "--format", fmt, "-o", str(out / f"uren-E002.{fmt}"))
    r("check", "--period", "2026-10", code=None)
    r("check", "--year", "2026", "--format", "json", code=None)
    pay = str(out / "uitbetaling")
    held = [x for code in BSNS for x in ("--override-expert", code)]  # pay everyone, also with a finding
    r("payout", "--period", "2026-10", "--out", pay, *held, "--override-reason", "test: iedereen betalen")
    r("payout", "--period", "2026-10", "--out", pay, "--reprint")
    for fmt in ("table", "json"):
        r("statement", "--expert", "E002", "--year", "2026", "--format", fmt)
    for code in ("E001", "E002"):
        r("statement", "--expert", code, "--year", "2026", "-o", str(out / f"jaaropgave-{code}.pdf"))
    r("invoice", "create", "--client", "GEM", "--period", "2026-10", "--group-by", "expert")
    r("invoice", "receive", "--expert", "E003", "--period", "2026-10", "--number", "E003-2026-001", "--date", "1-11-2026")
    r("invoice", "paid", "E003-2026-001", "--date", "2-11-2026")  # only a paid invoice is reported
    r("invoice", "expert", "--expert", "E004", "--period", "2026-10", "--self-billing")
    r("invoice", "credit", "2026-0001", "--reason", "verkeerd tarief")
    for number in ("2026-0001", "E003-2026-001", "ZF2026-E004-001", "2026-0002"):
        for fmt, ext in (("pdf", "pdf"), ("xlsx", "xlsx"), ("ubl", "xml")):
            received = number == "E003-2026-001"  # their own invoice: our registration, no e-invoice of ours
            r("invoice", "render", number, "--format", fmt, "-o", str(out / "facturen" / f"{number}.{ext}"),
              code=1 if received and fmt == "ubl" else 0)
        r("invoice", "show", number, "--format", "json")
    for fmt in ("table", "json", "csv"):
        r("invoice", "list", "--format", fmt)
        r("contracts", "--format", fmt)
    r("contracts", "--format", "xlsx", "-o", str(out / "contracten.xlsx"))
    for n in range(1, len(EXPERTS) + 1):
        r("contract", f"G00{n}", "-o", str(out / f"contract-G00{n}.pdf"))
    r("contract", "G002", "--kind", "client", "-o", str(out / "overeenkomst-G002.pdf"))
    r("import", "--template", "-o", str(out / "invullen.xlsx"))
    # --- changes and errors that touch a BSN ---
    r("expert", "edit", "E001", "--bsn", NEW_BSN)
    r("expert", "edit", "E002", "--bsn", BAD_BSN, code=2)
    r("expert", "add", "--code", "E009", "--name", "Fout Nummer", "--bsn", BAD_BSN, code=2)
    r("expert", "add", "--code", "E001", "--name", "Dubbel", "--bsn", IMPORT_BSN, code=2)
    r("expert", "add", "--code", "E010", "--name", "Fout Iban", "--bsn", IMPORT_BSN, "--iban", "NL00XXXX", code=2)
    # a BSN typed into the wrong field is not repeated either
    r("expert", "add", "--code", "E015", "--name", "Verkeerd Veld", "--kvk", BSNS["E001"], code=2)
    r("expert", "add", "--code", "E016", "--name", "Verkeerd Veld", "--birth-date", forms(BSNS["E002"])[1], code=2)
    bad = out / "fout" / "deskundigen.csv"
    bad.parent.mkdir()
    bad.write_text("code;naam;geboortedatum;iban;bsn\n"
                   f"E011;Foute Elfproef;17-5-1980;NL44RABO0123456789;{BAD_BSN}\n"
                   f"E012;Foute Datum;31-2-1980;NL44RABO0123456789;{IMPORT_BSN}\n"
                   f"E013;Gepunt;17-5-1980;NL44RABO0123456789;{forms(BAD_BSN)[1]}\n"
                   f"E017;Verschoven;17-5-1980;{forms(BSNS['E003'])[3]};\n", encoding="utf-8")
    r("import", str(bad), code=None)
    good = out / "goed" / "deskundigen.csv"
    good.parent.mkdir()
    good.write_text(f"code;naam;geboortedatum;iban;bsn\nE014;Nieuwe Deskundige;17-5-1980;NL44RABO0123456789;"
                    f"{forms(IMPORT_BSN)[1]}\n", encoding="utf-8")
    r("import", str(good), "--dry-run")
    r("import", str(good))
    r("import", str(good))  # again: nothing new
    for fmt in ("table", "json", "csv"):
        r("audit", "--limit", "1000", "--format", fmt)
        r("audit", "--entity", "expert", "--format", fmt)
    # --- the one output that carries the BSN ---
    for ext in ("xlsx", "csv"):
        r("report", "derden", "--year", "2026", "-o", str(out / "derden" / f"opgave-derden.{ext}"))
    return r


DERDEN = "opgave-derden"


def test_no_bsn_on_stdout_or_stderr_of_any_command(run: Run) -> None:
    assert len(run.outputs) > 100
    found = {what: leaks(text_) for what, text_ in run.outputs if leaks(text_)}
    assert found == {}


def test_no_bsn_in_any_file_written(run: Run) -> None:
    files = [p for p in run.out.rglob("*") if p.is_file() and not p.name.startswith(("db.sqlite", DERDEN))
             and p.parent.name not in ("fout", "goed")]
    kinds = {p.suffix for p in files}
    assert {".pdf", ".xlsx", ".xml"} <= kinds and len(files) >= 25
    found = {p.name: leaks(file_text(p)) for p in files if leaks(file_text(p))}
    assert found == {}


def test_no_bsn_in_the_database_outside_the_experts_table(run: Run) -> None:
    engine = db_engine(run.out / "db.sqlite")
    try:
        tables = inspect(engine).get_table_names()
        assert "audit_log" in tables
        found: dict[str, list[str]] = {}
        with engine.connect() as conn:
            audit_rows = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
            assert audit_rows > 20
            for t in tables:
                if t == "experts":
                    continue
                dump = "\n".join(str(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{t}"')))
                if leaks(dump):
                    found[t] = leaks(dump)
            stored = dict(conn.execute(text("SELECT code, bsn FROM experts")).all())
    finally:
        engine.dispose()
    assert found == {}
    assert stored["E001"] == NEW_BSN and stored["E014"] == IMPORT_BSN  # the edit and the import were stored


def test_the_third_party_report_is_the_exception(run: Run) -> None:
    """Positive control: the report for the tax office does carry the BSN (E002 is a private
    person; E003 invoices without VAT under the KOR)."""
    for ext in ("xlsx", "csv"):
        content = file_text(run.out / "derden" / f"{DERDEN}.{ext}")
        assert BSNS["E002"] in content and BSNS["E003"] in content, ext
        assert BSNS["E004"] not in content  # an invoice with 21% VAT is not reported


def test_screens_show_the_bsn_masked(run: Run) -> None:
    show = next(t for what, t in run.outputs if what == "expert show E002 --format table [stdout]")
    assert "*****" + BSNS["E002"][-4:] in show


def test_errors_about_a_bsn_do_not_repeat_it(run: Run) -> None:
    def err(prefix: str) -> str:
        return next(t for what, t in run.outputs if what.startswith(prefix) and what.endswith("[stderr]"))

    assert "geen geldig BSN" in err("expert edit E002 --bsn")
    assert "geen geldig BSN" in err("expert add --code E009")
    assert "bestaat al" in err("expert add --code E001 --name Dubbel")
    assert "IBAN" in err("expert add --code E010")
    assert "*****" + BSNS["E001"][-4:] in err("expert add --code E015")  # masked like on screen
    assert "*****" + BSNS["E002"][-4:] in err("expert add --code E016")
    imported = err("import " + str(run.out / "fout"))
    assert "4 fout(en) gevonden; er is niets opgeslagen." in imported
    assert "deskundigen.csv, rij 2, kolom/veld bsn: dit is geen geldig BSN" in imported
    assert "deskundigen.csv, rij 4, kolom/veld bsn: dit is geen geldig BSN" in imported
    assert "rij 5, kolom/veld iban: '*****" + BSNS["E003"][-4:] + "' is geen geldig IBAN" in imported
