# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""Verification of the payment trail (issue 11) with cases its implementers did not see, on a
database built through the CLI as a finance employee would: expert codes typed in another
case, an override that names someone who is not held (said out loud, not dropped), a negative balance, a statement after
an earlier month went over the cap, a payout killed after its commit followed by a payout of
another period."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import builders as b
from click.testing import CliRunner
from conftest import HANG_GUARD, clean_env, db_target
from sqlalchemy import func, select

from vergoeding.store import schema as s

IBAN = "NL91ABNA0417164300"
NOV = {"VERGOEDING_TODAY": "2026-11-30"}
DEC = {"VERGOEDING_TODAY": "2026-12-02"}
REASON = "boven de grens: wordt als loon opgegeven, met loonheffing"


def ok(cli, runner: CliRunner, args: list[str], env: dict[str, str] = NOV):  # noqa: ANN201
    r = runner.invoke(cli, args, env=env)
    assert r.exit_code == 0, (args, r.output)
    return r


def seed(cli, runner: CliRunner) -> None:
    """Through the CLI: an ANBI, three volunteers (V1 km travel), a private person."""
    env = {"VERGOEDING_TODAY": "2026-01-02"}
    ok(cli, runner, ["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Ervaringskracht",
                     "--street", "Kerkstraat 1", "--postcode", "3511AB", "--city", "Utrecht", "--iban", IBAN,
                     "--anbi", "--payroll-tax-number", "--contact-email", "info@ek.nl"], env)
    ok(cli, runner, ["org", "add", "--code", "GEM", "--name", "Gemeente Utrecht", "--street", "Stadsplateau 1",
                     "--postcode", "3521AZ", "--city", "Utrecht", "--anbi"], env)
    for code, name, extra in (("V1", "Vera Binnen", []), ("V2", "Victor Boven", []),
                              ("P1", "Pieter Particulier", ["--bsn", "111222333"])):
        ok(cli, runner, ["expert", "add", "--code", code, "--name", name, "--birth-date", "1-1-1980", "--iban", IBAN,
                         "--street", "Laan 1", "--postcode", "1111AA", "--city", "Utrecht", *extra], env)
    for code, expert, regime, extra in (("GV1", "V1", "vrijwilliger", ["--travel", "km"]),
                                        ("GV2", "V2", "vrijwilliger", []), ("GP1", "P1", "particulier", [])):
        ok(cli, runner, ["engagement", "add", "--code", code, "--expert", expert, "--client", "GEM", "--role",
                         "adviseur", "--regime", regime, "--start", "1-1-2026", *extra], env)


def log(cli, runner: CliRunner, eng: str, day: str, *extra: str, env: dict[str, str] = NOV) -> None:
    ok(cli, runner, ["log", "--engagement", eng, "--date", day, "--activity", "werk", *extra], env)


def pay(cli, runner: CliRunner, out: Path, *extra: str, period: str = "2026-11", env: dict[str, str] = NOV):  # noqa: ANN201
    return runner.invoke(cli, ["payout", "--period", period, "--out", str(out), *extra], env=env)


def november(cli, runner: CliRunner) -> None:
    """V1 3 hours (17.25), V2 250.00 (over the month cap of 220), P1 1 hour (42.50)."""
    seed(cli, runner)
    log(cli, runner, "GV1", "3-11-2026", "--hours", "3")
    log(cli, runner, "GV2", "3-11-2026", "--amount", "250")
    log(cli, runner, "GP1", "3-11-2026", "--hours", "1")
    ok(cli, runner, ["approve", "--period", "2026-11"])


def count(path: Path, table) -> int:  # noqa: ANN001
    eng = b.new_engine(path)
    with eng.connect() as c:
        n = int(c.execute(select(func.count()).select_from(table)).scalar_one())
    eng.dispose()
    return n


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_expert_codes_typed_in_another_case(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    november(cli, runner)
    r = pay(cli, runner, tmp_path / "a", "--expert", "p1")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert "Betaald: 2026-11, 1 overboeking(en), totaal €\u00a042,50, 1 regel(s) afgerekend." in r.stdout
    # the override applies to V2 whatever case it is typed in
    r = pay(cli, runner, tmp_path / "b", "--override-expert", "v2", "--override-reason", REASON)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.2, 2 overboeking(en), totaal €\u00a0267,25, 2 regel(s) afgerekend." in r.stdout
    assert "Aangehouden" not in r.stdout
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        experts = [x for (x,) in c.execute(select(s.payouts.c.expert_code).order_by(s.payouts.c.id))]
        detail = json.loads(c.execute(select(s.audit_log.c.detail).where(s.audit_log.c.action == "payout.override"))
                            .scalar_one())
    eng.dispose()
    assert experts == ["P1", None]
    assert detail["override_experts"] == ["V2"] and detail["held"] == []


def test_an_override_that_does_nothing_is_said_out_loud(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    november(cli, runner)
    # the one held (V2) is not in this payout (--expert P1): the override does nothing, and says so
    r = pay(cli, runner, tmp_path / "a", "--expert", "P1", "--override-expert", "V2", "--override-reason", REASON)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11, 1 overboeking(en), totaal €\u00a042,50, 1 regel(s) afgerekend." in r.stdout
    assert "WAARSCHUWING [betalen ondanks fouten had geen effect] november 2026" in r.stdout
    assert ("--override-expert V2: Victor Boven heeft geen open regels in deze uitbetaling; de override geldt "
            "hier niet.") in " ".join(r.stdout.split())  # the message wraps at 100 columns
    # V1 is not held (V2 was meant): V1 is paid as usual, V2 stays held, the override is not recorded
    r = pay(cli, runner, tmp_path / "b", "--override-expert", "V1", "--override-reason", REASON)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.2, 1 overboeking(en), totaal €\u00a017,25, 1 regel(s) afgerekend." in r.stdout
    assert ("--override-expert V1: Vera Binnen wordt in deze uitbetaling niet aangehouden; alleen wie aangehouden "
            "wordt, kunt u met een reden toch betalen; de override geldt hier niet.") in " ".join(r.stdout.split())
    assert "Aangehouden (1)" in r.stdout and "V2 Victor Boven: Voor het werk in november 2026" in r.stdout
    text = pdf_text(tmp_path / "b" / "uitbetaling-2026-11.2.pdf")
    assert "betalen ondanks fouten had geen effect" in text and "Betaald ondanks fouten" not in text
    assert "payout.override_unused" not in text  # the stable id stays in JSON, people read Dutch
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        actions = [a for (a,) in c.execute(select(s.audit_log.c.action).where(s.audit_log.c.entity == "payout")
                                           .order_by(s.audit_log.c.id))]
        reasons = [x for (x,) in c.execute(select(s.payouts.c.override_reason).order_by(s.payouts.c.id))]
    eng.dispose()
    assert actions == ["payout.create", "payout.create"] and reasons == [None, None]
    out = tmp_path / "x"
    # an unknown expert
    r = pay(cli, runner, out, "--override-expert", "X9", "--override-reason", REASON)
    assert r.exit_code == 1 and "ervaringsdeskundige 'X9' bestaat niet" in r.stderr
    # reasons: only spaces, 19 characters, 20 characters
    r = pay(cli, runner, out, "--override-expert", "V2", "--override-reason", " " * 25)
    assert r.exit_code == 2 and "de reden is leeg" in r.stderr
    r = pay(cli, runner, out, "--override-expert", "V2", "--override-reason", "grens    overschreden!")  # 19 once the spaces are one
    assert r.exit_code == 2 and "de reden is te kort (19 tekens)" in r.stderr
    assert not out.exists() and count(tmp_db, s.payouts) == 2 and count(tmp_db, s.paid_lines) == 2
    r = pay(cli, runner, out, "--override-expert", "V2", "--override-reason", "grens overschreden!!")
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.3, 1 overboeking(en), totaal €\u00a0250,00, 1 regel(s) afgerekend." in r.stdout
    assert "override_unused" not in r.stdout


def test_negative_balance_is_held_with_a_dutch_amount(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    november(cli, runner)
    assert pay(cli, runner, tmp_path / "nov").exit_code == 0  # V1 17.25 and P1 42.50 paid, V2 held
    # V1's 3 hours were 1 hour: a correction of -2 hours = -11.50 on a paid line
    r = runner.invoke(cli, ["correct", "1", "--hours", "1", "--reason", "was 1 uur, niet 3 uur"], env=DEC)
    assert r.exit_code == 0, r.output
    log(cli, runner, "GP1", "1-12-2026", "--hours", "1", env=DEC)
    ok(cli, runner, ["approve", "--period", "2026-12"], DEC)
    r = pay(cli, runner, tmp_path / "dec", period="2026-12", env=DEC)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-12, 1 overboeking(en), totaal €\u00a042,50, 1 regel(s) afgerekend." in r.stdout
    assert "V1 Vera Binnen: het saldo is negatief (€ -11,50): er valt niets over te maken" in r.stdout
    assert "-11.50" not in r.output


def test_statement_after_an_earlier_month_over_the_cap_shows_no_room(cli, runner: CliRunner, tmp_db: Path,
                                                                     tmp_path: Path) -> None:
    seed(cli, runner)
    log(cli, runner, "GV1", "3-11-2026", "--amount", "220")  # exactly the month cap: paid
    ok(cli, runner, ["approve", "--period", "2026-11"])
    r = pay(cli, runner, tmp_path / "nov")
    assert r.exit_code == 0 and "totaal €\u00a0220,00" in r.stdout, r.output
    # 10 km forgotten: the correction makes paid November € 2,30 over the cap
    r = runner.invoke(cli, ["correct", "1", "--km", "10", "--reason", "10 km vergeten"], env=DEC)
    assert r.exit_code == 0, r.output
    r = pay(cli, runner, tmp_path / "dec", period="2026-12", env=DEC)
    assert r.exit_code == 1 and "Vera Binnen (V1): Voor het werk in november 2026 telt € 222,30 mee" in r.stderr
    r = pay(cli, runner, tmp_path / "dec", "--override-expert", "V1", "--override-reason", REASON, period="2026-12",
            env=DEC)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-12, 1 overboeking(en), totaal €\u00a02,30, 1 regel(s) afgerekend." in r.stdout
    text = pdf_text(tmp_path / "dec" / "specificatie-2026-12-V1.pdf")
    assert "correctie van uw werk als" in text and "op 03-11-2026: 10 km vergeten" in text
    assert "(van eerder)" in text and "10 km × € 0,23" in text and "correctie op regel" not in text
    assert "Voor de grens telt in 2026 tot nu toe € 222,30 mee." in text
    # November went over the cap: nothing of 2026 is tax-free any more, December neither, and
    # the letter says so once, in the words of core/caps_story.py (no "kan er nog ... bij")
    assert "In november 2026 ging het € 2,30 over de grens van € 220,00 per maand." in text
    assert "kan er nog" not in text and "Er kan in 2026 dus niets meer belastingvrij bij." in text
    assert "Daarom is uw hele vrijwilligersvergoeding van 2026 belast, niet alleen het stuk erboven." in text
    assert "Wat nu? Wij houden over uw vergoeding van 2026 loonheffing in." in text
    # "Soort vergoeding" calls it what it now is
    assert "Vergoeding als vrijwilliger, belast als loon" in text and "Vrijwilligersvergoeding €" not in text
    # the same figure as 'vergoeding room'
    r = runner.invoke(cli, ["room", "--expert", "V1", "--on", "2026-12-31", "--format", "json"], env=DEC)
    assert r.exit_code == 0, r.output
    assert "2026-11" in r.stdout
    story = json.loads(r.stdout)["story"]
    assert story["crossed"] is True and story["year_left"] == "0.00" and story["crossed_in"] == ["november 2026"]
    assert story["allowance_name"] == "vergoeding als vrijwilliger, belast als loon"


def _run(db: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = {"VERGOEDING_DB": db_target(db), **DEC}
    if kill_at:
        extra["VERGOEDING_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "vergoeding", *args], capture_output=True, text=True,
                          env=clean_env(**extra), timeout=HANG_GUARD)


def test_a_killed_payout_is_not_forgotten_by_a_payout_of_another_period(cli, runner: CliRunner, tmp_db: Path,
                                                                        tmp_path: Path) -> None:
    november(cli, runner)
    log(cli, runner, "GP1", "1-12-2026", "--hours", "1", env=DEC)
    ok(cli, runner, ["approve", "--period", "2026-12"], DEC)
    nov, dec = tmp_path / "nov", tmp_path / "dec"
    r = _run(tmp_db, "payout", "--period", "2026-11", "--out", str(nov), kill_at="payout.after_commit")
    assert r.returncode == -9
    assert not nov.exists() and count(tmp_db, s.payouts) == 1
    # November is paid in the database but its SEPA batch was never made: December must not
    # go ahead as if nothing happened
    r = _run(tmp_db, "payout", "--period", "2026-12", "--out", str(dec))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert ("uitbetaling 2026-11 is vastgelegd, maar de bestanden (met de SEPA-batch) zijn nooit gemaakt: de "
            "uitvoering is afgebroken. Maak ze eerst: 'vergoeding payout --period 2026-11 --out MAP'.") in r.stderr
    assert not dec.exists() and count(tmp_db, s.payouts) == 1
    r = _run(tmp_db, "payout", "--period", "2026-11", "--out", str(nov))
    assert r.returncode == 0 and "er is niets opnieuw betaald" in r.stdout
    assert sorted(p.name for p in nov.iterdir()) == ["sepa-2026-11.xml", "specificatie-2026-11-P1.pdf",
                                                     "specificatie-2026-11-V1.pdf", "uitbetaling-2026-11.pdf",
                                                     "uitbetaling-2026-11.xlsx"]
    r = _run(tmp_db, "payout", "--period", "2026-12", "--out", str(dec))
    assert r.returncode == 0, r.stderr
    assert "Betaald: 2026-12, 1 overboeking(en), totaal €\u00a042,50, 1 regel(s) afgerekend." in r.stdout


def test_overview_pdf_names_the_follow_up_the_held_the_late_and_the_overridden(cli, runner: CliRunner, tmp_db: Path,
                                                                             tmp_path: Path) -> None:
    november(cli, runner)
    r = pay(cli, runner, tmp_path / "a")
    assert r.exit_code == 0, r.output
    text = pdf_text(tmp_path / "a" / "uitbetaling-2026-11.pdf")
    assert "Organisatie Stichting Ervaringskracht Uitbetaling 2026-11 Uitvoerdatum" in text
    assert ("Aangehouden Niet betaald: hun regels blijven open en gaan mee met een volgende uitbetaling zodra het "
            "is opgelost. Code Naam Reden V2 Victor Boven Voor het werk in november 2026 telt € 250,00 mee") in text
    # a late line of October and the override of V2 in a follow-up
    log(cli, runner, "GV1", "20-10-2026", "--hours", "1")
    ok(cli, runner, ["approve", "--period", "2026-10"])
    r = pay(cli, runner, tmp_path / "b", "--override-expert", "V2", "--override-reason", REASON)
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11.2, 2 overboeking(en), totaal €\u00a0255,75, 2 regel(s) afgerekend." in r.stdout
    text = pdf_text(tmp_path / "b" / "uitbetaling-2026-11.2.pdf")
    assert "Uitbetaling 2026-11.2 (vervolgbetaling)" in text
    assert f"Betaald ondanks fouten (V2). Vastgelegde reden: {REASON}" in text
    assert "werk (van eerder)" in text and "Aangehouden Niet betaald" not in text


def test_this_year_so_far_keeps_receipts_and_in_kind_apart_and_adds_up_to_room(cli, runner: CliRunner, tmp_db: Path,
                                                                               tmp_path: Path) -> None:
    seed(cli, runner)
    log(cli, runner, "GV1", "3-11-2026", "--hours", "2", "--inkind", "25", "--inkind-note", "VVV-bon")  # 11.50 + 25 in kind
    log(cli, runner, "GV1", "4-11-2026", "--hours", "1", "--expense", "7,50")  # 5.75 + 7.50 fixed
    log(cli, runner, "GV2", "3-11-2026", "--hours", "0:30", "--expense", "40", "--receipt")  # 2.88 + 40.00 receipt
    ok(cli, runner, ["approve", "--period", "2026-11"])
    log(cli, runner, "GV1", "5-11-2026", "--hours", "1")  # logged, not approved: counts, not paid (5.75)
    r = pay(cli, runner, tmp_path / "nov")
    assert r.exit_code == 0, r.output
    assert "Betaald: 2026-11, 2 overboeking(en), totaal €\u00a067,63, 3 regel(s) afgerekend." in r.stdout
    v1 = pdf_text(tmp_path / "nov" / "specificatie-2026-11-V1.pdf")
    # one table: per regime this time and this year so far, receipts and in kind on rows of their own
    assert ("Soort Deze keer In 2026 tot nu toe Vrijwilligersvergoeding € 24,75 € 24,75 "
            "In natura gekregen (niet overgemaakt) € 25,00 € 25,00") in v1
    # 24.75 + 25.00 paid + 5.75 logged = 55.50, the figure of 'vergoeding room'
    assert ("Voor de grens telt in 2026 tot nu toe € 55,50 mee. Dat is wat u in 2026 tot nu toe "
            "betaald kreeg, plus wat u in natura kreeg. Ook € 5,75 voor werk dat nog betaald moet worden telt mee.") in v1
    v2 = pdf_text(tmp_path / "nov" / "specificatie-2026-11-V2.pdf")
    # the receipts are not volunteer allowance: apart, as under "Soort vergoeding"
    assert ("Vrijwilligersvergoeding € 2,88 € 2,88 Kosten met een bonnetje terugbetaald € 40,00 € 40,00") in v2
    assert ("Voor de grens telt in 2026 tot nu toe € 42,88 mee. Dat is wat u in 2026 tot nu toe "
            "betaald kreeg, plus de kosten met een bonnetje.") in v2
    for code, counted in (("V1", "55.50"), ("V2", "42.88")):
        r = runner.invoke(cli, ["room", "--expert", code, "--on", "2026-11-30", "--format", "json"], env=NOV)
        assert json.loads(r.stdout)["periods"][1]["counted"] == counted


def test_a_month_and_its_quarter_paid_at_the_same_moment_pay_each_line_once(cli, runner: CliRunner, tmp_db: Path,
                                                                             tmp_path: Path) -> None:
    """Two payouts of overlapping periods (2026-11 and 2026-Q4) started together: the lines are
    paid once, by one of them; the other refuses in Dutch and records nothing."""
    november(cli, runner)
    env = clean_env(VERGOEDING_DB=db_target(tmp_db), **DEC)
    procs = [subprocess.Popen([sys.executable, "-m", "vergoeding", "payout", "--period", period, "--out",
                               str(tmp_path / period)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for period in ("2026-11", "2026-Q4")]
    results = [(p.wait(timeout=HANG_GUARD), *p.communicate()) for p in procs]
    codes = sorted(rc for rc, _, _ in results)
    assert codes == [0, 1], results
    assert all("Traceback" not in err for _, _, err in results)
    loser = next(err for rc, _, err in results if rc == 1)
    assert loser.startswith("fout: "), loser
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        paid = sorted(e for (e,) in c.execute(select(s.paid_lines.c.entry_id)))
        n = c.execute(select(func.count()).select_from(s.payouts)).scalar_one()
    eng.dispose()
    assert paid == [1, 3] and n == 1  # V1 and P1 once; V2 held
