# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""Closing 2026 (issue 19): the third-party report's data asked for early (at the engagement,
in December's check), its deadline named, and the report and year statements made in January
2027 with a BSN missing and then added."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import openpyxl
from click.testing import CliRunner

DEC = {"VERGOEDING_TODAY": "2026-12-01"}
JAN = {"VERGOEDING_TODAY": "2027-01-15"}
BSN = "111222333"


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "P1", name="Pieter Particulier", iban="NL20INGB0001234567", bsn=None)
        b.expert(c, "V1", name="Anne de Vries", iban="NL39RABO0300065264")
        b.engagement(c, "G1", "V1", "GEM", start=date(2026, 1, 1))
    eng.dispose()


def test_closing_2026(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db)
    # adding an engagement whose payments go on the report asks for the BSN (a warning, not a refusal)
    add = runner.invoke(cli, ["engagement", "add", "--code", "GP", "--expert", "P1", "--client", "GEM",
                              "--role", "adviseur", "--regime", "particulier", "--start", "1-10-2026"], env=DEC)
    assert add.exit_code == 0, add.output
    flat = " ".join(add.stderr.split())
    assert ("WAARSCHUWING: Betalingen onder opdracht GP (particulier) komen in de opgave uitbetaalde bedragen aan "
            "derden, met BSN, adres en geboortedatum, in te leveren vóór 1 februari na het jaar van betalen. Van "
            "Pieter Particulier is nog geen BSN bekend.") in flat
    assert "'vergoeding expert edit P1 --bsn ...'" in flat
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.entry(c, "GP", date(2026, 11, 4), minutes=120)
        b.entry(c, "G1", date(2026, 11, 5), minutes=60)
        b.entry(c, "GP", date(2026, 12, 9), minutes=60)
    eng.dispose()
    # November is paid on 1 December... P1 is held (a reportable payment without BSN: payment.missing_data)
    nov = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "nov")], env=DEC)
    assert nov.exit_code == 0, nov.output
    assert "P1 Pieter Particulier" in nov.stdout  # held, with the reason
    # ... so pay P1's November with an override (the BSN follows): now P1 is on the 2026 report
    ov = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "nov2"),
                             "--override-expert", "P1", "--override-reason", "BSN volgt, afgesproken met P1 op 1-12"],
                       env=DEC)
    assert ov.exit_code == 0, ov.output

    # December's check warns about the report's data, months... weeks before the deadline
    chk = runner.invoke(cli, ["check", "--period", "2026-10", "--format", "json"], env=DEC)
    warn = [f for f in json.loads(chk.stdout) if f["rule"] == "report.derden_data"]
    assert len(warn) == 1 and warn[0]["expert"] == "P1" and warn[0]["severity"] == "warning"
    assert ("Opgave uitbetaalde bedragen aan derden over 2026, in te leveren vóór 1 februari 2027 (geen uitstel "
            "mogelijk): voor Pieter Particulier (P1) BSN ontbreekt.") in warn[0]["message"]
    # not in the rest of the year
    oct_ = runner.invoke(cli, ["check", "--period", "2026-10", "--format", "json"],
                         env={"VERGOEDING_TODAY": "2026-10-31"})
    assert "report.derden_data" not in oct_.stdout

    # January 2027: December is paid (with the override again), the report refuses without the BSN
    dec = runner.invoke(cli, ["payout", "--period", "2026-12", "--out", str(tmp_path / "dec"),
                              "--override-expert", "P1", "--override-reason", "BSN volgt, afgesproken met P1 op 1-12"],
                        env=JAN)
    assert dec.exit_code == 0, dec.output
    out = tmp_path / "derden-2026.xlsx"
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(out)], env=JAN)
    assert r.exit_code == 1 and not out.exists()
    assert "Opgave derden 2026 (inleveren vóór 1 februari 2027 (geen uitstel mogelijk)): BSN ontbreekt voor " \
        "Pieter Particulier." in " ".join(r.stdout.split())
    assert "Er is niets geschreven. De opgave over 2026 moet vóór 1 februari 2027 (geen uitstel mogelijk) binnen " \
        "zijn." in " ".join(r.stderr.split())
    # the year statement can be made now, for everything paid up to today
    ys = runner.invoke(cli, ["statement", "--expert", "P1", "--year", "2026", "--format", "json"], env=JAN)
    assert ys.exit_code == 0, ys.output

    fix = runner.invoke(cli, ["expert", "edit", "P1", "--bsn", BSN], env=JAN)
    assert fix.exit_code == 0, fix.output
    r = runner.invoke(cli, ["report", "derden", "--year", "2026", "-o", str(out)], env=JAN)
    assert r.exit_code == 0, r.output
    assert "Lever de opgave over 2026 in bij de Belastingdienst vóór 1 februari 2027" in r.stderr
    sheet = openpyxl.load_workbook(out)["Opgave derden"]
    assert sheet["A1"].value == "Uitbetaalde bedragen aan derden 2026: inleveren vóór 1 februari 2027 (geen " \
        "uitstel mogelijk)"
    body = [list(x) for x in sheet.iter_rows(min_row=3, values_only=True) if x[0] and x[0] != "Totaal"]
    # November (2 h x € 42,50, paid 2 December) in 2026; December's line is paid in 2027: next year's report
    assert [(x[0], x[1], float(x[6])) for x in body] == [(BSN, "Pieter Particulier", 85.0)]
    pdf = tmp_path / "jaaropgave-P1-2026.pdf"
    st = runner.invoke(cli, ["statement", "--expert", "P1", "--year", "2026", "-o", str(pdf)], env=JAN)
    assert st.exit_code == 0, st.output
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Jaaropgave 2026" in text and "€ 85,00" in text and "€ 42,50" in text  # Dec work, paid in January
    assert BSN not in text
    chk = runner.invoke(cli, ["check", "--period", "2027-01", "--format", "json"], env=JAN)
    assert "report.derden_data" not in chk.stdout


def test_bijstand_notices_for_2027_state_no_2026_amount() -> None:
    """Participatiewet in balans (from 1 January 2027): the notice says the rules change and to
    ask the municipality; the 2026 amount (€ 285) is not stated as fact for 2027."""
    from checks_helpers import OWN, engagement, expert, limits, priced

    from vergoeding.core.checks import CheckInput, run_checks
    from vergoeding.core.period import month
    from vergoeding.core.regimes import Benefit, Regime, Unit

    ex = expert("B1", benefit=Benefit.BIJSTAND)
    young = expert("B2", dob=date(2003, 6, 1), benefit=Benefit.BIJSTAND)
    g = engagement("GB", "B1", Regime.PARTICULIER, rate="20.00", unit=Unit.UUR)
    gy = engagement("GY", "B2", Regime.PARTICULIER, rate="20.00", unit=Unit.UUR)

    def notices(y: int) -> dict[str, str]:
        items = [priced(g, date(y, 1, 8), minutes=120), priced(gy, date(y, 1, 8), minutes=120)]
        ci = CheckInput(period=month(y, 1), priced=items, experts=[ex, young], engagements=[g, gy], own=OWN,
                        declarations=[], limits=limits(), today=date(y, 2, 1))
        return {f.expert or "": f.message for f in run_checks(ci) if f.rule.startswith("benefit.bijstand")}

    n26, n27 = notices(2026), notices(2027)
    assert "ten hoogste € 285,00 per maand" in n26["B1"]
    for code in ("B1", "B2"):
        assert "€ 285" not in n27[code] and "25%" not in n27[code]
        assert "de regels van de bijstand veranderen per 1 januari 2027 (Participatiewet in balans" in n27[code]
        assert "vraag het de gemeente" in n27[code]
