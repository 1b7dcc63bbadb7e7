"""Opening the database, transactions and schema migrations.

SQLite is the embedded default: foreign keys on, WAL, a busy timeout, and every
transaction started with ``BEGIN IMMEDIATE`` so that two processes never interleave
writes (invoice numbers and payouts rely on that). PostgreSQL is a URL switch
(``postgresql+psycopg://...``); there the same code runs at the default isolation, and the
few places that need serialisation take row locks (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select

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
    conn.exec_driver_sql("ALTER TABLE payouts ADD COLUMN files_written_at DATETIME")
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
]


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
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver
        raise ConfigError(f"kan database {url!r} niet openen: {exc}") from None


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    v = conn.execute(select(schema.schema_version.c.version).order_by(
        schema.schema_version.c.version.desc()).limit(1)).scalar()
    return int(v or 0)


def migrate(engine: Engine, migrations: list[Migration] | None = None) -> int:
    """Bring the database to the newest schema, one transaction per step."""
    steps = MIGRATIONS if migrations is None else migrations
    version = 0
    for number, description, step in steps:
        with engine.begin() as conn:
            version = current_version(conn)
            if number <= version:
                continue
            step(conn)
            conn.execute(schema.schema_version.insert().values(
                version=number, applied_at=now_utc(), description=description))
            version = number
    return version


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One all-or-nothing unit of work."""
    with engine.begin() as conn:
        yield conn
