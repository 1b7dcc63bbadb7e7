"""Timing helpers: best-of-N wall time, peak memory of a child process, result records."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    name: str
    ours: float  # seconds (or a rate, see `unit`)
    baseline: float
    target: str  # e.g. "<= 3x"
    ratio: float
    ok: bool
    unit: str = "s"
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best = float("inf")
    out: Any = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_of_cpu(fn: Callable[[], Any], repeat: int = 3,
                server: Callable[[], float] | None = None) -> tuple[float, float, Any]:
    """(best wall time, best CPU time of this process, the last result). On a shared machine
    the wall time includes waiting for a core; the CPU time of a single-threaded, in-process
    call (SQLite runs inside the process) does not. ``server``: the CPU seconds used so far
    by the database server's backends (PostgreSQL on this machine, see :func:`pg_backend_cpu`),
    added to this process's."""
    best, best_cpu = float("inf"), float("inf")
    out: Any = None
    for _ in range(repeat):
        gc.collect()
        s0 = server() if server else 0.0
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        used = time.process_time() - c0
        best_cpu = min(best_cpu, used + (server() - s0 if server else 0.0))
    return best, best_cpu, out


def pg_backend_cpu(engine: Any) -> Callable[[], float] | None:
    """A function giving the CPU seconds (user + system) used so far by the client backends of
    ``engine``'s PostgreSQL database, read from /proc: the server must run on this machine
    (as under ``.ci/with-pg.sh``). None when they cannot be read (another machine)."""
    import os

    from sqlalchemy import text

    tick = os.sysconf("SC_CLK_TCK")

    def pids() -> list[int]:
        with engine.connect() as c:
            return [int(p) for p in c.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'")).scalars()]

    def cpu() -> float:
        total = 0
        for pid in pids():
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a backend that ended in between
            total += int(fields[11]) + int(fields[12])
        return total / tick

    try:
        first = pids()
        if not first or not os.path.exists(f"/proc/{first[0]}/stat"):
            return None
    except Exception:  # noqa: BLE001 - not PostgreSQL, or not on this machine: no figure
        return None
    return cpu


def slower_ratio(name: str, ours: float, base: float, limit: float, **kw: Any) -> Result:
    """ours/baseline must be at most `limit`."""
    ratio = ours / base if base > 0 else float("inf")
    return Result(name, ours, base, f"<= {limit}x", ratio, ratio <= limit, **kw)


def speed_ratio(name: str, ours_rate: float, base_rate: float, at_least: float, unit: str, **kw: Any) -> Result:
    """ours_rate/base_rate (higher is better) must be at least `at_least`."""
    ratio = ours_rate / base_rate if base_rate > 0 else 0.0
    return Result(name, ours_rate, base_rate, f">= {at_least}x", ratio, ratio >= at_least, unit=unit, **kw)
