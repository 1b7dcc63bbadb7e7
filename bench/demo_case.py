"""The demo (``vergoeding demo``) against bare WeasyPrint rendering of the same documents.

The demo builds a fresh administration (six organisations, 26 experts, 371 entries), pays
October, and writes statements, invoices, contracts and an hours overview as PDF and xlsx.
Its documents are most of its work, so the floor is WeasyPrint rendering exactly the HTML
the demo rendered, bare, in one process. To compare like with like, the demo runs with one
worker here (the process pools become a one-thread pool in this process) and every
``weasyprint.HTML(string=...)`` it makes is recorded. (Was a 15 s wall-clock assertion in
tests/test_demo.py; a test asserts what the demo builds, this measures how fast.)
"""

from __future__ import annotations

import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.harness import Result, slower_ratio

TARGET = 1.5
RUNS = 1  # each side once: two of each took over ten minutes of a loaded machine


def demo(ctx: Any) -> Result:
    import weasyprint

    import vergoeding.api.client_invoices  # noqa: F401 - loaded, so that its worker_pool is found below
    import vergoeding.render.payout  # noqa: F401 - idem
    import vergoeding.render.pool as pool
    from vergoeding.api.workspace import open_workspace
    from vergoeding.demo.run import run_demo

    recorded: list[tuple[str, str]] = []
    real_html = weasyprint.HTML

    def recording_html(*args: Any, **kwargs: Any) -> Any:
        if "string" in kwargs:
            recorded.append((kwargs["string"], str(kwargs.get("base_url"))))
        return real_html(*args, **kwargs)

    def one_thread_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> Any:
        return ThreadPoolExecutor(max_workers=1, initializer=initializer, initargs=initargs)

    # every module that took render.pool.worker_pool by name (found, not listed: a module
    # that moves, as the payout's rendering did, must not break this case)
    users = [m for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("vergoeding.")
             and getattr(m, "worker_pool", None) is pool.worker_pool]
    saved = [(m, m.worker_pool) for m in users]
    saved_html = weasyprint.HTML
    weasyprint.HTML = recording_html
    for m in users:
        setattr(m, "worker_pool", one_thread_pool)  # noqa: B010
    try:
        out = ctx.work / "demo-run"
        best = best_cpu = float("inf")
        for _ in range(RUNS):
            shutil.rmtree(out, ignore_errors=True)
            recorded.clear()
            ws = open_workspace(db=str(ctx.work / "demo-ignored.db"))
            t0, c0 = time.perf_counter(), time.process_time()
            report = run_demo(ws, out)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
            ws.close()
    finally:
        weasyprint.HTML = saved_html
        for m, fn in saved:
            setattr(m, "worker_pool", fn)  # noqa: B010
    if not recorded:
        raise RuntimeError("the demo rendered no HTML through weasyprint.HTML(string=...)")
    docs = list(recorded)

    def bare() -> int:
        return sum(len(real_html(string=h, base_url=b).write_pdf()) for h, b in docs)

    bare_best = bare_cpu = float("inf")
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        bare()
        bare_best = min(bare_best, time.perf_counter() - t0)
        bare_cpu = min(bare_cpu, time.process_time() - c0)
    files = [p for p in Path(out).rglob("*") if p.is_file()]
    return slower_ratio("demo (vergoeding demo), 1 worker", best, bare_best, TARGET,
                        notes=[f"{len(docs)} PDFs rendered, {len(files)} files written, "
                               f"{report.facts['counts']['entries']} entries; baseline = bare WeasyPrint on "
                               "the same HTML in one process",
                               f"CPU time of the process (the one-thread pools run in it; no waiting for a core "
                               f"counted): ours {best_cpu:.1f} s, bare {bare_cpu:.1f} s: {best_cpu / bare_cpu:.2f}x"])
