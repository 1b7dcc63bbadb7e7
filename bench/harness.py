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


def best_of_cpu(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """(best wall time, best CPU time of this process, the last result). On a shared machine
    the wall time includes waiting for a core; the CPU time of a single-threaded, in-process
    call (SQLite runs inside the process) does not."""
    best, best_cpu = float("inf"), float("inf")
    out: Any = None
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, out


def slower_ratio(name: str, ours: float, base: float, limit: float, **kw: Any) -> Result:
    """ours/baseline must be at most `limit`."""
    ratio = ours / base if base > 0 else float("inf")
    return Result(name, ours, base, f"<= {limit}x", ratio, ratio <= limit, **kw)


def speed_ratio(name: str, ours_rate: float, base_rate: float, at_least: float, unit: str, **kw: Any) -> Result:
    """ours_rate/base_rate (higher is better) must be at least `at_least`."""
    ratio = ours_rate / base_rate if base_rate > 0 else 0.0
    return Result(name, ours_rate, base_rate, f">= {at_least}x", ratio, ratio >= at_least, unit=unit, **kw)
