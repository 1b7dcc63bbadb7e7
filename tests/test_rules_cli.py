"""The rules through the real commands: fictitious-employment warning on and off with a
recorded exception (Uitv.besl. LB 1965 art. 2c/2e), rate vs age on engagement add/edit and in
the contract (the 21st birthday), lines without hours, one eligibility setting."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import click
from click.testing import CliRunner
from pypdf import PdfReader

TODAY = {"VERGOEDING_TODAY": "2026-12-01"}


def run(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env=TODAY)


def ok(runner: CliRunner, cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    r = run(runner, cli, *args)
    assert r.exit_code == 0, (args, r.output, r.stderr)
    return r


def base(runner: CliRunner, cli: click.Group) -> None:
    ok(runner, cli, "org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Eigen", "--street", "Plein 1",
       "--postcode", "3511AA", "--city", "Utrecht", "--kvk", "12345678", "--iban", "NL91ABNA0417164300", "--anbi",
       "--payroll-tax-number")
    ok(runner, cli, "org", "add", "--code", "WELZ", "--name", "Welzijn Oost", "--street", "Laan 2",
       "--postcode", "3511AB", "--city", "Utrecht")
    ok(runner, cli, "expert", "add", "--code", "E1", "--name", "Priya Ramdin", "--street", "Kade 1",
       "--postcode", "3511AC", "--city", "Utrecht", "--birth-date", "25-2-1990", "--iban", "NL44RABO0123456789",
       "--bsn", "111222333")


def test_fictitious_employment_warning_on_and_off(runner: CliRunner, cli: click.Group) -> None:
    """Art. 2c: 2 days a week x 4 h x 35,00 = 280 a week >= 2/5 x 36 x 14,71 = 211,82, for 6 weeks
    of an engagement from 1-9-2026 to 31-12-2026: warning; a recorded exception: info."""
    base(runner, cli)
    ok(runner, cli, "engagement", "add", "--code", "P1", "--expert", "E1", "--client", "WELZ",
       "--role", "co-onderzoeker", "--regime", "particulier", "--start", "1-9-2026", "--end", "31-12-2026")
    monday = date(2026, 9, 7)
    for w in range(6):
        for d in (1, 3):
            day = monday + timedelta(weeks=w, days=d)
            ok(runner, cli, "log", "--engagement", "P1", "--date", day.isoformat(), "--hours", "4")
    r = run(runner, cli, "check", "--period", "2026-10", "--format", "json")
    assert r.exit_code == 0, r.output
    assert '"rule": "particulier.fictitious_employment"' in r.stdout and '"severity": "warning"' in r.stdout
    assert "loonheffing inhouden" in r.stdout
    refused = run(runner, cli, "engagement", "exception", "P1", "--kind", "intellectueel")
    assert refused.exit_code == 2 and "--decided-by" in refused.stderr
    ok(runner, cli, "engagement", "exception", "P1", "--kind", "intellectueel",
       "--decided-by", "A. de Vries, controller", "--reason", "schrijft onderzoeksverslagen")
    r = run(runner, cli, "check", "--period", "2026-10", "--format", "json")
    assert '"rule": "particulier.fictitious_employment"' in r.stdout
    assert '"severity": "warning"' not in r.stdout and "A. de Vries, controller" in r.stdout
    listed = ok(runner, cli, "engagement", "exception", "P1", "--list")
    assert "werk van overwegend intellectuele aard" in listed.stdout and "schrijft onderzoeksverslagen" in listed.stdout


def test_rate_above_the_presumption_for_the_age_warns_and_the_contract_names_the_birthday(
        runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    base(runner, cli)
    ok(runner, cli, "expert", "add", "--code", "E2", "--name", "Noah Bakker", "--street", "Laan 3",
       "--postcode", "3817BC", "--city", "Amersfoort", "--birth-date", "18-4-2006", "--iban", "NL44RABO0123456789")
    # 20 on 1-1-2027, 21 on 18-4-2027; 5,00 > 3,40 (under 21) until then; <= 5,75 after
    r = ok(runner, cli, "engagement", "add", "--code", "G1", "--expert", "E2", "--client", "WELZ", "--role",
           "buddy", "--regime", "vrijwilliger", "--start", "1-9-2026", "--end", "31-12-2027", "--unit", "uur",
           "--expert-rate", "5,00", "--client-rate", "0")
    assert "€ 3,40" in r.stderr and "18-04-2027" in r.stderr and "jonger dan 21" in r.stderr
    edited = ok(runner, cli, "engagement", "edit", "G1", "--expert-rate", "3,40")
    assert "jonger dan 21" not in edited.stderr
    ok(runner, cli, "engagement", "edit", "G1", "--expert-rate", "5,00")
    out = tmp_path / "c.pdf"
    ok(runner, cli, "contract", "G1", "--output", str(out))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out.read_bytes())).pages))
    # the contract states what the pricing pays (5,00 at any age), never the presumption as the rate;
    # it names the presumption for the phase under 21 and that a justification is needed
    assert "De vergoeding is € 5,00 per uur." in text
    assert ("Tot 18 april 2027 is de vrijwilliger jonger dan 21 jaar. Voor die leeftijd gaat de Belastingdienst uit "
            "van ten hoogste € 3,40 per uur. De vergoeding is dan € 5,00 per uur, dus hoger.") in text
    assert "moet dan kunnen uitleggen waarom de vergoeding toch niet marktconform is" in text
    assert "€ 5,75" not in text  # from 21 the rate is within the presumption: not named


def test_fixed_amount_and_expense_only_lines_need_no_hours(runner: CliRunner, cli: click.Group) -> None:
    base(runner, cli)
    ok(runner, cli, "engagement", "add", "--code", "G1", "--expert", "E1", "--client", "WELZ", "--role",
       "adviseur", "--regime", "vrijwilliger", "--start", "1-9-2026", "--travel", "werkelijk")
    ok(runner, cli, "log", "--engagement", "G1", "--date", "2026-10-05", "--amount", "50")
    ok(runner, cli, "log", "--engagement", "G1", "--date", "2026-10-06", "--expense", "12,40", "--receipt")
    r = run(runner, cli, "log", "--engagement", "G1", "--date", "2026-10-07")
    assert r.exit_code != 0 and "vast bedrag" in r.stderr
    # room on 5 October: the 50,00 only; on the 6th the receipts count too (an allowance is paid)
    on5 = ok(runner, cli, "room", "--expert", "E1", "--on", "2026-10-05", "--format", "json")
    assert '"counted": "50.00"' in on5.stdout
    on6 = ok(runner, cli, "room", "--expert", "E1", "--on", "2026-10-06", "--format", "json")
    assert '"counted": "62.40"' in on6.stdout and '"receipts": "12.40"' in on6.stdout


def test_one_eligibility_setting(runner: CliRunner, cli: click.Group) -> None:
    base(runner, cli)
    r = run(runner, cli, "org", "edit", "EIGEN", "--no-may-pay-volunteers")
    assert r.exit_code != 0 and "heeft geen effect" in r.stderr and "ANBI" in r.stderr
    r = ok(runner, cli, "org", "edit", "EIGEN", "--no-anbi", "--corporate-tax")
    assert "Onbelaste vrijwilligersvergoeding: nee" in r.stderr
    r = ok(runner, cli, "org", "edit", "EIGEN", "--may-pay-volunteers")
    assert "Onbelaste vrijwilligersvergoeding: ja" in r.stderr and "sportclub" in r.stderr
