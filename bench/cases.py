"""The benchmark cases. Each returns Result(s): ours vs a bare baseline on the same data."""

from __future__ import annotations

import multiprocessing as mp
import resource
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.harness import Result, best_of, slower_ratio

YEAR = 2026


class NotAvailable(Exception):
    """The code this case measures does not exist yet."""


@dataclass
class Context:
    db: Path
    work: Path
    scale: int
    sizes: dict[str, int]

    def workspace(self) -> Any:
        from vergoeding.api.workspace import open_workspace

        return open_workspace(db=str(self.db))


def _in_child(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Run fn(*args) in a fresh process; return (seconds it took there, its peak RSS in MB)."""
    ctx = mp.get_context("spawn")
    q: Any = ctx.Queue()
    p = ctx.Process(target=_child_main, args=(q, fn, args))
    p.start()
    out = q.get()
    p.join()
    if isinstance(out, BaseException):
        raise out
    return out


def _child_main(q: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import time

    try:
        t0 = time.perf_counter()
        fn(*args)
        res = time.perf_counter() - t0
        q.put((res, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        q.put(exc)


# 1. The year's allowance check over all entries vs a bare SQL aggregate --------------------

def check_year(ctx: Context) -> Result:
    try:
        from vergoeding.api import checks
    except ImportError as exc:
        raise NotAvailable(str(exc)) from None
    ws = ctx.workspace()
    bare_sql = text(
        "SELECT g.expert_id, substr(CAST(e.work_date AS TEXT), 1, 7) AS m, SUM(e.minutes), COUNT(*) "
        "FROM entries e JOIN engagements g ON g.id = e.engagement_id "
        "WHERE e.work_date >= :a AND e.work_date < :b GROUP BY g.expert_id, m")

    def bare() -> int:
        with ws.engine.connect() as c:
            return len(c.execute(bare_sql, {"a": date(YEAR, 1, 1), "b": date(YEAR + 1, 1, 1)}).all())

    def ours() -> int:
        return len(checks.check(ws, year=YEAR))

    base_t, groups = best_of(bare, 3)
    ours_t, n_findings = best_of(ours, 1)
    return slower_ratio("allowance check, year, all entries", ours_t, base_t, 3.0,
                        notes=[f"{ctx.sizes['entries']} entries, {groups} expert-months, {n_findings} findings"])


# 2. Statement PDFs: pages per second vs bare WeasyPrint; 2 workers vs 1 ----------------------

def statements(ctx: Context) -> list[Result]:
    try:
        from vergoeding.api import payout as payout_api

        bench_fn = payout_api.bench_statements
    except (ImportError, AttributeError) as exc:
        raise NotAvailable(str(exc)) from None
    return bench_fn(ctx.workspace(), period=f"{YEAR}-10", limit=2000 // ctx.scale)  # type: ignore[no-any-return]


# 3. Payment overview of 100,000 lines vs bare openpyxl write-only ---------------------------

def _overview_rows(n: int) -> list[dict[str, Any]]:
    return [
        {"expert": f"E{i % 2000:04d}", "name": f"Deskundige {i % 2000}", "engagement": f"G{i % 2500:04d}",
         "regime": "vrijwilliger", "date": date(YEAR, 10, 1 + i % 28), "hours": Decimal(i % 8) + Decimal("0.5"),
         "fee": Decimal(i % 50) + Decimal("0.75"), "travel": Decimal("2.30"), "total": Decimal(i % 50) + Decimal("3.05")}
        for i in range(n)
    ]


def _ours_overview(n: int, path: str) -> int:
    try:
        from vergoeding.api import payout as payout_api

        write = payout_api.bench_overview_xlsx
    except (ImportError, AttributeError):
        write = None
    rows = _overview_rows(n)
    if write is not None:
        data = write(rows)
    else:
        from vergoeding.render.xlsx import DATE, DECIMAL2, EURO, Column, Workbook

        wb = Workbook(write_only=True)
        cols = [Column("Deskundige", "expert"), Column("Naam", "name"), Column("Opdracht", "engagement"),
                Column("Regime", "regime"), Column("Datum", "date", DATE), Column("Uren", "hours", DECIMAL2),
                Column("Vergoeding", "fee", EURO), Column("Reiskosten", "travel", EURO), Column("Totaal", "total", EURO)]
        wb.sheet("Regels", cols, rows)
        data = wb.to_bytes()
    Path(path).write_bytes(data)
    return len(data)


def _bare_overview(n: int, path: str) -> int:
    from openpyxl import Workbook

    rows = _overview_rows(n)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Regels")
    ws.append(["Deskundige", "Naam", "Opdracht", "Regime", "Datum", "Uren", "Vergoeding", "Reiskosten", "Totaal"])
    for r in rows:
        ws.append(list(r.values()))
    wb.save(path)
    return Path(path).stat().st_size


def overview_xlsx(ctx: Context) -> Result:
    n = 100_000 // ctx.scale
    base_t, base_mb = min(_in_child(_bare_overview, n, str(ctx.work / "bare.xlsx")) for _ in range(2))
    ours_t, ours_mb = min(_in_child(_ours_overview, n, str(ctx.work / "ours.xlsx")) for _ in range(2))
    r = slower_ratio("payment overview xlsx, 100k lines", ours_t, base_t, 1.5,
                     notes=[f"{n} lines; peak memory ours {ours_mb:.0f} MB (target < 500 MB), bare {base_mb:.0f} MB"],
                     extra={"peak_mb": ours_mb})
    r.ok = r.ok and ours_mb < 500
    return r


# 4. Importing a 100,000-row hours workbook vs bare openpyxl read-only iteration -------------

def import_hours(ctx: Context) -> Result:
    try:
        from vergoeding.api import importing
    except ImportError as exc:
        raise NotAvailable(str(exc)) from None
    bench_fn = getattr(importing, "bench_import", None)
    if bench_fn is None:
        raise NotAvailable("vergoeding.api.importing.bench_import missing")
    return bench_fn(ctx.workspace(), ctx.work, rows=100_000 // ctx.scale)  # type: ignore[no-any-return]


# 5. One expert's year of hours from the 1,000,000-entry database vs bare indexed SQL ---------

def expert_year(ctx: Context) -> Result:
    ws = ctx.workspace()
    code = "E0042"
    try:
        from vergoeding.api import ledger

        ours_fn = getattr(ledger, "hours_for_expert", None)
    except ImportError:
        ours_fn = None
    from vergoeding.core.period import year as year_period

    if ours_fn is None:
        from vergoeding.store.queries import load_entries

        def ours() -> int:
            with ws.engine.connect() as c:
                return len(load_entries(c, period=year_period(YEAR), expert_code=code))
        note = "via store.queries.load_entries"
    else:
        def ours() -> int:
            return len(ours_fn(ws, code, year_period(YEAR)).lines)
        note = "via api.ledger.hours_for_expert"
    sql = text("SELECT e.* FROM entries e JOIN engagements g ON g.id = e.engagement_id "
               "JOIN experts x ON x.id = g.expert_id WHERE x.code = :c AND e.work_date >= :a AND e.work_date < :b "
               "ORDER BY e.work_date, e.id")

    def bare() -> int:
        with ws.engine.connect() as c:
            return len(c.execute(sql, {"c": code, "a": date(YEAR, 1, 1), "b": date(YEAR + 1, 1, 1)}).all())

    bare()  # warm the page cache for both
    base_t, n = best_of(bare, 5)
    ours_t, m = best_of(ours, 5)
    return slower_ratio("one expert's year of hours", ours_t, base_t, 10.0, notes=[f"{n} rows bare, {m} ours; {note}"])


CASES: dict[str, Callable[[Context], Any]] = {
    "check_year": check_year,
    "statements": statements,
    "overview_xlsx": overview_xlsx,
    "import_hours": import_hours,
    "expert_year": expert_year,
}
