"""The hostile-input corpus of issue 13 (tests/data/hostile/: import files written by
make_hostile.py, and cases.toml for them and for command lines) through the real command.
Every case: the expected exit code, a message naming file, row and field (or the database
path), no traceback, the database exactly as before (every table, row by row), and no
file left in the output folder (not even a hidden temporary one).

Machine failures are here too: a read-only database and a full disk (a tiny tmpfs mounted
when the tests run as root; skipped otherwise), and a full disk while writing an output file
(ENOSPC raised at the operating-system boundary, everywhere)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from dutch_only import assert_dutch
from sqlalchemy import create_engine, select

from vergoeding.__main__ import load_cli
from vergoeding.store import schema as s

# SQLite files only: each case starts from a byte copy of a prepared database file and
# compares the file's rows after; the machine failures are file-system failures of that file.
pytestmark = pytest.mark.sqlite_only

DATA = Path(__file__).resolve().parent / "data" / "hostile"
CASES = tomllib.loads((DATA / "cases.toml").read_text(encoding="utf-8"))
TODAY = "2026-11-02"

SETUP = [
    ["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Ervaring Werkt", "--street", "Oudegracht 100",
     "--postcode", "3511AZ", "--city", "Utrecht", "--kvk", "12345678", "--vat-id", "NL000099998B57",
     "--iban", "NL91ABNA0417164300", "--bic", "ABNANL2A", "--anbi", "--may-pay-volunteers", "--payroll-tax-number"],
    ["org", "add", "--code", "UTR", "--name", "Gemeente Utrecht", "--street", "Stadsplateau 1", "--postcode", "3521AZ",
     "--city", "Utrecht", "--oin", "00000001002220647000"],
    ["expert", "add", "--code", "E001", "--name", "Fatima el Amrani", "--birth-date", "17-5-1980",
     "--street", "Kerkstraat 5", "--postcode", "3511BB", "--city", "Utrecht", "--iban", "NL44RABO0123456789"],
    ["engagement", "add", "--code", "G001", "--expert", "E001", "--client", "UTR", "--role", "trainer",
     "--regime", "vrijwilliger", "--start", "1-1-2026", "--travel", "km"],
    ["log", "--engagement", "G001", "--date", "15-9-2026", "--hours", "2", "--activity", "training"],
    ["log", "--engagement", "G001", "--date", "6-10-2026", "--hours", "2", "--activity", "training"],
    ["approve", "--period", "2026-09"],
    ["approve", "--period", "2026-10"],
    ["invoice", "create", "--client", "UTR", "--period", "2026-09", "--date", "5-10-2026"],
]


def env(db: Path, **extra: str | None) -> dict[str, str | None]:
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    return {**unset, "VERGOEDING_DB": str(db), "VERGOEDING_TODAY": TODAY, **extra}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "vergoeding.db"
    runner = CliRunner(env=env(db))
    cli = load_cli().cli
    for args in SETUP:
        r = runner.invoke(cli, args, catch_exceptions=False)
        assert r.exit_code == 0, (args, r.stderr)
    assert "2026-0001" in runner.invoke(cli, ["invoice", "list"]).stdout
    return db


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "vergoeding.db"
    shutil.copyfile(template_db, path)
    return path


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in s.metadata.sorted_tables}
    finally:
        engine.dispose()


def check(result: Any, case: dict[str, Any]) -> None:
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case["exit"], (result.exit_code, result.stderr)
    for line in case["message"]:
        assert line in result.stderr, (line, result.stderr)
    assert "111222333" not in result.stderr and "111.222.333" not in result.stderr  # a BSN is never repeated
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr  # nor an escape sequence
    assert_dutch(result.output)


def no_files(folder: Path) -> None:
    assert list(folder.iterdir()) == [], sorted(p.name for p in folder.iterdir())


def test_corpus_counts() -> None:
    files = {p.name for p in DATA.iterdir() if p.suffix in (".xlsx", ".csv")}
    assert files == set(CASES["import"])
    assert len(CASES["import"]) + len(CASES["cli"]) >= 40


@pytest.mark.parametrize("name", sorted(CASES["import"]))
def test_import_case(name: str, db: Path) -> None:
    before = dump(db)
    result = CliRunner(env=env(db)).invoke(load_cli().cli, ["import", str(DATA / name)])
    check(result, CASES["import"][name])
    assert result.stdout == "" and "er is niets opgeslagen" in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize("name", sorted(CASES["cli"]))
def test_cli_case(name: str, db: Path, tmp_path: Path) -> None:
    case = CASES["cli"][name]
    out = tmp_path / "uit"
    out.mkdir()
    extra: list[str] = []
    target = db
    if case.get("db") == "not-a-database":
        target = tmp_path / "kapot.db"
        target.write_bytes(b"Dit is een tekstbestand, geen database." * 100)
    elif case.get("db") == "directory":
        target = tmp_path / "map.db"
        target.mkdir()
    if "config" in case:
        (tmp_path / "vergoeding.toml").write_text(case["config"], encoding="utf-8")
        extra += ["--config", str(tmp_path / "vergoeding.toml")]
    if "template" in case or "template_link" in case:
        folder = tmp_path / "sjablonen"
        folder.mkdir()
        if "template" in case:
            (folder / "invoice.html").write_text(case["template"], encoding="utf-8")
        else:
            os.symlink(case["template_link"], folder / "invoice.html")
        extra += ["--templates", str(folder)]
    before = dump(db)
    raw = target.read_bytes() if target.is_file() and target != db else None
    args = [a.replace("{out}", str(out / "uit.pdf")) for a in case["args"]]
    result = CliRunner(env=env(target)).invoke(load_cli().cli, [*extra, *args])
    check(result, case)
    if target != db:
        assert str(target) in result.stderr or target.name in result.stderr  # names the database
        if raw is not None:
            assert target.read_bytes() == raw
        assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(target.name)) == [target.name]
    assert dump(db) == before
    no_files(out)


# --- machine failures ----------------------------------------------------------------------

def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tmpfs(tmp_path: Path) -> Any:
    """A tiny tmpfs (root only): yields a function that mounts one at a path with a size."""
    if not _can_mount():
        pytest.skip("a tmpfs can only be mounted by root")
    mounted: list[Path] = []

    def mount(path: Path, size: str, *options: str) -> Path:
        path.mkdir(exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(path)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_database_on_a_write(db: Path, tmp_path: Path, tmpfs: Any) -> None:
    ro = tmpfs(tmp_path / "ro", "4m")
    shutil.copyfile(db, ro / "vergoeding.db")
    before = (ro / "vergoeding.db").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
    result = CliRunner(env=env(ro / "vergoeding.db")).invoke(
        load_cli().cli, ["log", "--engagement", "G001", "--date", "7-10-2026", "--hours", "1"])
    check(result, {"exit": 1, "message": [f"de database {ro / 'vergoeding.db'} is alleen-lezen", "niets gewijzigd"]})
    assert (ro / "vergoeding.db").read_bytes() == before


def test_full_disk_under_the_database(db: Path, tmp_path: Path, tmpfs: Any) -> None:
    full = tmpfs(tmp_path / "vol", "512k")
    shutil.copyfile(db, full / "vergoeding.db")
    before = dump(full / "vergoeding.db")
    (full / "opvulling").write_bytes(b"\0" * (512 * 1024 - (full / "vergoeding.db").stat().st_size - 64 * 1024))
    runner = CliRunner(env=env(full / "vergoeding.db"))
    big = "x" * 900
    added: list[str] = []
    result = None
    for i in range(200):  # fill the last pages; the first write that does not fit is refused whole
        result = runner.invoke(load_cli().cli, ["org", "add", "--code", f"V{i:03d}", "--name", f"{big} {i}"])
        if result.exit_code != 0:
            break
        added.append(f"V{i:03d}")
    assert result is not None and added
    check(result, {"exit": 1, "message": [str(full / "vergoeding.db"), "de wijziging is teruggedraaid"]})
    assert "is vol" in result.stderr or "schrijffout op de schijf" in result.stderr
    (full / "opvulling").unlink()
    after = dump(full / "vergoeding.db")
    codes = [r[1] for r in after["organisations"]]
    assert codes == [r[1] for r in before["organisations"]] + added  # the refused one left nothing behind
    assert len(after["audit_log"]) == len(before["audit_log"]) + len(added)
    assert {k: v for k, v in after.items() if k not in ("organisations", "audit_log")} == \
        {k: v for k, v in before.items() if k not in ("organisations", "audit_log")}


def test_full_disk_in_the_output_folder(db: Path, tmp_path: Path, tmpfs: Any) -> None:
    out = tmpfs(tmp_path / "uit", "4k")
    before = dump(db)
    result = CliRunner(env=env(db)).invoke(load_cli().cli, ["invoice", "render", "2026-0001", "--format", "pdf",
                                                            "-o", str(out / "factuur.pdf")])
    check(result, {"exit": 1, "message": [f"kan {out / 'factuur.pdf'} niet schrijven: de schijf is vol",
                                          "Er is geen half bestand achtergebleven."]})
    no_files(out)
    assert dump(db) == before


def test_enospc_while_writing_an_output_file(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everywhere (no root needed): the disk fills up at the fsync of the output file."""
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "uit"
    out.mkdir()
    before = dump(db)
    result = CliRunner(env=env(db)).invoke(load_cli().cli, ["hours", "--expert", "E001", "--period", "2026-10",
                                                            "--format", "xlsx", "-o", str(out / "uren.xlsx")])
    check(result, {"exit": 1, "message": [f"kan {out / 'uren.xlsx'} niet schrijven: de schijf is vol"]})
    no_files(out)
    assert dump(db) == before


def test_output_files_follow_the_umask(db: Path, tmp_path: Path) -> None:
    cli: click.Group = load_cli().cli
    old = os.umask(0o027)
    try:
        r = CliRunner(env=env(db)).invoke(cli, ["invoice", "render", "2026-0001", "--format", "xlsx",
                                                "-o", str(tmp_path / "f.xlsx")])
        assert r.exit_code == 0, r.stderr
        assert (tmp_path / "f.xlsx").stat().st_mode & 0o777 == 0o640
        os.umask(0o022)
        r = CliRunner(env=env(db)).invoke(cli, ["invoice", "render", "2026-0001", "--format", "ubl",
                                                "-o", str(tmp_path / "f.xml")])
        assert r.exit_code == 0, r.stderr
        assert (tmp_path / "f.xml").stat().st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "f.xlsx", 0o600)  # an existing file keeps the mode its owner gave it
        r = CliRunner(env=env(db)).invoke(cli, ["invoice", "render", "2026-0001", "--format", "xlsx",
                                                "-o", str(tmp_path / "f.xlsx")])
        assert (tmp_path / "f.xlsx").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_audit_log_never_holds_a_bsn(db: Path) -> None:
    """A BSN typed in free text is refused; what the audit log holds is masked in any case."""
    from vergoeding.store.base import _jsonable

    assert _jsonable({"activity": "gesprek 111222333", "n": 3}) == {"activity": "gesprek *****2333", "n": 3}
    before = dump(db)
    r = CliRunner(env=env(db)).invoke(load_cli().cli, ["lock", "--period", "2026-09", "--reason",
                                                       "klaar, zie 111 222 333"])
    assert r.exit_code == 2 and "burgerservicenummer" in r.stderr
    assert dump(db) == before
    assert all("111222333" not in str(row) for row in dump(db)["audit_log"])


def test_text_stored_before_the_rule_is_shown_safely(db: Path) -> None:
    """A name with an escape sequence, a control character and a BSN, stored before the text
    rule: terminal tables, ``show`` and CSV listings print it without the control characters
    and with the BSN masked; the invoice's own listing too."""
    from sqlalchemy import update

    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(update(s.organisations).where(s.organisations.c.code == "UTR")
                     .values(name="Gemeente\x1b[2J\x1b]0;x\x07 Utrecht\x01 111222333"))
    engine.dispose()
    runner = CliRunner(env=env(db))
    cli = load_cli().cli
    for args in (["org", "list"], ["org", "show", "UTR"], ["org", "list", "--format", "csv"]):
        r = runner.invoke(cli, args)
        assert r.exit_code == 0, r.stderr
        assert "Gemeente Utrecht *****2333" in r.stdout, r.stdout
        assert not any(c in r.stdout for c in "\x1b\x07\x01") and "111222333" not in r.stdout
