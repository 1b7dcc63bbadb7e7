"""Case 2: statement PDFs, pages per second against bare WeasyPrint, and 2 workers against 1.

The sample is the first :data:`STATEMENTS` statements of the payout of 2026-10, built expert by
expert (``build_snapshot(..., expert=code)`` for the experts paid by transfer, in code order, until
the sample is full): the same HTML as the first statements of the payout of everyone
(``tests/test_bench_network.py`` compares them), without deciding the payout of all 1,657 experts
first. That decision prices every open line of the network (270,000 lines: the synthetic network
has paid nothing since January) and took 10 minutes of a loaded machine in the evening run of
7 December, before a single page was measured; a cached copy of it went stale with every change
of the snapshot's format. The sample is built in seconds.

The three ways of rendering (bare WeasyPrint, ours with 1 worker, ours with 2 workers) take
turns on a part of the sample at a time (:data:`ROUNDS` parts), each round in another order, so
that the load of the shared machine, which moves from minute to minute, falls on all three
alike; each figure is the sum over the rounds. The CPU time of each way is measured too (this
process's for the in-process ways, the workers' for 2 workers: they are waited for at the end
of each round, so ``RUSAGE_CHILDREN`` holds them): it tells what parallel rendering costs apart
from waiting for a core.

:data:`STATEMENTS` was 100 until 7 December: each way rendered 755 pages, and the case took half
an hour of a full run under a load of 14 (half of the run's CPU time); 50 statements (some 380
pages a way) give the same rate, and the run fits in the hour it has.
"""

from __future__ import annotations

import io
import os
import resource
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.harness import Result, speed_ratio

YEAR = 2026
STATEMENTS = 50  # at full size; --quick: 5
ROUNDS = 2


def sample_htmls(ws: Any, limit: int) -> list[str]:
    """The first ``limit`` statements (HTML) of the payout of 2026-10 on 2026-11-05, built one
    expert at a time; an expert with nothing to pay (held, or paid by invoice) has none, as in
    the payout of everyone."""
    from sqlalchemy import select

    from vergoeding.api.payout import build_snapshot
    from vergoeding.core.payout import ROUTE
    from vergoeding.core.period import parse_period
    from vergoeding.errors import RuleViolation
    from vergoeding.render.payout import statement_htmls
    from vergoeding.store import schema as s

    by_transfer = sorted(r.value for r, route in ROUTE.items() if route == "sepa")
    with ws.engine.connect() as c:
        codes = list(c.execute(
            select(s.experts.c.code).distinct().join(s.engagements, s.engagements.c.expert_id == s.experts.c.id)
            .where(s.engagements.c.regime.in_(by_transfer)).order_by(s.experts.c.code)).scalars())
    dirs = (ws.settings.templates_dir, ws.settings.shipped_templates)
    out: list[str] = []
    for code in codes:
        if len(out) >= limit:
            break
        try:
            snap = build_snapshot(ws, parse_period(f"{YEAR}-10"), date(YEAR, 11, 5), expert=code)[0]
        except RuleViolation:  # held: nothing paid to this expert, no statement
            continue
        out += [h for _, h in statement_htmls(*dirs, snap)]
    return out[:limit]


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process, and of its children that have ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


class _Way:
    """One way of rendering, its times summed over the rounds."""

    def __init__(self, render: Callable[[list[str]], list[bytes]]) -> None:
        self.render = render
        self.wall = self.cpu = self.children = 0.0
        self.out: list[bytes] = []

    def run(self, htmls: list[str]) -> None:
        import gc

        gc.collect()
        c0, k0 = _cpu()
        t0 = time.perf_counter()
        self.out += self.render(htmls)
        self.wall += time.perf_counter() - t0
        c1, k1 = _cpu()
        self.cpu, self.children = self.cpu + c1 - c0, self.children + k1 - k0


def _bare_pdfs(htmls: list[str], base: str) -> list[bytes]:
    import weasyprint

    return [weasyprint.HTML(string=h, base_url=base).write_pdf() for h in htmls]


def statements(ctx: Any) -> list[Result]:
    from pypdf import PdfReader

    from vergoeding.render.payout import pdf_base_url, render_pdfs

    ws = ctx.workspace()
    t0 = time.perf_counter()
    htmls = sample_htmls(ws, STATEMENTS // ctx.scale)
    built_s = time.perf_counter() - t0
    if not htmls:
        raise RuntimeError("the payout of 2026-10 has no statements")
    base = pdf_base_url(ws.settings.templates_dir, ws.settings.shipped_templates)
    _bare_pdfs(htmls[:2], str(base))  # warm up fonts and imports for both
    render_pdfs(htmls[:2], base, workers=1)
    ways = {"bare": _Way(lambda hs: _bare_pdfs(hs, str(base))),
            "one": _Way(lambda hs: render_pdfs(hs, base, workers=1)),
            "two": _Way(lambda hs: render_pdfs(hs, base, workers=2))}
    order = list(ways)
    size = -(-len(htmls) // ROUNDS)
    load = [os.getloadavg()[0]]
    for k in range(ROUNDS):
        part = htmls[k * size:(k + 1) * size]
        for name in order[k % 3:] + order[:k % 3]:  # each round starts with another way
            ways[name].run(part)
        load.append(os.getloadavg()[0])
    bare, one, two = ways["bare"], ways["one"], ways["two"]
    pages = sum(len(PdfReader(io.BytesIO(b)).pages) for b in one.out)
    bare_pages = sum(len(PdfReader(io.BytesIO(b)).pages) for b in bare.out)
    same = "the same bytes" if two.out == one.out else "OTHER BYTES than 1 worker"
    r1 = speed_ratio(
        "statement PDFs, pages/s vs bare WeasyPrint", pages / one.wall, bare_pages / bare.wall, 0.8, "pages/s",
        notes=[f"{len(htmls)} statements of {YEAR}-10, {pages} pages (bare {bare_pages}), built expert by expert in "
               f"{built_s:.0f} s; ours = render_pdfs with 1 worker (tagged PDF/UA); {ROUNDS} rounds, the ways "
               f"taking turns",
               f"CPU time: ours {one.cpu:.1f} s, bare {bare.cpu:.1f} s ({bare.cpu / one.cpu:.2f}x in pages per "
               f"CPU second); load average {min(load):.1f} to {max(load):.1f}"])
    workers_cpu = two.children
    r2 = speed_ratio(
        "statement PDFs, 2 workers vs 1", pages / two.wall, pages / one.wall, 1.6, "pages/s",
        notes=[f"{os.cpu_count()} cores, shared; 2 workers {two.wall:.1f} s, 1 worker {one.wall:.1f} s; "
               f"2 workers gave {same}",
               f"CPU time: 1 worker {one.cpu:.1f} s ({one.cpu / one.wall:.2f} of a core while it ran); 2 workers "
               f"{workers_cpu:.1f} s together ({workers_cpu / two.wall / 2:.2f} of a core each) and the parent "
               f"{two.cpu:.1f} s; parallel rendering costs {(workers_cpu + two.cpu) / one.cpu:.2f}x the CPU of "
               f"1 worker"],
        extra={"cpu_one": one.cpu, "cpu_two_workers": workers_cpu, "cpu_two_parent": two.cpu, "load": load})
    return [r1, r2]
