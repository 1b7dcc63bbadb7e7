"""Summed entries, the fast path of the checks: the database sums entries per engagement,
month, price segment and kind (see :mod:`vergoeding.api.checks_summed`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Date, TextClause, bindparam, select, text

from vergoeding.core.period import Period
from vergoeding.core.work import Entry
from vergoeding.store.rows import (
    entry_from_row,
)
from vergoeding.store.schema import engagements, entries, paid_lines

# --- summed entries (the fast path of the checks) --------------------------------------------

# Entries the summed path takes: not paid (a paid line counts as paid: store.payouts.paid_sums),
# no negative part (a correction that lowers an amount is
# priced one by one, because "payable > 0" is decided per entry) and km as plain decimal text.
REGULAR_ENTRY_SQL = (
    "{t}status <> 'settled' AND {t}minutes >= 0 AND {t}quantity >= 0 AND {t}expense_cents >= 0 "
    "AND {t}inkind_cents >= 0 AND COALESCE({t}amount_cents, 0) >= 0"
)
# km "is plain decimal text": a digit, only digits and dots, at most one dot. Decided here in
# Python over the few distinct km texts of the range (:func:`regular_entry_values`), not in SQL
# for every entry: the queries then leave out the entries whose km is one of the odd texts found
# (usually none). Three GLOBs (SQLite) or a pattern match (PostgreSQL) per entry, in two passes,
# cost a tenth of a year's check.
_PLAIN_KM = re.compile(r"[0-9]+[.]?[0-9]*|[.][0-9]+")


def plain_km(km: str) -> bool:
    """Is ``km`` plain decimal text (ASCII digits and at most one dot, at least one digit)?"""
    return _PLAIN_KM.fullmatch(km) is not None


def _regular(table: str = "", odd_kms: Sequence[str] = ()) -> tuple[str, dict[str, str]]:
    """The condition of a regular entry and its parameters: the odd km texts are bound, never
    formatted into the text."""
    t = f"{table}." if table else ""
    params = {f"odd_km{i}": k for i, k in enumerate(odd_kms)}
    odd = f" AND {t}km NOT IN ({', '.join(':' + n for n in params)})" if params else ""
    return REGULAR_ENTRY_SQL.format(t=t) + odd, params


def _sql(sql: str, dates: Iterable[str]) -> TextClause:
    """``text(sql)`` with its date parameters typed, so that each driver gets a date in its
    own form (ISO text for SQLite, a date for PostgreSQL)."""
    return text(sql).bindparams(*(bindparam(n, type_=Date) for n in dates))


def _dialect(conn: Connection) -> str:
    name = conn.dialect.name
    if name not in ("sqlite", "postgresql"):  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"database {name} wordt niet ondersteund")
    return name
SEGMENTS_MAX = 64


class EntrySums(NamedTuple):
    """The regular entries of one engagement, month, price segment and kind (with or without
    a fixed amount), summed. Each entry is priced and rounded first (through the price tables
    the caller fills), so every sum equals the sum of the rounded entries. (A named tuple: a
    year of a network is thousands of groups, and a frozen dataclass takes several times as
    long to make.)"""

    engagement_id: int
    segment: int
    has_amount: bool
    first_date: date
    entries: int  # how many (not "count": a tuple method)
    minutes: int
    quantity: int
    amount_cents: int
    fee_cents: int  # rate x quantity per entry (entries without a fixed amount)
    client_cents: int
    travel_cents: int
    expense_fixed_cents: int
    expense_receipt_cents: int
    inkind_cents: int
    # for classes marked "hourly" and entries without a fixed amount: the work days (ISO) of the
    # entries with minutes, and how many of those have minutes that are not a multiple of 3
    # (minutes / 60 is then not an exact decimal)
    days: tuple[str, ...] = ()
    inexact_minutes: int = 0


def _in_ids(column: str, ids: Iterable[int] | None) -> str:
    if ids is None:
        return ""
    return f" AND {column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def _segment_sql(breakpoints: Sequence[date], dialect: str) -> tuple[str, dict[str, Any]]:
    """The price segment of an entry: how many of the (ascending) breakpoints are on or before
    its work date."""
    if not breakpoints:
        return "0", {}
    if dialect == "postgresql":  # a binary search instead of a test per breakpoint
        return "width_bucket(work_date, CAST(:bps AS DATE[]))", {"bps": list(breakpoints)}
    terms = " + ".join(f"CASE WHEN work_date >= :bp{i} THEN 1 ELSE 0 END" for i in range(len(breakpoints)))
    return terms, {f"bp{i}": b for i, b in enumerate(breakpoints)}


def month_starts(start: date, end: date) -> list[date]:
    """The first days of the months after ``start``'s, before ``end``: with
    ``width_bucket(day, months)`` (PostgreSQL) every day of one month gets the same number."""
    out: list[date] = []
    day = start.replace(day=1)
    while True:
        day = (day + timedelta(days=32)).replace(day=1)
        if day >= end:
            return out
        out.append(day)


def _scan(conn: Connection, period: Period, engagement_ids: Iterable[int] | None) -> str:
    """SQLite: "NOT INDEXED" when ``period`` holds most entries (see :func:`scan_hint`)."""
    if engagement_ids is not None:
        return ""
    return scan_hint(conn, period.start, period.end)


def scan_hint(conn: Connection, start: date | None, end: date) -> str:
    """SQLite: "NOT INDEXED" (to follow ``FROM entries``) when the work dates in
    ``[start, end)`` hold at least a quarter of all entries: reading the table in order is then
    several times faster than looking each row up through the date index (a year of a
    million entries: 3-4 s against 20 s). PostgreSQL's planner makes that choice itself.

    The share is estimated from the first and last work date in the table (two look-ups at
    the ends of the date index), as if the entries were spread evenly over the days between:
    counting the rows of the range through the index took a third of a second at a million
    entries, for each of the three queries of a check that ask."""
    if conn.dialect.name != "sqlite":
        return ""
    first = conn.execute(text("SELECT MIN(work_date) FROM entries")).scalar()
    last = conn.execute(text("SELECT MAX(work_date) FROM entries")).scalar()
    if first is None or last is None:
        return ""
    first, last = date.fromisoformat(str(first)), date.fromisoformat(str(last))
    span = (last - first).days + 1
    lo = max(first, start) if start is not None else first
    hi = min(last + timedelta(days=1), end)
    inside = max(0, (hi - lo).days)
    return "NOT INDEXED" if inside * 4 >= span else ""


@dataclass(frozen=True)
class EntryValues:
    """What the entries of a range hold, for pricing them as sums: the distinct (minutes,
    quantity) pairs and km texts of the regular entries, whether there are irregular ones
    (priced one by one), and the km texts that are not plain decimal text (``odd_kms``: the
    queries leave their entries out of the sums)."""

    pairs: list[tuple[int, int]]
    kms: list[str]
    irregular: bool
    odd_kms: list[str]


def regular_entry_values(conn: Connection, period: Period, engagement_ids: Iterable[int] | None = None
                         ) -> EntryValues:
    """The distinct values of the entries of ``period`` (see :class:`EntryValues` and
    REGULAR_ENTRY_SQL)."""
    _dialect(conn)
    where = f"work_date >= :lo AND work_date < :hi{_in_ids('engagement_id', engagement_ids)}"
    args = {"lo": period.start, "hi": period.end}
    scan = _scan(conn, period, engagement_ids)
    regular, _ = _regular()
    sql = f"SELECT DISTINCT minutes, quantity, km, CASE WHEN {regular} THEN 1 ELSE 0 END FROM entries {scan} WHERE {where}"  # noqa: S608
    rows = [(int(m), int(q), str(k), bool(ok) and plain_km(str(k)))
            for m, q, k, ok in conn.execute(_sql(sql, args), args)]
    return EntryValues(pairs=sorted({(m, q) for m, q, _, ok in rows if ok}),
                       kms=sorted({k for _, _, k, ok in rows if ok}), irregular=any(not ok for *_, ok in rows),
                       odd_kms=sorted({k for _, _, k, _ in rows if not plain_km(k)}))


def entry_sums(conn: Connection, period: Period, *, breakpoints: Sequence[date],
               classes: dict[tuple[int, int], tuple[int, int, bool]],
               fees: Iterable[tuple[int, int, int, int, int]], kms: Iterable[tuple[int, str, int]],
               engagement_ids: Iterable[int] | None = None, daily: Collection[int] = (),
               odd_kms: Sequence[str] = ()) -> list[EntrySums] | None:
    """Regular entries of ``period`` summed per engagement, month, segment and kind.

    ``breakpoints``: the days on which a price may change (segment n starts at the n-th);
    ``classes``: (engagement id, segment) -> (fee class, km class, hourly: collect the work
    days, see EntrySums); ``fees``: (fee class,
    minutes, quantity, fee cents, client cents); ``kms``: (km class, km text, travel cents);
    ``daily``: engagement ids summed per day instead of per month; ``odd_kms``: the km texts
    that are not plain decimal text (:attr:`EntryValues.odd_kms`; their entries are left out).
    Returns None when an entry falls outside the tables (the caller prices one by one).

    The price tables go to the database as temporary tables on SQLite and as arrays
    (``unnest``) in the one query on PostgreSQL, where every statement is a round trip to the
    server: no DDL, no inserts, no ANALYZE (see docs/PERFORMANCE.md, "On PostgreSQL")."""
    if len(breakpoints) >= SEGMENTS_MAX:
        return None
    dialect = _dialect(conn)
    seg_sql, seg_args = _segment_sql(breakpoints, dialect)
    daily_ids = set(daily)
    class_rows = [(eid * SEGMENTS_MAX + seg, c, k, int(h), int(eid in daily_ids))
                  for (eid, seg), (c, k, h) in classes.items()]
    fee_rows, km_rows = list(fees), list(kms)
    scan = _scan(conn, period, engagement_ids)
    regular, odd_args = _regular(odd_kms=odd_kms)
    where = (f"work_date >= :lo AND work_date < :hi AND {regular}"
             f"{_in_ids('engagement_id', engagement_ids)}")
    params: dict[str, Any] = {**seg_args, **odd_args, "lo": period.start, "hi": period.end}
    hourly_day = "c.hourly = 1 AND e.amount_cents IS NULL AND e.minutes > 0"

    def total(expr: str) -> str:
        # PostgreSQL sums BIGINT as NUMERIC, which the driver turns into Decimal: back to BIGINT
        # (cents; a sum beyond 9.2e16 cents is an error, never a wrong figure)
        return f"SUM({expr})" if dialect == "sqlite" else f"CAST(SUM({expr}) AS BIGINT)"

    if dialect == "sqlite":
        month, day = "substr(e.work_date, 1, 7)", "CASE WHEN c.daily = 1 THEN e.work_date ELSE '' END"
        days = f"GROUP_CONCAT(DISTINCT CASE WHEN {hourly_day} THEN e.work_date END)"
        tables = ("vg_class c", "vg_fee f", "vg_km k")
    else:
        # integers from date arithmetic (date_part goes through a timestamp and a float per
        # entry): the month is its place among the month starts (``width_bucket``, a binary
        # search), the day its distance from the start of the range, and the work days of a
        # month a bit mask (bit n: the day whose distance is n modulo 32, one day of a month
        # each; see :func:`_days`): a DISTINCT aggregate would make PostgreSQL sort every entry
        # instead of hashing the groups
        month = "width_bucket(e.work_date, CAST(:months AS DATE[]))"
        params["months"] = month_starts(period.start, period.end)
        day = "CASE WHEN c.daily = 1 THEN e.work_date - :lo ELSE -1 END"
        days = (f"bit_or(CASE WHEN {hourly_day} THEN CAST(1 AS BIGINT) << ((e.work_date - :lo) % 32) "
                "ELSE CAST(0 AS BIGINT) END)")
        tables = ("unnest(CAST(:c_key AS BIGINT[]), CAST(:c_cls AS INTEGER[]), CAST(:c_kcls AS INTEGER[]), "
                  "CAST(:c_hourly AS INTEGER[]), CAST(:c_daily AS INTEGER[])) AS c (key, cls, kcls, hourly, daily)",
                  "unnest(CAST(:f_cls AS INTEGER[]), CAST(:f_minutes AS INTEGER[]), CAST(:f_quantity AS INTEGER[]), "
                  "CAST(:f_fee AS BIGINT[]), CAST(:f_cli AS BIGINT[])) AS f (cls, minutes, quantity, fee, cli)",
                  "unnest(CAST(:k_kcls AS INTEGER[]), CAST(:k_km AS TEXT[]), CAST(:k_cents AS BIGINT[])) "
                  "AS k (kcls, km, cents)")
        for prefix, names, rows_in in (("c", ("key", "cls", "kcls", "hourly", "daily"), class_rows),
                                       ("f", ("cls", "minutes", "quantity", "fee", "cli"), fee_rows),
                                       ("k", ("kcls", "km", "cents"), km_rows)):
            for i, n in enumerate(names):
                params[f"{prefix}_{n}"] = [r[i] for r in rows_in]
    # only constants and integers are formatted into this text
    sql = (
        f"SELECT e.engagement_id, {month}, {day}, e.seg, CASE WHEN e.amount_cents IS NOT NULL THEN 1 ELSE 0 END, "  # noqa: S608
        f"MIN(e.work_date), COUNT(*), SUM(e.minutes), SUM(e.quantity), {total('COALESCE(e.amount_cents, 0)')}, "
        f"{total('f.fee')}, {total('f.cli')}, {total('k.cents')}, "
        f"{total('CASE WHEN e.expense_receipt THEN 0 ELSE e.expense_cents END')}, "
        f"{total('CASE WHEN e.expense_receipt THEN e.expense_cents ELSE 0 END')}, {total('e.inkind_cents')}, "
        f"COUNT(f.fee) + COUNT(k.cents), {days}, "
        "SUM(CASE WHEN c.hourly = 1 AND e.amount_cents IS NULL AND e.minutes % 3 <> 0 THEN 1 ELSE 0 END) "
        "FROM (SELECT engagement_id, work_date, minutes, quantity, km, amount_cents, expense_cents, "
        f"expense_receipt, inkind_cents, {seg_sql} AS seg FROM entries {scan} WHERE {where}) e "
        f"LEFT JOIN {tables[0]} ON c.key = e.engagement_id * {SEGMENTS_MAX} + e.seg "
        f"LEFT JOIN {tables[1]} ON f.cls = c.cls AND f.minutes = e.minutes AND f.quantity = e.quantity "
        f"LEFT JOIN {tables[2]} ON k.kcls = c.kcls AND k.km = e.km "
        "GROUP BY 1, 2, 3, 4, 5")
    query = _sql(sql, ("lo", "hi", *(n for n in seg_args if n != "bps")))
    if dialect == "sqlite":
        rows = _with_temp_tables(conn, class_rows, fee_rows, km_rows, lambda: conn.execute(query, params).all())
    else:
        # hash joins with the small arrays and hashed groups (the planner, not knowing the
        # arrays, would sort all entries for merge joins), in memory; for this transaction only
        before = conn.execute(text(
            "SELECT current_setting('enable_mergejoin'), current_setting('work_mem'), "
            "set_config('enable_mergejoin', 'off', true), set_config('work_mem', '64MB', true)")).one()
        rows = conn.execute(query, params).all()
        conn.execute(text("SELECT set_config('enable_mergejoin', :m, true), set_config('work_mem', :w, true)"),
                     {"m": before[0], "w": before[1]})
    out = []
    for (eid, _month, _day, seg, has_amount, first, n, minutes, quantity, amount, fee, cli, travel,
         fixed, receipt, inkind, found, days_got, inexact) in rows:
        if found != 2 * n:
            return None
        first = first if isinstance(first, date) else date.fromisoformat(first)
        out.append(EntrySums(int(eid), int(seg), bool(has_amount), first, int(n),
                             int(minutes), int(quantity), int(amount), int(fee), int(cli), int(travel),
                             int(fixed), int(receipt), int(inkind), _days(days_got, first, period.start),
                             int(inexact)))
    return out


def _days(got: str | int | None, first: date, start: date) -> tuple[str, ...]:
    """The work days of one group as ISO dates: SQLite lists them, PostgreSQL sends a bit mask
    in which bit n stands for the day of ``first``'s month whose distance from ``start`` is n
    modulo 32 (31 days in a row have 31 different remainders)."""
    if not got:
        return ()
    if isinstance(got, str):
        return tuple(got.split(","))
    base = (first - start).days - first.day  # the distance of the month's day 0 from ``start``
    prefix = first.isoformat()[:8]
    bits = bin(int(got))[:1:-1]  # bit 0 first
    return tuple(f"{prefix}{d:02d}" for d in sorted((n - base) % 32 for n, b in enumerate(bits) if b == "1"))


def _with_temp_tables(conn: Connection, class_rows: Sequence[tuple[int, ...]], fee_rows: Sequence[tuple[int, ...]],
                      km_rows: Sequence[tuple[int, str, int]], run: Callable[[], Any]) -> Any:
    """``run()`` with the price tables as temporary tables (SQLite)."""
    for name in ("vg_class", "vg_fee", "vg_km"):
        conn.execute(text(f"DROP TABLE IF EXISTS temp.{name}"))
    conn.execute(text("CREATE TEMP TABLE vg_class (key INTEGER PRIMARY KEY, cls INTEGER, kcls INTEGER, hourly INTEGER, "
                      "daily INTEGER)"))
    conn.execute(text("CREATE TEMP TABLE vg_fee (cls INTEGER, minutes INTEGER, quantity INTEGER, fee BIGINT, "
                      "cli BIGINT, PRIMARY KEY (cls, minutes, quantity)) WITHOUT ROWID"))
    conn.execute(text("CREATE TEMP TABLE vg_km (kcls INTEGER, km TEXT, cents BIGINT, PRIMARY KEY (kcls, km)) WITHOUT ROWID"))
    try:
        raw: Any = conn.connection.driver_connection  # the driver's executemany: the fastest path for many rows
        raw.executemany("INSERT INTO vg_class VALUES (?, ?, ?, ?, ?)", class_rows)
        raw.executemany("INSERT INTO vg_fee VALUES (?, ?, ?, ?, ?)", fee_rows)
        raw.executemany("INSERT INTO vg_km VALUES (?, ?, ?)", km_rows)
        return run()
    finally:
        for name in ("vg_class", "vg_fee", "vg_km"):
            conn.execute(text(f"DROP TABLE IF EXISTS temp.{name}"))


def irregular_entries(conn: Connection, period: Period, engagement_ids: Iterable[int] | None = None,
                      odd_kms: Sequence[str] = ()) -> list[Entry]:
    """The unpaid entries of ``period`` that the summed path leaves out (see
    REGULAR_ENTRY_SQL; ``odd_kms`` as for :func:`entry_sums`), oldest first."""
    _dialect(conn)
    regular, odd_args = _regular("entries", odd_kms)
    q = (
        select(entries, engagements.c.code.label("engagement_code"))
        .join(engagements, engagements.c.id == entries.c.engagement_id)
        .where(entries.c.work_date >= period.start, entries.c.work_date < period.end,
               entries.c.status != "settled", text(f"NOT ({regular})").bindparams(**odd_args))
        .order_by(entries.c.work_date, entries.c.id)
    )
    if engagement_ids is not None:
        q = q.where(entries.c.engagement_id.in_(list(engagement_ids)))
    return [entry_from_row(r) for r in conn.execute(q)]


def paid_entry_ids(conn: Connection, period: Period, engagement_ids: Iterable[int]) -> list[int]:
    """The entries of ``engagement_ids`` with a paid line in ``period`` (work date), in order."""
    q = (select(paid_lines.c.entry_id)
         .where(paid_lines.c.work_date >= period.start, paid_lines.c.work_date < period.end,
                paid_lines.c.engagement_id.in_(list(engagement_ids)))
         .order_by(paid_lines.c.entry_id))
    return [int(i) for i in conn.scalars(q)]
