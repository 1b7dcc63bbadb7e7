# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""A message about many people names a few and the count, and says where the rest is (issue 21,
item 4; ``vergoeding/core/listing.py``): the payout that holds everyone, the payout's held list
and findings, the mail batches, the mail report and a refused import."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import builders as b
import openpyxl
import pytest
from click.testing import CliRunner

from vergoeding.core.listing import few, few_lines
from vergoeding.mail.plan import Plan
from vergoeding.mail.sending import Outcome, SendReport

HELD = 300
NOV = {"VERGOEDING_TODAY": "2026-11-10"}


def name(i: int) -> str:
    return f"Anna-Maria van den Berg-Oosterhuis {i}"


def seed(path: Path, n: int, with_iban: int) -> None:
    """``n`` volunteers with one approved line in October; only the first ``with_iban`` have an IBAN."""
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        for i in range(n):
            b.expert(c, f"E{i:03d}", name=name(i), iban="NL91ABNA0417164300" if i < with_iban else None)
            b.engagement(c, f"G{i:03d}", f"E{i:03d}", "GEM")
            b.entry(c, f"G{i:03d}", date(2026, 10, 3), minutes=150, activity="Adviesgesprek")
    eng.dispose()


def invoke(cli, db: Path, args: list[str]):
    return CliRunner(env={"VERGOEDING_DB": str(db), **NOV}).invoke(cli, args)


def test_few_names_five_counts_the_rest_and_says_where() -> None:
    names = [f"E{i:03d}" for i in range(317)]
    many = [f"E{i:04d}" for i in range(2000)]
    assert few(names, where="'vergoeding check --period 2026-10'") == (
        "E000, E001, E002, E003, E004 en nog 312 anderen; zie 'vergoeding check --period 2026-10'")
    assert few(names[:6], where="ergens") == "E000, E001, E002, E003, E004, E005"  # one more is named, not counted
    assert few(many, sep="; ", others="andere") == "E0000; E0001; E0002; E0003; E0004; en nog 1.995 andere"
    assert few_lines(names[:8], where="het blad Aangehouden") == [
        "  E000", "  E001", "  E002", "  E003", "  E004", "  en nog 3 anderen; zie het blad Aangehouden."]
    assert few([]) == "" and few_lines([]) == []


@pytest.fixture(scope="module")
def everyone_held(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("held") / "held.db"
    seed(path, HELD, with_iban=0)
    return path


def test_a_payout_that_holds_300_names_five_the_count_and_the_command(cli, everyone_held: Path, tmp_path: Path) -> None:
    r = invoke(cli, everyone_held, ["payout", "--period", "2026-10", "--out", str(tmp_path / "uit")])
    assert r.exit_code == 1 and r.stdout == ""
    message = r.stderr
    assert len(message) < 2000, len(message)
    assert message.startswith("fout: er is niets betaald voor oktober 2026: iedereen met open regels "
                              "(300 deskundigen) is aangehouden: ")
    named = re.findall(r"\((E\d{3})\): Gegevens voor betaling: IBAN van ", message)
    assert named == ["E000", "E001", "E002", "E003", "E004"]
    assert "; en nog 295 anderen. " in message
    assert message.rstrip().endswith("wie er is aangehouden en waarom staat in 'vergoeding check --period 2026-10'.")
    assert not (tmp_path / "uit").exists()
    # the command it names lists every one of them
    check = invoke(cli, everyone_held, ["check", "--period", "2026-10"])
    assert check.exit_code == 1
    for i in range(HELD):
        assert f"IBAN van {name(i)} ontbreekt" in check.stdout


def test_a_payout_names_five_held_and_five_findings_the_overview_has_all(cli, tmp_path: Path) -> None:
    db = tmp_path / "some.db"
    seed(db, 13, with_iban=1)  # E000 paid, 12 held
    out = tmp_path / "uit"
    r = invoke(cli, db, ["payout", "--period", "2026-10", "--out", str(out)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines if "/" not in line) <= 100  # a long path is never cut
    flowed = " ".join(r.stdout.split())
    overview = out / "uitbetaling-2026-10.xlsx"
    # findings: an error and a held warning per held expert (24); five shown, the rest counted
    assert sum(line.startswith(("FOUT ", "WAARSCHUWING ")) for line in lines) == 5
    assert (f"en nog 19 bevindingen; zie het blad Bevindingen van {overview} of "
            "'vergoeding check --period 2026-10'.") in flowed
    held = flowed[flowed.index("Aangehouden (12): hun regels blijven open voor een volgende uitbetaling."):]
    assert held.split(" E0")[1:5] == [
        f"{i:02d} {name(i)}: Gegevens voor betaling: IBAN van {name(i)} ontbreekt." for i in range(1, 5)]
    assert (f"ontbreekt. en nog 7 anderen; zie het blad Aangehouden van {overview} of "
            "'vergoeding check --period 2026-10'.") in held
    assert "E006" not in held
    wb = openpyxl.load_workbook(overview)
    held = [row[0] for row in wb["Aangehouden"].iter_rows(min_row=2, values_only=True)]
    assert held == [f"E{i:03d}" for i in range(1, 13)]
    assert wb["Bevindingen"].max_row == 1 + 24


def test_mail_batch_names_a_few_skipped_the_dry_run_lists_all() -> None:
    plan = Plan("statement", "specificaties november 2026",
                skipped=[(f"E{i:03d}", name(i), "geen e-mailadres") for i in range(40)])
    again = "'vergoeding mail statements --period 2026-11 --dry-run'"
    lines = plan.summary(False, rest_at=again)
    assert lines[:2] == ["Klaargezet: 0 mail(s) (specificaties november 2026).", "Overgeslagen: 40."]
    assert lines[2:8] == [*(f"  E{i:03d} {name(i)}: geen e-mailadres" for i in range(5)),
                          f"  en nog 35 anderen; zie {again}."]
    dry = plan.summary(True, rest_at=again)
    assert len([x for x in dry if x.endswith(": geen e-mailadres")]) == 40


def test_mail_report_names_a_few_failed_and_says_where_the_rest_is() -> None:
    report = SendReport(failed=[Outcome(i, f"p{i}@voorbeeld.nl", "statement", "550 bestaat niet") for i in range(9)])
    assert report.summary()[1:] == [
        "Niet afgeleverd (de server weigert): 9.",
        *(f"  #{i} p{i}@voorbeeld.nl: 550 bestaat niet" for i in range(5)),
        "  en nog 4 anderen; zie 'vergoeding mail list --state failed'."]


def test_a_refused_import_names_ten_errors_the_count_and_how_to_see_all(cli, tmp_path: Path) -> None:
    db = tmp_path / "imp.db"
    seed(db, 1, with_iban=1)
    hours = tmp_path / "uren.csv"
    hours.write_text("opdracht;datum;uren\n" + "".join(f"G999;{d}-10-2026;1\n" for d in range(1, 31)), encoding="utf-8")
    r = invoke(cli, db, ["import", str(hours)])
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0] == "fout: 30 fout(en) gevonden; er is niets opgeslagen."
    assert [re.search(r"rij (\d+)", x).group(1) for x in lines[1:11]] == [str(n) for n in range(2, 12)]  # type: ignore[union-attr]
    assert lines[11:] == [f"en nog 20 fouten; zie 'vergoeding import {hours} --dry-run --alle-fouten'."]
    every = invoke(cli, db, ["import", str(hours), "--dry-run", "--alle-fouten"])
    assert every.exit_code == 1 and len(every.stderr.splitlines()) == 31
