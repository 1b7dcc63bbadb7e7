# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""Rates change from a date (issue 11 item 2), through the CLI: work before the change keeps the
old price, work on or after it gets the new one (hours, check, payout, client invoice); an edit
that covers approved work lists it, one that covers paid or invoiced work is refused and changes
nothing; paid work is corrected by amount and settled once by the next payout."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import builders as b
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.store import schema as s

DEC = {"VERGOEDING_TODAY": "2026-12-15"}
JAN = {"VERGOEDING_TODAY": "2027-01-15"}


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "P1", name="Pieter Particulier", bsn="111222333")
        b.engagement(c, "GP1", "P1", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        for day in (date(2026, 11, 3), date(2026, 11, 14), date(2026, 11, 15), date(2026, 11, 30), date(2026, 12, 1)):
            b.entry(c, "GP1", day, minutes=60)  # regels 1..5
        b.entry(c, "GP1", date(2026, 12, 10), minutes=90, status="logged")  # regel 6
    eng.dispose()


def rows(path: Path, query):  # noqa: ANN001, ANN201
    eng = b.new_engine(path)
    with eng.connect() as c:
        out = [tuple(r) for r in c.execute(query).all()]
    eng.dispose()
    return out


def run(cli, runner: CliRunner, *args: str, env=DEC):  # noqa: ANN001, ANN201
    """The result with every no-break space (in "€\u00a045,00") read as a space."""
    r = runner.invoke(cli, list(args), env=env)
    return SimpleNamespace(exit_code=r.exit_code, stdout=r.stdout.replace("\xa0", " "),
                           stderr=r.stderr.replace("\xa0", " "), output=r.output.replace("\xa0", " "))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\xa0", " ")


HISTORY = select(s.engagement_rates.c.valid_from, s.engagement_rates.c.expert_rate_cents,
                 s.engagement_rates.c.client_rate_cents, s.engagement_rates.c.reason).order_by(s.engagement_rates.c.valid_from)


def two_changes(cli, runner: CliRunner) -> None:
    """From 15-11 (mid-month) € 45 / € 70, from 01-12 (the 1st) € 50 (client rate carried over)."""
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "45", "--client-rate", "70",
            "--from", "15-11-2026", "--reason", "nieuwe afspraak")
    assert r.exit_code == 0, r.output
    assert r.stdout == "Opdracht GP1 bijgewerkt: nieuw tarief vanaf 15-11-2026.\n"
    assert r.stderr.splitlines() == [
        "Let op: 3 goedgekeurde, nog niet betaalde regel(s) krijgen het nieuwe tarief:",
        "  regel 3 van 15-11-2026: deskundige € 40,00 -> € 45,00, opdrachtgever € 60,00 -> € 70,00",
        "  regel 4 van 30-11-2026: deskundige € 40,00 -> € 45,00, opdrachtgever € 60,00 -> € 70,00",
        "  regel 5 van 01-12-2026: deskundige € 40,00 -> € 45,00, opdrachtgever € 60,00 -> € 70,00",
        "1 ingevoerde (nog niet goedgekeurde) regel(s) krijgen het nieuwe tarief.",
    ]
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "50", "--from", "1-12-2026")
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        "Let op: 1 goedgekeurde, nog niet betaalde regel(s) krijgen het nieuwe tarief:",
        "  regel 5 van 01-12-2026: deskundige € 45,00 -> € 50,00",
        "1 ingevoerde (nog niet goedgekeurde) regel(s) krijgen het nieuwe tarief.",
    ]


def test_rate_change_from_a_date_prices_by_work_date(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    two_changes(cli, runner)
    assert rows(tmp_db, HISTORY) == [(date(2026, 11, 15), 4500, 7000, "nieuwe afspraak"),
                                     (date(2026, 12, 1), 5000, 7000, None)]
    # the engagement's own columns stay the rate from the start
    assert rows(tmp_db, select(s.engagements.c.expert_rate_cents, s.engagements.c.client_rate_cents)) == [(4000, 6000)]
    r = run(cli, runner, "engagement", "show", "GP1")
    assert r.exit_code == 0, r.output
    assert "tarief deskundige     € 40,00" in r.stdout
    assert r.stdout.splitlines()[-3:] == [
        "tariefgeschiedenis (de tarieven hierboven gelden vanaf de start):",
        "tarief vanaf 15-11-2026: deskundige € 45,00, opdrachtgever € 70,00 (reden: nieuwe afspraak)",
        "tarief vanaf 01-12-2026: deskundige € 50,00, opdrachtgever € 70,00",
    ]
    shown = json.loads(run(cli, runner, "engagement", "show", "GP1", "--format", "json").stdout)
    assert [(h["from"], h["expert_rate"], h["client_rate"], h["reason"]) for h in shown["rate_history"]] == [
        ("2026-11-15", "45.00", "70.00", "nieuwe afspraak"), ("2026-12-01", "50.00", "70.00", None)]
    # hours: the hours themselves do not change
    hours = json.loads(run(cli, runner, "hours", "--expert", "P1", "--period", "2026-11", "--format", "json").stdout)
    assert hours["total"]["minutes"] == 240 and hours["total"]["lines"] == 4
    # payout of November: 2 x 40 (before 15-11) + 2 x 45 (15-11 and 30-11)
    r = run(cli, runner, "payout", "--period", "2026-11", "--out", str(tmp_path / "nov"))
    assert r.exit_code == 0, r.output
    assert "totaal € 170,00, 4 regel(s) afgerekend." in r.stdout
    assert rows(tmp_db, select(s.paid_lines.c.entry_id, s.paid_lines.c.unit_price_cents, s.paid_lines.c.fee_cents)
                .order_by(s.paid_lines.c.entry_id)) == [(1, 4000, 4000), (2, 4000, 4000), (3, 4500, 4500),
                                                         (4, 4500, 4500)]
    # the client invoice of November at the client rate of each day: 2 x 60 + 2 x 70
    r = run(cli, runner, "invoice", "create", "--client", "GEM", "--period", "2026-11")
    assert r.exit_code == 0, r.output
    assert rows(tmp_db, select(s.invoices.c.number, s.invoices.c.total_excl_cents)) == [("2026-0001", 26000)]
    assert sorted(rows(tmp_db, select(s.invoice_lines.c.unit_price_cents, s.invoice_lines.c.amount_cents))) == [
        (6000, 12000), (7000, 14000)]
    # December: the change on the 1st applies to the 1st (50, not 45)
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "dec"))
    assert r.exit_code == 0, r.output
    assert "totaal € 50,00, 1 regel(s) afgerekend." in r.stdout
    r = run(cli, runner, "approve", "--period", "2026-12")
    assert r.exit_code == 0, r.output
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "dec2"))
    assert r.exit_code == 0, r.output
    assert "totaal € 75,00, 1 regel(s) afgerekend." in r.stdout  # 1,5 uur x 50


def meetings(path: Path) -> None:
    """A volunteer paid per meeting: 4 meetings in November at € 50 = € 200 (cap € 220)."""
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Vrijwilliger", bsn="123456782")
        b.engagement(c, "GV1", "V1", "GEM", unit="bijeenkomst", expert_rate="50.00", client_rate="80.00")
        for d in (2, 9, 16, 23):
            b.entry(c, "GV1", date(2026, 11, d), quantity=1)
    eng.dispose()


def test_check_sees_the_rate_of_the_work_date_on_both_paths(cli, runner: CliRunner, tmp_db: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    meetings(tmp_db)
    r = run(cli, runner, "check", "--period", "2026-11", "--format", "json")
    assert r.exit_code == 0 and not [f for f in json.loads(r.stdout) if f["rule"] == "volunteer.month_cap"]
    r = run(cli, runner, "engagement", "edit", "GV1", "--expert-rate", "65", "--from", "16-11-2026")
    assert r.exit_code == 0, r.output
    assert "regel 3 van 16-11-2026: deskundige € 50,00 -> € 65,00" in r.stderr
    r = run(cli, runner, "check", "--period", "2026-11", "--format", "json")
    found = [f for f in json.loads(r.stdout) if f["severity"] == "error" and f["expert"] == "V1"]
    assert found, r.stdout
    assert "230" in json.dumps(found)  # 2 x 50 + 2 x 65
    # the summed path (large administrations) and the per-entry path agree
    from vergoeding.api import checks
    from vergoeding.api.workspace import open_workspace
    from vergoeding.core.period import parse_period

    ws = open_workspace(db=str(tmp_db))
    slow = checks._check_per_entry(ws, period=parse_period("2026-11"))

    def refuse(*a: object, **kw: object) -> None:
        raise AssertionError("fell back to pricing entry by entry")
    monkeypatch.setattr(checks, "check_input", refuse)
    monkeypatch.setattr(checks, "SUMMED_FROM", 1)
    fast = checks.check(ws, period=parse_period("2026-11"))
    assert [f.as_dict() for f in fast] == [f.as_dict() for f in slow] and slow
    with ws.engine.connect() as conn:
        got = checks.priced_sums(ws, conn, parse_period("2026-11"), checks.queries.all_engagements(conn))
    assert got is not None
    assert sum(p.fee for p in got.priced) == 230
    ws.engine.dispose()


def test_edit_covering_paid_or_invoiced_work_is_refused(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    two_changes(cli, runner)
    assert run(cli, runner, "payout", "--period", "2026-11", "--out", str(tmp_path / "nov")).exit_code == 0
    assert run(cli, runner, "invoice", "create", "--client", "GEM", "--period", "2026-11").exit_code == 0
    audit_before = rows(tmp_db, select(s.audit_log.c.id))
    eng_before = rows(tmp_db, select(s.engagements))
    # from the start: covers the paid lines 1 and 2 (03-11 and 14-11)
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "42")
    assert r.exit_code == 1, r.output
    msg = " ".join(r.stderr.split())
    assert "raakt 2 betaalde regel(s) van opdracht GP1: regel 1 (03-11-2026), regel 2 (14-11-2026)" in msg
    assert "het laatste betaalde werk van de opdracht is van 30-11-2026" in msg
    assert "geef dan --from 01-12-2026" in msg
    assert "vergoeding correct REGEL --amount BEDRAG" in msg and "Er is niets gewijzigd." in msg
    # from a date inside the paid work
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "47", "--from", "20-11-2026")
    assert r.exit_code == 1 and "regel 4 (30-11-2026)" in r.stderr and "regel 3" not in r.stderr
    # a client-rate change over the invoiced line
    r = run(cli, runner, "engagement", "edit", "GP1", "--client-rate", "75", "--from", "20-11-2026")
    assert r.exit_code == 1, r.output
    msg = " ".join(r.stderr.split())
    assert "raakt 1 gefactureerde regel(s) van opdracht GP1: regel 4 (30-11-2026)" in msg
    assert "Een uitgereikte factuur verandert nooit" in msg and "--from 01-12-2026" in msg
    assert "vergoeding invoice credit NUMMER" in msg
    # nothing changed: the history, the engagement and the audit log read back the same
    assert rows(tmp_db, HISTORY) == [(date(2026, 11, 15), 4500, 7000, "nieuwe afspraak"),
                                     (date(2026, 12, 1), 5000, 7000, None)]
    assert rows(tmp_db, select(s.engagements)) == eng_before
    assert rows(tmp_db, select(s.audit_log.c.id)) == audit_before
    # the way out works: the day after, and the same day again replaces that row (audited)
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "55", "--from", "1-12-2026",
            "--reason", "herzien")
    assert r.exit_code == 0, r.output
    assert rows(tmp_db, HISTORY)[-1] == (date(2026, 12, 1), 5500, 7000, "herzien")
    detail = json.loads(rows(tmp_db, select(s.audit_log.c.detail).where(s.audit_log.c.action == "rate_from")
                             .order_by(s.audit_log.c.id.desc()))[0][0])
    assert detail["replaced"]["expert_rate"] == "50.00" and detail["expert_rate"] == "55.00"
    # a date outside the engagement
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "55", "--from", "31-12-2025")
    assert r.exit_code == 2 and "ligt vóór de start van opdracht GP1 (01-01-2026)" in r.stderr
    r = run(cli, runner, "engagement", "edit", "GP1", "--end", "31-12-2026")
    assert r.exit_code == 0, r.output
    r = run(cli, runner, "engagement", "edit", "GP1", "--expert-rate", "55", "--from", "1-1-2027")
    assert r.exit_code == 2 and "ligt na het einde van opdracht GP1 (laatste dag 31-12-2026)" in r.stderr
    r = run(cli, runner, "engagement", "edit", "GP1", "--from", "1-12-2026")
    assert r.exit_code == 2 and "--expert-rate" in r.stderr
    assert "fout: kolom/veld vanaf: --from hoort bij een tariefwijziging" in r.stderr  # the field in Dutch


def test_paid_work_corrected_by_amount_is_paid_once_by_the_next_payout(cli, runner: CliRunner, tmp_db: Path,
                                                                       tmp_path: Path) -> None:
    seed(tmp_db)
    two_changes(cli, runner)
    assert run(cli, runner, "payout", "--period", "2026-11", "--out", str(tmp_path / "nov")).exit_code == 0
    # regel 1 was paid € 40,00 but should have been € 45,00; regel 2 € 40,00 but € 30,00
    r = run(cli, runner, "correct", "1", "--amount", "45", "--reason", "tarief gold al vanaf 1-11")
    assert r.exit_code == 0, r.output
    assert r.stdout == "Correctieregel 7 opgeslagen voor regel 1.\n"
    r = run(cli, runner, "correct", "2", "--amount", "30", "--reason", "training duurde korter")
    assert r.exit_code == 0, r.output
    assert rows(tmp_db, select(s.entries.c.id, s.entries.c.correction_of, s.entries.c.amount_cents,
                               s.entries.c.minutes, s.entries.c.status, s.entries.c.activity)
                .where(s.entries.c.correction_of.is_not(None)).order_by(s.entries.c.id)) == [
        (7, 1, 500, 0, "approved", "correctie op regel 1 van 03-11-2026: tarief gold al vanaf 1-11"),
        (8, 2, -1000, 0, "approved", "correctie op regel 2 van 14-11-2026: training duurde korter")]
    # the same right amount again changes nothing
    r = run(cli, runner, "correct", "2", "--amount", "30", "--reason", "nogmaals")
    assert r.exit_code == 2 and "verandert niets aan regel 2" in r.stderr
    r = run(cli, runner, "correct", "2", "--amount", "-3", "--reason", "negatief")
    assert r.exit_code == 2 and "fout: kolom/veld vast bedrag: --amount is de juiste vergoeding" in r.stderr
    # December: regel 5 (€ 50) + 5 - 10 = € 45, the corrections as lines of before
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "dec"))
    assert r.exit_code == 0, r.output
    assert "totaal € 45,00, 3 regel(s) afgerekend." in r.stdout
    assert "Daarvan 2 regel(s) van vóór december 2026" in r.stdout
    spec = tmp_path / "dec" / "specificatie-2026-12-P1.pdf"
    text = " ".join(pdf_text(spec).split())
    assert "Wij maken € 45,00 over" in text
    assert "Er staan ook 2 regels van eerder bij. Die zijn later goedgekeurd of verbeterd. Ze staan hieronder" in text
    # a correction by amount records no time: the quantity column says so instead of "0:00 uur"
    assert text.count("vast bedrag") == 2 and "0:00 uur" not in text
    # a table cell wraps: its first line and the rest come out apart
    # a correction is told by the date and the work it corrects, not by our line number
    assert "correctie op regel" not in text
    for part in ("correctie van uw werk als", "op 03-11-2026: tarief gold al vanaf 1-11", "op 14-11-2026: training",
                 "duurde korter", "€ 5,00", "€ -10,00", "€ 50,00"):
        assert part in text, part
    overview = " ".join(pdf_text(tmp_path / "dec" / "uitbetaling-2026-12.pdf").split())
    assert "correctie op regel 2 van 14-11-2026: training" in overview and "duurde korter" in overview
    assert overview.count("vast bedrag") == 2 and "0:00 uur" not in overview  # no time, no unit price
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(spec), str(tmp_path / "spec")], check=True)
    assert (tmp_path / "spec-1.png").stat().st_size > 10_000
    # paid once: a next payout has nothing left
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "dec2"))
    assert r.exit_code == 1
    assert rows(tmp_db, select(s.paid_lines.c.entry_id, s.paid_lines.c.fee_cents).where(
        s.paid_lines.c.entry_id.in_([7, 8])).order_by(s.paid_lines.c.entry_id)) == [(7, 500), (8, -1000)]
    # the year statement: November 40 + 40 + 45 + 45 + 5 - 10 = 165, December 50; the corrections listed
    ys = json.loads(run(cli, runner, "statement", "--expert", "P1", "--year", "2026", "--format", "json", env=JAN).stdout)
    assert [(r["month"], r["paid"]) for r in ys["rows"]] == [("2026-11", "165.00"), ("2026-12", "50.00")]
    assert ys["total"] == "215.00"
    assert [(c["work_date"], c["amount"], c["what"]) for c in ys["corrections"]] == [
        ("2026-11-03", "5.00", "correctie op regel 1 van 03-11-2026: tarief gold al vanaf 1-11"),
        ("2026-11-14", "-10.00", "correctie op regel 2 van 14-11-2026: training duurde korter")]
    out = tmp_path / "jaar.pdf"
    r = run(cli, runner, "statement", "--expert", "P1", "--year", "2026", "-o", str(out), env=JAN)
    assert r.exit_code == 0, r.output
    text = " ".join(pdf_text(out).split())
    assert "Correcties" in text and "training duurde" in text and "€ -10,00" in text
    assert "Totaal voor werk in 2026: € 215,00" in text


def test_a_negative_balance_is_held_with_a_clear_message(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    assert run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "a")).exit_code == 0
    # everything approved is paid (5 x 40 = 200); regel 1 should have been nothing at all
    r = run(cli, runner, "correct", "1", "--amount", "0", "--reason", "dubbel ingevoerd, niet gewerkt")
    assert r.exit_code == 0, r.output
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "b"))
    assert r.exit_code == 1, r.output
    assert "Pieter Particulier (P1): het saldo is negatief" in r.stderr and "-40" in r.stderr, r.stderr
    # offset against new work in the same payout: 1,5 uur x 40 = 60 - 40 = 20
    assert run(cli, runner, "approve", "--period", "2026-12").exit_code == 0
    r = run(cli, runner, "payout", "--period", "2026-12", "--out", str(tmp_path / "c"))
    assert r.exit_code == 0, r.output
    assert "totaal € 20,00, 2 regel(s) afgerekend." in r.stdout


@pytest.mark.pg_empty
def test_migration_11_on_a_database_of_schema_10(tmp_path: Path) -> None:
    from vergoeding.store import db
    from vergoeding.store.db import make_engine, migrate, now_utc
    from vergoeding.store.migrations import MIGRATIONS

    path = tmp_path / "v10.db"
    engine = make_engine(db.db_url(path))
    assert migrate(engine, [m for m in MIGRATIONS if m[0] <= 10]) == 10
    with engine.begin() as c:
        b.org(c, "EIGEN", kind="own")
        b.org(c, "GEM")
        b.expert(c, "P1")
        b.engagement(c, "GP1", "P1", "GEM", regime="particulier", expert_rate="40.00", client_rate="60.00")
        b.entry(c, "GP1", date(2026, 11, 3), minutes=60)
    engine.dispose()
    engine = make_engine(db.db_url(path))
    assert migrate(engine) == MIGRATIONS[-1][0]
    with engine.begin() as c:
        assert c.execute(select(s.engagement_rates)).all() == []
        c.execute(s.engagement_rates.insert().values(engagement_id=1, valid_from=date(2026, 12, 1),
                                                     expert_rate_cents=4500, created_at=now_utc()))
        from vergoeding.store import queries

        g = queries.engagement(c, "GP1")
    assert g.rates_on(date(2026, 11, 30)) == (b.D("40.00"), b.D("60.00"))
    assert g.rates_on(date(2026, 12, 1)) == (b.D("45.00"), None)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), engine.begin() as c:  # one row per engagement and day
        c.execute(s.engagement_rates.insert().values(engagement_id=1, valid_from=date(2026, 12, 1),
                                                     expert_rate_cents=5000, created_at=now_utc()))
    engine.dispose()


def test_contracts_name_the_rate_changes(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    two_changes(cli, runner)
    r = run(cli, runner, "contract", "GP1", "-o", str(tmp_path / "c.pdf"))
    assert r.exit_code == 0, r.output
    text = " ".join(pdf_text(tmp_path / "c.pdf").split())
    assert ("De vergoeding is € 40,00 per uur. Vanaf 15 november 2026 is het tarief € 45,00 per uur. "
            "Vanaf 1 december 2026 is het tarief € 50,00 per uur.") in text
    # the client agreement: the client rate changed once (the change of 1 December is the expert's only)
    r = run(cli, runner, "contract", "GP1", "--kind", "client", "-o", str(tmp_path / "cc.pdf"))
    assert r.exit_code == 0, r.output
    text = " ".join(pdf_text(tmp_path / "cc.pdf").split())
    assert ("Het tarief is € 60,00 per uur, exclusief btw. Vanaf 15 november 2026 is het tarief € 70,00 per uur, "
            "exclusief btw. Er is") in text
    assert "1 december 2026" not in text


@pytest.mark.pg_empty
def test_a_step_missing_below_the_highest_is_still_run(tmp_path: Path) -> None:
    """Two steps developed side by side: a database that recorded 11 without 10 (the one landed
    first) gets 10 at the next upgrade (a step runs when its number is not recorded)."""
    from sqlalchemy import inspect

    from vergoeding.store import db
    from vergoeding.store.db import applied_versions, make_engine, migrate, pending
    from vergoeding.store.migrations import MIGRATIONS

    engine = make_engine(db.db_url(tmp_path / "gap.db"))
    assert migrate(engine, [m for m in MIGRATIONS if m[0] != 10]) == MIGRATIONS[-1][0]
    with engine.connect() as c:
        assert 10 not in applied_versions(c) and inspect(c).has_table("engagement_rates")
        assert "phone" not in {col["name"] for col in inspect(c).get_columns("organisations")}
    assert [m[0] for m in pending(engine)] == [10]
    assert migrate(engine) == MIGRATIONS[-1][0]
    with engine.connect() as c:
        assert {10, 11} <= applied_versions(c)
        assert "phone" in {col["name"] for col in inspect(c).get_columns("organisations")}
    assert pending(engine) == []
    engine.dispose()
