# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Paid or invoiced work is final in every dimension (issue 20, items 1 and 2).

One administration, built through the command line, holds every kind of final line: paid
and invoiced (GP, particulier), invoiced and not paid (GV's client invoice, GZ's zzp invoice),
paid and not invoiced (GW, with a follow-up payout). Every hostile edit of an engagement over
those lines (other regimes both ways, client, expert, role, level, unit, travel, zzp terms,
rates) is refused: exit 1, a Dutch message naming the lines and the way out, no traceback,
the database unchanged (a dump of every table before and after). The documents about paid
money read the paid line even when the engagement was changed underneath it (a database
from before the rule)."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import builders as b
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from vergoeding.store import schema as s

NOV = {"VERGOEDING_TODAY": "2026-11-20"}
OCT = [date(2026, 10, d) for d in (5, 12, 19)]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (either backend)."""
    eng = b.new_engine(path)
    out = {}
    with eng.connect() as c:
        for name, table in s.metadata.tables.items():
            out[name] = [tuple(r) for r in c.execute(select(table).order_by(*table.primary_key.columns))]
    eng.dispose()
    return out


def _run(cli, db: Path, *args: str):
    unset = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    r = CliRunner(env={**unset, "VERGOEDING_DB": str(db), **NOV}).invoke(cli, list(args))
    return SimpleNamespace(exit_code=r.exit_code, stdout=r.stdout.replace("\xa0", " "),
                           stderr=r.stderr.replace("\xa0", " "), exception=r.exception)


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory):
    from vergoeding.__main__ import load_cli

    cli = load_cli().cli
    db = tmp_path_factory.mktemp("final") / "v.db"
    eng = b.new_engine(db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.org(c, "ZORG", name="Zorgstichting")
        b.expert(c, "E1", name="Vera Vrijwilliger")
        b.expert(c, "E2", name="Zora Zzp", kvk="87654321", vat_id="NL000099998B57")
        b.expert(c, "E3", name="Piet Particulier", bsn="111222333")
        b.engagement(c, "GV", "E1", "GEM", regime="vrijwilliger", expert_rate="5.00", client_rate="50.00")
        b.engagement(c, "GW", "E1", "ZORG", regime="vrijwilliger", expert_rate="5.00", client_rate="50.00")
        b.engagement(c, "GZ", "E2", "ZORG", regime="zzp", expert_rate="60.00", client_rate="80.00")
        b.engagement(c, "GP", "E3", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        for code in ("GV", "GW", "GZ", "GP"):
            for day in OCT:
                b.entry(c, code, day, minutes=120)
        b.entry(c, "GV", date(2026, 11, 3), minutes=60, status="logged")
    eng.dispose()
    steps = [("invoice", "create", "--client", "GEM", "--period", "2026-10"),  # GV and GP: invoiced
             ("invoice", "receive", "--expert", "E2", "--period", "2026-10", "--number", "ZZ-17",
              "--date", "31-10-2026"),  # GZ: on the invoice the zzp'er sent, not paid
             ("payout", "--period", "2026-10", "--out", str(db.parent / "p1"), "--expert", "E3"),  # GP: paid
             ("payout", "--period", "2026-10", "--out", str(db.parent / "p2"), "--expert", "E1")]  # GV, GW: paid
    for args in steps:
        r = _run(cli, db, *args)
        assert r.exit_code == 0, (args, r.stdout, r.stderr)
    eng = b.new_engine(db)
    with eng.begin() as c:  # a late line of October, paid by a follow-up payout
        b.entry(c, "GW", date(2026, 10, 26), minutes=60)
    eng.dispose()
    r = _run(cli, db, "payout", "--period", "2026-10", "--out", str(db.parent / "p3"), "--expert", "E1")
    assert r.exit_code == 0, r.stderr
    assert "2026-10.3" in r.stdout
    return SimpleNamespace(cli=cli, db=db)


# (arguments, fragments of the refusal): every final dimension, every kind of final line
HOSTILE = [
    (["GP", "--regime", "vrijwilliger"], ["het regime (particulier -> vrijwilliger)", "betaald in uitbetaling 2026-10,"
                                          " op factuur 2026-0001", "--start 20-10-2026"]),
    (["GP", "--regime", "zzp"], ["het regime (particulier -> zzp)", "--regime zzp --start 20-10-2026"]),
    (["GZ", "--regime", "particulier"], ["het regime (zzp -> particulier)", "op factuur ZZ-17",
                                         "--expert-rate 60,00 --client-rate 80,00"]),
    (["GZ", "--regime", "vrijwilliger"], ["het regime (zzp -> vrijwilliger)", "3 regel(s)"]),
    (["GW", "--regime", "particulier"], ["het regime (vrijwilliger -> particulier)",
                                         "regel 14 (26-10-2026, betaald in uitbetaling 2026-10.3)",
                                         "vergoeding engagement edit GW --end 26-10-2026"]),
    (["GW", "--regime", "loondienst"], ["het regime (vrijwilliger -> loondienst)"]),
    (["GV", "--regime", "particulier"], ["op factuur 2026-0001", "betaald in uitbetaling 2026-10.2",
                                         "op GV staan ook regels na 19-10-2026 (tot en met 03-11-2026)"]),
    (["GW", "--client", "GEM"], ["de opdrachtgever (ZORG -> GEM)", "--client GEM"]),
    (["GW", "--expert", "E3"], ["de deskundige (E1 -> E3)", "--expert E3"]),
    (["GZ", "--client", "GEM"], ["de opdrachtgever (ZORG -> GEM)", "op factuur ZZ-17"]),
    (["GV", "--role", "trainer"], ["de rol (adviseur -> trainer)"]),
    (["GV", "--level", "senior"], ["het niveau (standaard -> senior)", "--level senior"]),
    (["GP", "--unit", "dag"], ["de eenheid (volgens de tariefkaart -> dag)", "--unit dag"]),
    (["GW", "--travel", "km", "--km-rate", "0,30"], ["de reiskosten (--travel) (geen -> km)",
                                                     "het km-tarief (de fiscale km-vergoeding -> € 0,30)"]),
    (["GZ", "--self-billing"], ["de zelffacturering (nee -> ja)"]),
    (["GZ", "--vat-exemption", "kor"], ["de btw-vrijstelling (geen -> kor)"]),
    (["GW", "--expert-rate", "9"], ["raakt 4 betaalde regel(s) van opdracht GW", "--from 27-10-2026"]),
    (["GZ", "--expert-rate", "70", "--from", "12-10-2026"], ["raakt 2 gefactureerde regel(s) van opdracht GZ"]),
    (["GV", "--client-rate", "55"], ["van de opdrachtgever raakt 3 gefactureerde regel(s)", "creditnota"]),
]


@pytest.mark.parametrize(("args", "fragments"), HOSTILE, ids=[" ".join(a) for a, _ in HOSTILE])
def test_an_edit_over_paid_or_invoiced_work_is_refused_and_changes_nothing(admin, args, fragments) -> None:
    before = dump(admin.db)
    r = _run(admin.cli, admin.db, "engagement", "edit", *args)
    assert r.exit_code == 1, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("fout: ") and "Er is niets gewijzigd." in r.stderr
    assert "Traceback" not in r.stderr and not isinstance(r.exception, AssertionError)
    for fragment in fragments:
        if fragment not in r.stderr:
            print(r.stderr)
        assert fragment in r.stderr, fragment
    assert dump(admin.db) == before


def test_edits_that_touch_nothing_final_still_go_through(admin) -> None:
    """Not final: the description, the budget, an end after the last line, the same regime
    again, and a rate from after the last paid day."""
    for args in (["GW", "--description", "ervaringswerk"], ["GW", "--budget-hours", "40"],
                 ["GW", "--regime", "vrijwilliger"], ["GW", "--expert-rate", "6", "--from", "27-10-2026"]):
        r = _run(admin.cli, admin.db, "engagement", "edit", *args)
        assert r.exit_code == 0, (args, r.stderr)


def test_the_api_and_the_store_refuse_the_same(admin) -> None:
    from vergoeding.api.ledger import edit_engagement
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings
    from vergoeding.errors import RuleViolation
    from vergoeding.store import ledger

    before = dump(admin.db)
    ws = Workspace(Settings(db=str(admin.db), actor="test"))
    with pytest.raises(RuleViolation, match=r"het regime \(zzp -> particulier\)"):
        edit_engagement(ws, "GZ", {"regime": "particulier"})
    eng = b.new_engine(admin.db)
    with pytest.raises(RuleViolation, match=r"de deskundige \(E3 -> E1\)"), eng.begin() as c:
        ledger.edit_engagement(c, "test", "GP", {"expert": "E1"})
    eng.dispose()
    assert dump(admin.db) == before


def test_documents_read_the_paid_line_not_the_engagement_as_it_is_now(admin, tmp_path: Path) -> None:
    """A database from before the rule: the engagement's regime, client and role were changed
    underneath paid lines. The third-party report, the year statement and 'room' still show
    what was paid, under the regime it was paid under."""
    import openpyxl

    db = tmp_path / "old.db"
    src = dump(admin.db)
    target = b.new_engine(db)
    with target.begin() as c:
        for table in s.metadata.sorted_tables:  # a table after the tables its foreign keys point to
            name = table.name
            if name != "schema_version" and src[name]:
                c.execute(table.insert(), [dict(zip(table.columns.keys(), row, strict=True)) for row in src[name]])
        gem = c.execute(select(s.organisations.c.id).where(s.organisations.c.code == "ZORG")).scalar_one()
        c.execute(update(s.engagements).where(s.engagements.c.code == "GP")
                  .values(regime="vrijwilliger", client_id=gem, role="buddy"))
        if c.dialect.name == "postgresql":  # ids were inserted as given: move the sequences on
            for name in s.metadata.tables:
                if "id" in s.metadata.tables[name].c:
                    c.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                   f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))
    target.dispose()
    out = tmp_path / "derden.xlsx"
    r = _run(admin.cli, db, "report", "derden", "--year", "2026", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert [row[1:] for row in rows if row[0] == "111222333"] == [
        ("Piet Particulier", "Kerkstraat 5", "3511 BB", "Utrecht", datetime(1980, 5, 17), 240,
         datetime(2026, 11, 23), "Betaling aan particulier")]
    r = _run(admin.cli, db, "statement", "--expert", "E3", "--year", "2026", "--format", "json")
    assert r.exit_code == 0, r.stderr
    st = json.loads(r.stdout)
    assert [(x["month"], x["regime"], x["paid"]) for x in st["rows"]] == [
        ("2026-10", "Betaling aan particulier", "240.00")]
    assert st["volunteer_total"] == "0.00"
    assert [(x["regime"], x["total"], x["note"]) for x in st["reported_to_tax"]] == [
        ("Betaling aan particulier", "240.00", "")]
    # 'room': the particulier payment never counts towards the volunteer caps
    r = _run(admin.cli, db, "room", "--expert", "E3", "--on", "31-10-2026", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert [(x["period"], x["counted"]) for x in json.loads(r.stdout)["periods"]] == [("2026-10", "0.00"),
                                                                                        ("2026", "0.00")]


@pytest.mark.pg_empty
def test_the_upgrade_fills_the_terms_of_existing_paid_lines(tmp_path: Path) -> None:
    """Migration 15 on a database with data: every existing paid line gets the client, role,
    level and zzp terms of its engagement; a reader of the line then no longer needs the
    engagement for them."""
    from vergoeding.store import db as store_db
    from vergoeding.store.db import MIGRATIONS, make_engine, migrate, now_utc
    from vergoeding.store.payouts import load_paid_lines

    engine = make_engine(store_db.db_url(tmp_path / "v11.db"))
    assert migrate(engine, [m for m in MIGRATIONS if m[0] <= 14]) == 14
    with engine.begin() as c:
        b.org(c, "EIGEN", kind="own")
        b.org(c, "GEM")
        b.expert(c, "E1")
        b.engagement(c, "G1", "E1", "GEM", role="trainer", regime="particulier", level="senior", expert_rate="40")
        entry = b.entry(c, "G1", date(2026, 10, 5), minutes=60, status="settled")
        pid = c.execute(s.payouts.insert().values(
            number="2026-10", period="2026-10", created_at=now_utc(), execution_date=date(2026, 11, 2),
            total_cents=4000, batch_msg_id="m", snapshot="{}")).inserted_primary_key[0]
        c.execute(s.entries.update().values(payout_id=pid))
        c.execute(text("INSERT INTO paid_lines (payout_id, entry_id, expert_id, engagement_id, regime, work_date, "
                       "late, unit, quantity, minutes, unit_price_cents, km, fee_cents, travel_cents, "
                       "expenses_fixed_cents, expenses_receipt_cents, inkind_cents, cap_cents, activity, figures) "
                       "VALUES (:p, :e, 1, 1, 'particulier', :d, false, 'uur', '1', 60, 4000, '0', 4000, 0, 0, 0, "
                       "0, 0, 'werk', '{}')"), {"p": pid, "e": entry, "d": date(2026, 10, 5)})
    assert migrate(engine) == MIGRATIONS[-1][0]
    with engine.connect() as c:
        row = c.execute(select(s.paid_lines.c.client_id, s.paid_lines.c.role, s.paid_lines.c.level,
                               s.paid_lines.c.self_billing, s.paid_lines.c.vat_exemption)).one()
        gem = c.execute(select(s.organisations.c.id).where(s.organisations.c.code == "GEM")).scalar_one()
        assert tuple(row) == (gem, "trainer", "senior", False, None)
        (line,) = load_paid_lines(c)
        assert (line.client, line.role, line.level, line.self_billing, line.regime.value) == (
            "GEM", "trainer", "senior", False, "particulier")
    engine.dispose()
