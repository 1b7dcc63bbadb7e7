"""The batch path of an import (``store.entries_bulk.add_entries``): the same refusals and messages
as ``log`` one by one, day totals across rows of the batch, dedupe inside the batch, one
audit row per entry, nothing written when any row is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vergoeding.api import ledger as api
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.core.period import parse_period
from vergoeding.store import entries, entries_bulk
from vergoeding.store import schema as s
from vergoeding.store.db import transaction


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_workspace(db=str(tmp_path / "v.db"))
    api.add_organisation(w, api.OrganisationData(code="UTR", name="Gemeente Utrecht"))
    api.add_expert(w, api.ExpertData(code="E1", name="Fatima"))
    api.add_engagement(w, api.EngagementData(code="G1", expert="E1", client="UTR", role="trainer",
                                             regime="vrijwilliger", start_date=date(2026, 9, 1),
                                             end_date=date(2027, 1, 1)))
    api.add_engagement(w, api.EngagementData(code="G2", expert="E1", client="UTR", role="adviesraad",
                                             regime="vacatiegeld", start_date=date(2026, 9, 1)))
    yield w
    w.close()


def count(ws: Workspace, table: str) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(s.metadata.tables[table])).scalar() or 0)


def E(code: str, day: date, minutes: int = 120, **kw: object) -> entries.EntryData:  # noqa: N802
    return entries.EntryData(engagement=code, work_date=day, minutes=minutes, **kw)  # type: ignore[arg-type]


def bulk(ws: Workspace, items: list[entries.EntryData]) -> entries_bulk.BulkResult:
    with transaction(ws.engine) as conn:
        return entries_bulk.add_entries(conn, ws.actor, items, ws.ratecard)


def test_good_batch_stores_each_entry_with_its_audit_row(ws: Workspace) -> None:
    audit_before = count(ws, "audit_log")
    items = [E("G1", date(2026, 9, 1)), E("G1", date(2026, 9, 2), 90, activity="training"),
             E("G2", date(2026, 9, 3), 0), E("G1", date(2026, 9, 1))]  # the last one: same as the first
    result = bulk(ws, items)
    assert (result.added, result.duplicates, result.errors) == (3, 1, ())
    assert count(ws, "entries") == 3 and count(ws, "audit_log") == audit_before + 3
    with ws.engine.connect() as conn:
        rows = conn.execute(select(s.entries.c.minutes, s.entries.c.quantity).order_by(s.entries.c.id)).all()
    assert [tuple(r) for r in rows] == [(120, 0), (90, 0), (0, 1)]  # a meeting counts 1 by default
    again = bulk(ws, items)
    assert (again.added, again.duplicates) == (0, 4)


def test_refusals_in_a_batch_match_log_and_store_nothing(ws: Workspace) -> None:
    api.log(ws, E("G1", date(2026, 9, 10), 600))
    api.approve(ws, parse_period("2026-09"))
    api.lock(ws, parse_period("2026-09"), "verantwoord")
    before = (count(ws, "entries"), count(ws, "audit_log"))
    items = [
        E("G1", date(2026, 10, 1), 0),  # 0: zero time
        E("G9", date(2026, 10, 1)),  # 1: unknown engagement
        E("G1", date(2027, 2, 1)),  # 2: outside the engagement
        E("G1", date(2026, 9, 11)),  # 3: locked period
        E("G1", date(2026, 10, 2), 14 * 60),  # 4: fine on its own
        E("G2", date(2026, 10, 2), 11 * 60),  # 5: with row 4 more than 24 hours on one day
        E("G1", date(2026, 10, 3), 60),  # 6: fine
    ]
    result = bulk(ws, items)
    assert result.added == 0
    got = {n: (e.field, e.reason) for n, e in result.errors}
    assert sorted(got) == [0, 1, 2, 3, 5]
    assert got[0] == ("uren", "0 uur: vul de gewerkte tijd in (bijvoorbeeld 2,5 of 2:30); een regel zonder uren "
                      "kan alleen met een vast bedrag (--amount) of met alleen onkosten, km of iets in natura")
    assert got[1] == ("opdracht", "opdracht 'G9' bestaat niet")
    assert got[2] == ("datum", "01-02-2027 valt buiten opdracht G1 (01-09-2026 tot en met 31-12-2026)")
    assert got[3][0] == "datum" and "ligt in een afgesloten periode" in got[3][1]
    assert got[5] == ("uren", "op 02-10-2026 staat voor deze deskundige al 14:00 uur; met 11:00 erbij wordt "
                              "het 25:00, meer dan 24 uur op één dag")
    assert (count(ws, "entries"), count(ws, "audit_log")) == before
    # one by one, log gives the same messages
    for n in (0, 2):
        with pytest.raises(Exception) as exc:
            api.log(ws, items[n])
        assert exc.value.reason == got[n][1]  # type: ignore[attr-defined]
    assert (count(ws, "entries"), count(ws, "audit_log")) == before


def test_day_total_counts_what_is_already_stored(ws: Workspace) -> None:
    api.log(ws, E("G2", date(2026, 10, 5), 20 * 60))
    result = bulk(ws, [E("G1", date(2026, 10, 5), 3 * 60), E("G1", date(2026, 10, 5), 5 * 60)])
    assert result.added == 0 and [n for n, _ in result.errors] == [1]
    assert "al 23:00 uur" in result.errors[0][1].reason


def test_a_large_batch_checks_stored_keys_and_day_totals_the_same_way(ws: Workspace) -> None:
    """More than one chunk (500): the lookups go through scratch tables; same outcome."""
    from datetime import timedelta

    logged = api.log(ws, E("G1", date(2026, 9, 1), 20 * 60, activity="hele dag"))
    first = date(2026, 9, 2)
    items = [E("G1", first + timedelta(days=i % 100), 30, activity=f"taak {i}") for i in range(600)]
    bad = [*items, E("G2", date(2026, 9, 1), 5 * 60), E("G1", date(2026, 9, 1), 20 * 60, activity="hele dag")]
    result = bulk(ws, bad)
    assert result.added == 0 and result.duplicates == 1  # the last one is the logged entry
    assert [(n, e.field) for n, e in result.errors] == [(600, "uren")]
    assert "al 20:00 uur" in result.errors[0][1].reason
    before = count(ws, "audit_log")
    result = bulk(ws, [*items, E("G1", date(2026, 9, 1), 20 * 60, activity="hele dag")])
    assert (result.added, result.duplicates, result.errors) == (600, 1, ())
    assert count(ws, "entries") == 601 and count(ws, "audit_log") == before + 600
    with ws.engine.connect() as conn:
        a = s.audit_log
        details = [r[0] for r in conn.execute(select(a.c.detail).where(a.c.entity == "entry").order_by(a.c.id))]
        ids = conn.execute(select(a.c.entity_id).where(a.c.entity == "entry").order_by(a.c.id)).scalars().all()
        keys = dict(conn.execute(select(s.entries.c.id, s.entries.c.activity)).all())
    # the batch writes the same audit detail as logging one by one, each pointing at its entry
    assert details[0] == '{"date": "2026-09-01", "engagement": "G1", "minutes": 1200, "quantity": 0}'
    assert details[1] == '{"date": "2026-09-02", "engagement": "G1", "minutes": 30, "quantity": 0}'
    assert ids[0] == logged.id and sorted(keys[i] for i in ids[1:]) == sorted(f"taak {i}" for i in range(600))
