"""Reading without the write lock (``store.db.reader``, ``Workspace.reading``): the portal's
pages read through it, so several workers serve at once instead of queueing on SQLite's
``BEGIN IMMEDIATE``, which every transaction of the ordinary engine takes (readers too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BACKEND
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from vergoeding.api.workspace import open_workspace
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc


@pytest.mark.sqlite_only  # SQLite's locks (PostgreSQL: the test below)
def test_a_reader_reads_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    ws = open_workspace(db=str(tmp_path / "lees.db"))
    try:
        reader = ws.reading().engine
        assert ws.reading().engine is reader  # made once per engine, the same pool
        with ws.engine.begin() as writer:  # BEGIN IMMEDIATE: the write lock, held until the end
            writer.execute(insert(s.organisations).values(code="EIGEN", kind="own", name="Stichting Eigen",
                                                          created_at=now_utc()))
            with reader.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA busy_timeout=0")  # fail, never wait
                # a snapshot from before the writer's commit: no lock needed, nothing waited for
                assert conn.execute(select(func.count()).select_from(s.organisations)).scalar() == 0
            with ws.engine.connect() as other:  # the ordinary engine: even a read wants the lock
                other.connection.driver_connection.execute("PRAGMA busy_timeout=0")
                with pytest.raises(OperationalError, match="locked"):
                    other.execute(select(func.count()).select_from(s.organisations))
        with reader.connect() as conn:
            assert conn.execute(select(s.organisations.c.name)).scalar() == "Stichting Eigen"
    finally:
        ws.close()


def test_a_reader_on_postgresql_reads_outside_a_transaction(tmp_path: Path) -> None:
    """PostgreSQL: no BEGIN and ROLLBACK round trips around a page's statements (autocommit;
    at READ COMMITTED each statement has a snapshot of its own in a transaction too); the
    ordinary engine keeps its transactions."""
    if BACKEND != "postgresql":
        pytest.skip("PostgreSQL only (SQLite: the test above)")
    ws = open_workspace(db=str(tmp_path / "lees.db"))
    try:
        with ws.reading().engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(s.organisations)).scalar() == 0
            assert conn.connection.driver_connection.info.transaction_status.name == "IDLE"
        with ws.engine.connect() as conn:
            conn.execute(select(func.count()).select_from(s.organisations))
            assert conn.connection.driver_connection.info.transaction_status.name == "INTRANS"
    finally:
        ws.close()
