"""Plain Dutch from the rule core to the terminal (the leftovers of issues 10, 13 and 15):

* finding texts name months as "oktober 2026" and amounts as "€ 1.234,56" (one formatter,
  ``core/nl.py``, for the core and the documents); JSON keeps the machine fields;
* the terminal shows a Dutch label for a rule, the id stays in JSON;
* bound messages show "€ 1.000.000,00", "10.000 km";
* ``log --amount 0`` alone is refused (CLI and import alike), with hours it is unpaid work;
* no negative zero reaches a writer (a KOR credit note: UBL ``0.00``, "€ 0,00").
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import click
import pytest
from checks_helpers import OWN, engagement, expert, limits, priced
from click.testing import CliRunner
from einvoice_rules import UblRules
from invoicing_data import agree_self_billing, build
from openpyxl import load_workbook
from pypdf import PdfReader

from vergoeding.core.age_rate import rate_age_findings
from vergoeding.core.checks import CheckInput, Declaration, RuleException, run_checks
from vergoeding.core.findings import RULE_LABELS, Finding, rule_label
from vergoeding.core.money import round_cents
from vergoeding.core.nl import eur, euro, number
from vergoeding.core.period import month, year
from vergoeding.core.regimes import Benefit, Regime, Unit

ISO_MONTH = re.compile(r"\b20\d\d-\d\d\b")
# "281.06" (a decimal point), or "1000000,00" (a comma but no thousands dots)
RAW_AMOUNT = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])|(?<![\d.,])\d{4,},\d{2}(?!\d)")
COMMAND = re.compile(r"'vergoeding [^']*'|vergoeding [a-z]+ [a-z]+ \S+ --\S+.*$")  # a command to type stays as typed
RULE_ID = re.compile(r"\[[a-z_]+\.[a-z_0-9]+\]")


def not_plain(text: str) -> list[str]:
    """What in ``text`` is not plain Dutch: ISO months and raw decimal amounts."""
    text = COMMAND.sub("", text)
    return ISO_MONTH.findall(text) + RAW_AMOUNT.findall(text)


def texts(f: Finding) -> list[str]:
    return [f.message, f.advice, f.where, *f.figures.values()]


def test_the_sweep_patterns_catch_what_they_must() -> None:
    assert not_plain("Voor het werk in 2026-10 telt 281.06 mee") == ["2026-10", "281.06"]
    assert not_plain("te groot (nu 1000000,00)") == ["1000000,00"]
    assert not_plain("Voor het werk in oktober 2026 telt € 1.281,06 mee, 2,5 uur, 25%, art. 2 lid 6") == []
    assert not_plain("zie 'vergoeding check --period 2026-10'") == []


# --- the rule core: a scenario that makes every check speak -------------------------------

NOV = month(2026, 11)


def _days(first: date, last: date, weekdays: tuple[int, ...]) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() in weekdays:
            out.append(d)
        d += timedelta(days=1)
    return out


def rich_scenario() -> tuple[CheckInput, list[Finding]]:
    """Experts and engagements that trigger every check of the core, with amounts above a
    thousand euros, declarations, receipts, benefits, budgets, a freelancer at the minimum
    wage, fictitious employment with and without an exception, and missing data."""
    e1 = expert("E1", benefit=Benefit.WW)
    e2 = expert("E2", dob=date(2003, 1, 1), benefit=Benefit.BIJSTAND)
    e3 = expert("E3", benefit=Benefit.BIJSTAND)
    e4 = expert("E4", benefit=Benefit.WIA)
    e5 = expert("E5", iban=None, bsn=None, date_of_birth=None)
    e6, e7 = expert("E6"), expert("E7")
    g1 = engagement("G1", "E1", rate="30.00", unit=Unit.UUR)  # above the hourly presumption
    g2 = engagement("G2", "E2")
    g3 = engagement("G3", "E3")
    g4 = engagement("G4", "E4")
    g5 = engagement("G5", "E5", Regime.ZZP, rate="12.00", unit=Unit.UUR, budget_minutes=60,
                    budget_amount=Decimal("50.00"))
    g5v = engagement("G5V", "E5")
    g6 = replace(engagement("G6", "E6", Regime.PARTICULIER, rate="20.00", unit=Unit.UUR), start=date(2026, 9, 1))
    g7 = replace(engagement("G7", "E7", Regime.PARTICULIER, rate="20.00", unit=Unit.UUR), start=date(2026, 9, 1))
    items = [priced(g1, date(2026, m, 5), minutes=600) for m in range(1, 12)]  # € 300 a month
    items += [priced(g2, date(2026, m, 10), expense="250.00", receipt=True) for m in (1, 2, 3)]
    items += [priced(g2, date(2026, 11, 10), amount="50.00"),
              priced(g3, date(2026, 11, 10), amount="1250.00"),
              priced(g4, date(2026, 11, 10), amount="40.00"),
              priced(g5, date(2026, 11, 10), minutes=480),
              priced(g5v, date(2026, 11, 11), amount="30.00")]
    for g in (g6, g7):
        items += [priced(g, d, minutes=480) for d in _days(date(2026, 9, 1), date(2026, 11, 30), (1, 3))]
    exc = RuleException("G7", "particulier.fictitious_employment", "intellectueel", "J. de Boer",
                        "advieswerk van overwegend intellectuele aard", date(2026, 8, 30))
    ci = CheckInput(period=NOV, priced=items, experts=[e1, e2, e3, e4, e5, e6, e7],
                    engagements=[g1, g2, g3, g4, g5, g5v, g6, g7], own=replace(OWN, iban=None),
                    declarations=[Declaration("E1", 2026, 11, Decimal("1234.56"), "Buurthuis")],
                    limits=limits(), today=date(2026, 12, 1), budget_priced=[p for p in items if p.engagement is g5],
                    exceptions=[exc])
    findings = run_checks(ci) + run_checks(replace(ci, period=year(2026)))
    findings += run_checks(replace(ci, own=replace(OWN, is_anbi=False, corporate_tax_liable=True,
                                                   may_pay_volunteers=False)))
    from vergoeding.core.checks_prices import LIMITS, RATE, PriceGap, no_price_findings

    gaps = [PriceGap(1, g1, date(2027, 1, 5), LIMITS), PriceGap(2, g1, date(2027, 1, 6), LIMITS),
            PriceGap(3, g4, date(2026, 11, 12), RATE)]
    findings += no_price_findings(gaps, {"E1": "Deskundige E1"}, "2026-11", limits_where="rates/limits",
                                  card_origin="rates/ratecard.toml", limit_years=[2026])
    # January 2027: figures missing and unconfirmed, zzp work after the Wet DBA soft landing
    jan27 = [priced(g1, date(2027, 1, 5), minutes=120), priced(g5, date(2027, 1, 6), minutes=120),
             priced(g3, date(2027, 1, 7), amount="400.00")]
    findings += run_checks(replace(ci, period=month(2027, 1), priced=jan27, budget_priced=[]))
    # the third-party report's data, asked for early (checks_report)
    from vergoeding.core.checks_report import derden_data_warning, engagement_bsn_notice

    findings.append(derden_data_warning(e5, 2026, ["BSN ontbreekt", "adres is onvolledig"]))
    findings += [f for f in [engagement_bsn_notice(g6, replace(e6, bsn=None), OWN)] if f is not None]
    young = expert("E8", dob=date(2008, 3, 1))
    g8 = replace(engagement("G8", "E8", rate="12.50", unit=Unit.UUR), start=date(2026, 1, 1))
    findings += rate_age_findings(g8, young, Decimal("12.50"), Unit.UUR, limits())
    return ci, findings


def test_every_check_of_the_core_speaks_plain_dutch() -> None:
    _, findings = rich_scenario()
    rules = {f.rule for f in findings}
    core_rules = {r for r in RULE_LABELS if not r.startswith(("ratecard.", "sepa.", "payout.held", "payout.override_unused", "invoice.", "limits."))}
    assert core_rules <= rules, core_rules - rules  # the scenario reaches every check
    # (figures of payout.no_price keep the work dates ISO for scripts: "data")
    problems = {(f.rule, t): not_plain(t) for f in findings for t in texts(f)
                if not_plain(t) and not (f.rule == "payout.no_price" and t == f.figures.get("data"))}
    assert problems == {}
    # and they do say amounts and months the Dutch way
    joined = "\n".join(t for f in findings for t in texts(f))
    for expected in ("oktober 2026", "november 2026", "€ 1.234,56", "€ 30,00 per uur", "maand november 2026"):
        assert expected in joined, expected


def test_month_cap_message_in_words() -> None:
    _, findings = rich_scenario()
    (f,) = [f for f in findings if f.rule == "volunteer.month_cap" and f.expert == "E1" and f.period == "2026-11"
            and "Buurthuis" not in f.message][:1]
    assert f.message.startswith(
        "Voor het werk in november 2026 telt € 1.534,56 mee voor de vrijwilligersgrens (waarvan € 1.234,56 "
        "opgegeven door andere organisaties); de maandgrens is € 220,00, dus € 1.314,56 te veel.")
    assert f.where == "maand november 2026" and f.period == "2026-11"  # the machine field stays a label
    earlier = [f for f in findings if f.rule == "volunteer.month_cap" and f.expert == "E2"]
    assert earlier and "door de vergoeding voor het werk in november 2026 (opdracht G2) tellen de bonnetjes van " \
        "januari 2026 (€ 250,00) nu wel mee" in earlier[0].message


def test_every_rule_has_its_own_label_and_an_unknown_one_its_area() -> None:
    _, findings = rich_scenario()
    for f in findings:
        assert f.label == RULE_LABELS[f.rule] and "." not in f.label and "_" not in f.label
    assert rule_label("payment.missing_rate") == "betaalgegevens"  # a new check of an area
    assert rule_label("iets.nieuws") == "controle"


# --- the command line on the demo administration ------------------------------------------


@pytest.fixture(scope="module")
def demo_db(demo_run: tuple[Path, object]) -> Path:
    """The session's demo (conftest.demo_run), read only."""
    return demo_run[0] / "vergoeding.db"


def _run(cli: click.Group, db: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", str(db), *args], env={"VERGOEDING_TODAY": "2026-11-15"})


def test_demo_check_speaks_plain_dutch_and_json_keeps_machine_fields(cli: click.Group, demo_db: Path) -> None:
    seen = 0
    for period in ("2026-08", "2026-09", "2026-10", "2026-11", "2026"):
        table = _run(cli, demo_db, "check", "--period", period)
        assert table.exit_code in (0, 1) and "Traceback" not in table.output
        assert RULE_ID.findall(table.stdout) == []  # labels, not rule ids
        assert [ln for ln in table.stdout.splitlines() if not_plain(ln)] == []
        js = _run(cli, demo_db, "check", "--period", period, "--format", "json")
        for f in json.loads(js.stdout):
            seen += 1
            assert "." in f["rule"]  # the id for scripts
            assert [t for t in (f["message"], f["advice"], f["where"]) if not_plain(t)] == []
            assert f["period"] is None or re.fullmatch(r"20\d\d(-\d\d)?|20\d\d-\d\d-\d\d\.\.20\d\d-\d\d-\d\d",
                                                        f["period"])
            assert all(not isinstance(v, str) or "€" not in v for v in f["figures"].values())
    assert seen > 20
    table = _run(cli, demo_db, "check", "--period", "2026-10").stdout
    assert "FOUT [maandgrens vrijwilligersvergoeding] E003 G003 oktober 2026\n    Voor het werk in oktober 2026 " \
        "telt € 281,06 mee voor de vrijwilligersgrens; de maandgrens is" in table  # wrapped at 100 columns
    assert "Voor het werk in oktober 2026 telt € 281,06 mee voor de vrijwilligersgrens; de maandgrens is € 220,00, " \
        "dus € 61,06 te veel." in " ".join(table.split())
    js = json.loads(_run(cli, demo_db, "check", "--period", "2026-10", "--format", "json").stdout)
    (cap,) = [f for f in js if f["rule"] == "volunteer.month_cap"]
    assert (cap["period"], cap["where"], cap["figures"]["totaal geteld"], cap["limit"]) == (
        "2026-10", "maand oktober 2026", "281.06", "220")


def test_room_table_names_the_months(cli: click.Group, demo_db: Path) -> None:
    r = _run(cli, demo_db, "room", "--expert", "E003", "--on", "2026-10-31", "--breed")  # the wide row
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[3].startswith("oktober 2026  €\u00a0220,00    €\u00a0281,06")
    js = json.loads(_run(cli, demo_db, "room", "--expert", "E003", "--on", "2026-10-31", "--format", "json").stdout)
    assert [p["period"] for p in js["periods"]] == ["2026-10", "2026"]


# --- bound messages -----------------------------------------------------------------------


@pytest.mark.parametrize("args,message", [
    (["--amount", "2000000"], "fout: kolom/veld vast bedrag: te groot (nu € 2.000.000,00): hoogstens € 1.000.000,00; "
                              "controleer het getal (een tikfout?)"),
    (["--hours", "1", "--km", "12345,5"], "fout: kolom/veld km: te groot (nu 12.345,5 km): hoogstens 10.000 km per "
                                          "regel; controleer het getal (een tikfout?)"),
    (["--hours", "1", "--expense", "1234567,89"], "fout: kolom/veld onkosten: te groot (nu € 1.234.567,89): "
                                                  "hoogstens € 100.000,00 per regel"),
])
def test_bound_messages_in_words(runner: CliRunner, cli: click.Group, tmp_db: Path, args: list[str],
                                 message: str) -> None:
    build(tmp_db)
    r = runner.invoke(cli, ["log", "--engagement", "G001", "--date", "2026-11-03", *args],
                      env={"VERGOEDING_TODAY": "2026-11-15"})
    assert r.exit_code == 2 and "Traceback" not in r.output  # bad input
    assert message in r.stderr
    assert not_plain(r.stderr) == []


# --- log --amount 0 -----------------------------------------------------------------------

ZERO_ALONE = ("een vast bedrag van € 0,00 zonder tijd, aantal, km of onkosten betaalt niets en legt niets vast. "
              "Geef het bedrag dat wordt betaald; werk zonder vergoeding schrijft u op met de tijd (of het aantal) "
              "en bedrag 0")


def test_log_amount_zero_alone_is_refused_with_hours_it_is_unpaid_work(runner: CliRunner, cli: click.Group,
                                                                          tmp_db: Path) -> None:
    build(tmp_db)
    env = {"VERGOEDING_TODAY": "2026-11-15"}
    before = json.loads(runner.invoke(cli, ["hours", "--expert", "E001", "--period", "2026-11", "--format", "json"],
                                      env=env).stdout)
    for extra in ([], ["--amount", "0,00"]):
        r = runner.invoke(cli, ["log", "--engagement", "G001", "--date", "2026-11-03", "--amount", "0", *extra],
                          env=env)
        assert r.exit_code == 2 and r.stderr == f"fout: kolom/veld vast bedrag: {ZERO_ALONE}\n", r.output
    after = json.loads(runner.invoke(cli, ["hours", "--expert", "E001", "--period", "2026-11", "--format", "json"],
                                     env=env).stdout)
    assert after == before  # nothing stored
    r = runner.invoke(cli, ["log", "--engagement", "G001", "--date", "2026-11-03", "--amount", "0", "--hours", "2"],
                      env=env)
    assert r.exit_code == 0 and r.stdout.startswith("Regel ")
    r = runner.invoke(cli, ["log", "--engagement", "G001", "--date", "2026-11-04", "--amount", "0", "--expense", "4,50"],
                      env=env)
    assert r.exit_code == 0, r.output  # costs only, nothing for the work: still a line


def test_import_amount_zero_alone_is_refused_the_same_way(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                         tmp_path: Path) -> None:
    build(tmp_db)
    f = tmp_path / "uren.csv"
    f.write_text("opdracht;datum;uren;vast bedrag\nG001;03-11-2026;;0\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", str(f)], env={"VERGOEDING_TODAY": "2026-11-15"})
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert f"uren.csv, rij 2, kolom/veld vast bedrag: {ZERO_ALONE}" in r.stderr
    f.write_text("opdracht;datum;uren;vast bedrag\nG001;03-11-2026;2;0\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", str(f)], env={"VERGOEDING_TODAY": "2026-11-15"})
    assert r.exit_code == 0, r.output


# --- negative zero: the KOR credit note ----------------------------------------------------


def test_no_negative_zero_from_the_formatter() -> None:
    minus_zero = Decimal("-0.00")
    assert round_cents(minus_zero).is_signed() is False and round_cents(Decimal("-0.004")) == 0
    assert euro(minus_zero) == "€\u00a00,00" and eur(-Decimal("0")) == "€ 0,00" and number(Decimal("-0.001")) == "0"
    assert eur(Decimal("-12.5")) == "€ -12,50"


def test_kor_credit_note_has_no_negative_zero_in_any_writer(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                            tmp_path: Path, ubl_rules: UblRules) -> None:
    # a KOR invoice we issue (self-billing agreed: a received one has no e-invoice of ours) and its credit note
    agree_self_billing(build(tmp_db), "G003")
    env = {"VERGOEDING_TODAY": "2026-11-05"}
    r = runner.invoke(cli, ["invoice", "expert", "--expert", "E003", "--period", "2026-10", "--self-billing"], env=env)
    assert r.exit_code == 0, r.output
    assert r.stdout == ("Factuur ZF2026-E003-001: Cor Pieters, 1 regel(s), totaal €\u00a0110,00 "
                        "(kleineondernemersregeling: geen btw)\n") and r.stderr == ""
    r = runner.invoke(cli, ["invoice", "credit", "ZF2026-E003-001", "--reason", "dubbel gefactureerd"], env=env)
    assert r.exit_code == 0, r.output
    assert r.stdout == ("Creditnota ZF2026-E003-002: Stichting Ervaring Werkt, 1 regel(s), totaal €\u00a0-110,00 "
                        "(kleineondernemersregeling: geen btw)\n")
    show = runner.invoke(cli, ["invoice", "show", "ZF2026-E003-002"], env=env).stdout
    assert "  totaal €\u00a0-110,00 (kleineondernemersregeling: geen btw)\n" in show and "0%" not in show
    out = {}
    for fmt in ("ubl", "pdf", "xlsx"):
        out[fmt] = tmp_path / f"c.{fmt}"
        r = runner.invoke(cli, ["invoice", "render", "ZF2026-E003-002", "--format", fmt, "-o", str(out[fmt])],
                          env=env)
        assert r.exit_code == 0, r.output
    ubl = out["ubl"].read_bytes()
    assert b"-0.00" not in ubl and b">-0<" not in ubl
    root = ET.fromstring(ubl)
    assert {e.text for e in root.iter() if e.tag.endswith("}TaxAmount")} == {"0.00"}
    assert ubl_rules.fatal(ubl) == []
    pdf = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out["pdf"].read_bytes())).pages)
    assert "-0,00" not in pdf and "-110,00" in pdf
    wb = load_workbook(out["xlsx"])
    numbers = [c.value for s in wb for row in s.iter_rows() for c in row if isinstance(c.value, int | float)]
    assert not any(v == 0 and str(v).startswith("-") for v in numbers)
    listing = runner.invoke(cli, ["invoice", "list", "--format", "csv"], env=env).stdout
    assert "-0,00" not in listing and "-0.00" not in listing
    js = runner.invoke(cli, ["invoice", "list", "--format", "json"], env=env).stdout
    credit = [x for x in json.loads(js) if x["number"] == "ZF2026-E003-002"][0]
    assert (credit["vat"], credit["total"]) == ("0.00", "-110.00")
    table = runner.invoke(cli, ["invoice", "list"], env=env).stdout
    assert "-0,00" not in table


# --- rates check ----------------------------------------------------------------------------

CARD = """\
[card]
name = "Testkaart"
organisation = "Stichting Test"

[roles.trainer]
label = "Trainer"
regimes = ["zzp", "vrijwilliger"]

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "12.00"
client = "10.00"
valid_from = 2025-01-01
valid_to = 2025-12-01

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "1262.50"
client = "1282.50"
valid_from = 2026-01-01

[[roles.trainer.rates]]
regime = "vrijwilliger"
unit = "uur"
expert = "25.00"
client = "40.00"
valid_from = 2026-01-01
valid_to = 2026-03-01

[[roles.trainer.rates]]
regime = "vrijwilliger"
unit = "uur"
expert = "25.00"
client = "40.00"
valid_from = 2026-02-01
"""


def test_rates_check_speaks_plain_dutch(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "kaart.toml"
    path.write_text(CARD, encoding="utf-8")
    r = runner.invoke(cli, ["rates", "check", str(path)])
    assert r.exit_code == 1 and RULE_ID.findall(r.stdout) == []
    for label in ("[tarieven overlappen]", "[gat tussen tarieven]", "[opdrachtgever onder deskundige]",
                  "[zzp-tarief en minimumloon]", "[uurvergoeding vrijwilliger]"):
        assert label in r.stdout, label
    flowed = " ".join(r.stdout.split())  # the messages wrap at 100 columns
    assert "opdrachtgever betaalt € 10,00, minder dan de deskundige krijgt (€ 12,00)" in flowed
    assert ("van 01-12-2025 tot 01-01-2026 geldt geen tarief; laat het volgende tarief op 01-12-2025 beginnen "
            "(valid_from = 2025-12-01)") in flowed
    assert "zet valid_to van het eerste tarief op 01-02-2026 (valid_to = 2026-02-01)" in flowed
    # what is left to sweep once the literal TOML values (valid_to = ...) are set aside
    text = re.sub(r"valid_(?:to|from)\s+=\s+\d{4}-\d\d-\d\d", "", r.stdout)  # also across a wrapped line
    assert [ln for ln in text.splitlines() if not_plain(ln.replace(str(path), ""))] == []
    js = json.loads(runner.invoke(cli, ["rates", "check", str(path), "--format", "json"]).stdout)
    assert {f["rule"] for f in js} >= {"ratecard.overlap", "ratecard.gap", "ratecard.client_below_expert"}


def test_a_finding_period_reads_as_words_in_the_head() -> None:
    from vergoeding.commands._common import period_label

    assert period_label("2026-10") == "oktober 2026" and period_label("2026") == "2026"
    assert period_label("2026-11-03..2026-11-30") == "03-11-2026 t/m 30-11-2026"  # an unnamed period
    assert period_label("via factuur") == "via factuur"
