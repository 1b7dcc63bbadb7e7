"""Rate-limit counters in the administration's own database, as a storage for the ``limits``
library under Flask-Limiter (``vergoeding+db://``).

Flask-Limiter ships storages for memory, Redis, Memcached and MongoDB. Memory holds per
process: with several gunicorn workers every worker would count on its own. The portal
already has a database that all workers share, so the counters live there: one row per key
with its count and the moment its window ends; ``incr`` is one atomic upsert (SQLite: the
writer lock of ``BEGIN IMMEDIATE``; PostgreSQL: ``INSERT .. ON CONFLICT DO UPDATE``), so
two workers never lose a count. Only the fixed-window strategy is supported.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from vergoeding.store import schema as s
from vergoeding.store.db import transaction


def _now_ms() -> int:
    return int(time.time() * 1000)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["vergoeding+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = options["engine"]

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def _insert(self) -> Any:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql as dialect
        else:
            from sqlalchemy.dialects import sqlite as dialect  # type: ignore[no-redef]
        return dialect.insert(s.portal_rate_limits)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        t = s.portal_rate_limits
        now = _now_ms()
        ends = now + int(expiry * 1000)
        ins = self._insert().values(key=key[:255], count=amount, expires_ms=ends)
        stmt = ins.on_conflict_do_update(index_elements=[t.c.key], set_={
            "count": case((t.c.expires_ms <= now, amount), else_=t.c.count + amount),
            "expires_ms": case((t.c.expires_ms <= now, ends), else_=t.c.expires_ms),
        }).returning(t.c.count)
        with transaction(self.engine) as conn:
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        t = s.portal_rate_limits
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.count, t.c.expires_ms).where(t.c.key == key[:255])).first()
        return int(row.count) if row is not None and row.expires_ms > _now_ms() else 0

    def get_expiry(self, key: str) -> float:
        t = s.portal_rate_limits
        with self.engine.connect() as conn:
            ms = conn.execute(select(t.c.expires_ms).where(t.c.key == key[:255])).scalar()
        return (int(ms) if ms else _now_ms()) / 1000

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with transaction(self.engine) as conn:
            return int(conn.execute(delete(s.portal_rate_limits)).rowcount or 0)

    def clear(self, key: str) -> None:
        with transaction(self.engine) as conn:
            conn.execute(delete(s.portal_rate_limits).where(s.portal_rate_limits.c.key == key[:255]))

    def sweep(self) -> int:
        """Remove counters whose window has ended."""
        t = s.portal_rate_limits
        with transaction(self.engine) as conn:
            return int(conn.execute(delete(t).where(t.c.expires_ms <= _now_ms())).rowcount or 0)
