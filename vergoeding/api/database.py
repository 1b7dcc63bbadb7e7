"""Operating a database: create the tables, upgrade the schema, copy an administration.

``init`` and ``upgrade`` are explicit for a shared PostgreSQL database (see
:mod:`vergoeding.store.db`): whoever administers the server runs them with a role that may
create tables; the everyday role only reads and writes rows (docs/SHARED-DATABASE.md).

``copy`` moves a whole administration (e.g. a SQLite file to PostgreSQL) in ONE transaction on
the target: every table in foreign-key order, rows in id order, identity sequences moved past
the copied ids, and before the commit the row count of every table and the sum of every money
column (``*_cents``) compared with the source. Any difference rolls everything back. The
target must be empty (no tables, or freshly created tables without rows); the source is only
read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from vergoeding.errors import RuleViolation
from vergoeding.store import db as store_db
from vergoeding.store import schema
from vergoeding.store.db import (
    connection_error,
    current_version,
    describe,
    make_engine,
    migrate,
    pending,
    refuse_newer,
)
from vergoeding.store.migrations import MIGRATIONS, Migration

CHUNK = 2000


@dataclass(frozen=True)
class Step:
    version: int
    description: str


@dataclass(frozen=True)
class UpgradeResult:
    database: str
    before: int
    after: int
    steps: list[Step]
    dry_run: bool


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows_source: int
    rows_target: int
    cents_source: dict[str, int] = field(default_factory=dict)
    cents_target: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rows_source == self.rows_target and self.cents_source == self.cents_target


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    tables: list[TableCheck]

    @property
    def rows(self) -> int:
        return sum(t.rows_target for t in self.tables)


@contextmanager
def opened(target: str) -> Iterator[tuple[str, Engine]]:
    """An engine on ``target`` (a path or URL); driver errors become a clear message."""
    url = store_db.db_url(target)
    engine = make_engine(url)
    try:
        yield url, engine
    except DBAPIError as exc:
        raise connection_error(url, exc) from None
    finally:
        engine.dispose()


def _steps(todo: list[Migration]) -> list[Step]:
    return [Step(n, d) for n, d, _ in todo]


def init(target: str) -> UpgradeResult:
    """Create every table in an EMPTY database (refused when it already has a schema)."""
    with opened(target) as (url, engine):
        with engine.connect() as conn:
            version = current_version(conn)
        refuse_newer(engine, version)
        if version:
            raise RuleViolation(f"database {describe(url)} heeft al tabellen (schemaversie {version}); "
                                "gebruik 'vergoeding db upgrade' om bij te werken")
        after = migrate(engine)
        return UpgradeResult(describe(url), 0, after, _steps(list(MIGRATIONS)), False)


def upgrade(target: str, *, dry_run: bool = False) -> UpgradeResult:
    """Apply the pending migrations (each in one transaction), or only list them."""
    with opened(target) as (url, engine):
        todo = pending(engine)
        with engine.connect() as conn:
            before = current_version(conn)
        after = before if dry_run or not todo else migrate(engine)
        return UpgradeResult(describe(url), before, after, _steps(todo), dry_run)


def _money_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name.endswith("_cents")]


def _measure(conn: Connection, table: Table) -> tuple[int, dict[str, int]]:
    cols = _money_columns(table)
    row = conn.execute(select(func.count(), *(func.coalesce(func.sum(table.c[c]), 0) for c in cols))
                       .select_from(table)).one()
    return int(row[0]), {c: int(v) for c, v in zip(cols, row[1:], strict=True)}


def _tables() -> list[Table]:
    return [t for t in schema.metadata.sorted_tables if t.name != "schema_version"]


def _refuse_non_empty(conn: Connection, name: str) -> None:
    existing = set(inspect(conn).get_table_names())
    for t in _tables():
        if t.name in existing and conn.execute(select(func.count()).select_from(t)).scalar_one():
            raise RuleViolation(f"doel {name} is niet leeg (tabel {t.name} heeft rijen); kopieer alleen naar "
                                "een lege database, er is niets gewijzigd")


def copy(source: str, target: str) -> CopyResult:
    """Copy the administration at ``source`` into the empty database ``target``."""
    with opened(source) as (src_url, src), opened(target) as (dst_url, dst):
        if store_db.db_url(source) == store_db.db_url(target):
            raise RuleViolation("bron en doel zijn dezelfde database")
        src_todo = pending(src)
        if src_todo:
            raise RuleViolation(f"bron {describe(src_url)} heeft een oudere schemaversie; werk die eerst bij "
                                f"met 'vergoeding --db {describe(src_url)} db upgrade'")
        with dst.connect() as conn:
            version = current_version(conn)
            refuse_newer(dst, version)
            _refuse_non_empty(conn, describe(dst_url))
        migrate(dst)
        checks: list[TableCheck] = []
        with src.connect() as s_conn, dst.begin() as d_conn:
            for table in _tables():
                _copy_table(s_conn, d_conn, table)
            if d_conn.dialect.name == "postgresql":
                _move_sequences(d_conn)
            for table in _tables():
                n_s, c_s = _measure(s_conn, table)
                n_d, c_d = _measure(d_conn, table)
                checks.append(TableCheck(table.name, n_s, n_d, c_s, c_d))
            bad = [c for c in checks if not c.ok]
            if bad:
                d_conn.rollback()
                raise RuleViolation("kopie klopt niet met de bron, er is niets opgeslagen: " + "; ".join(
                    f"{c.table}: {c.rows_source} -> {c.rows_target} rijen, {c.cents_source} -> {c.cents_target}"
                    for c in bad))
        return CopyResult(describe(src_url), describe(dst_url), checks)


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    order = list(table.primary_key.columns) or list(table.columns)
    rows = src.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
    for chunk in rows.partitions(CHUNK):
        dst.execute(table.insert(), [dict(r._mapping) for r in chunk])


def _move_sequences(conn: Connection) -> None:
    """Identity/serial sequences continue after the copied ids (else the next insert collides)."""
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].type.python_type is not int:
            continue
        col = pk[0].name
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col}'), "  # noqa: S608 - names from schema.py
            f"COALESCE((SELECT MAX({col}) FROM {table.name}), 0) + 1, false)"))
