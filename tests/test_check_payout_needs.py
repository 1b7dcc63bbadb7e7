# mypy: disable-error-code="no-untyped-def"
"""``check`` knows what ``payout`` needs (issue 11 item 6): a price for every line a payout
of the period would pay or that counts (a rate on the work date and the fiscal figures of its
year), each paid expert's IBAN and date of birth, and the own organisation's account. Each
finding names the fix; ``payout`` holds the expert with the same text and never shows a
library's raw message."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import builders as b
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from vergoeding.api import checks, coverage
from vergoeding.api.workspace import open_workspace
from vergoeding.core.checks_prices import dates_text
from vergoeding.core.period import parse_period
from vergoeding.store import schema as s

E1_IBAN = "NL20INGB0001234567"
E2_IBAN = "NL39RABO0300065264"
JAN = {"VERGOEDING_TODAY": "2028-01-20"}


def seed(path: Path) -> None:
    """E1 works in January 2028 (no figures for 2028 are shipped), E2 in December 2027
    (paid late in January) and January 2028, E3 on an engagement from December 2024, when
    the rate card has no rate for its role yet; E4 in December 2027 only."""
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht", phone="030 123 4567")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E1", name="Anne de Vries", iban=E1_IBAN)
        b.expert(c, "E2", name="Bram Jansen", iban=E2_IBAN)
        b.expert(c, "E3", name="Cor Oud", iban=E2_IBAN)
        b.expert(c, "E4", name="Dirk Laat", iban=E2_IBAN)
        b.engagement(c, "G1", "E1", "GEM", start=date(2026, 11, 1), travel_policy="km")
        b.engagement(c, "G2", "E2", "GEM", start=date(2026, 11, 1))
        b.engagement(c, "G3", "E3", "GEM", start=date(2024, 12, 1))
        b.engagement(c, "G4", "E4", "GEM", start=date(2026, 11, 1))
        for d in (5, 6, 7, 12):
            b.entry(c, "G1", date(2028, 1, d), minutes=60, km="10")
        b.entry(c, "G2", date(2027, 12, 20), minutes=60)
        b.entry(c, "G2", date(2028, 1, 6), minutes=60, status="logged")
        b.entry(c, "G3", date(2024, 12, 15), minutes=120)
        b.entry(c, "G3", date(2024, 12, 16), minutes=60)
        b.entry(c, "G4", date(2027, 12, 21), minutes=120)
    eng.dispose()


@pytest.fixture
def db(tmp_db: Path) -> Path:
    seed(tmp_db)
    return tmp_db


def _errors(out: str) -> dict[tuple[str, str], dict]:
    return {(f["expert"], f["rule"]): f for f in json.loads(out) if f["severity"] == "error"}


def test_check_reports_lines_without_figures_or_rate(cli, runner: CliRunner, db: Path) -> None:
    r = runner.invoke(cli, ["check", "--period", "2028-01"], env=JAN)
    assert r.exit_code == 1, r.output
    text = " ".join(r.stdout.split())
    assert ("Geen fiscale grenzen voor 2028: 4 regel(s) van Anne de Vries (E1), opdracht G1, op 05-01-2028 t/m "
            "07-01-2028 en 12-01-2028 kunnen niet worden berekend en getoetst. Stel eerst een eigen map met "
            "tarieven in") in text
    assert "'vergoeding --rates MAP limits draft 2028'" in text
    assert ("Geen tarief voor Cor Oud (E3), opdracht G3, op 15-12-2024 t/m 16-12-2024: rol 'adviseur' "
            "(vrijwilliger, niveau standaard) heeft dan geen tarief op de tariefkaart en de opdracht heeft geen "
            "eigen tarief. Geef de opdracht een eigen tarief met 'vergoeding engagement edit G3 --expert-rate "
            "BEDRAG --unit uur'.") in text
    assert "Traceback" not in r.output and "aanwezig: 2022" not in r.output  # no raw MissingYearError

    js = runner.invoke(cli, ["check", "--period", "2028-01", "--format", "json"], env=JAN)
    assert js.exit_code == 1
    errors = _errors(js.stdout)
    # each finding, and the hold it causes in 'payout --period 2027-01' (the payout's own decision)
    assert set(errors) == {(e, r) for e in ("E1", "E2", "E3") for r in ("payout.no_price", "payout.held")}
    e1 = errors[("E1", "payout.no_price")]
    assert (e1["engagement"], e1["period"], e1["where"]) == ("G1", "2028-01", "opdracht G1")
    assert e1["figures"]["ontbreekt"] == "fiscale grenzen" and e1["figures"]["regels"] == "4"
    assert e1["figures"]["data"] == "2028-01-05,2028-01-06,2028-01-07,2028-01-12"
    assert e1["figures"]["bestand"].endswith("/limits/2028.toml")
    e3 = errors[("E3", "payout.no_price")]
    assert e3["figures"]["ontbreekt"] == "tarief" and e3["figures"]["data"] == "2024-12-15,2024-12-16"
    assert e3["figures"]["tariefkaart"].endswith("ratecard.toml") and "tariefkaart" in e3["advice"]
    # a logged line counts too (it is in the caps): E2's January line has no figures either
    assert errors[("E2", "payout.no_price")]["figures"]["data"] == "2028-01-06"


def test_payout_holds_those_experts_with_the_same_text_and_pays_the_others(cli, runner: CliRunner, db: Path,
                                                                          tmp_path: Path) -> None:
    check = _errors(runner.invoke(cli, ["check", "--period", "2028-01", "--format", "json"], env=JAN).stdout)
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2028-01", "--out", str(out)], env=JAN)
    assert r.exit_code == 0, r.output
    # E4's late December line is paid; E1, E2 and E3 are held with the finding of 'check'
    assert "Betaald: 2028-01, 1 overboeking(en), totaal €\u00a011,50, 1 regel(s) afgerekend." in r.stdout
    assert "Aangehouden (3)" in r.stdout
    for code, name in (("E1", "Anne de Vries"), ("E2", "Bram Jansen"), ("E3", "Cor Oud")):
        assert f"{code} {name}: {check[(code, 'payout.no_price')]['message']}" in " ".join(r.stdout.split())
    assert "Traceback" not in r.output
    eng = b.new_engine(db)
    with eng.connect() as c:
        open_ids = c.execute(select(s.entries.c.status).order_by(s.entries.c.id)).scalars().all()
    assert open_ids == ["approved"] * 4 + ["approved", "logged", "approved", "approved", "settled"]


def test_own_rate_fixes_the_missing_rate(cli, runner: CliRunner, db: Path, tmp_path: Path) -> None:
    fix = runner.invoke(cli, ["engagement", "edit", "G3", "--expert-rate", "5", "--unit", "uur"], env=JAN)
    assert fix.exit_code == 0, fix.output
    errors = _errors(runner.invoke(cli, ["check", "--period", "2028-01", "--format", "json"], env=JAN).stdout)
    assert ("E3", "payout.no_price") not in errors and ("E1", "payout.no_price") in errors
    r = runner.invoke(cli, ["payout", "--period", "2028-01", "--out", str(tmp_path / "o")], env=JAN)
    assert r.exit_code == 0, r.output
    assert "2 overboeking(en), totaal €\u00a026,50" in r.stdout  # E4 11.50 + E3 3 h x 5.00
    assert "Daarvan 3 regel(s) van vóór januari 2028" in r.stdout


def test_a_late_line_of_an_earlier_year_is_checked_too(cli, runner: CliRunner, db: Path) -> None:
    """Checking November 2026: E3's approved, unpaid lines of December 2024 would be paid by
    that payout (late lines), so 'check' reports their missing rate; 2027 is not in play."""
    r = runner.invoke(cli, ["check", "--period", "2026-12", "--format", "json"], env=JAN)
    assert r.exit_code == 1
    errors = _errors(r.stdout)
    assert set(errors) == {("E3", "payout.no_price"), ("E3", "payout.held")}
    assert errors[("E3", "payout.no_price")]["figures"]["data"] == "2024-12-15,2024-12-16"


def test_missing_iban_and_birth_date_name_the_command(cli, runner: CliRunner, tmp_db: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting")
        b.org(c, "GEM", name="Gemeente")
        b.expert(c, "E1", name="Anne", iban=None)
        b.expert(c, "E2", name="Bram", dob=None)
        b.engagement(c, "G1", "E1", "GEM")
        b.engagement(c, "G2", "E2", "GEM")
        b.entry(c, "G1", date(2026, 10, 5), minutes=60)  # approved in October: a late line in November
        b.entry(c, "G2", date(2026, 11, 5), minutes=60)
    eng.dispose()
    r = runner.invoke(cli, ["check", "--period", "2026-11", "--format", "json"])
    assert r.exit_code == 1
    found = [(f["expert"], f["figures"]["veld"], f["advice"]) for f in json.loads(r.stdout)
             if f["rule"] == "payment.missing_data"]
    assert found == [
        ("E1", "IBAN", "Vul het aan met 'vergoeding expert edit E1 --iban NL...' voordat u uitbetaalt; tot dan "
                       "wordt deze deskundige aangehouden."),
        ("E2", "geboortedatum", "Vul het aan met 'vergoeding expert edit E2 --birth-date DD-MM-JJJJ' voordat u "
                                "uitbetaalt; tot dan wordt deze deskundige aangehouden."),
    ]


@pytest.mark.parametrize(("iban", "bic", "what", "fix"), [
    ("GB82WEST12345698765432", None, "BIC ontbreekt (nodig bij een rekening buiten de EER, hier GB)",
     "vergoeding org edit EIGEN --bic ..."),
    ("TR330006100519786457841326", None, "IBAN staat buiten het SEPA-gebied (TR, geen SEPA-overboeking mogelijk)",
     "vergoeding org edit EIGEN --iban NL..."),
    (None, None, "IBAN ontbreekt", "vergoeding org edit EIGEN --iban NL..."),
])
def test_own_account_that_cannot_pay(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path, iban: str | None,
                                     bic: str | None, what: str, fix: str) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting", iban=iban, bic=bic)
        b.org(c, "GEM", name="Gemeente")
        b.expert(c, "E1", name="Anne", iban=E1_IBAN)
        b.engagement(c, "G1", "E1", "GEM")
        b.entry(c, "G1", date(2026, 11, 5), minutes=60)
    eng.dispose()
    r = runner.invoke(cli, ["check", "--period", "2026-11", "--format", "json"])
    assert r.exit_code == 1
    [f] = [f for f in json.loads(r.stdout) if f["severity"] == "error"]
    assert f["rule"] == "payout.own_data"
    assert f["message"] == f"Uitbetalen kan niet: {what} bij de eigen organisatie Stichting."
    assert fix in f["advice"]
    p = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "o")],
                      env={"VERGOEDING_TODAY": "2026-11-27"})
    assert p.exit_code == 1 and f["message"] in p.stderr and fix in p.stderr and "Er is niets betaald." in p.stderr
    assert "Traceback" not in p.output and not (tmp_path / "o").exists()


def test_a_british_account_with_its_bic_pays(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting", iban="GB82WEST12345698765432", bic="NWBKGB2L")
        b.org(c, "GEM", name="Gemeente")
        b.expert(c, "E1", name="Anne", iban=E1_IBAN)
        b.engagement(c, "G1", "E1", "GEM")
        b.entry(c, "G1", date(2026, 11, 5), minutes=60)
    eng.dispose()
    assert runner.invoke(cli, ["check", "--period", "2026-11"]).exit_code == 0
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "o")],
                      env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    assert "<BIC>NWBKGB2L</BIC>" in (tmp_path / "o" / "sepa-2026-11.xml").read_text()


def test_no_own_organisation_is_a_clear_message(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "GEM", name="Gemeente")
        b.expert(c, "E1", name="Anne", iban=E1_IBAN)
        b.engagement(c, "G1", "E1", "GEM")
        b.entry(c, "G1", date(2026, 11, 5), minutes=60)
    eng.dispose()
    for args in (["check", "--period", "2026-11"], ["payout", "--period", "2026-11", "--out", str(tmp_path / "o")]):
        r = runner.invoke(cli, args, env={"VERGOEDING_TODAY": "2026-11-27"})
        assert r.exit_code == 1 and "eigen organisatie ontbreekt: voeg die toe met 'vergoeding org add --own" in r.stderr
        assert "Traceback" not in r.output


def test_nothing_missing_prices_no_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The coverage check prices one line per engagement and stretch (here: 1 January and
    the start of each engagement), never the lines themselves, and fetches no line."""
    path = tmp_path / "many.db"
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting")
        b.org(c, "GEM", name="Gemeente")
        for n in range(3):
            b.expert(c, f"E{n}", iban=E1_IBAN)
            b.engagement(c, f"G{n}", f"E{n}", "GEM", start=date(2026, 2, 1))
            for day in range(1, 28):
                b.entry(c, f"G{n}", date(2026, 3, day), minutes=30)
                b.entry(c, f"G{n}", date(2026, 4, day), minutes=30, status="logged")
    eng.dispose()
    calls: list[date] = []
    fetched: list[object] = []
    real_price, real_lines = coverage.price_entry, coverage.open_lines_in
    monkeypatch.setattr(coverage, "price_entry", lambda e, *a, **k: calls.append(e.work_date) or real_price(e, *a, **k))
    monkeypatch.setattr(coverage, "open_lines_in", lambda *a, **k: fetched.append(a) or real_lines(*a, **k))
    ws = open_workspace(db=str(path))
    try:
        findings = checks.check(ws, period=parse_period("2026-04"), today=date(2026, 4, 30))
    finally:
        ws.close()
    assert not [f for f in findings if f.rule == "payout.no_price"]
    # cached per signature; once: the payout's decision (api.payout_decision.decide) takes the check's gaps
    # of the month (api.payout_decision.Checked) instead of probing the same scope again
    assert sorted(set(calls)) == [date(2026, 1, 1), date(2026, 2, 1)] and len(calls) == 2
    assert fetched == []


def test_dates_are_grouped() -> None:
    d = date
    assert dates_text([d(2027, 1, 5)]) == "05-01-2027"
    assert dates_text([d(2027, 1, 7), d(2027, 1, 5), d(2027, 1, 6), d(2027, 1, 6)]) == "05-01-2027 t/m 07-01-2027"
    many = [d(2027, 1, k) for k in (1, 3, 5, 7, 9, 11, 13, 14)]
    assert dates_text(many) == ("01-01-2027, 03-01-2027, 05-01-2027, 07-01-2027, 09-01-2027 en "
                                "nog 3 andere dag(en)")
