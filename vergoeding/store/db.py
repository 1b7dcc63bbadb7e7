"""Opening the database, transactions and schema migrations.

SQLite is the embedded default: foreign keys on, WAL, a busy timeout, and every
transaction started with ``BEGIN IMMEDIATE`` so that two processes never interleave
writes (invoice numbers and payouts rely on that). PostgreSQL is a URL switch
(``postgresql+psycopg://...``); there the same code runs at the default isolation, and the
few places that need serialisation take row locks (``SELECT ... FOR UPDATE``).

Migrations are portable (SQLAlchemy types compiled for the connected dialect, no SQLite-only
DDL). Each step runs in ONE transaction together with its ``schema_version`` row (PostgreSQL
DDL is transactional; SQLite's too), so a failing step leaves the previous version. On
PostgreSQL a migration first takes an advisory lock, so two programs upgrading at once run
the steps one after the other. A database whose version is newer than this program knows is
refused on both backends (:class:`SchemaTooNew`). The steps themselves are in
:mod:`vergoeding.store.migrations`.

Upgrades: a SQLite file is upgraded on first use (a single user's file, as before). A shared
PostgreSQL database is upgraded only on request (``vergoeding db init`` / ``db upgrade``): the
everyday role of a team needs no right to change tables, and nobody upgrades the shared schema
by accident by running a newer program.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url

from vergoeding.errors import ConfigError
from vergoeding.store import identity, schema
from vergoeding.store.migrations import LATEST, MIGRATIONS, Migration


class SchemaTooNew(ConfigError):
    """The database was upgraded by a newer program: this one must not write to it."""


class SchemaBehind(ConfigError):
    """A shared database needs ``vergoeding db upgrade`` (or ``db init``) first."""


def now_utc() -> datetime:
    """Timestamps for created_at/audit (naive UTC, portable across databases)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def db_url(value: str | Path) -> str:
    """A path or a URL -> a SQLAlchemy URL. A bare path means a SQLite file."""
    s = str(value)
    if "://" in s:
        if s.startswith("sqlite"):
            identity.refuse_special(s)
        return s
    return f"sqlite:///{sqlite_file(s)}"


def sqlite_file(s: str) -> Path:
    """The database file of a ``--db`` path. Refused: a path that names a folder (ending in
    ``/``, whether or not the folder exists: ``Path`` would drop the slash and create a FILE
    of that name) and anything that exists but is no regular file (a pipe, a device, a
    socket: SQLite would block on it or report a misleading disk error), ``:memory:`` and
    SQLite URI names (:func:`vergoeding.store.identity.refuse_special`)."""
    identity.refuse_special(s)
    if s.endswith(("/", os.sep)) and s.strip("/" + os.sep):
        bare = s.rstrip("/" + os.sep)
        if Path(bare).expanduser().is_file():
            raise ConfigError(f"--db {s} eindigt op '/', maar {bare} is een bestand; laat de '/' weg")
        raise ConfigError(f"--db {s} is een map (eindigt op '/'); geef een bestand, bijvoorbeeld "
                          f"{bare}/vergoeding.db")
    path = Path(s).expanduser().resolve()
    if path.exists() and not path.is_file() and not path.is_dir():
        raise ConfigError(f"--db {s} is geen gewoon bestand (een pipe, apparaat of socket); geef het "
                          "databasebestand, bijvoorbeeld vergoeding.db")
    return path


def safe_url(url: str) -> str:
    """``url`` without its password (for every message, log line and audit row)."""
    if "://" not in url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL: hide everything after the scheme
        return url.split("://", 1)[0] + "://***"


def describe(url: str) -> str:
    """How a database is named in messages: the file of a SQLite URL, else the safe URL."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return safe_url(url)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        identity.refuse_special(url)
        if url.startswith("sqlite:///"):
            file = Path(url.removeprefix("sqlite:///"))
            if not file.parent.is_dir():
                raise ConfigError(f"map voor de database bestaat niet: {file.parent}")
            if not identity.check_sqlite_file(file):  # before the first connection writes to it
                identity.create_sqlite_file(file)
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            # a reader (:func:`reader`) takes a snapshot and no lock: readers never wait for
            # each other (WAL), only writers serialise
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return _refusing_writes_of_readers(engine)
    try:
        return _refusing_writes_of_readers(create_engine(url, connect_args=_connect_args(url)))
    except ModuleNotFoundError as exc:
        raise missing_driver(url, exc) from None
    except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver
        raise ConfigError(f"kan database {safe_url(url)} niet openen: {_url_problem(url, exc)}") from None


READ_ONLY = "vergoeding_read_only"
# what a reader may send: a query, and the transaction statements around it
_READS = ("SELECT", "WITH", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW", "EXPLAIN")


class WriteThroughReader(RuntimeError):
    """A program error: a write sent through :func:`reader` (its transactions take no write
    lock on SQLite and commit every statement on PostgreSQL, so a write there is never safe)."""


def _refusing_writes_of_readers(engine: Engine) -> Engine:
    @event.listens_for(engine, "before_cursor_execute")
    def _refuse(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(READ_ONLY) and not statement.lstrip().upper().startswith(_READS):
            raise WriteThroughReader(f"schrijven via de lezer (store.db.reader) is een programmafout: {statement[:60]}")

    return engine


def reader(engine: Engine) -> Engine:
    """``engine`` for reading only (the same pool): on SQLite its transactions begin deferred
    (a snapshot, no lock), so pages that only read never wait for each other, where ``BEGIN
    IMMEDIATE`` (every transaction of ``engine``) lets one connection at a time in, readers
    too: several portal workers then queue on the lock instead of serving in parallel. Never
    write through it: a write in a deferred transaction can fail with "database is locked"
    instead of waiting its turn. On PostgreSQL (reads take no locks there) its connections
    are in autocommit: at the default isolation (READ COMMITTED) every statement reads with a
    snapshot of its own inside a transaction as well, so a reader sees the same without the
    round trips for BEGIN and ROLLBACK around its statements. A write through it is refused
    (:class:`WriteThroughReader`) on both backends."""
    if engine.dialect.name != "sqlite":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})


def _url_problem(url: str, exc: Exception) -> str:
    """Why SQLAlchemy cannot make an engine for ``url``, in Dutch (its own text is English)."""
    scheme = url.split("://", 1)[0]
    if isinstance(exc, ModuleNotFoundError) or type(exc).__name__ == "NoSuchModuleError":
        if scheme.startswith("postgresql"):
            return ("het stuurprogramma voor PostgreSQL ontbreekt of is onbekend; gebruik postgresql+psycopg://... "
                    "en installeer het met pip install 'vergoeding[postgresql]'")
        return f"onbekend soort database '{scheme}'; vergoeding werkt met SQLite (een pad) en postgresql+psycopg://..."
    return ("dit is geen geldige database-URL; schrijf bijvoorbeeld postgresql+psycopg://gebruiker@server:5432/naam, "
            "of geef het pad van een SQLite-bestand")


POSTGRESQL_EXTRA = "pip install 'vergoeding[postgresql]'"


def missing_driver(url: str, exc: ModuleNotFoundError) -> ConfigError:
    """The database driver of ``url`` is not installed (``pip install vergoeding`` brings
    SQLite only): a Dutch message naming the command that installs it."""
    name = exc.name or "?"
    if url.startswith(("postgresql", "postgres")):
        how = (f"installeer het met: {POSTGRESQL_EXTRA}" if name.split(".")[0] == "psycopg"
               else "gebruik een URL die begint met postgresql+psycopg:// en installeer het stuurprogramma "
                    f"met: {POSTGRESQL_EXTRA}")
        return ConfigError(f"database {safe_url(url)}: het stuurprogramma voor PostgreSQL ({name}) is niet "
                           f"geïnstalleerd; {how}. Er is niets gewijzigd.")
    return ConfigError(f"database {safe_url(url)}: het stuurprogramma {name} is niet geïnstalleerd. "
                       "Er is niets gewijzigd.")


def _connect_args(url: str) -> dict[str, object]:
    # A server that does not answer is reported after 10 s instead of hanging.
    return {"connect_timeout": 10} if url.startswith("postgresql") else {}


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    v = conn.execute(select(schema.schema_version.c.version).order_by(
        schema.schema_version.c.version.desc()).limit(1)).scalar()
    return int(v or 0)


def applied_versions(conn: Connection) -> set[int]:
    """Every migration recorded in ``schema_version``. A step is run when its number is not
    there, also below the highest: two steps developed side by side may be numbered 10 and 11
    and land 11 first; a database that took 11 still gets 10."""
    if not inspect(conn).has_table("schema_version"):
        return set()
    return {int(v) for v in conn.execute(select(schema.schema_version.c.version)).scalars()}


def _lock_migrations(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # one upgrader at a time (SQLite: BEGIN IMMEDIATE already serialises)
        conn.execute(text("SELECT pg_advisory_xact_lock(7429301)"))


def refuse_newer(engine: Engine, version: int) -> None:
    if version > LATEST:
        raise SchemaTooNew(
            f"database {describe(engine.url.render_as_string(hide_password=False))} heeft "
            f"schemaversie {version}, dit programma kent tot versie {LATEST}: een nieuwere versie van "
            "vergoeding heeft deze database bijgewerkt. Werk vergoeding bij (pip install -U "
            "vergoeding); er is niets gewijzigd.")


def _todo(engine: Engine, migrations: list[Migration] | None) -> tuple[int, list[Migration]]:
    """(schema version, the steps not yet recorded), read in one connection; refuses a schema
    newer than the program."""
    steps = MIGRATIONS if migrations is None else migrations
    # a read (every command starts here): through the reader, so that a command that only reads
    # never takes SQLite's write lock, and PostgreSQL needs no BEGIN and ROLLBACK around it
    with reader(engine).connect() as conn:
        if conn.dialect.name == "postgresql":
            identity.check_server(conn)  # another program's database is refused before any write
        done = applied_versions(conn)
    version = max(done, default=0)  # current_version: the highest recorded
    if migrations is None:
        refuse_newer(engine, version)
    return version, [m for m in steps if m[0] not in done]


def pending(engine: Engine, migrations: list[Migration] | None = None) -> list[Migration]:
    """The migrations this database still needs (refuses a schema newer than the program)."""
    return _todo(engine, migrations)[1]


def migrate(engine: Engine, migrations: list[Migration] | None = None) -> int:
    """Bring the database to the newest schema, one transaction per pending step (a database
    that is up to date costs one read, no write transaction: every command starts here)."""
    version, todo = _todo(engine, migrations)
    if not todo:
        return version
    for number, description, step in todo:
        with engine.begin() as conn:
            _lock_migrations(conn)
            if number in applied_versions(conn):  # another process ran it meanwhile
                continue
            step(conn)
            conn.execute(schema.schema_version.insert().values(
                version=number, applied_at=now_utc(), description=description))
    with engine.connect() as conn:
        return current_version(conn)


def open_checked(engine: Engine) -> None:
    """On first use of a workspace: a SQLite file is migrated; a PostgreSQL database must
    already be at this program's version (``vergoeding db upgrade``)."""
    if engine.dialect.name == "sqlite":
        migrate(engine)
        return
    todo = pending(engine)
    if todo:
        name = describe(engine.url.render_as_string(hide_password=False))
        if todo[0][0] == 1:
            raise SchemaBehind(f"database {name} is nog leeg: maak de tabellen met 'vergoeding db init'.")
        raise SchemaBehind(
            f"database {name} heeft schemaversie {todo[0][0] - 1}, dit programma versie {LATEST}: "
            "laat de beheerder 'vergoeding db upgrade' uitvoeren (eerst 'vergoeding db upgrade "
            "--dry-run' toont wat er verandert).")


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One all-or-nothing unit of work."""
    with engine.begin() as conn:
        yield conn


def connection_error(url: str, exc: BaseException) -> ConfigError:
    """A driver error on connecting -> a Dutch message that names the server, never the
    password, and says what to check."""
    name = describe(url)
    raw = str(getattr(exc, "orig", None) or exc)
    detail = raw.replace(url, name)
    password = make_url(url).password if "://" in url else None
    if password:
        detail = detail.replace(str(password), "***")
    low = detail.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        why = "gebruikersnaam of wachtwoord onjuist; controleer de URL (VERGOEDING_DB) of ~/.pgpass"
    elif "does not exist" in low and "database" in low:
        why = "deze database bestaat niet op de server; maak hem aan (zie docs/SHARED-DATABASE.md)"
    elif "role" in low and "does not exist" in low:
        why = "deze gebruiker bestaat niet op de server"
    elif "permission denied" in low:
        why = "deze gebruiker heeft geen rechten op (een tabel in) deze database"
    elif any(w in low for w in ("connection refused", "could not connect", "timeout", "timed out",
                                "could not translate host name", "name or service not known",
                                "no route to host", "connection failed")):
        why = "de databaseserver is niet bereikbaar; controleer host, poort en of de server draait"
    elif "unable to open database file" in low:
        why = "het databasebestand kan niet worden geopend"
    else:
        why = detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__
    return ConfigError(f"database {name}: {why}. Er is niets gewijzigd.")
