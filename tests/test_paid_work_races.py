# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Races between a payout and the changes that compare with paid work (issue 20, item 4), with
real processes on SQLite and PostgreSQL.

The rule: a rate edit, a regime edit or an approval running at the same moment as a payout
ends one of two ways: the edit is refused (the payout came first), or the payout pays under
the new terms (the edit came first). Never a paid line that disagrees with the history.

Deterministic interleavings hold one process at an exact point (``VERGOEDING_PAUSE_AT``,
vergoeding/faults.py) while the other runs: the payout priced but not recorded, the payout
inside its transaction holding the paid-work lock, the edit holding the lock. Then repeated
races without a pause, at spread-out moments, by two long-lived worker processes.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import builders as b
import pytest
from conftest import HANG_GUARD, clean_env, db_engine, db_target
from sqlalchemy import select, text

from vergoeding.store import schema as s

TODAY = "2026-12-01"
DAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
EXPERTS = 32  # one fresh expert (and engagement) per race
SPREAD = (0.0, 0.5, 1.5)  # the edit's start, in payout durations after the payout's start


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("races") / "v.db"
    engine = b.new_engine(path)
    with engine.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        for k in range(1, EXPERTS + 1):
            b.expert(c, f"E{k}", name=f"Deskundige {k}", bsn="111222333")
            b.engagement(c, f"G{k}", f"E{k}", "GEM", regime="vrijwilliger", expert_rate="5.00", client_rate="50.00",
                         start=date(2026, 11, 1))
            for day in DAYS:
                b.entry(c, f"G{k}", day, minutes=60)
            b.entry(c, f"G{k}", date(2026, 11, 20), minutes=30, status="logged")
    engine.dispose()
    return path


_next = iter(range(1, EXPERTS + 1))


def fresh() -> int:
    return next(_next)


def cmd(db: Path, *args: str, pause: str | None = None) -> subprocess.Popen[str]:
    extra = {"VERGOEDING_DB": db_target(db), "VERGOEDING_TODAY": TODAY}
    if pause:
        extra["VERGOEDING_PAUSE_AT"] = pause
    return subprocess.Popen([sys.executable, "-m", "vergoeding", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(**extra))


def hung(what: str, *procs: subprocess.Popen[str] | mp.process.BaseProcess) -> NoReturn:
    """The hang guard went off: end the processes and fail saying so. HANG_GUARD (conftest)
    is far beyond anything a busy machine needs, so this is a deadlock, never slowness."""
    for p in procs:
        p.kill()
    pytest.fail(f"vastgelopen (hang guard, geen snelheidseis): {what} na {HANG_GUARD} s; een deadlock of een "
                "proces dat op een pauze wacht die nooit opengaat", pytrace=False)


def done(p: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = p.communicate(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        hung(f"{' '.join(map(str, p.args))[:200]} is niet klaar", p)  # type: ignore[arg-type]
    return p.returncode, out, err.replace("\xa0", " ")


def wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    """Until ``proc`` reaches its pause point (it writes ``path``); a process that ends
    first fails with its output. No time is asserted: only the hang guard ends the wait."""
    deadline = time.monotonic() + HANG_GUARD
    while not path.exists():
        if proc.poll() is not None:
            code, out, err = done(proc)
            pytest.fail(f"het proces stopte (exit {code}) voordat het bij {path.name} was: {out}{err}")
        if time.monotonic() > deadline:
            hung(f"het proces kwam niet bij {path.name}", proc)
        time.sleep(0.02)


def paid(db: Path, k: int) -> list[tuple[date, Decimal, str]]:
    """(work date, unit price, regime) of the paid lines of engagement Gk."""
    engine = db_engine(db)
    with engine.connect() as c:
        rows = c.execute(select(s.paid_lines.c.work_date, s.paid_lines.c.unit_price_cents, s.paid_lines.c.regime)
                         .join(s.engagements, s.engagements.c.id == s.paid_lines.c.engagement_id)
                         .where(s.engagements.c.code == f"G{k}").order_by(s.paid_lines.c.work_date)).all()
    engine.dispose()
    return [(r[0], Decimal(r[1]) / 100, r[2]) for r in rows]


def assert_history_agrees(db: Path) -> None:
    """Every paid line agrees with the engagement's history (rate on its work date, regime),
    every settled entry has exactly one paid line, and no approved entry is in a payout."""
    from vergoeding.store import queries

    engine = db_engine(db)
    with engine.connect() as c:
        engs = {g.id: g for g in queries.all_engagements(c)}
        for r in c.execute(select(s.paid_lines)):
            g = engs[r.engagement_id]
            assert (Decimal(r.unit_price_cents) / 100, r.regime) == (g.rates_on(r.work_date)[0], g.regime.value), (
                g.code, r.work_date)
        settled = c.execute(text("SELECT COUNT(*) FROM entries WHERE status = 'settled'")).scalar_one()
        matched = c.execute(text("SELECT COUNT(*) FROM paid_lines p JOIN entries e ON e.id = p.entry_id "
                                 "AND e.payout_id = p.payout_id AND e.status = 'settled'")).scalar_one()
        assert settled == matched == c.execute(text("SELECT COUNT(*) FROM paid_lines")).scalar_one()
        assert c.execute(text("SELECT COUNT(*) FROM entries WHERE status <> 'settled' "
                              "AND payout_id IS NOT NULL")).scalar_one() == 0
    engine.dispose()


def status_of(db: Path, k: int, day: date) -> str:
    engine = db_engine(db)
    with engine.connect() as c:
        st = c.execute(select(s.entries.c.status).join(s.engagements, s.engagements.c.id == s.entries.c.engagement_id)
                       .where(s.engagements.c.code == f"G{k}", s.entries.c.work_date == day)).scalar_one()
    engine.dispose()
    return str(st)


EDITS = {
    "rate": (["--expert-rate", "6", "--from", "9-11-2026"], "betaalde regel"),
    "regime": (["--regime", "particulier"], "het regime (vrijwilliger -> particulier)"),
}


def new_terms(kind: str) -> list[tuple[date, Decimal, str]]:
    if kind == "rate":
        return [(DAYS[0], Decimal("5"), "vrijwilliger"), (DAYS[1], Decimal("6"), "vrijwilliger"),
                (DAYS[2], Decimal("6"), "vrijwilliger")]
    return [(d, Decimal("5"), "particulier") for d in DAYS]


OLD = [(d, Decimal("5"), "vrijwilliger") for d in DAYS]


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_an_edit_while_the_payout_prices_makes_the_payout_pay_the_new_terms(db: Path, tmp_path: Path, kind) -> None:
    k, gate = fresh(), tmp_path / "gate"
    pay = cmd(db, "payout", "--period", "2026-11", "--expert", f"E{k}", "--out", str(tmp_path / "uit"),
              pause=f"payout.priced:{gate}")
    wait_for(Path(f"{gate}.here"), pay)  # priced at the old terms, nothing recorded
    code, _, err = done(cmd(db, "engagement", "edit", f"G{k}", *EDITS[kind][0]))
    assert code == 0, err  # nothing is paid yet: the edit goes through
    gate.touch()
    code, out, err = done(pay)
    assert code == 0, err
    assert paid(db, k) == new_terms(kind)  # priced again under the lock: the new terms
    assert_history_agrees(db)


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_an_edit_while_the_payout_commits_waits_and_is_refused(db: Path, tmp_path: Path, kind) -> None:
    k, gate = fresh(), tmp_path / "gate"
    pay = cmd(db, "payout", "--period", "2026-11", "--expert", f"E{k}", "--out", str(tmp_path / "uit"),
              pause=f"payout.before_commit:{gate}")
    wait_for(Path(f"{gate}.here"), pay)  # inside the payout's transaction, holding the lock
    edit = cmd(db, "engagement", "edit", f"G{k}", *EDITS[kind][0])
    time.sleep(1)
    assert edit.poll() is None  # waits for the payout's lock (not a timing assertion: it may not even run)
    gate.touch()
    assert done(pay)[0] == 0
    code, out, err = done(edit)
    assert (code, out) == (1, ""), err
    assert EDITS[kind][1] in err and "Er is niets gewijzigd." in err and "Traceback" not in err
    assert paid(db, k) == OLD
    assert_history_agrees(db)


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_a_payout_while_the_edit_holds_the_lock_pays_the_new_terms(db: Path, tmp_path: Path, kind) -> None:
    k, gate = fresh(), tmp_path / "gate"
    edit = cmd(db, "engagement", "edit", f"G{k}", *EDITS[kind][0], pause=f"engagement.locked:{gate}")
    wait_for(Path(f"{gate}.here"), edit)
    pay = cmd(db, "payout", "--period", "2026-11", "--expert", f"E{k}", "--out", str(tmp_path / "uit"))
    time.sleep(1)
    gate.touch()
    assert done(edit)[0] == 0
    code, _, err = done(pay)
    assert code == 0, err
    assert paid(db, k) == new_terms(kind)
    assert_history_agrees(db)


def test_an_approval_during_a_payout_is_paid_once_later(db: Path, tmp_path: Path) -> None:
    """The payout pays what it priced; the line approved meanwhile (it waits for the payout's
    lock) stays open (approved, in no payout) for the next payout, which pays it once."""
    k, gate, point = fresh(), tmp_path / "gate", "payout.before_commit"
    pay = cmd(db, "payout", "--period", "2026-11", "--expert", f"E{k}", "--out", str(tmp_path / "uit"),
              pause=f"{point}:{gate}")
    wait_for(Path(f"{gate}.here"), pay)
    approve = cmd(db, "approve", "--period", "2026-11", "--expert", f"E{k}")
    time.sleep(1)
    assert approve.poll() is None  # the approval waits for the payout's lock
    gate.touch()
    assert done(pay)[0] == 0
    assert done(approve)[0] == 0
    assert paid(db, k) == OLD and status_of(db, k, date(2026, 11, 20)) == "approved"
    code, _, err = done(cmd(db, "payout", "--period", "2026-11", "--expert", f"E{k}", "--out", str(tmp_path / "u2")))
    assert code == 0, err
    assert [d for d, _, _ in paid(db, k)] == [*DAYS, date(2026, 11, 20)]
    assert_history_agrees(db)


# --- repeated races, two long-lived processes, the edit at spread-out moments --------------


def _payer(db: str, jobs: mp.Queue, results: mp.Queue, go: object, out: str) -> None:
    from vergoeding.api.payout import payout
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings
    from vergoeding.errors import VergoedingError

    ws = Workspace(Settings(db=db, actor="payer"))
    while (k := jobs.get()) is not None:
        go.wait()  # type: ignore[attr-defined]
        try:
            payout(ws, "2026-11", Path(out) / f"E{k}", date(2026, 12, 1), expert=f"E{k}")
            results.put(("payout", k, "ok"))
        except VergoedingError as exc:
            results.put(("payout", k, exc.message))


def _editor(db: str, jobs: mp.Queue, results: mp.Queue, go: object) -> None:
    from vergoeding.api import ledger
    from vergoeding.api.rate_change import edit_engagement
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings
    from vergoeding.core.period import parse_period
    from vergoeding.errors import VergoedingError

    ws = Workspace(Settings(db=db, actor="editor"))
    while (job := jobs.get()) is not None:
        k, kind, delay = job
        go.wait()  # type: ignore[attr-defined]
        time.sleep(delay)
        try:
            if kind == "rate":
                edit_engagement(ws, f"G{k}", {"expert_rate": Decimal("6")}, rate_from=date(2026, 11, 9))
            elif kind == "regime":
                edit_engagement(ws, f"G{k}", {"regime": "particulier"})
            else:
                ledger.approve(ws, parse_period("2026-11"), f"E{k}")
            results.put((kind, k, "ok"))
        except VergoedingError as exc:
            results.put((kind, k, exc.message))


def test_repeated_races_never_leave_a_paid_line_that_disagrees(db: Path, tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    pay_jobs, edit_jobs, results, go = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Barrier(2)
    payer = ctx.Process(target=_payer, args=(db_target(db), pay_jobs, results, go, str(tmp_path)))
    editor = ctx.Process(target=_editor, args=(db_target(db), edit_jobs, results, go))
    payer.start()
    editor.start()
    outcomes: dict[str, set[str]] = {"rate": set(), "regime": set(), "approve": set()}
    took = 0.0
    try:
        for step in SPREAD:
            for kind in ("approve", "rate", "regime"):
                k, started = fresh(), time.monotonic()
                pay_jobs.put(k)  # both start together (the barrier); the edit `step` payouts later
                edit_jobs.put((k, kind, step * took))
                got = {}
                for _ in range(2):
                    try:
                        r = results.get(timeout=HANG_GUARD)
                    except queue.Empty:
                        hung(f"race {kind} (stap {step}) gaf geen uitkomst", payer, editor)
                    got[r[0]] = r[2]
                    if r[0] == "payout":  # how long a payout takes here: only to spread the moments
                        took = max(took, time.monotonic() - started)
                assert got["payout"] == "ok", got
                terms = paid(db, k)
                if kind == "approve":
                    assert got[kind] == "ok", got
                    # paid once: what the payout priced, and the late approval only if it came first
                    assert [d for d, _, _ in terms] in (DAYS, [*DAYS, date(2026, 11, 20)])
                    outcomes[kind].add("meegenomen" if len(terms) == 4 else "open")
                elif got[kind] == "ok":  # the edit came first: the payout paid the new terms
                    assert terms == new_terms(kind), (kind, step, terms)
                    outcomes[kind].add("nieuw")
                else:  # the payout came first: the edit was refused, nothing changed
                    assert EDITS[kind][1] in got[kind] and terms == OLD, (kind, step, got, terms)
                    outcomes[kind].add("geweigerd")
        assert_history_agrees(db)
    finally:
        pay_jobs.put(None)
        edit_jobs.put(None)
        payer.join(timeout=HANG_GUARD)
        editor.join(timeout=HANG_GUARD)
        if payer.is_alive() or editor.is_alive():
            hung("de werkprocessen stoppen niet", payer, editor)
    assert payer.exitcode == 0 and editor.exitcode == 0, (payer.exitcode, editor.exitcode)
    print(outcomes)  # which way each race went (-s): both ways occur on an idle machine
