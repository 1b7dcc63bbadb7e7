"""``python -m bench [--quick] [--only NAME] [--write-docs] [--pg URL] [--pg-only]``.

Builds (or reuses) a synthetic network of 2,000 experts, 100 clients and 1,000,000 hour
entries, then runs each benchmark against a bare baseline on the same data in the same run.
Results go to stdout and ``bench/results/latest.json``; ``--write-docs`` also rewrites the
results table in docs/PERFORMANCE.md.

With ``--pg URL`` (or ``VERGOEDING_TEST_PG``: ``make bench`` starts a throwaway server) the
database-bound cases (``cases.PG_CASES``) also run on PostgreSQL, on a network a tenth of the
full size (200 experts, 100,000 entries; also with ``--quick``), built fresh in a database
``vergoeding_bench`` on that server (bulk inserts over a connection make the full size too
slow for a routine run), against the same bare queries on the same server. ``--pg-only``
runs only those (``.ci/with-pg.sh .venv/bin/python -m bench --pg-only``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import cases
from bench.harness import Result
from bench.synth import VERSION, build

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="a tenth of the sizes (smoke run)")
    ap.add_argument("--only", action="append", help="run only these cases (by name)")
    ap.add_argument("--write-docs", action="store_true", help="rewrite the table in docs/PERFORMANCE.md")
    ap.add_argument("--pg", default=os.environ.get("VERGOEDING_TEST_PG") or None,
                    help="also run the database cases on this PostgreSQL server (a role that may create databases)")
    ap.add_argument("--pg-only", action="store_true",
                    help="only the PostgreSQL cases (no SQLite network is built): "
                         "`.ci/with-pg.sh .venv/bin/python -m bench --pg-only`")
    args = ap.parse_args(argv)
    if args.pg_only and not args.pg:
        ap.error("--pg-only needs --pg URL or VERGOEDING_TEST_PG (e.g. through .ci/with-pg.sh)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    scale = 10 if args.quick else 1
    sizes = dict(experts=2000 // scale, clients=100 // scale, entries=1_000_000 // scale)
    db = RESULTS / f"network-{sizes['entries']}-v{VERSION}.db"
    t0 = time.perf_counter()
    needs_network = not args.pg_only and (not args.only or not set(args.only) <= cases.OWN_DATA)
    if needs_network and not db.exists():
        print(f"building synthetic network {sizes} -> {db}", file=sys.stderr)
        build(db, **sizes).dispose()
        print(f"  built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    ctx = cases.Context(db=db, work=RESULTS / "work", scale=scale, sizes=sizes)
    ctx.work.mkdir(exist_ok=True)
    results: list[Result] = []
    took: dict[str, float] = {}  # wall seconds of each case, setup included (shown under the table)
    only = args.only or ([*cases.PG_CASES] if args.pg_only else [])
    started = time.strftime("%Y-%m-%d %H:%M")

    def save(done: bool, more: list[Result] | None = None) -> str:
        """latest.json (and with --write-docs the table) after every case: a full run takes
        an hour on a busy machine, and a run stopped part way still leaves what it measured,
        marked as such."""
        payload = {"machine": machine(), "sizes": pg_sizes(10) if args.pg_only else sizes,
                   "when": time.strftime("%Y-%m-%d %H:%M") if done else started, "quick": args.quick,
                   "only": only, "results": [asdict(r) for r in [*results, *(more or [])]], "done": done,
                   "took": took}
        (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
        table = render_table(payload)
        if args.write_docs:
            block = "results pg" if args.pg_only else "results " + ",".join(sorted(set(args.only))) if args.only else "results"
            write_docs(table, block)
        return table
    for name, fn in cases.CASES.items():
        if args.pg_only or (args.only and name not in args.only):
            continue
        print(f"running {name} ... ({time.strftime('%H:%M')})", file=sys.stderr)
        case_t0 = time.perf_counter()
        try:
            out = fn(ctx)
        except cases.NotAvailable as exc:
            print(f"  skipped: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # noqa: BLE001 - one broken case must not lose the whole run
            traceback.print_exc()
            out = crashed(name, exc)
        took[name] = time.perf_counter() - case_t0
        for r in out if isinstance(out, list) else [out]:
            results.append(r)
            print(f"  {r.name}: ours {r.ours:.3f} {r.unit}, baseline {r.baseline:.3f} {r.unit}, "
                  f"ratio {r.ratio:.2f} (target {r.target}) {'OK' if r.ok else 'MISSED'}", file=sys.stderr)
        save(done=False)
    if args.pg and (not args.only or set(args.only) & set(cases.PG_CASES)):
        results += run_pg(args.pg, 10, args.only, lambda got: save(done=False, more=got), took)
    print(save(done=True))
    return 0 if all(r.ok for r in results) else 1


def crashed(name: str, exc: BaseException) -> Result:
    """A case that raised: a missed result in the table (the run goes on, the exit code is 1)."""
    return Result(f"{name}: CRASHED", 0.0, 0.0, "runs through", 0.0, False,
                  notes=[f"{type(exc).__name__}: {str(exc)[:300]}"])


def pg_sizes(scale: int) -> dict[str, int]:
    return dict(experts=2000 // scale, clients=max(100 // scale, 2), entries=1_000_000 // scale)


def run_pg(admin_url: str, scale: int, only: list[str] | None,
           progress: Callable[[list[Result]], Any] = lambda got: None,
           took: dict[str, float] | None = None) -> list[Result]:
    """The PG_CASES on a fresh ``vergoeding_bench`` database of the server at ``admin_url``;
    ``progress`` gets the results so far after each case."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    admin = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                            autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS vergoeding_bench WITH (FORCE)")
    admin.execute("CREATE DATABASE vergoeding_bench")
    db = url.set(database="vergoeding_bench").render_as_string(hide_password=False)
    sizes = pg_sizes(scale)
    t0 = time.perf_counter()
    print(f"building synthetic network {sizes} on PostgreSQL", file=sys.stderr)
    build(db, **sizes).dispose()
    print(f"  built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    took = {} if took is None else took
    took["PostgreSQL network"] = time.perf_counter() - t0
    ctx = cases.Context(db=db, work=RESULTS / "work", scale=scale, sizes=sizes)
    out: list[Result] = []
    try:
        for name in cases.PG_CASES:
            if only and name not in only:
                continue
            print(f"running {name} on PostgreSQL ... ({time.strftime('%H:%M')})", file=sys.stderr)
            case_t0 = time.perf_counter()
            try:
                got = cases.CASES[name](ctx)
            except Exception as exc:  # noqa: BLE001 - as above
                traceback.print_exc()
                got = crashed(name, exc)
            took[f"{name} (PostgreSQL)"] = time.perf_counter() - case_t0
            for r in got if isinstance(got, list) else [got]:
                r.notes.insert(0, f"PostgreSQL, {sizes['entries']} entries (a tenth of the SQLite size)")
                out.append(r)
                print(f"  {r.name}: ours {r.ours:.3f} {r.unit}, baseline {r.baseline:.3f} {r.unit}, "
                      f"ratio {r.ratio:.2f} (target {r.target}) {'OK' if r.ok else 'MISSED'}", file=sys.stderr)
            progress(out)
    finally:
        admin.execute("DROP DATABASE IF EXISTS vergoeding_bench WITH (FORCE)")
        admin.close()
    return out


def render_table(payload: dict[str, Any]) -> str:
    lines = []
    if not payload.get("done", True):
        lines += [f"**RUN IN PROGRESS** (started {payload['when']}): the cases measured so far; this table is "
                  "rewritten after every case, and this line goes when the run has ended.", ""]
    if payload.get("quick"):
        lines += ["**QUICK RUN** (`--quick`: a tenth of the sizes, for development) — not the reference "
                  "numbers; the reference is a full `make bench`.", ""]
    if payload.get("only"):
        lines += [f"Only these cases were run: {', '.join(payload['only'])}.", ""]
    own = bool(payload.get("only")) and set(payload["only"]) <= cases.OWN_DATA
    data = "the demo administration and generated files" if own else str(payload["sizes"])
    lines += [f"Machine: {payload['machine']}  ", f"Data: {data}, run {payload['when']}", "",
             "| benchmark | ours | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in payload["results"]:
        lines.append(f"| {r['name']} | {r['ours']:.3f} {r['unit']} | {r['baseline']:.3f} {r['unit']} | "
                     f"{r['ratio']:.2f}x | {r['target']} | {'yes' if r['ok'] else 'NO'} |")
        for n in r["notes"]:
            lines.append(f"|  ↳ {n} | | | | | |")
    if payload.get("took"):
        took = payload["took"]
        lines += ["", f"Time per case (wall, setup included; {sum(took.values()) / 60:.0f} minutes in all): "
                  + ", ".join(f"{name} {s / 60:.1f} min" for name, s in took.items())]
    return "\n".join(lines)


def write_docs(table: str, block: str = "results") -> None:
    """Rewrite the table between ``<!-- BLOCK -->`` and ``<!-- /BLOCK -->``: the full run's
    block is ``results``; a run of some cases (``--only``) has its own block, named after them,
    so it never replaces the full run's figures."""
    doc = ROOT / "docs" / "PERFORMANCE.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n\n<!-- results -->\n<!-- /results -->\n"
    start, end = f"<!-- {block} -->", f"<!-- /{block} -->"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
