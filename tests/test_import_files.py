"""Import: workbook and CSV files, Dutch formats, all-or-nothing, dedupe, dry run, template."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from vergoeding.api.importing import ImportRejected, import_files
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.store import schema as s

ORGS = "code;soort;naam;postcode;plaats;kvk;iban;anbi\nEIGEN;eigen;Stichting Eigen;3511 ab;Utrecht;12345678;NL91ABNA0417164300;ja\nUTR;opdrachtgever;Gemeente Utrecht;;Utrecht;;;ja\n"
EXPERTS = "code;naam;geboortedatum;iban;plaats\nE001;José Müller;17-5-1980;NL44RABO0123456789;Zoetermeer\n"
ENGAGEMENTS = "code;deskundige;opdrachtgever;rol;regime;startdatum;einddatum;reiskosten\nG001;E001;UTR;trainer;vrijwilliger;1-8-2026;31-12-2026;km\n"
HOURS = "opdracht;datum;uren;activiteit;km;onkosten;bonnetje\nG001;3-9-2026;2,5;training;12,5;4,50;ja\nG001;4-9-2026;1:30;voorbereiding;;;\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_workspace(db=str(tmp_path / "v.db"))
    yield w
    w.close()


def counts(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as conn:
        return {t: int(conn.execute(select(func.count()).select_from(s.metadata.tables[t])).scalar() or 0)
                for t in ("organisations", "experts", "engagements", "entries", "audit_log")}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_files(tmp_path: Path, encoding: str = "utf-8", sep: str = ";") -> list[Path]:
    def conv(t: str) -> str:
        return t if sep == ";" else t.replace(",", ".").replace(";", ",")
    return [write(tmp_path / "organisaties.csv", conv(ORGS), encoding),
            write(tmp_path / "deskundigen.csv", conv(EXPERTS), encoding),
            write(tmp_path / "opdrachten.csv", conv(ENGAGEMENTS), encoding),
            write(tmp_path / "uren.csv", conv(HOURS), encoding)]


def entries(ws: Workspace) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(s.entries.c.work_date, s.entries.c.minutes, s.entries.c.km,
                                                      s.entries.c.expense_cents, s.entries.c.expense_receipt)
                                               .order_by(s.entries.c.id))]


def test_semicolon_csv_with_comma_decimals_and_dutch_dates(ws: Workspace, tmp_path: Path) -> None:
    report = import_files(ws, csv_files(tmp_path))
    assert report.added == {"organisation": 2, "expert": 1, "engagement": 1, "entry": 2}
    rows = entries(ws)
    assert [(r[0].isoformat(), r[1], r[2], r[3], bool(r[4])) for r in rows] == [
        ("2026-09-03", 150, "12.5", 450, True), ("2026-09-04", 90, "0", 0, False)]
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.experts.c.name)).scalar() == "José Müller"
        assert conn.execute(select(s.organisations.c.postcode).where(s.organisations.c.code == "EIGEN")).scalar() == "3511 AB"


def test_comma_csv_with_point_decimals(ws: Workspace, tmp_path: Path) -> None:
    import_files(ws, csv_files(tmp_path, sep=","))
    assert [r[1] for r in entries(ws)] == [150, 90]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_cp1252_and_bom_csv(ws: Workspace, tmp_path: Path, encoding: str) -> None:
    import_files(ws, csv_files(tmp_path, encoding=encoding))
    with ws.engine.connect() as conn:
        assert conn.execute(select(s.experts.c.name)).scalar() == "José Müller"
        assert conn.execute(select(s.organisations.c.code).order_by(s.organisations.c.id)).scalar() == "EIGEN"


def test_reimport_stores_once_and_reports_duplicates(ws: Workspace, tmp_path: Path) -> None:
    files = csv_files(tmp_path)
    import_files(ws, files)
    before = counts(ws)
    report = import_files(ws, files)
    assert report.added == {} and report.duplicates == 2
    assert report.unchanged == {"organisation": 2, "expert": 1, "engagement": 1}
    assert counts(ws) == before
    assert "uren: 2 regel(s) stonden er al en zijn overgeslagen" in report.lines()


def test_dry_run_stores_nothing(ws: Workspace, tmp_path: Path) -> None:
    before = counts(ws)
    report = import_files(ws, csv_files(tmp_path), dry_run=True)
    assert report.added["entry"] == 2 and report.dry_run
    assert counts(ws) == before


def test_bad_rows_all_reported_nothing_stored(ws: Workspace, tmp_path: Path) -> None:
    files = csv_files(tmp_path)
    write(files[3], "opdracht;datum;uren;activiteit;km\nG001;3-9-2026;2,5;goed;\nG001;3-9-2027;2,5;buiten;\n"
          "G009;5-9-2026;1;onbekend;\nG001;31-2-2026;1;;\nG001;6-9-2026;0;;\nG001;7-9-2026;2;;x\n;8-9-2026;1;;\n")
    before = counts(ws)
    with pytest.raises(ImportRejected) as exc:
        import_files(ws, files)
    err = exc.value
    assert err.exit_code == 1
    got = [(e.file, e.row, e.field) for e in err.errors]
    assert got == [("uren.csv", 3, "datum"), ("uren.csv", 4, "opdracht"), ("uren.csv", 5, "datum"),
                   ("uren.csv", 6, "uren"), ("uren.csv", 7, "km"), ("uren.csv", 8, "opdracht")]
    text = err.message
    assert "7 fout" not in text and "6 fout(en) gevonden; er is niets opgeslagen." in text
    assert "uren.csv, rij 3, kolom/veld datum: 03-09-2027 valt buiten opdracht G001" in text
    assert "rij 5, kolom/veld datum: '31-2-2026': deze datum bestaat niet" in text
    assert "rij 8, kolom/veld opdracht: verplicht veld is leeg" in text
    assert counts(ws) == before


def test_workbook_errors_name_sheet_row_and_column(ws: Workspace, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "deskundigen"
    wb.active.append(["code", "naam", "iban", "geboortedatm", "kleur"])
    wb.active.append(["E1", "Piet", "NL00ABNA0417164300", "1-1-1980", "rood"])
    path = tmp_path / "fout.xlsx"
    wb.save(path)
    with pytest.raises(ImportRejected) as exc:
        import_files(ws, [path])
    # a misspelt known column is refused (its values would be lost); 'kleur' is only noticed
    assert [(e.file, e.sheet, e.row, e.field) for e in exc.value.errors] == [
        ("fout.xlsx", "deskundigen", None, "geboortedatm")]
    assert ("fout.xlsx, blad deskundigen, kolom/veld geboortedatm: onbekende kolom; bedoelt u 'geboortedatum'?"
            in exc.value.message)


def _fill_template(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["organisaties"].append(["EIGEN", "eigen", "Stichting Eigen", "Oudegracht 1", "3511AB", "Utrecht", "12345678",
                               "NL000099998B57", "NL91ABNA0417164300", None, None, None, None, "ja", "nee", "ja", "ja", 30])
    wb["organisaties"].append(["GEM", "opdrachtgever", "Gemeente Lekstede", None, None, "Lekstede", None, None, None,
                               None, "00000001812345678000", None, None, "ja"])
    wb["deskundigen"].append(["E001", "Ria de Groot", "Dorpsstraat 1", "3431 CD", "Lekstede", datetime(1968, 6, 30),
                              "ria@example.nl", "NL44RABO0123456789", None, None, "nee", "nee", None, "ww", "nee"])
    wb["verklaringen"].append(["E001", 2026, 9, "50,00", "Buurthuis", "september"])
    wb["opdrachten"].append(["G001", "E001", "GEM", "adviesraad", "vacatiegeld", "voorzitter", "Voorzitter",
                             datetime(2026, 8, 1), datetime(2026, 12, 31), None, None, None, None, None, "km", "0,23"])
    wb["opdrachten"].append(["G002", "E001", "GEM", "adviseur", "vrijwilliger", None, None, "1-8-2026"])
    wb["uren"].append(["G001", datetime(2026, 9, 14), "2:30", None, "vergadering", 12.5])
    wb["uren"].append(["G001", 46300, 2.5, 1, "vergadering", "8"])  # Excel serial 46300 = 2026-10-05
    wb["uren"].append(["G002", "15-9-2026", "1,5", None, "advies", None, "4,50", "ja", "parkeren", 25, "VVV-bon"])
    wb.save(path)


def test_template_round_trip(tmp_path: Path, runner: CliRunner, cli) -> None:  # noqa: ANN001
    tpl = tmp_path / "invullen.xlsx"
    result = runner.invoke(cli, ["import", "--template", "-o", str(tpl)])
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(tpl)
    assert wb.sheetnames == ["uitleg", "organisaties", "deskundigen", "verklaringen", "opdrachten", "uren"]
    uren = wb["uren"]
    assert [c.value for c in uren[1]][:3] == ["opdracht *", "datum *", "uren"]
    assert "Gewerkte tijd" in uren["C1"].comment.text
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["opdrachten"].data_validations.dataValidation}
    assert lists["E2"] == '"vrijwilliger,vacatiegeld,zzp,particulier,loondienst"'
    assert "adviesraad" in lists["D2"] and lists["R2"] == '"ja,nee"' and lists["S2"] == '"kor,crkbo"'

    _fill_template(tpl)
    result = runner.invoke(cli, ["import", str(tpl), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "uren: 3 zou worden toegevoegd" in result.stdout
    result = runner.invoke(cli, ["import", str(tpl)])
    assert result.exit_code == 0, result.stderr
    assert "verklaringen: 1 toegevoegd" in result.stdout
    result = runner.invoke(cli, ["hours", "--expert", "E001", "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    lines = [(x["work_date"], x["engagement"], x["minutes"], x["quantity"], x["km"], x["expense"], x["inkind"],
              x["activity"]) for x in doc["lines"]]
    assert lines == [("2026-09-14", "G001", 150, 1, "12.5", "0.00", "0.00", "vergadering"),
                     ("2026-09-15", "G002", 90, 0, "0", "4.50", "25.00", "advies"),
                     ("2026-10-05", "G001", 150, 1, "8", "0.00", "0.00", "vergadering")]
    result = runner.invoke(cli, ["engagement", "show", "G001", "--format", "json"])
    shown = json.loads(result.stdout)
    assert shown["end"] == "2026-12-31" and shown["level"] == "voorzitter" and shown["km_rate"] == "0.23"
    # importing the same workbook again stores nothing new
    result = runner.invoke(cli, ["import", str(tpl)])
    assert result.exit_code == 0 and "uren: 3 regel(s) stonden er al" in result.stdout


def test_cli_bad_import_exits_1(tmp_path: Path, runner: CliRunner, cli) -> None:  # noqa: ANN001
    bad = write(tmp_path / "uren.csv", "opdracht;datum;uren\nG1;1-1-2026;2\n")
    result = runner.invoke(cli, ["import", str(bad)])
    assert result.exit_code == 1
    assert "uren.csv, rij 2, kolom/veld opdracht: opdracht 'G1' bestaat niet" in result.stderr
    assert "er is niets opgeslagen" in result.stderr
    odd = write(tmp_path / "lijst.csv", "a;b\n1;2\n")
    result = runner.invoke(cli, ["import", str(odd)])
    assert result.exit_code == 1 and "uit de bestandsnaam blijkt niet wat erin staat" in result.stderr
