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
refused on both backends (:class:`SchemaTooNew`).

Upgrades: a SQLite file is upgraded on first use (a single user's file, as before). A shared
PostgreSQL database is upgraded only on request (``vergoeding db init`` / ``db upgrade``): the
everyday role of a team needs no right to change tables, and nobody upgrades the shared schema
by accident by running a newer program.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, DateTime, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url

from vergoeding.errors import ConfigError
from vergoeding.store import schema

Migration = tuple[int, str, Callable[[Connection], None]]


def _v1(conn: Connection) -> None:
    """The initial schema, from a frozen copy (``schema_v1``): editing ``schema.py`` later
    never changes what version 1 was."""
    from vergoeding.store import schema_v1

    schema_v1.metadata.create_all(conn)


def _v2_signed_corrections(conn: Connection) -> None:
    """Correction entries carry a delta, which may be negative: relax the minutes check
    from ``0..1440`` to ``-1440..1440``. SQLite cannot alter a constraint, so the table is
    rebuilt (foreign keys are deferred to the commit of this step)."""
    check = "minutes >= -1440 and minutes <= 1440"
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("ALTER TABLE entries DROP CONSTRAINT ck_entry_minutes")
        conn.exec_driver_sql(f"ALTER TABLE entries ADD CONSTRAINT ck_entry_minutes CHECK ({check})")
        return
    from sqlalchemy import CheckConstraint, MetaData

    from vergoeding.store import schema_v1

    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    md = MetaData()
    for name in ("experts", "organisations", "engagements", "payouts", "invoices", "entries"):
        schema_v1.metadata.tables[name].to_metadata(md)
    old = schema_v1.entries
    new = old.to_metadata(md, name="entries__v2")
    for c in [c for c in new.constraints if c.name == "ck_entry_minutes"]:
        new.constraints.discard(c)
    new.append_constraint(CheckConstraint(check, name="ck_entry_minutes"))
    new.indexes.clear()  # recreated under their own names after the rename
    # correction_of keeps naming "entries": after the rename it points at the new table.
    new.create(conn)
    conn.execute(new.insert().from_select([c.name for c in old.columns], select(old)))
    conn.exec_driver_sql("DROP TABLE entries")
    conn.exec_driver_sql("ALTER TABLE entries__v2 RENAME TO entries")
    conn.exec_driver_sql("CREATE INDEX ix_entries_engagement_date ON entries (engagement_id, work_date)")
    conn.exec_driver_sql("CREATE INDEX ix_entries_date_status ON entries (work_date, status)")


def _v3_payout_files_written(conn: Connection) -> None:
    # A payout is complete once its files are written; a run killed between the commit and
    # the files is finished by the next run. Payouts from before this column were complete.
    kind = DateTime().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE payouts ADD COLUMN files_written_at {kind}")
    conn.exec_driver_sql("UPDATE payouts SET files_written_at = created_at")


def _v4_engagements_expert_index(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE INDEX ix_engagements_expert ON engagements (expert_id)")


def _v5_einvoice(conn: Connection) -> None:
    """Per client the e-invoice format (Peppol BIS 3.0 or SI-UBL 2.0) and its own reference
    for our invoices; per engagement the client's order number."""
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN einvoice_format VARCHAR(10) DEFAULT 'peppol' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN buyer_reference TEXT")
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN order_number TEXT")


def _v6_rule_exceptions(conn: Connection) -> None:
    """Exceptions to a rule per engagement (who decided, why). A frozen table definition
    (portable SQLAlchemy types): later edits of ``schema.py`` never change what 6 was."""
    from sqlalchemy import (
        Column,
        Date,
        DateTime,
        ForeignKey,
        Integer,
        MetaData,
        String,
        Table,
        Text,
    )

    md = MetaData()
    Table("engagements", md, Column("id", Integer, primary_key=True))
    Table("rule_exceptions", md,
          Column("id", Integer, primary_key=True),
          Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
          Column("rule", String(60), nullable=False), Column("kind", String(20), nullable=False),
          Column("decided_by", Text, nullable=False), Column("reason", Text, nullable=False),
          Column("decided_on", Date, nullable=False), Column("agreed_on", Date),
          Column("created_at", DateTime, nullable=False)).create(conn)


def _v7_paid_lines(conn: Connection) -> None:
    """The paid-line ledger (see ``store/payouts.py``): payouts get a number and lose the
    UNIQUE period (a period may have follow-up payouts); ``paid_lines`` keeps every paid
    entry's amounts as paid, with UNIQUE entry_id (a line is paid once). Existing payouts are
    carried over from their stored snapshot: the amounts on the documents that were sent."""
    from vergoeding.store.migration_7 import migrate_paid_lines

    migrate_paid_lines(conn)


# Long enough for every number the formats can produce (a self-billing number holds a
# 40-character expert code: "ZF2026-<code>-001"); numbers and series keys are checked against
# these lengths before they are stored (store.invoices).
NUMBER_MAX = 120


def _v8_invoice_number_length(conn: Connection) -> None:
    """Invoice numbers and series keys up to NUMBER_MAX characters. SQLite does not enforce
    VARCHAR lengths (nothing to do); PostgreSQL widens the columns."""
    if conn.dialect.name == "sqlite":
        return
    for table, column in (("invoices", "number"), ("invoices", "series"), ("invoice_series", "series")):
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({NUMBER_MAX})")


def _v9_audit_db_user(conn: Connection) -> None:
    from sqlalchemy import String

    kind = String(63).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE audit_log ADD COLUMN db_user {kind}")


def _v10_organisation_phone(conn: Connection) -> None:
    """A telephone number per organisation (the own organisation's is printed where a letter
    says "bel of mail ons"); existing organisations have none."""
    from sqlalchemy import String

    kind = String(30).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE organisations ADD COLUMN phone {kind}")


def _v11_engagement_rates(conn: Connection) -> None:
    """Rate changes from a date per engagement (a frozen table definition, portable types).
    Existing engagements keep their own rate columns as the rate from the start: no rows."""
    from sqlalchemy import (
        BigInteger,
        Column,
        Date,
        ForeignKey,
        Integer,
        MetaData,
        Table,
        Text,
        UniqueConstraint,
    )

    md = MetaData()
    Table("engagements", md, Column("id", Integer, primary_key=True))
    Table("engagement_rates", md,
          Column("id", Integer, primary_key=True),
          Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
          Column("valid_from", Date, nullable=False),
          Column("expert_rate_cents", BigInteger), Column("client_rate_cents", BigInteger),
          Column("reason", Text), Column("created_at", DateTime, nullable=False),
          Column("created_by", Text, nullable=False, server_default=""),
          UniqueConstraint("engagement_id", "valid_from", name="uq_engagement_rate_day")).create(conn)


def _v12_billing(conn: Connection) -> None:
    """Billing every hour: per engagement whether its hours are billed to the client and
    whether a correction reaches the client; per organisation whether it must receive
    e-invoices. Existing engagements are billed, except those whose client is our own
    organisation (internal work); existing clients with an OIN or the SI-UBL format are
    marked as receiving e-invoices (what they had)."""
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN billable BOOLEAN DEFAULT '1' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN corrections_billed BOOLEAN DEFAULT '1' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN einvoice_required BOOLEAN DEFAULT '0' NOT NULL")
    conn.exec_driver_sql("UPDATE engagements SET billable = '0' WHERE client_id IN "
                         "(SELECT id FROM organisations WHERE kind = 'own')")
    conn.exec_driver_sql("UPDATE organisations SET einvoice_required = '1' WHERE kind = 'client' AND "
                         "((oin IS NOT NULL AND oin <> '') OR einvoice_format = 'si-ubl')")


# Append new migrations here; never edit one that has shipped. Each runs in the same
# transaction as its schema_version row, so an interrupted upgrade leaves the old schema.
MIGRATIONS: list[Migration] = [
    (1, "initial schema", _v1),
    (2, "correction entries may carry a negative minutes delta", _v2_signed_corrections),
    (3, "payouts record when their files were written", _v3_payout_files_written),
    (4, "index engagements by expert (one expert's hours without scanning the year)",
     _v4_engagements_expert_index),
    (5, "e-invoice format and buyer reference per client, order number per engagement", _v5_einvoice),
    (6, "exceptions to a rule per engagement (fictitious employment), with who decided and why",
     _v6_rule_exceptions),
    (7, "paid-line ledger: payouts pay lines, every paid line keeps its amounts", _v7_paid_lines),
    (8, "invoice numbers and series keys up to 120 characters", _v8_invoice_number_length),
    (9, "audit rows record the database user", _v9_audit_db_user),
    (10, "a telephone number per organisation", _v10_organisation_phone),
    (11, "engagement rates change from a date (rate history)", _v11_engagement_rates),
    (12, "billing every hour: billable engagements, corrections to the client, e-invoice required", _v12_billing),
]

LATEST = MIGRATIONS[-1][0]


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
        return s
    return f"sqlite:///{sqlite_file(s)}"


def sqlite_file(s: str) -> Path:
    """The database file of a ``--db`` path. Refused: a path that names a folder (ending in
    ``/``, whether or not the folder exists: ``Path`` would drop the slash and create a FILE
    of that name) and anything that exists but is no regular file (a pipe, a device, a
    socket: SQLite would block on it or report a misleading disk error)."""
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
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            parent = Path(url.removeprefix("sqlite:///")).parent
            if not parent.is_dir():
                raise ConfigError(f"map voor de database bestaat niet: {parent}")
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
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return create_engine(url, connect_args=_connect_args(url))
    except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver
        raise ConfigError(f"kan database {safe_url(url)} niet openen: "
                          f"{str(exc).replace(url, safe_url(url))}") from None


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
    with engine.connect() as conn:
        version, done = current_version(conn), applied_versions(conn)
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
