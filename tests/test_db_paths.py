"""--db paths that are no database file: a path ending in '/' (a folder, existing or not),
a pipe or a device. A clear message, exit 1, and nothing created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from vergoeding.__main__ import load_cli

# --db as a FILE path (folders, pipes, devices): SQLite only; a server URL has no such path.
pytestmark = pytest.mark.sqlite_only


def run(db: str) -> tuple[int, str]:
    r = CliRunner(env={"VERGOEDING_TODAY": "2026-11-20"}).invoke(load_cli().cli, ["--db", db, "org", "list"])
    return r.exit_code, r.output


def test_a_trailing_slash_on_a_new_path_is_a_folder_not_a_file(tmp_path: Path) -> None:
    code, out = run(f"{tmp_path}/archief-2027/")
    assert code == 1 and "Traceback" not in out
    assert f"--db {tmp_path}/archief-2027/ is een map (eindigt op '/')" in out
    assert f"bijvoorbeeld {tmp_path}/archief-2027/vergoeding.db" in out
    assert list(tmp_path.iterdir()) == []  # no file 'archief-2027' created


def test_a_trailing_slash_on_a_database_file(tmp_path: Path) -> None:
    db = tmp_path / "admin.sqlite"
    made = CliRunner().invoke(load_cli().cli, ["--db", str(db), "org", "add", "--code", "UTR", "--name", "Utrecht"])
    assert made.exit_code == 0, made.output  # a reading command refuses a database that is not there
    code, out = run(f"{db}/")
    assert code == 1 and f"eindigt op '/', maar {db} is een bestand; laat de '/' weg" in out


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_is_no_database(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = str(tmp_path / "wachtrij.db")
        os.mkfifo(path)
    else:
        path = "/dev/zero"
    code, out = run(path)
    assert code == 1 and "Traceback" not in out
    assert f"--db {path} is geen gewoon bestand (een pipe, apparaat of socket)" in out
