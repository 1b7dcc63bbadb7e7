"""The read commands read less and give the same (issue 25, case 5 and 9 of docs/PERFORMANCE.md).

- ``vergoeding hours`` and ``room`` read the expert, the engagements with their clients and
  rate history, and the entries in a few statements (``store.expert_view``): the same values
  as the lookups by code of ``store.queries``, and the same hour overview as one built from
  those.
- ``vergoeding check --period`` hands what it computed to the payout's decision
  (``api.payout_decision.Checked``): the decision is the same as one that loads and checks itself, and
  the month is loaded and priced once, not twice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import builders as b
import pytest
from sqlalchemy import event

from vergoeding.api import check_input as check_input_module
from vergoeding.api import checks
from vergoeding.api import payout_decision as payout
from vergoeding.api.hours import hours
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.core.period import Period, month, parse_period
from vergoeding.documents.hours import build_hours
from vergoeding.store import queries
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc
from vergoeding.store.expert_view import entries_of, expert_view_by_code
from vergoeding.store.rows import unit_of


def _admin(path: Path) -> Workspace:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Eigen Kracht")
        b.org(c, "K1", name="Gemeente Utrecht")
        b.org(c, "K2", name="GGZ Centraal")
        b.expert(c, "E1", name="Anna de Vries")
        b.expert(c, "E2", name="Bram Jansen", iban=None)  # held: no IBAN
        b.expert(c, "E3", name="Chris Bakker")
        b.engagement(c, "G1", "E1", "K1")
        b.engagement(c, "G1B", "E1", "K2", regime="vacatiegeld", unit="bijeenkomst")
        b.engagement(c, "G1C", "E1", "K2", start=date(2026, 9, 15), budget_cents=500_00)  # a budget from mid-September
        b.engagement(c, "G2", "E2", "K1")
        b.engagement(c, "G3", "E3", "K2", expert_rate="4.50")
        gid = c.execute(s.engagements.select().where(s.engagements.c.code == "G3")).first().id  # type: ignore[union-attr]
        c.execute(s.engagement_rates.insert(), [  # two rate changes of G3
            dict(engagement_id=gid, valid_from=date(2026, 6, 1), expert_rate_cents=500, client_rate_cents=None,
                 created_at=now_utc(), created_by="test"),
            dict(engagement_id=gid, valid_from=date(2026, 10, 1), expert_rate_cents=550, client_rate_cents=4000,
                 created_at=now_utc(), created_by="test"),
        ])
        for m in range(1, 12):
            b.entry(c, "G1", date(2026, m, 3), minutes=90, km="12", status="approved" if m >= 8 else "logged")
            b.entry(c, "G3", date(2026, m, 5), minutes=120, status="approved" if m >= 9 else "logged")
            if m >= 8:
                b.entry(c, "G1B", date(2026, m, 10), quantity=1)
                b.entry(c, "G2", date(2026, m, 12), minutes=60)
        for day in (20, 21, 22, 23):  # over the month cap
            b.entry(c, "G1", date(2026, 10, day), minutes=600, status="approved")
        b.entry(c, "G1C", date(2026, 10, 21), minutes=60, status="approved")
    eng.dispose()
    return open_workspace(db=str(path))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    w = _admin(tmp_path_factory.mktemp("reads") / "reads.db")
    yield w  # type: ignore[misc]
    w.close()


@pytest.mark.parametrize("code", ["E1", "e3", "E2"])
def test_expert_view_is_what_the_lookups_by_code_give(ws: Workspace, code: str) -> None:
    with ws.engine.connect() as conn:
        v = expert_view_by_code(conn, code)
        assert v.expert == queries.expert(conn, code)
        assert list(v.engagements) == queries.all_engagements(conn, expert_code=code)
        year = Period(date(2026, 1, 1), date(2027, 1, 1))
        assert entries_of(conn, v.engagements, year) == queries.load_entries(conn, period=year, expert_code=code)
    if code == "e3":  # the rate history came along in the same statement
        assert [c[0] for c in v.by_code["G3"].rate_history] == [date(2026, 6, 1), date(2026, 10, 1)]
    assert v.organisation == "Stichting Eigen Kracht"


@pytest.mark.parametrize("period", ["2026-10", "2026-Q3", "2026"])
def test_hours_is_the_overview_built_from_the_lookups(ws: Workspace, period: str) -> None:
    p = parse_period(period)
    doc = hours(ws, "e1", p, made_on=date(2026, 11, 5))
    with ws.engine.connect() as conn:  # the overview as it was built before: every value looked up by code
        person = queries.expert(conn, "e1")
        engs = {g.code: g for g in queries.all_engagements(conn, expert_code="e1")}
        names = {o.code: o.name for o in queries.all_organisations(conn)}
        rows = {r.code: r for r in conn.execute(s.engagements.select().where(s.engagements.c.expert_id == person.id))}
        entries = queries.load_entries(conn, period=p, expert_code="e1")
    units = {c: unit_of(rows[c], max(rows[c].start_date, p.start), ws.ratecard) for c in engs}
    want = build_hours(person, "Stichting Eigen Kracht", p, entries, engs, client_names=names,
                       role_labels={k: r.label for k, r in ws.ratecard.roles.items()}, units=units,
                       made_on=date(2026, 11, 5))
    assert doc == want
    assert doc.lines and {x.client for x in doc.lines} == {"Gemeente Utrecht", "GGZ Centraal"}


def test_hours_reads_in_three_statements(ws: Workspace) -> None:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN (SQLite) or ROLLBACK
            seen.append(statement)

    ws.engine  # noqa: B018 - opened (and migrated) before counting
    event.listen(ws.engine, "before_cursor_execute", count)
    try:
        doc = hours(ws, "E1", Period(date(2026, 1, 1), date(2027, 1, 1)), made_on=None)
    finally:
        event.remove(ws.engine, "before_cursor_execute", count)
    assert len(doc.lines) == 11 + 4 + 4 + 1  # G1 (and its long days), G1B, G1C
    assert len(seen) == 3, seen


def _decisions(ws: Workspace, p: Period, expert: str | None, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[payout.Decision, payout.Decision, int]:
    """The decision ``check`` took (with what it computed) and one made on its own; and how
    often the check input was made during the check."""
    made: list[payout.Decision] = []
    real_decide, real_input = payout.decide, check_input_module.check_input
    calls: list[Period] = []

    def decide(*a, **kw):  # type: ignore[no-untyped-def]
        assert kw.get("checked") is not None
        made.append(real_decide(*a, **kw))
        return made[-1]

    def counted(*a, **kw):  # type: ignore[no-untyped-def]
        calls.append(a[2])
        return real_input(*a, **kw)

    with monkeypatch.context() as m:
        m.setattr(payout, "decide", decide)
        m.setattr(payout, "check_input", counted)
        m.setattr(checks, "check_input", counted)
        checks.check(ws, period=p, expert=expert, today=date(2026, 11, 5))
    assert len(made) == 1
    return made[0], real_decide(ws, p, date(2026, 11, 5), expert=expert), len(calls)


@pytest.mark.parametrize(("period", "expert"), [("2026-10", None), ("2026-11", None), ("2026-10", "E1"),
                                                 ("2026-08", None), ("2026-09", "E2")])
def test_the_decision_of_check_is_the_payouts(ws: Workspace, period: str, expert: str | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    p = parse_period(period)
    got, own, inputs = _decisions(ws, p, expert, monkeypatch)
    assert got.selection == own.selection
    assert got.findings == own.findings
    assert got.priced == own.priced
    assert got.ci == own.ci
    assert (got.names, got.experts, got.invoices) == (own.names, own.experts, own.invoices)
    # the month is loaded and priced once: the decision (its scope starts with the earliest
    # open line, in August) takes the check's input instead of making its own
    assert inputs == 1
    # E1 over the month cap from October, E2 without an IBAN
    want = {"E1", "E2"} if p.start.month >= 10 else {"E2"}
    assert {h.expert for h in got.held} == {x for x in want if expert in (None, x)}


def test_a_scope_in_another_year_checks_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An open line of last year: the decision's input covers two years, so it is made apart."""
    ws = _admin(tmp_path / "two-years.db")
    try:
        with ws.engine.begin() as c:
            b.engagement(c, "G9", "E3", "K1", start=date(2025, 1, 1))
            b.entry(c, "G9", date(2025, 12, 12), minutes=60, status="approved")
        got, own, inputs = _decisions(ws, month(2026, 10), None, monkeypatch)
        assert inputs == 2
        assert got.ci.period.start == own.ci.period.start == date(2025, 12, 12)
        assert (got.selection, got.findings, got.priced) == (own.selection, own.findings, own.priced)
    finally:
        ws.close()


# --- read-only commands read through the lock-free reader (issue 25 leftover) -----------------

READS = [
    (["check", "--period", "2026-10"], "deskundige"),
    (["room", "--expert", "e1", "--on", "2026-10-31"], "Belastingvrije ruimte voor E1"),
    (["hours", "--expert", "E1", "--period", "2026-10"], "Urenoverzicht Anna de Vries (E1)"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("args", "shown"), READS, ids=[a[0] for a, _ in READS])
def test_a_write_succeeds_while_a_read_command_reads(ws: Workspace, cli, args: list[str], shown: str) -> None:  # type: ignore[no-untyped-def]
    """On SQLite a read command's transaction takes no write lock (``BEGIN``, not ``BEGIN
    IMMEDIATE``): another program writes while the command is in the middle of reading, at
    once, and the command still shows what it read before that write (its snapshot)."""
    import sqlite3

    from click.testing import CliRunner
    from sqlalchemy import Engine

    db = str(ws.settings.db)
    outcome: list[str] = []

    def write_now(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if outcome or "FROM entries" not in statement:
            return
        other = sqlite3.connect(db, timeout=0.5, isolation_level=None)  # waits half a second for a lock
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO audit_log (at, actor, action, entity, detail) "
                          "VALUES ('2026-11-05 10:00:00', 'ander', 'test.write', 'entry', '{}')")
            other.execute("COMMIT")
            outcome.append("written")
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))
        finally:
            other.close()

    event.listen(Engine, "before_cursor_execute", write_now)
    try:
        result = CliRunner(env={"VERGOEDING_TODAY": "2026-11-05"}).invoke(cli, ["--db", db, *args])
    finally:
        event.remove(Engine, "before_cursor_execute", write_now)
    assert outcome == ["written"], outcome
    assert result.exit_code in (0, 1), result.output
    assert shown in " ".join(result.output.split())


# every command marked ``reads_only``, as it is run here; None: run by its own test files
# (an invoice or a contract PDF to read), which go through the same reader
READ_ONLY_COMMANDS: dict[str, list[str] | None] = {
    "audit": ["audit", "--limit", "3"],
    "bank list": ["bank", "list"],
    "check": ["check", "--period", "2026-10", "--format", "json"],
    "contract": None,
    "contracts": ["contracts"],
    "engagement list": ["engagement", "list"],
    "engagement show": ["engagement", "show", "g3"],
    "expert list": ["expert", "list"],
    "expert show": ["expert", "show", "E1"],
    "hours": ["hours", "--expert", "E1", "--year", "2026", "--format", "csv"],
    "invoice list": ["invoice", "list"],
    "invoice render": None,
    "invoice show": None,
    "mail list": ["mail", "list"],
    "org list": ["org", "list"],
    "org show": ["org", "show", "K1"],
    "report derden": ["report", "derden", "--year", "2026", "-o", "{tmp}/derden.xlsx"],
    "room": ["room", "--expert", "E1", "--on", "2026-10-31", "--format", "json"],
    "statement": ["statement", "--expert", "E1", "--year", "2026"],
    "user list": ["user", "list"],
}


def _read_only_commands(cli) -> set[str]:  # type: ignore[no-untyped-def]
    import click

    found: set[str] = set()

    def walk(cmd: click.Command, path: list[str]) -> None:
        if getattr(cmd, "reads_only", False):
            found.add(" ".join(path))
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*path, name])  # type: ignore[arg-type]

    walk(cli, [])
    return found


def test_every_read_only_command_reads_through_the_reader(ws: Workspace, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each command that only reads runs through the reader on both backends, and the
    reader refuses a write (so none of them can write half of something outside a
    transaction of its own)."""
    from click.testing import CliRunner
    from sqlalchemy import Engine

    assert _read_only_commands(cli) == set(READ_ONLY_COMMANDS)
    begun: list[bool] = []

    def seen(conn) -> None:  # type: ignore[no-untyped-def]
        from vergoeding.store.db import READ_ONLY

        begun.append(bool(conn.get_execution_options().get(READ_ONLY)))

    runner = CliRunner(env={"VERGOEDING_TODAY": "2026-11-05"})
    for name, args in READ_ONLY_COMMANDS.items():
        if args is None:
            continue
        begun.clear()
        event.listen(Engine, "begin", seen)
        try:
            result = runner.invoke(cli, ["--db", str(ws.settings.db), *[a.format(tmp=tmp_path) for a in args]])
        finally:
            event.remove(Engine, "begin", seen)
        assert result.exit_code == (1 if name == "check" else 0), (name, result.output, result.exception)
        # from the schema version on (store.db.migrate, which writes only when it migrates),
        # every transaction of the command is a reader's
        assert begun and all(begun), (name, begun)
    from vergoeding.store.db import WriteThroughReader

    with pytest.raises(WriteThroughReader), ws.reading().engine.begin() as conn:
        conn.execute(s.audit_log.insert().values(at=now_utc(), actor="x", action="test", entity="entry", detail="{}"))
    with ws.engine.connect() as conn:
        assert conn.execute(s.audit_log.select().where(s.audit_log.c.action == "test")).first() is None
