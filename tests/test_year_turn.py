# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""The year turn (issue 19): paying January and February 2027 with the shipped 2027 file
(figures missing or unconfirmed are warnings, nothing is held for them), then a confirmed
file with a lower cap and the paid lines it affects."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import pytest
from click.testing import CliRunner
from conftest import RATES
from sqlalchemy import select

from vergoeding.data.limits import file_version
from vergoeding.store import schema as s

FEB = {"VERGOEDING_TODAY": "2027-02-01"}
MAR = {"VERGOEDING_TODAY": "2027-03-01"}
SHIPPED_2027 = RATES / "limits" / "2027.toml"


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Anne de Vries", iban="NL20INGB0001234567")
        b.expert(c, "Z1", name="Cor Zelfstandig", iban="NL39RABO0300065264", kvk="12345678")
        b.engagement(c, "G1", "V1", "GEM", start=date(2026, 11, 1), travel_policy="km", expert_rate="20.00")
        b.engagement(c, "G2", "Z1", "GEM", regime="zzp", start=date(2026, 11, 1), expert_rate="15.00",
                     client_rate="60.00")
        # January: 10 h x € 20 = € 200 + 20 km x € 0,23 = € 4,60 -> € 204,60 (under € 220)
        for d in (5, 12):
            b.entry(c, "G1", date(2027, 1, d), minutes=300, km="10")
        # February: 10 h -> € 200 + € 4,60 = € 204,60
        for d in (2, 9):
            b.entry(c, "G1", date(2027, 2, d), minutes=300, km="10")
        b.entry(c, "G2", date(2027, 1, 7), minutes=120)
    eng.dispose()


@pytest.fixture
def db(tmp_db: Path) -> Path:
    seed(tmp_db)
    return tmp_db


def _findings(out: str) -> dict[str, list[dict]]:
    by_rule: dict[str, list[dict]] = {}
    for f in json.loads(out):
        by_rule.setdefault(f["rule"], []).append(f)
    return by_rule


def test_january_and_february_2027_are_paid_with_the_shipped_file(cli, runner: CliRunner, db: Path,
                                                                   tmp_path: Path) -> None:
    check = runner.invoke(cli, ["check", "--period", "2027-01", "--format", "json"], env=FEB)
    assert check.exit_code == 0, check.output
    found = _findings(check.stdout)
    assert not [f for fs in found.values() for f in fs if f["severity"] == "error"]
    missing = {f["figures"]["bedrag"]: f for f in found["limits.missing_figure"]}
    assert set(missing) == {"volunteer_hour_21_plus", "minimum_wage_hour"}
    hour = missing["volunteer_hour_21_plus"]
    assert hour["severity"] == "warning" and hour["figures"]["bestand"] == str(SHIPPED_2027)
    assert "de toets van het uurtarief (vermoeden, 21 jaar en ouder) is overgeslagen" in hour["message"]
    wage = missing["minimum_wage_hour"]
    assert ("Voor 2027 ontbreekt het minimumloon per 1 januari 2027 (minimum_wage_hour) in "
            f"{SHIPPED_2027}: de toetsen 'zzp-tarief en minimumloon' en 'fictieve dienstbetrekking' zijn "
            "overgeslagen voor werk vanaf 07-01-2027.") in wage["message"]
    [unconfirmed] = found["limits.unconfirmed"]
    assert unconfirmed["severity"] == "warning"
    assert ("Betaald onder voorbehoud: deze bedragen voor 2027 zijn nog niet bevestigd: vrijwilligersvergoeding "
            "per maand € 220,00, vrijwilligersvergoeding per jaar € 2.200,00, onbelaste "
            "kilometervergoeding € 0,23") in unconfirmed["message"]
    assert "'vergoeding check --year 2027'" in unconfirmed["advice"]
    assert [f["engagement"] for f in found["freelance.dba_enforcement"]] == [None]
    assert "G2" in found["freelance.dba_enforcement"][0]["message"]

    out = tmp_path / "jan"
    r = runner.invoke(cli, ["payout", "--period", "2027-01", "--out", str(out)], env=FEB)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2027-01, 1 overboeking(en), totaal €\u00a0204,60" in r.stdout
    assert "Aangehouden" not in r.stdout
    assert "Betaald onder voorbehoud" in r.output and "minimumloon per 1 januari 2027" in r.output
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "uitbetaling-2027-01.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    flat = " ".join(pdf.split())
    assert "Betaald onder voorbehoud: deze bedragen voor 2027 zijn nog niet bevestigd" in flat
    assert "overgeslagen" in flat
    import openpyxl
    wb = openpyxl.load_workbook(out / "uitbetaling-2027-01.xlsx")
    rows = list(wb["Bevindingen"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Ernst", "Regel") and rows[0][-1] == "Code regel (voor scripts)"
    shown = {(row[0], row[1], row[-1]) for row in rows[1:]}  # Dutch for people, the stable id beside it
    assert ("waarschuwing", "bedragen nog niet bevestigd", "limits.unconfirmed") in shown
    assert any(r[1:] == ("bedrag nog niet bekend", "limits.missing_figure") for r in shown)

    r2 = runner.invoke(cli, ["payout", "--period", "2027-02", "--out", str(tmp_path / "feb")], env=MAR)
    assert r2.exit_code == 0, r2.output
    assert "Betaald: 2027-02, 1 overboeking(en), totaal €\u00a0204,60" in r2.stdout

    version = file_version(2027, SHIPPED_2027.read_bytes())
    eng = b.new_engine(db)
    with eng.connect() as c:
        versions = c.execute(select(s.paid_lines.c.limits_version)).scalars().all()
    eng.dispose()
    assert versions == [version] * 4

    # the confirmed figures arrive: a lower month cap (€ 200) in the organisation's own folder
    org = tmp_path / "tarieven"
    (org / "limits").mkdir(parents=True)
    confirmed = (SHIPPED_2027.read_text(encoding="utf-8")
                 .replace('amount = "220"', 'amount = "200"').replace('amount = "2200"', 'amount = "2000"')
                 .replace("confirmed = false", "confirmed = true")
                 .replace("de regeling voor 2027 is nog niet bekend", "Regeling van 2027 (Stcrt. 2027, 1)"))
    (org / "limits" / "2027.toml").write_text(confirmed, encoding="utf-8")
    own = ["--rates", str(org)]
    lc = runner.invoke(cli, [*own, "limits", "check", str(org / "limits" / "2027.toml"), "--format", "json"])
    assert lc.exit_code == 0, lc.output
    changes = " ".join(f["message"] for f in json.loads(lc.stdout) if f["rule"] == "limits.changed")
    assert "volunteer_month vanaf 01-01-2027: € 220,00 wordt € 200,00, nu bevestigd" in changes

    r = runner.invoke(cli, [*own, "check", "--year", "2027", "--format", "json"], env=MAR)
    assert r.exit_code == 1, r.output  # the month caps are exceeded now
    found = _findings(r.stdout)
    listed = found["limits.recheck"]
    assert [(f["figures"]["werkdatum"], f["figures"]["uitbetaling"]) for f in listed] == [
        ("2027-01-05", "2027-01"), ("2027-01-12", "2027-01"), ("2027-02-02", "2027-02"), ("2027-02-09", "2027-02")]
    first = listed[0]
    assert first["expert"] == "V1" and first["severity"] == "warning"
    assert first["figures"]["was"] == "-" and "volunteer.month_cap (error)" in first["figures"]["nu"]
    assert first["figures"]["versie toen"] == version and first["figures"]["versie nu"] != version
    assert "maandgrens € 220,00 wordt € 200,00" in first["message"]
    assert "nu FOUT: maandgrens vrijwilligersvergoeding" in first["message"]
    assert "limits.unconfirmed" not in found  # confirmed now
    table = runner.invoke(cli, [*own, "check", "--year", "2027"], env=MAR)
    assert "Betaalde regel" in table.stdout and "Anne de Vries (V1), werk van 05-01-2027" in " ".join(table.stdout.split())
    # under the shipped (unchanged) file nothing paid comes out differently
    same = runner.invoke(cli, ["check", "--year", "2027", "--format", "json"], env=MAR)
    assert "limits.recheck" not in _findings(same.stdout)
