"""``vergoeding rates show`` and ``vergoeding rates check`` through the real click group."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import RATES

from vergoeding.core.findings import rule_label

BASE = """\
[card]
name = "Testkaart"
organisation = "Stichting Test"

[roles.trainer]
label = "Trainer"
regimes = ["zzp"]

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "60.00"
client = "80.00"
valid_from = 2025-01-01
valid_to = 2026-01-01

[[roles.trainer.rates]]
regime = "zzp"
unit = "uur"
expert = "62.50"
client = "82.50"
valid_from = 2026-01-01
"""


def _card(tmp_path: Path, old: str = "", new: str = "") -> Path:
    if old:
        assert old in BASE
    path = tmp_path / "kaart.toml"
    path.write_text(BASE.replace(old, new, 1) if old else BASE, encoding="utf-8")
    return path


def _line(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_shipped_card_checks_clean(runner: CliRunner, cli: click.Group) -> None:
    card = RATES / "ratecard.toml"
    result = runner.invoke(cli, ["rates", "check", str(card)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{card}: in orde.\n"
    assert result.stderr == ""


def test_base_card_checks_clean(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path)
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "in orde" in result.stdout


# (old, new, rule, key, message, line of the text the finding must point at)
BROKEN = {
    "unknown_key": ('organisation = "Stichting Test"', 'organisation = "Stichting Test"\norganisatie = "x"',
                    "ratecard.field", "card.organisatie", "onbekende sleutel", 'organisatie = "x"'),
    "overlap": ("valid_to = 2026-01-01", "valid_to = 2026-03-01", "ratecard.overlap", "roles.trainer.rates[0]",
                "geldigheid 01-01-2025 t/m 28-02-2026 overlapt met het tarief vanaf 01-01-2026", None),
    "gap": ("valid_to = 2026-01-01", "valid_to = 2025-12-01", "ratecard.gap", "roles.trainer.rates[0]",
            "van 01-12-2025 tot 01-01-2026 geldt geen tarief; laat het volgende tarief op 01-12-2025 beginnen (valid_from = 2025-12-01)", None),
    "float_amount": ('expert = "62.50"', "expert = 5.5", "ratecard.field", "roles.trainer.rates[1].expert",
                     'bedrag 5.5 is als getal geschreven; schrijf het als tekst tussen aanhalingstekens, bijvoorbeeld "5.50"',
                     "expert = 5.5"),
    "negative": ('expert = "62.50"', 'expert = "-62.50"', "ratecard.field", "roles.trainer.rates[1].expert",
                 "negatief bedrag '-62.50'", 'expert = "-62.50"'),
    "missing_regime": ('regimes = ["zzp"]', 'regimes = ["zzp", "particulier"]', "ratecard.regime_missing",
                       "roles.trainer", "rol trainer mist een tarief voor regime particulier", "[roles.trainer]"),
    "valid_to_before_from": ("valid_to = 2026-01-01", "valid_to = 2024-06-01", "ratecard.validity_empty",
                             "roles.trainer.rates[0].valid_to", "valid_to 01-06-2024 ligt niet na valid_from 01-01-2025",
                             "valid_to = 2024-06-01"),
    "unknown_regime": ('regime = "zzp"', 'regime = "freelance"', "ratecard.field", "roles.trainer.rates[0].regime",
                       "'vrijwilliger', 'vacatiegeld', 'zzp'", 'regime = "freelance"'),
    "missing_client": ('client = "80.00"\n', "", "ratecard.field", "roles.trainer.rates[0].client",
                       "verplichte sleutel ontbreekt", None),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_card(runner: CliRunner, cli: click.Group, tmp_path: Path, case: str) -> None:
    old, new, rule, key, message, anchor = BROKEN[case]
    path = _card(tmp_path, old, new)
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"FOUT [{rule_label(rule)}] {path}:" in result.stdout  # the rule id only in JSON
    assert f" [{key}]" in result.stdout
    assert message in " ".join(result.stdout.split())  # the message wraps at 100 columns
    assert "Traceback" not in result.output
    assert "1 fout(en)" in result.stderr
    if anchor is not None:
        assert f"{path}:{_line(path, anchor)} [{key}]" in result.stdout


def test_line_numbers_point_at_the_right_lines(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    # The float amount of the second rate sits on line 20, the unknown key on line 4.
    path = _card(tmp_path, 'expert = "62.50"', "expert = 5.5")
    out = runner.invoke(cli, ["rates", "check", str(path)]).stdout
    assert f"{path}:20 [roles.trainer.rates[1].expert]" in out
    path = _card(tmp_path, 'organisation = "Stichting Test"', 'organisation = "Stichting Test"\norganisatie = "x"')
    out = runner.invoke(cli, ["rates", "check", str(path)]).stdout
    assert f"{path}:4 [card.organisatie]" in out
    # the overlap points at the header of the first of the two rates, and names the second
    path = _card(tmp_path, "valid_to = 2026-01-01", "valid_to = 2026-03-01")
    out = runner.invoke(cli, ["rates", "check", str(path)]).stdout
    assert f"{path}:9 [roles.trainer.rates[0]]" in out
    assert f"({path}:17 [roles.trainer.rates[1]])" in " ".join(out.split())  # in the message, wrapped


def test_several_problems_are_all_reported(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "kaart.toml"
    path.write_text(BASE.replace('expert = "60.00"', "expert = 60.5").replace('client = "82.50"', 'client = "-1"'),
                    encoding="utf-8")
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:12 [roles.trainer.rates[0].expert]" in result.stdout
    assert f"{path}:21 [roles.trainer.rates[1].client]" in result.stdout
    assert "2 fout(en)" in result.stderr


def test_bad_toml(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path, 'label = "Trainer"', 'label = "Trainer')
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 1
    assert f"FOUT [tariefkaart onleesbaar] {path}" in result.stdout
    assert "geen geldige TOML" in result.stdout
    assert "regel 6" in result.stdout and "line" not in result.stdout


def test_missing_file(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["rates", "check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "bestand niet gevonden" in result.stdout


def test_warnings_do_not_fail_the_check(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path, 'client = "82.50"', 'client = "50.00"')  # client pays less than the expert gets
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "WAARSCHUWING [opdrachtgever onder deskundige]" in result.stdout
    assert "opdrachtgever betaalt € 50,00, minder dan de deskundige krijgt (€ 62,50)" in " ".join(result.stdout.split())


def test_freelance_at_minimum_wage_is_flagged(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path, 'expert = "62.50"', 'expert = "14.50"')
    result = runner.invoke(cli, ["rates", "check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    wage = [f for f in findings if f["rule"] == "ratecard.freelance_at_minimum_wage"]
    assert wage and wage[0]["limit"] == "14.71" and wage[0]["limit_year"] == 2026
    assert wage[0]["limit_source"]


def test_check_json(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path, 'expert = "62.50"', "expert = 5.5")
    result = runner.invoke(cli, ["rates", "check", str(path), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert finding["severity"] == "error"
    assert finding["rule"] == "ratecard.field"
    assert finding["where"] == f"{path}:20 [roles.trainer.rates[1].expert]"


# --- rates show ------------------------------------------------------------------------


def test_rates_show_json(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["rates", "show", "--on", "2026-03-01", "--role", "trainer", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["example"] is True
    assert data["on"] == "2026-03-01"
    rows = {(r["regime"], r["level"]): (r["expert"], r["client"], r["unit"]) for r in data["rates"]}
    assert rows[("zzp", "standaard")] == ("72.50", "97.50", "uur")
    assert rows[("zzp", "senior")] == ("90.00", "115.00", "uur")
    assert rows[("particulier", "standaard")] == ("130.00", "260.00", "sessie")
    assert {r["role"] for r in data["rates"]} == {"trainer"}


def test_rates_show_before_the_change(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["rates", "show", "--on", "31-12-2025", "--role", "trainer", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "\ufeffrol;regime;niveau;eenheid;deskundige;opdrachtgever;geldig"  # Dutch headers
    assert "trainer;zzp;standaard;uur;70,00;95,00;01-01-2025 t/m 31-12-2025" in lines


def test_rates_show_table_marks_the_example(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["rates", "show", "--on", "2026-03-01"])
    assert result.exit_code == 0
    assert "[VOORBEELD]" in " ".join(result.stdout.splitlines()[:2])  # the title, wrapped at 100 columns
    for role in ("adviseur", "toegangsteam", "co-onderzoeker"):
        assert role in result.stdout


def test_rates_show_unknown_role(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["rates", "show", "--role", "kok"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "rol 'kok' staat niet op de tariefkaart" in result.stderr


def test_rates_show_bad_date_is_usage_error(runner: CliRunner, cli: click.Group) -> None:
    result = runner.invoke(cli, ["rates", "show", "--on", "31-02-2026"])
    assert result.exit_code == 2
    assert "bestaat niet" in result.stderr


def test_own_rate_card_by_option_and_environment(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path)
    by_option = runner.invoke(cli, ["--rate-card", str(path), "rates", "show", "--on", "2026-03-01", "--format", "json"])
    by_env = runner.invoke(cli, ["rates", "show", "--on", "2026-03-01", "--format", "json"],
                           env={"VERGOEDING_RATE_CARD": str(path)})
    for result in (by_option, by_env):
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["card"] == "Testkaart" and data["example"] is False
        assert [(r["role"], r["expert"]) for r in data["rates"]] == [("trainer", "62.50")]


def test_own_rate_card_by_config_file(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    _card(tmp_path)
    config = tmp_path / "vergoeding.toml"
    config.write_text('[paths]\nrate_card = "kaart.toml"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "rates", "show", "--on", "2026-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["card"] == "Testkaart"


def test_broken_own_card_is_refused_with_a_pointer_to_check(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    path = _card(tmp_path, 'expert = "62.50"', "expert = 5.5")
    result = runner.invoke(cli, ["--rate-card", str(path), "rates", "show"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "vergoeding rates check" in result.stderr
    assert f"{path}:20 [roles.trainer.rates[1].expert]" in result.stderr


def test_field_errors_and_overlaps_in_one_run(runner: CliRunner, cli: click.Group, tmp_path: Path) -> None:
    text = (BASE.replace("valid_to = 2026-01-01", "valid_to = 2026-03-01")
            .replace('organisation = "Stichting Test"', 'organisation = "Stichting Test"\norganisatie = "x"')
            + '\n[[roles.trainer.rates]]\nregime = "zzp"\nunit = "uur"\nexpert = 70.5\nclient = "90.00"\n'
              "valid_from = 2027-01-01\n")
    path = tmp_path / "kaart.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["rates", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:4 [card.organisatie]" in result.stdout
    assert "FOUT [tariefkaart]" in result.stdout and "[roles.trainer.rates[2].expert]" in result.stdout
    assert "FOUT [tarieven overlappen]" in result.stdout
    assert "geldigheid 01-01-2025 t/m 28-02-2026 overlapt met het tarief vanaf 01-01-2026" in " ".join(result.stdout.split())
    assert "3 fout(en)" in result.stderr
