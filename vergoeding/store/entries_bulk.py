"""An import's batch of hour entries (``add_entries``): the same checks, messages and audit
rows as :func:`vergoeding.store.entries.add_entry`, with the lookups done per chunk."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)

from vergoeding.core.duration import MAX_MINUTES_PER_DAY
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import Unit
from vergoeding.errors import InputError
from vergoeding.store import schema as s
from vergoeding.store.base import (
    _err,
    _text,
)
from vergoeding.store.db import now_utc
from vergoeding.store.entries import (
    EntryData,
    _check_entry,
    _day_error,
    _entry_audit_json,
    _entry_values,
    _key,
    _km_text,
    _locked_error,
    _money,
)
from vergoeding.store.rows import unit_of


@dataclass(frozen=True)
class BulkResult:
    added: int
    duplicates: int  # already stored, or twice in this batch: skipped
    errors: tuple[tuple[int, InputError], ...]  # (index in the batch, error); nothing stored when any


_CHUNK = 500
_WRITE_SLICE = 5000
_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # what audit() writes

# Scratch tables for the lookups of a batch (portable: SQLite and PostgreSQL both have
# temporary tables, private to the connection and dropped again before returning).
_scratch = MetaData()
_TMP_KEYS = Table("tmp_entry_keys", _scratch, Column("dedupe_key", String(64), primary_key=True),
                  prefixes=["TEMPORARY"])
_TMP_DAYS = Table("tmp_entry_days", _scratch, Column("engagement_id", Integer, primary_key=True),
                  Column("work_date", Date, primary_key=True), prefixes=["TEMPORARY"])


@dataclass
class _Checked:
    n: int  # index in the batch
    eng: Any
    d: EntryData
    quantity: int
    km: str
    money: tuple[int, int, int | None]
    key: str


def add_entries(conn: Connection, actor: str, items: list[EntryData], card: RateCard | None = None) -> BulkResult:
    """Many entries at once (an import): the same checks, messages and audit rows as
    :func:`add_entry` one by one, in the same order, but with a handful of queries for the
    whole batch (engagements, locked periods, stored keys and day totals each loaded once)
    and one multi-row INSERT for the entries and one for their audit rows.
    When any item is refused nothing is written and every refusal is returned."""
    with _big_cache(conn):
        return _add_entries(conn, actor, items, card)


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """SQLite only: a 64 MB page cache while a batch goes in (the default 2 MB makes every
    insert into the dedupe-key index of a large administration read pages again)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _add_entries(conn: Connection, actor: str, items: list[EntryData], card: RateCard | None) -> BulkResult:
    g, e = s.engagements, s.entries
    codes = sorted({_text(d.engagement) for d in items})
    engs: dict[str, Any] = {}
    for i in range(0, len(codes), _CHUNK):
        for row in conn.execute(select(g).where(g.c.code.in_(codes[i:i + _CHUNK]))):
            engs[row.code] = row
    missing = [c for c in codes if c not in engs]
    if missing:  # typed in another case (g001 for G001): matched regardless of case
        lowered = {c.lower(): c for c in missing}
        for i in range(0, len(missing), _CHUNK):
            chunk = [c.lower() for c in missing[i:i + _CHUNK]]
            for row in conn.execute(select(g).where(func.lower(g.c.code).in_(chunk))):
                engs[lowered[row.code.lower()]] = row
    locks = conn.execute(select(s.locked_periods)).all()
    # The rate card only changes at its valid_from/valid_to dates: between two of them an
    # engagement's unit is the same, so it is resolved once per engagement and stretch.
    edges = sorted({d for role in (card.roles.values() if card else ()) for r in role.rates
                    for d in (r.valid_from, r.valid_to) if d is not None})
    units: dict[tuple[int, int], Unit] = {}
    errors: list[tuple[int, InputError]] = []
    checked: list[_Checked] = []
    for n, data in enumerate(items):
        eng = engs.get(_text(data.engagement))
        if eng is None:
            errors.append((n, _err(f"opdracht {data.engagement!r} bestaat niet", "engagement")))
            continue
        stretch = (eng.id, bisect_right(edges, data.work_date))
        unit = units.get(stretch)
        if unit is None:
            unit = units[stretch] = unit_of(eng, data.work_date, card)
        try:
            d, quantity = _check_entry(eng, data, unit)
        except InputError as exc:
            errors.append((n, exc))
            continue
        km, money = _km_text(d.km), _money(d)
        checked.append(_Checked(n, eng, d, quantity, km, money, _key(d, quantity, km, money)))
    stored = _stored_keys(conn, {c.key for c in checked})
    day_minutes = _day_minutes(conn, {(c.eng.expert_id, c.d.work_date) for c in checked if c.key not in stored})
    duplicates = 0
    at = now_utc()
    accepted: list[_Checked] = []
    for c in checked:
        d, eng = c.d, c.eng
        if c.key in stored:
            duplicates += 1
            continue
        locked = next((lp for lp in locks if lp.start_date <= d.work_date < lp.end_date), None) if locks else None
        if locked is not None:
            errors.append((c.n, _locked_error(d, locked)))
            continue
        day = (eng.expert_id, d.work_date)
        already = day_minutes.get(day, 0)
        if already + d.minutes > MAX_MINUTES_PER_DAY:
            errors.append((c.n, _day_error(d, already)))
            continue
        day_minutes[day] = already + d.minutes
        stored.add(c.key)
        accepted.append(c)
    del checked
    if errors or not accepted:
        return BulkResult(0 if errors else len(accepted), duplicates, tuple(sorted(errors, key=lambda x: x[0])))
    # Written in slices, so the row dicts of 100,000 entries never exist all at once; each
    # slice is one multi-row INSERT ... RETURNING (the new ids, matched by key) and one
    # executemany for its audit rows.
    for i in range(0, len(accepted), _WRITE_SLICE):
        part = accepted[i:i + _WRITE_SLICE]
        rows = [_entry_values(c.eng, c.d, c.quantity, c.key, actor, km=c.km, money=c.money, at=at) for c in part]
        new_ids = {key: int(new_id) for new_id, key in conn.execute(insert(e).returning(e.c.id, e.c.dedupe_key), rows)}
        conn.execute(insert(s.audit_log), [
            dict(at=at, actor=actor, action="add", entity="entry", entity_id=new_ids[c.key],
                 detail=_AUDIT_JSON(_entry_audit_json(c.eng, c.d, c.quantity))) for c in part])
    return BulkResult(len(accepted), duplicates, ())


def _stored_keys(conn: Connection, keys: set[str]) -> set[str]:
    """Which of these dedupe keys are stored already (one join, not a query per key)."""
    if not keys:
        return set()
    e = s.entries
    if len(keys) <= _CHUNK:
        return set(conn.execute(select(e.c.dedupe_key).where(e.c.dedupe_key.in_(sorted(keys)))).scalars())
    _TMP_KEYS.create(conn)
    try:
        conn.execute(insert(_TMP_KEYS), [{"dedupe_key": k} for k in keys])
        return set(conn.execute(select(e.c.dedupe_key).join(_TMP_KEYS, _TMP_KEYS.c.dedupe_key == e.c.dedupe_key))
                   .scalars())
    finally:
        _TMP_KEYS.drop(conn)


def _day_minutes(conn: Connection, days: set[tuple[int, date]]) -> dict[tuple[int, date], int]:
    """Minutes already stored per (expert id, day), for exactly these expert-days, across
    all the expert's engagements (through the entries' engagement/date index)."""
    if not days:
        return {}
    g, e = s.engagements, s.entries
    expert_ids = sorted({x for x, _ in days})
    engagements_of: dict[int, list[int]] = {}
    for i in range(0, len(expert_ids), _CHUNK):
        for gid, xid in conn.execute(select(g.c.id, g.c.expert_id).where(g.c.expert_id.in_(expert_ids[i:i + _CHUNK]))):
            engagements_of.setdefault(int(xid), []).append(int(gid))
    expert_of = {gid: xid for xid, gids in engagements_of.items() for gid in gids}
    pairs = [{"engagement_id": gid, "work_date": day} for xid, day in days for gid in engagements_of.get(xid, ())]
    out: dict[tuple[int, date], int] = {}
    _TMP_DAYS.create(conn)
    try:
        conn.execute(insert(_TMP_DAYS), pairs)
        t = _TMP_DAYS
        q = (select(e.c.engagement_id, e.c.work_date, func.sum(e.c.minutes))
             .select_from(t.join(e, (e.c.engagement_id == t.c.engagement_id) & (e.c.work_date == t.c.work_date)))
             .group_by(e.c.engagement_id, e.c.work_date))
        for gid, day, total in conn.execute(q):
            key = (expert_of[int(gid)], day)
            out[key] = out.get(key, 0) + int(total or 0)
    finally:
        _TMP_DAYS.drop(conn)
    return out
