"""Every refusal of the ledger: the message, and the database unchanged (rows and audit)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from vergoeding.api import ledger as api
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.core.period import parse_period
from vergoeding.errors import VergoedingError
from vergoeding.store import schema as s

TABLES = ("organisations", "experts", "declarations", "engagements", "entries", "locked_periods", "audit_log")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_workspace(db=str(tmp_path / "v.db"))
    api.add_organisation(w, api.OrganisationData(code="EIGEN", kind="own", name="Stichting Eigen", kvk="12345678",
                                                 iban="NL91ABNA0417164300", is_anbi=True, may_pay_volunteers=True))
    api.add_organisation(w, api.OrganisationData(code="UTR", name="Gemeente Utrecht", oin="00000001002220647000"))
    api.add_expert(w, api.ExpertData(code="E1", name="Fatima", date_of_birth=date(1980, 1, 1),
                                     iban="NL44RABO0123456789", bsn="111222333"))
    api.add_engagement(w, api.EngagementData(code="G1", expert="E1", client="UTR", role="trainer",
                                             regime="vrijwilliger", start_date=date(2026, 9, 1),
                                             end_date=date(2027, 1, 1), travel_policy="km"))
    api.add_engagement(w, api.EngagementData(code="G2", expert="E1", client="UTR", role="adviseur",
                                             regime="vrijwilliger", start_date=date(2026, 9, 1)))
    yield w
    w.close()


def snapshot(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as conn:
        return {t: int(conn.execute(select(func.count()).select_from(s.metadata.tables[t])).scalar() or 0)
                for t in TABLES}


def refused(ws: Workspace, call, match: str) -> VergoedingError:  # noqa: ANN001
    before = snapshot(ws)
    with pytest.raises(VergoedingError) as exc:
        call()
    assert match in exc.value.message, exc.value.message
    assert snapshot(ws) == before
    return exc.value


def log(ws: Workspace, code: str = "G1", day: date = date(2026, 11, 3), minutes: int = 150, **kw):  # noqa: ANN003, ANN201
    return api.log(ws, api.EntryData(engagement=code, work_date=day, minutes=minutes, **kw))


def test_zero_time_refused(ws: Workspace) -> None:
    err = refused(ws, lambda: log(ws, minutes=0), "0 uur")
    assert err.field == "uren"


def test_negative_time_refused(ws: Workspace) -> None:
    refused(ws, lambda: log(ws, minutes=-30), "negatieve tijd")


def test_more_than_24_hours_on_one_day_across_engagements(ws: Workspace) -> None:
    log(ws, "G1", minutes=600, activity="a")
    log(ws, "G2", minutes=600, activity="b")
    err = refused(ws, lambda: log(ws, "G1", minutes=300, activity="c"), "meer dan 24 uur op één dag")
    assert "al 20:00 uur" in err.message and "25:00" in err.message
    log(ws, "G1", minutes=240, activity="d")  # exactly 24:00 is allowed


def test_single_entry_over_24_hours(ws: Workspace) -> None:
    refused(ws, lambda: log(ws, minutes=1500), "hoogstens 24 uur")


def test_date_outside_engagement(ws: Workspace) -> None:
    err = refused(ws, lambda: log(ws, day=date(2027, 1, 1)), "valt buiten opdracht G1")
    assert "01-09-2026 tot en met 31-12-2026" in err.message
    refused(ws, lambda: log(ws, day=date(2026, 8, 31)), "valt buiten opdracht G1")


def test_unknown_engagement(ws: Workspace) -> None:
    err = refused(ws, lambda: log(ws, code="G9"), "opdracht 'G9' bestaat niet")
    assert err.field == "opdracht"


def test_entry_in_locked_period(ws: Workspace) -> None:
    log(ws)
    api.approve(ws, parse_period("2026-11"))
    api.lock(ws, parse_period("2026-11"), "uitbetaald")
    refused(ws, lambda: log(ws, day=date(2026, 11, 4)), "ligt in een afgesloten periode")


def test_km_without_travel_policy(ws: Workspace) -> None:
    refused(ws, lambda: log(ws, code="G2", km=Decimal(12)), "vergoedt geen reiskosten")


def test_lock_refused_while_entries_wait_for_approval(ws: Workspace) -> None:
    log(ws)
    refused(ws, lambda: api.lock(ws, parse_period("2026-11"), "klaar"), "niet zijn goedgekeurd")
    refused(ws, lambda: api.lock(ws, parse_period("2026-10"), "  "), "geef een reden")


def test_correction_needs_reason_and_a_change(ws: Workspace) -> None:
    entry = log(ws)
    refused(ws, lambda: api.correct(ws, entry.id, reason="", minutes=120), "reden")
    refused(ws, lambda: api.correct(ws, entry.id, reason="x", minutes=150), "verandert niets")
    refused(ws, lambda: api.correct(ws, 999, reason="x", minutes=60), "bestaat niet")
    refused(ws, lambda: api.correct(ws, entry.id, reason="x", minutes=-5), "niet negatief")


def test_correction_of_a_locked_entry_stores_the_delta(ws: Workspace) -> None:
    entry = log(ws)
    api.approve(ws, parse_period("2026-11"))
    api.lock(ws, parse_period("2026-11"), "uitbetaald")
    cid = api.correct(ws, entry.id, reason="training duurde 2 uur", minutes=120)
    rows = {e.id: e for e in api.hours(ws, "E1", parse_period("2026-11"), made_on=date(2026, 12, 1)).lines}
    assert rows[entry.id].minutes == 150 and rows[entry.id].status == "approved"
    assert rows[cid].minutes == -30 and rows[cid].correction_of == entry.id
    # a second correction is relative to original + first correction
    cid2 = api.correct(ws, cid, reason="toch 2,5 uur", minutes=150)
    doc = api.hours(ws, "E1", parse_period("2026-11"), made_on=date(2026, 12, 1))
    assert {x.id: x.minutes for x in doc.lines}[cid2] == 30
    assert doc.total.minutes == 150
    audit = api.audit_log(ws, "entry", cid)
    assert audit[0].action == "correct" and audit[0].detail["reason"] == "training duurde 2 uur"


def test_same_entry_twice_asks_for_allow_duplicate(ws: Workspace) -> None:
    first = log(ws, activity="training")
    err = refused(ws, lambda: log(ws, "g1", activity="training"), f"regel {first.id} is al precies zo vastgelegd")
    assert "03-11-2026, 2:30 uur, training" in err.message and "--allow-duplicate" in err.message
    second = api.log(ws, api.EntryData(engagement="G1", work_date=date(2026, 11, 3), minutes=150, activity="training"),
                     allow_duplicate=True)
    third = api.log(ws, api.EntryData(engagement="g1", work_date=date(2026, 11, 3), minutes=150, activity="training"),
                    allow_duplicate=True)
    assert len({first.id, second.id, third.id}) == 3
    doc = api.hours(ws, "E1", parse_period("2026-11"), made_on=None)
    assert doc.total.minutes == 450


def test_codes_are_matched_regardless_of_case(ws: Workspace) -> None:
    entry = log(ws, "g1", activity="kleine letters")
    assert api.engagement(ws, "g1").code == "G1"
    assert [x.id for x in api.hours(ws, "e1", parse_period("2026-11"), made_on=None).lines] == [entry.id]
    refused(ws, lambda: api.add_engagement(ws, api.EngagementData(
        code="g1", expert="E1", client="utr", role="trainer", regime="vrijwilliger", start_date=date(2026, 1, 1))),
        "bestaat al")


def test_only_one_own_organisation(ws: Workspace) -> None:
    refused(ws, lambda: api.add_organisation(ws, api.OrganisationData(code="X", kind="own", name="Nog een")),
            "er is al een eigen organisatie (EIGEN)")


def test_invalid_identifiers_refused(ws: Workspace) -> None:
    refused(ws, lambda: api.add_expert(ws, api.ExpertData(code="E2", name="X", iban="NL00ABNA0417164300")),
            "geen geldig IBAN")
    err = refused(ws, lambda: api.add_expert(ws, api.ExpertData(code="E2", name="X", bsn="123456789")), "elfproef")
    assert "123456789" not in err.message
    refused(ws, lambda: api.add_organisation(ws, api.OrganisationData(code="K", name="K", kvk="123")), "8 cijfers")
    refused(ws, lambda: api.add_organisation(ws, api.OrganisationData(code="K", name="K", oin="123")), "20 cijfers")
    refused(ws, lambda: api.add_expert(ws, api.ExpertData(code="E1", name="Dubbel")), "bestaat al")


def test_engagement_refusals(ws: Workspace) -> None:
    base = api.EngagementData(code="G3", expert="E1", client="UTR", role="trainer", regime="vrijwilliger",
                              start_date=date(2026, 9, 1))
    from dataclasses import replace

    refused(ws, lambda: api.add_engagement(ws, replace(base, role="kok")), "staat niet op de tariefkaart")
    refused(ws, lambda: api.add_engagement(ws, replace(base, regime="vacatiegeld")), "niet aangeboden als vacatiegeld")
    refused(ws, lambda: api.add_engagement(ws, replace(base, end_date=date(2026, 8, 1))), "vóór de startdatum")
    refused(ws, lambda: api.add_engagement(ws, replace(base, expert="E9")), "'E9' bestaat niet")
    refused(ws, lambda: api.add_engagement(ws, replace(base, vat_exemption="kor")), "hoort bij regime zzp")
    log(ws)
    refused(ws, lambda: api.edit_engagement(ws, "G1", {"end_date": date(2026, 11, 1)}), "moet die dagen blijven")


def test_edit_writes_audit_without_bsn(ws: Workspace) -> None:
    api.edit_expert(ws, "E1", {"bsn": "123456782", "city": "Utrecht"})
    row = api.audit_log(ws, "expert")[-1]
    assert row.action == "edit" and row.detail["changes"]["city"] == ["", "Utrecht"]
    assert row.detail["changes"]["bsn"] == "(gewijzigd)"
    with ws.engine.connect() as conn:
        details = " ".join(r[0] for r in conn.execute(select(s.audit_log.c.detail)))
    assert "111222333" not in details and "123456782" not in details


def test_approve_by_expert_and_period(ws: Workspace) -> None:
    log(ws, day=date(2026, 10, 5))
    log(ws, day=date(2026, 11, 5))
    assert len(api.approve(ws, parse_period("2026-10"), "E1")) == 1
    assert api.approve(ws, parse_period("2026-10")) == []
    refused(ws, lambda: api.approve(ws, parse_period("2026-11"), "E9"), "bestaat niet")


def test_new_expert_audit_says_bsn_on_file_without_it(ws: Workspace) -> None:
    rows = [r for r in api.audit_log(ws, "expert") if r.action == "add" and "bsn" in r.detail]
    assert rows and all(r.detail["bsn"] == "(vastgelegd)" for r in rows)


def test_negative_zero_from_the_command_line_is_stored_as_zero(ws: Workspace, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from vergoeding.__main__ import load_cli

    cli = load_cli().cli
    env = {"VERGOEDING_DB": str(tmp_path / "v.db"), "VERGOEDING_TODAY": "2026-11-20"}
    r = CliRunner(env=env).invoke(cli, ["log", "--engagement", "G1", "--date", "4-11-2026", "--hours", "1",
                                        "--km", "-0,0", "--expense", "€ -0", "--activity", "nul"])
    assert r.exit_code == 0, r.output
    out = CliRunner(env=env).invoke(cli, ["hours", "--expert", "E1", "--period", "2026-11", "--format", "json"])
    lines = [ln for ln in json.loads(out.stdout)["lines"] if ln["activity"] == "nul"]
    assert [(ln["km"], ln["expense"]) for ln in lines] == [("0", "0.00")]
