"""Is this database the administration? Checked before anything touches it (issue 20, item 8).

A database is an administration of vergoeding when it holds the table ``schema_version``
that every vergoeding database has from its first migration. Anything else is refused
before a single byte is written, also by a command that only reads (opening a SQLite file
through the engine switches it to WAL and the migrations would add our tables):

* a SQLite file: a 0-byte file, a file that is no SQLite database, a SQLite database of
  another program (tables, but no ``schema_version``) or an empty one made by another
  program. The file is inspected with Python's ``sqlite3`` in read-only mode.
* a PostgreSQL database: one whose tables (or foreign tables, or views) are not ours, with
  no ``schema_version``. A database with no tables at all is the one ``db init`` fills.
* ``--db :memory:`` (an administration that is gone when the command ends) and SQLite URI
  file names (``file:v.db?mode=ro``): SQLite would create a file with that literal name.

A new SQLite database is created by vergoeding itself, readable and writable by its owner
only (``0600``, whatever the umask: it holds BSNs and IBANs); SQLite gives its ``-wal`` and
``-shm`` files the same mode. A folder vergoeding makes for a database (``demo --out``) is
``0700``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from vergoeding.errors import ConfigError

SQLITE_HEADER = b"SQLite format 3\x00"
MARK_TABLE = "schema_version"


def refuse_special(value: str) -> None:
    """``:memory:`` and SQLite URI file names are no place for an administration."""
    bare = value.removeprefix("sqlite:///").removeprefix("sqlite://")
    if bare in (":memory:", "") and value.startswith("sqlite") or bare == ":memory:":
        raise ConfigError(f"--db {value} is een database in het geheugen, die weg is zodra de opdracht klaar is; "
                          "geef een databasebestand, bijvoorbeeld --db vergoeding.db")
    if bare.startswith("file:"):
        raise ConfigError(f"--db {value}: vergoeding leest geen SQLite-URI (file:...); geef het pad van het "
                          "databasebestand zelf, bijvoorbeeld --db vergoeding.db. Alleen-lezen werken kan op een "
                          "kopie van het bestand.")


def _tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                      "ORDER BY name")]


def _listing(names: list[str]) -> str:
    from vergoeding.core.listing import few

    return few(names, others="andere")


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """``sql`` on the SQLite file ``path`` without writing to it or next to it (immutable
    first; through SQLite's locking when a ``-wal`` file holds part of it)."""
    modes = ("ro&immutable=1", "ro") if Path(f"{path}-wal").exists() else ("ro&immutable=1",)
    for mode in modes:
        con = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=10)
        try:
            return list(con.execute(sql, params))
        except sqlite3.Error:
            if mode == modes[-1]:
                raise
        finally:
            con.close()
    return []


def _read_tables(path: Path) -> list[str] | None:
    """The tables and views in the SQLite file, read without writing: first as an immutable
    file (no ``-wal``/``-shm`` files made next to another program's database); when that does
    not show ``schema_version`` and a ``-wal`` file exists (tables not yet checkpointed), or it
    fails, read-only through SQLite's normal locking."""
    wal = Path(f"{path}-wal").exists()
    for mode in ("ro&immutable=1", "ro"):
        try:
            con = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=10)
            try:
                names = _tables(con)
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            text = str(exc).lower()
            if mode == "ro" and ("not a database" in text or "encrypted" in text or "malformed" in text):
                return ["!damaged"]
            continue
        if MARK_TABLE in names or not wal:
            return names
    return None


def check_sqlite_file(path: Path) -> bool:
    """True when ``path`` is an administration of vergoeding, False when it does not exist
    (vergoeding may create it); a :class:`ConfigError` for anything else."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # no permission etc.: the database layer names the problem (vergoeding.failures)
    if not path.is_file():
        return True  # a folder: named by vergoeding.failures / sqlite_file
    advice = ("Er is niets gewijzigd. Kies met --db het databasebestand van vergoeding, of een nieuwe naam voor een "
              "nieuwe administratie.")
    if st.st_size == 0:
        raise ConfigError(f"{path} is een leeg bestand (0 bytes), geen administratie van vergoeding. {advice} "
                          "(Een leeg bestand van een afgebroken 'vergoeding db init' kunt u verwijderen.)")
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError:
        return True
    if header != SQLITE_HEADER:
        raise ConfigError(f"{path} is geen (gave) database van vergoeding; het bestand is beschadigd of iets "
                          f"anders. {advice}")
    names = _read_tables(path)
    if names is None:
        return True  # locked, unreadable...: the engine reports it as before
    if names == ["!damaged"]:
        raise ConfigError(f"{path} is geen (gave) database van vergoeding; het bestand is beschadigd of iets "
                          f"anders. {advice}")
    if MARK_TABLE in names:
        return True
    if not names:
        raise ConfigError(f"{path} is een lege SQLite-database die vergoeding niet gemaakt heeft. {advice}")
    raise ConfigError(f"{path} is een database van een ander programma (tabellen {_listing(names)}), geen "
                      f"administratie van vergoeding. {advice}")


def create_sqlite_file(path: Path) -> None:
    """Make the new database file ``0600`` before SQLite opens it (SQLite would make it
    ``0644`` under the usual umask)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def make_private_folder(folder: Path) -> None:
    """``folder`` (and missing parents) for a database: a folder made here is ``0700``."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for p in missing:
        try:
            os.chmod(p, 0o700)
        except OSError:
            pass


def check_server(conn: object) -> None:
    """A PostgreSQL database with tables (or foreign tables, views) but no ``schema_version``
    is not an administration: refused before ``db init`` or a migration writes to it."""
    from sqlalchemy import text

    rows = conn.execute(text(  # type: ignore[attr-defined]
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND n.nspname = current_schema() ORDER BY c.relname"
    )).scalars().all()
    names = [str(r) for r in rows]
    if names and MARK_TABLE not in names:
        raise ConfigError(f"deze database bevat tabellen van een ander programma ({_listing(names)}) en geen "
                          "administratie van vergoeding; er is niets gewijzigd. Maak een eigen database voor "
                          "vergoeding (zie docs/SHARED-DATABASE.md).")
