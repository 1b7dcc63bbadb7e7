"""Summed entries, the fast path of the checks: the database sums entries per engagement,
month, price segment and kind (see :mod:`vergoeding.api.checks_summed`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
    "AND {t}inkind_cents >= 0 AND COALESCE({t}amount_cents, 0) >= 0 AND {km}"
)
# km "is plain decimal text": a digit, only digits and dots, at most one dot. (On PostgreSQL
# with translate, not a regular expression: the condition is evaluated for every entry of the
# range, twice per check, and a regex match cost more than the rest of the filter.)
_KM_SQL = {
    "sqlite": "{t}km GLOB '*[0-9]*' AND {t}km NOT GLOB '*[^0-9.]*' AND {t}km NOT GLOB '*.*.*'",
    "postgresql": "translate({t}km, '0123456789', '') IN ('', '.') AND translate({t}km, '.', '') <> ''",
}


def _regular(dialect: str, table: str = "") -> str:
    t = f"{table}." if table else ""
    return REGULAR_ENTRY_SQL.format(t=t, km=_KM_SQL[dialect].format(t=t))


def _sql(sql: str, dates: Iterable[str]) -> TextClause:
    """``text(sql)`` with its date parameters typed, so that each driver gets a date in its
    own form (ISO text for SQLite, a date for PostgreSQL)."""
    return text(sql).bindparams(*(bindparam(n, type_=Date) for n in dates))


def _dialect(conn: Connection) -> str:
    name = conn.dialect.name
    if name not in _KM_SQL:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"database {name} wordt niet ondersteund")
    return name
SEGMENTS_MAX = 64


@dataclass(frozen=True)
class EntrySums:
    """The regular entries of one engagement, month, price segment and kind (with or without
    a fixed amount), summed. Each entry is priced and rounded first (through the price tables
    the caller fills), so every sum equals the sum of the rounded entries."""

    engagement_id: int
    segment: int
    has_amount: bool
    first_date: date
    count: int
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


def _segment_sql(breakpoints: Sequence[date]) -> tuple[str, dict[str, date]]:
    if not breakpoints:
        return "0", {}
    terms = " + ".join(f"CASE WHEN work_date >= :bp{i} THEN 1 ELSE 0 END" for i in range(len(breakpoints)))
    return terms, {f"bp{i}": b for i, b in enumerate(breakpoints)}


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


def regular_entry_values(conn: Connection, period: Period, engagement_ids: Iterable[int] | None = None
                         ) -> tuple[list[tuple[int, int]], list[str], bool]:
    """The distinct (minutes, quantity) pairs and km texts of the regular entries of
    ``period``, and whether it holds irregular entries (see REGULAR_ENTRY_SQL)."""
    where = f"work_date >= :lo AND work_date < :hi{_in_ids('engagement_id', engagement_ids)}"
    args = {"lo": period.start, "hi": period.end}
    scan = _scan(conn, period, engagement_ids)
    regular = _regular(_dialect(conn))
    sql = f"SELECT DISTINCT minutes, quantity, km, CASE WHEN {regular} THEN 1 ELSE 0 END FROM entries {scan} WHERE {where}"  # noqa: S608
    rows = conn.execute(_sql(sql, args), args).all()
    pairs = sorted({(int(m), int(q)) for m, q, _, ok in rows if ok})
    kms = sorted({str(k) for _, _, k, ok in rows if ok})
    return pairs, kms, any(not ok for *_, ok in rows)


def entry_sums(conn: Connection, period: Period, *, breakpoints: Sequence[date],
               classes: dict[tuple[int, int], tuple[int, int, bool]],
               fees: Iterable[tuple[int, int, int, int, int]], kms: Iterable[tuple[int, str, int]],
               engagement_ids: Iterable[int] | None = None, daily: Collection[int] = ()) -> list[EntrySums] | None:
    """Regular entries of ``period`` summed per engagement, month, segment and kind.

    ``breakpoints``: the days on which a price may change (segment n starts at the n-th);
    ``classes``: (engagement id, segment) -> (fee class, km class, hourly: collect the work
    days, see EntrySums); ``fees``: (fee class,
    minutes, quantity, fee cents, client cents); ``kms``: (km class, km text, travel cents);
    ``daily``: engagement ids summed per day instead of per month.
    Returns None when an entry falls outside the tables (the caller prices one by one).

    The price tables go to the database as temporary tables on SQLite and as arrays
    (``unnest``) in the one query on PostgreSQL, where every statement is a round trip to the
    server: no DDL, no inserts, no ANALYZE (see docs/PERFORMANCE.md, "On PostgreSQL")."""
    if len(breakpoints) >= SEGMENTS_MAX:
        return None
    seg_sql, seg_args = _segment_sql(breakpoints)
    dialect = _dialect(conn)
    daily_ids = set(daily)
    class_rows = [(eid * SEGMENTS_MAX + seg, c, k, int(h), int(eid in daily_ids))
                  for (eid, seg), (c, k, h) in classes.items()]
    fee_rows, km_rows = list(fees), list(kms)
    scan = _scan(conn, period, engagement_ids)
    where = (f"work_date >= :lo AND work_date < :hi AND {_regular(dialect)}"
             f"{_in_ids('engagement_id', engagement_ids)}")
    params: dict[str, Any] = {**seg_args, "lo": period.start, "hi": period.end}
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
        # integers (EXTRACT gives numeric, slower to group by), and the work days of a month
        # as a bit mask (bit n: day n): a DISTINCT aggregate would make PostgreSQL sort every
        # entry instead of hashing the groups
        month = "CAST(date_part('year', e.work_date) * 100 + date_part('month', e.work_date) AS INTEGER)"
        day = "CASE WHEN c.daily = 1 THEN CAST(date_part('day', e.work_date) AS INTEGER) ELSE 0 END"
        days = (f"bit_or(CASE WHEN {hourly_day} THEN CAST(1 AS BIGINT) << CAST(date_part('day', e.work_date) "
                "AS INTEGER) ELSE CAST(0 AS BIGINT) END)")
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
    query = _sql(sql, ("lo", "hi", *seg_args))
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
                             int(fixed), int(receipt), int(inkind), _days(days_got, first), int(inexact)))
    return out


def _days(got: str | int | None, first: date) -> tuple[str, ...]:
    """The work days of one group as ISO dates: SQLite lists them, PostgreSQL sends a bit mask
    of the days of ``first``'s month."""
    if not got:
        return ()
    if isinstance(got, str):
        return tuple(got.split(","))
    mask, month = int(got), first.isoformat()[:8]
    return tuple(f"{month}{d:02d}" for d in range(1, 32) if mask >> d & 1)


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


def irregular_entries(conn: Connection, period: Period, engagement_ids: Iterable[int] | None = None) -> list[Entry]:
    """The unpaid entries of ``period`` that the summed path leaves out (see
    REGULAR_ENTRY_SQL), oldest first."""
    q = (
        select(entries, engagements.c.code.label("engagement_code"))
        .join(engagements, engagements.c.id == entries.c.engagement_id)
        .where(entries.c.work_date >= period.start, entries.c.work_date < period.end,
               entries.c.status != "settled", text(f"NOT ({_regular(_dialect(conn), 'entries')})"))
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
