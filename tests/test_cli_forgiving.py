"""Forgiving input, strict data: codes in any case, periods as people write them, reading
commands refuse a database that is not there, refused runs leave no folder, a second equal
session asks for --allow-duplicate, a zzp engagement needs KvK and VAT id (or KOR)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner


def run(runner: CliRunner, cli: click.Group, *args: str):  # noqa: ANN201
    return runner.invoke(cli, list(args), prog_name="vergoeding", env={"VERGOEDING_TODAY": "2026-11-27"})


@pytest.fixture
def admin(runner: CliRunner, cli: click.Group) -> CliRunner:
    for args in (["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Test", "--kvk", "12345678"],
                 ["org", "add", "--code", "UTR", "--name", "Gemeente Utrecht"],
                 ["expert", "add", "--code", "E001", "--name", "Fatima el Amrani", "--iban", "NL91ABNA0417164300"],
                 ["engagement", "add", "--code", "G001", "--expert", "e001", "--client", "utr", "--role", "trainer",
                  "--regime", "vrijwilliger", "--start", "1-9-2026"]):
        r = run(runner, cli, *args)
        assert r.exit_code == 0, r.output
    return runner


READING = [["org", "list"], ["org", "show", "UTR"], ["expert", "list"], ["engagement", "list"], ["audit"],
           ["hours", "--expert", "E001"], ["check", "--period", "2026-11"], ["room", "--expert", "E001"],
           ["statement", "--expert", "E001", "--year", "2026"], ["invoice", "list"], ["contracts"]]


@pytest.mark.sqlite_only  # a missing database FILE; a server database has no file
@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_reading_commands_refuse_a_missing_database(runner: CliRunner, cli: click.Group, tmp_path: Path,
                                                     args: list[str]) -> None:
    db = tmp_path / "typo.db"
    r = run(runner, cli, "--db", str(db), *args)
    assert r.exit_code != 0 and r.stdout == ""
    assert f"database {db} bestaat niet" in r.stderr
    assert "db init" in r.stderr and "vergoeding --db " in r.stderr and "vergoeding demo" in r.stderr
    assert not db.exists()


@pytest.mark.sqlite_only  # a new database FILE
def test_a_writing_command_still_makes_a_new_database(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    db = tmp_path / "nieuw.db"
    assert run(runner, cli, "--db", str(db), "org", "add", "--code", "UTR", "--name", "Gemeente Utrecht").exit_code == 0
    assert db.exists()


def test_codes_in_any_case(admin: CliRunner, cli: click.Group) -> None:
    r = run(admin, cli, "engagement", "show", "g001")
    assert r.exit_code == 0 and "deskundige            E001" in r.stdout  # stored as entered
    assert run(admin, cli, "log", "--engagement", "g001", "--date", "3-11-2026", "--hours", "2").exit_code == 0
    r = run(admin, cli, "hours", "--expert", "e001", "--period", "november 2026")
    assert r.exit_code == 0 and "Urenoverzicht Fatima el Amrani (E001), november 2026" in r.stdout
    assert "Totaal: 2:00 uur" in r.stdout
    r = run(admin, cli, "room", "--expert", "e001", "--on", "27-11-2026")
    assert "november 2026  €\u00a0220,00    €\u00a011,50" in r.stdout  # the entry of g001 counts for E001
    r = run(admin, cli, "expert", "add", "--code", "e001", "--name", "Iemand anders")
    assert r.exit_code != 0 and "bestaat al" in r.stderr


@pytest.mark.parametrize("period", ["2026-11", "11-2026", "november 2026", "Nov 2026"])
def test_periods_as_people_write_them(admin: CliRunner, cli: click.Group, period: str) -> None:
    assert run(admin, cli, "log", "--engagement", "G001", "--date", "3-11-2026", "--hours", "2").exit_code == 0
    r = run(admin, cli, "approve", "--period", period)
    assert r.exit_code == 0, r.output
    assert r.stdout == "1 regel(s) in november 2026 goedgekeurd.\n"


def test_second_equal_session_asks_for_allow_duplicate(admin: CliRunner, cli: click.Group) -> None:
    args = ["log", "--engagement", "G001", "--date", "3-11-2026", "--hours", "2", "--activity", "training"]
    assert run(admin, cli, *args).stdout == "Regel 1 opgeslagen.\n"
    r = run(admin, cli, *args)
    assert r.exit_code == 1 and r.stdout == ""
    assert "regel 1 is al precies zo vastgelegd (G001, 03-11-2026, 2:00 uur, training)" in r.stderr
    assert "--allow-duplicate" in r.stderr
    r = run(admin, cli, *args, "--allow-duplicate")
    assert r.exit_code == 0 and r.stdout == "Regel 2 opgeslagen.\n"
    assert "Totaal: 4:00 uur" in run(admin, cli, "hours", "--expert", "E001", "--period", "2026-11").stdout


def test_zzp_engagement_needs_kvk_and_vat_id_or_kor(admin: CliRunner, cli: click.Group) -> None:
    zzp = ["engagement", "add", "--expert", "E001", "--client", "UTR", "--role", "trainer", "--regime", "zzp",
           "--start", "1-11-2026"]
    r = run(admin, cli, *zzp)
    assert r.exit_code == 2
    assert "deskundige E001 mist een KvK-nummer" in r.stderr and "een btw-nummer" in r.stderr
    assert "Opdracht" not in r.stdout
    assert run(admin, cli, "expert", "edit", "E001", "--kvk", "12345678").exit_code == 0
    r = run(admin, cli, *zzp)
    assert r.exit_code == 2 and "KvK" not in r.stderr and "mist een btw-nummer" in r.stderr and "--kor" in r.stderr
    assert run(admin, cli, "expert", "edit", "E001", "--kor").exit_code == 0
    r = run(admin, cli, *zzp)
    assert r.exit_code == 0, r.output


def test_refused_runs_make_no_folder(admin: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    out = tmp_path / "facturen"
    r = run(admin, cli, "invoice", "create", "--all-clients", "--period", "2026-10", "--out", str(out))
    assert r.exit_code == 0 and "geen factureerbare uren in oktober 2026" in r.stdout
    assert not out.exists()
