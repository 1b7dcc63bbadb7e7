# mypy: disable-error-code="no-untyped-def,no-untyped-call,index"
"""`vergoeding limits draft` and `vergoeding limits check` (issue 19): the organisation's own
folder, a draft that can never pass as confirmed, files whose year, dates or sources disagree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import RATES

SHIPPED_2026 = RATES / "limits" / "2026.toml"


@pytest.fixture
def org(tmp_path: Path) -> Path:
    folder = tmp_path / "tarieven"
    folder.mkdir()
    return folder


def _rules(out: str) -> dict[str, list[dict]]:
    by: dict[str, list[dict]] = {}
    for f in json.loads(out):
        by.setdefault(f["rule"], []).append(f)
    return by


def test_draft_needs_an_own_folder_and_never_overwrites(cli, runner: CliRunner, org: Path) -> None:
    r = runner.invoke(cli, ["limits", "draft", "2027"])
    assert r.exit_code == 1, r.output
    assert "er is nog geen eigen map met tarieven ingesteld" in r.stderr
    assert "'vergoeding --rates MAP limits draft 2027'" in r.stderr
    assert not list(RATES.glob("limits/*.toml.tmp"))

    r = runner.invoke(cli, ["--rates", str(org), "limits", "draft", "2028"])
    assert r.exit_code == 0, r.output
    target = org / "limits" / "2028.toml"
    assert r.stdout == f"Concept gemaakt: {target} (bedragen overgenomen uit 2027, niets bevestigd).\n"
    text = target.read_text(encoding="utf-8")
    assert "\nconfirmed = true" not in text
    assert text.count('source = "nog niet gepubliceerd; overgenomen uit 2027"') >= 6
    again = runner.invoke(cli, ["--rates", str(org), "limits", "draft", "2028"])
    assert again.exit_code == 1 and "bestaat al; er is niets overschreven" in again.stderr
    assert target.read_text(encoding="utf-8") == text

    # the draft is in force for 2028 now: every figure unconfirmed, taken from 2027 (which
    # takes the hourly figures from nowhere: 2027 has none, so neither has the draft)
    show = runner.invoke(cli, ["--rates", str(org), "limits", "show", "--year", "2028", "--format", "json"])
    assert show.exit_code == 0, show.output
    payload = json.loads(show.stdout)
    assert {f["key"]: f["confirmed"] for f in payload["figures"]}["volunteer_month"] is False
    assert all(f["confirmed"] is False for f in payload["figures"])
    assert {m["key"] for m in payload["missing"]} == {"volunteer_hour_21_plus", "volunteer_hour_under_21",
                                                      "bijstand_earnings_disregard", "minimum_wage_hour"}


def test_draft_2027_keeps_the_law_text_and_copies_the_rest_from_2026(cli, runner: CliRunner, org: Path) -> None:
    r = runner.invoke(cli, ["--rates", str(org), "limits", "draft", "2027"])
    assert r.exit_code == 0, r.output
    show = runner.invoke(cli, ["--rates", str(org), "limits", "show", "--year", "2027", "--format", "json"])
    figures = {(f["key"], f["valid_from"]): f for f in json.loads(show.stdout)["figures"]}
    month = figures[("volunteer_month", "2027-01-01")]
    assert month["amount"] == "220" and "Wet LB 1964 art. 2 lid 6" in month["source"]
    hour = figures[("volunteer_hour_21_plus", "2027-01-01")]
    assert (hour["amount"], hour["source"]) == ("5.75", "nog niet gepubliceerd; overgenomen uit 2026")
    wage = figures[("minimum_wage_hour", "2027-01-01")]  # the latest 2026 figure, from 1 January
    assert (wage["amount"], wage["confirmed"]) == ("14.99", False)
    assert not any(f["confirmed"] for f in figures.values())
    check = runner.invoke(cli, ["--rates", str(org), "limits", "check", str(org / "limits" / "2027.toml"),
                                "--format", "json"])
    assert check.exit_code == 0, check.output
    rules = _rules(check.stdout)
    assert "limits.draft" in rules and "limits.draft_confirmed" not in rules
    # compared with the shipped 2027 file it replaces: the copied figures are new
    changed = " ".join(f["message"] for f in rules["limits.changed"])
    assert "volunteer_hour_21_plus vanaf 01-01-2027: nieuw, € 5,75 (onbevestigd)" in changed


def test_a_draft_marked_confirmed_is_an_error_and_stays_unconfirmed(cli, runner: CliRunner, org: Path) -> None:
    assert runner.invoke(cli, ["--rates", str(org), "limits", "draft", "2027"]).exit_code == 0
    path = org / "limits" / "2027.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("confirmed = false", "confirmed = true"),
                    encoding="utf-8")
    check = runner.invoke(cli, ["--rates", str(org), "limits", "check", str(path), "--format", "json"])
    assert check.exit_code == 1
    bad = _rules(check.stdout)["limits.draft_confirmed"]
    assert {f["where"].rsplit(":", 1)[0] for f in bad} == {str(path)}
    assert "volunteer_hour_21_plus: staat op confirmed = true, maar de bron zegt 'nog niet gepubliceerd; " \
           "overgenomen uit 2026'" in " ".join(f["message"] for f in bad)
    show = runner.invoke(cli, ["--rates", str(org), "limits", "show", "--year", "2027", "--format", "json"])
    by = {f["key"]: f for f in json.loads(show.stdout)["figures"]}
    assert by["volunteer_hour_21_plus"]["confirmed"] is False  # the copy never passes as confirmed
    assert by["volunteer_month"]["confirmed"] is True  # a law-text figure: the user's own choice


def test_a_2026_file_copied_as_2027_is_reported(cli, runner: CliRunner, tmp_path: Path) -> None:
    lazy = tmp_path / "2027.toml"
    lazy.write_text(SHIPPED_2026.read_text(encoding="utf-8").replace("year = 2026", "year = 2027"), encoding="utf-8")
    r = runner.invoke(cli, ["limits", "check", str(lazy), "--format", "json"])
    assert r.exit_code == 1
    rules = _rules(r.stdout)
    dates = rules["limits.date_mismatch"]
    assert len(dates) == 12  # every figure says 2026
    assert "volunteer_month: geldig vanaf 01-01-2026, maar dit is het bestand voor 2027." in \
        [f["message"] for f in dates]
    # dates fixed, sources still naming 2026: an error where the figure says confirmed
    dated = tmp_path / "b" / "2027.toml"
    dated.parent.mkdir()
    dated.write_text(lazy.read_text(encoding="utf-8").replace("2026-", "2027-"), encoding="utf-8")
    r = runner.invoke(cli, ["limits", "check", str(dated), "--format", "json"])
    assert r.exit_code == 1
    src = {f["message"].split(":", 1)[0]: f for f in _rules(r.stdout)["limits.source_year"]}
    assert src["volunteer_month"]["severity"] == "error"
    assert "de bron noemt 2026 en niet 2027" in src["volunteer_month"]["message"]
    assert src["volunteer_hour_21_plus"]["severity"] == "warning"  # unconfirmed: a warning
    assert "limits.date_mismatch" not in _rules(r.stdout)
    # a year that does not match the name
    named = tmp_path / "2028.toml"
    shutil.copy(RATES / "limits" / "2027.toml", named)
    r = runner.invoke(cli, ["limits", "check", str(named)])
    assert r.exit_code == 1
    assert "year = 2027, maar de bestandsnaam zegt 2028." in " ".join(r.stdout.split())


def test_the_shipped_files_pass_and_a_lower_cap_is_named(cli, runner: CliRunner, tmp_path: Path) -> None:
    for year in (2026, 2027):
        r = runner.invoke(cli, ["limits", "check", str(RATES / "limits" / f"{year}.toml"), "--format", "json"])
        assert r.exit_code == 0, r.output
        assert not [f for f in json.loads(r.stdout) if f["severity"] != "info"], r.stdout
    lower = tmp_path / "2027.toml"
    lower.write_text((RATES / "limits" / "2027.toml").read_text(encoding="utf-8")
                     .replace('amount = "220"', 'amount = "200"'), encoding="utf-8")
    r = runner.invoke(cli, ["limits", "check", str(lower)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.stdout.split())
    assert "volunteer_month vanaf 01-01-2027: € 220,00 wordt € 200,00." in text
    assert "'vergoeding check --year 2027'" in text
