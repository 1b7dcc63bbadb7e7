"""Start-up cases: CPU seconds (user + sys, ``getrusage(RUSAGE_CHILDREN)``) of whole
``vergoeding`` processes against bare Python processes, measured in the same run.

* ``startup``: ``vergoeding --help``, ``--version`` and every command's ``--help`` must each
  stay within 0.15 s of CPU; the floor reported next to it is a bare ``python -c pass``.
* ``read_commands``: ``hours``, ``room`` and ``check`` of a month on the demo database, each
  within 1.5x a bare script that starts Python, opens the same database with the same driver
  (SQLAlchemy + sqlite3) and runs the queries for the same rows.

CPU time, not wall time: on a busy machine a process waits for a core, and that wait is not
the program's cost. Every figure is the best of several runs after one warm-up run (which
also lets Python write its bytecode caches, as on any installed system: the environment's
``PYTHONDONTWRITEBYTECODE`` is dropped for these processes); ours and the bare process take
turns, so that the machine's changing load falls on both alike.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.harness import Result

HELP_BUDGET = 0.15  # s CPU
READ_RATIO = 1.5
REPEAT = 9
READ_REPEAT = 15
TODAY = "2026-11-05"  # the demo's month end; pins `today` for room/check defaults


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("VERGOEDING_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def _vergoeding() -> list[str]:
    script = Path(sys.executable).with_name("vergoeding")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vergoeding"]


def _cpu_of(argv: list[str], env: dict[str, str], expect: tuple[int, ...]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(argv, capture_output=True, env=env, stdin=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in expect:
        raise RuntimeError(f"{' '.join(argv)}: exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def cpu_seconds(*argvs: list[str], env: dict[str, str], repeat: int = REPEAT,
                expect: tuple[int, ...] = (0,)) -> list[float]:
    """Best-of-``repeat`` user+sys CPU of each process in ``argvs``, after one warm-up run
    each. The processes take turns (ours, bare, ours, bare, ...), so that a change in the
    machine's load during the run falls on both sides alike."""
    for argv in argvs:
        _cpu_of(argv, env, expect)
    best = [float("inf")] * len(argvs)
    for _ in range(repeat):
        for i, argv in enumerate(argvs):
            best[i] = min(best[i], _cpu_of(argv, env, expect))
    return best


def _help_paths() -> list[list[str]]:
    """Every command path (``[]`` is the root), from the click tree itself."""
    import click

    from vergoeding.__main__ import load_cli

    out: list[list[str]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        out.append(path)
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, [*path, name])

    walk(load_cli().cli, [])
    return out


def startup(ctx: Any) -> list[Result]:
    env = _env(VERGOEDING_DB=str(ctx.work / "startup-never-created.db"))
    bare_argv = [sys.executable, "-c", "pass"]
    exe = _vergoeding()
    results = []

    def result(name: str, ours: float, bare: float, notes: list[str]) -> Result:
        return Result(name, ours, bare, f"<= {HELP_BUDGET} s CPU", ours / bare, ours <= HELP_BUDGET,
                      unit="s CPU", notes=notes)

    ours, bare = cpu_seconds([*exe, "--help"], bare_argv, env=env)
    results.append(result("vergoeding --help", ours, bare,
                          ["baseline = bare `python -c pass`; ratio = ours / bare start"]))
    ours, bare = cpu_seconds([*exe, "--version"], bare_argv, env=env)
    results.append(result("vergoeding --version", ours, bare, []))
    paths = [p for p in _help_paths() if p]
    timings = sorted(((cpu_seconds([*exe, *p, "--help"], env=env, repeat=3)[0], " ".join(p)) for p in paths),
                     reverse=True)
    worst, name = timings[0]
    median = timings[len(timings) // 2][0]
    results.append(result(f"every command's --help ({len(paths)}), slowest", worst, bare,
                          [f"slowest: `vergoeding {name} --help`; median {median:.3f} s CPU; "
                           f"over budget: {sum(t > HELP_BUDGET for t, _ in timings)}"]))
    if (ctx.work / "startup-never-created.db").exists():
        raise RuntimeError("a --help created the database")
    return results


# The bare scripts: Python, SQLAlchemy's sqlite3 driver, the same database file and the
# queries for the rows the command shows (the command itself reads more: the schema
# version, the organisation, the limits and rate card files).
BARE = """
import sys
import sqlalchemy as sa
engine = sa.create_engine("sqlite:///" + sys.argv[1])
with engine.connect() as c:
    for sql, params in QUERIES:
        for row in c.execute(sa.text(sql), params).all():
            print(*row)
"""

_ENTRIES = ("SELECT e.*, g.code, g.regime, g.role, x.code, x.name, x.date_of_birth, o.code, o.name "
            "FROM entries e JOIN engagements g ON g.id = e.engagement_id JOIN experts x ON x.id = g.expert_id "
            "JOIN organisations o ON o.id = g.client_id WHERE {where} ORDER BY e.work_date, e.id")

READS: list[tuple[str, list[str], list[tuple[str, dict[str, Any]]]]] = [
    ("hours (one expert, a month)", ["hours", "--expert", "E002", "--period", "2026-10"],
     [(_ENTRIES.format(where="x.code = :x AND e.work_date >= :a AND e.work_date < :b"),
       {"x": "E002", "a": "2026-10-01", "b": "2026-11-01"})]),
    ("room (one expert, on a day)", ["room", "--expert", "E002", "--on", "2026-10-31"],
     [(_ENTRIES.format(where="x.code = :x AND e.work_date >= :a AND e.work_date < :b"),
       {"x": "E002", "a": "2026-01-01", "b": "2027-01-01"}),
      ("SELECT d.* FROM declarations d JOIN experts x ON x.id = d.expert_id WHERE x.code = :x", {"x": "E002"})]),
    ("check (all experts, a month)", ["check", "--period", "2026-10"],
     [(_ENTRIES.format(where="e.work_date >= :a AND e.work_date < :b"), {"a": "2026-10-01", "b": "2026-11-01"}),
      ("SELECT * FROM experts ORDER BY code", {}), ("SELECT * FROM declarations", {})]),
]


def demo_database(ctx: Any) -> Path:
    """The demo administration (``vergoeding demo``), built once per version of the demo
    code and cached in bench/results/."""
    import hashlib

    import vergoeding.demo.data as demo_data
    import vergoeding.demo.run as demo_module

    key = hashlib.sha256(Path(demo_module.__file__).read_bytes() + Path(demo_data.__file__).read_bytes())
    out = ctx.work.parent / f"demo-{key.hexdigest()[:12]}"
    db = out / "vergoeding.db"
    if not db.exists():
        proc = subprocess.run([*_vergoeding(), "demo", "--out", str(out)], capture_output=True, text=True,
                              env=_env(VERGOEDING_TODAY=TODAY))
        if proc.returncode != 0:
            raise RuntimeError(f"vergoeding demo failed: {proc.stderr[-1000:]}")
    return db


def read_commands(ctx: Any) -> list[Result]:
    db = demo_database(ctx)
    env = _env(VERGOEDING_DB=str(db), VERGOEDING_TODAY=TODAY)
    exe = _vergoeding()
    results = []
    for name, args, queries in READS:
        script = f"QUERIES = {queries!r}\n{BARE}"
        # check exits 1 when it finds an error (the demo has one on purpose)
        ours, bare = cpu_seconds([*exe, *args], [sys.executable, "-c", script, str(db)], env=env, expect=(0, 1),
                                 repeat=READ_REPEAT)
        ratio = ours / bare
        results.append(Result(f"read command: {name}", ours, bare, f"<= {READ_RATIO}x", ratio, ratio <= READ_RATIO,
                              unit="s CPU", notes=[f"`vergoeding {' '.join(args)}` on the demo database; bare = "
                                                   f"python + SQLAlchemy/sqlite3 + {len(queries)} "
                                                   f"quer{'y' if len(queries) == 1 else 'ies'} for the same rows"]))
    return results
