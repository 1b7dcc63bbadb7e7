"""SEPA ``CreDtTm`` from the product's clock with an offset (issue 21, item 8): banks read a
time without an offset as local time; the batch said UTC without saying so and ignored
``VERGOEDING_TODAY``."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner
from test_payout_cli import seed

from vergoeding.api.payout import sepa_timestamp


def test_local_time_with_its_offset_winter_and_summer() -> None:
    assert sepa_timestamp(datetime(2026, 11, 5, 13, 3, 12), date(2026, 11, 5)) == "2026-11-05T14:03:12+01:00"
    assert sepa_timestamp(datetime(2026, 7, 1, 10, 0, 0), date(2026, 7, 1)) == "2026-07-01T12:00:00+02:00"


def test_the_pinned_day_is_the_day_of_the_batch() -> None:
    # VERGOEDING_TODAY=2026-11-27, made at 08:15 UTC on another real day: the product's day, local time
    assert sepa_timestamp(datetime(2026, 12, 7, 8, 15, 0), date(2026, 11, 27)) == "2026-11-27T09:15:00+01:00"


def test_the_batch_carries_it(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(tmp_db)
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "out")],
                      env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    xml = (tmp_path / "out" / "sepa-2026-11.xml").read_text()
    m = re.search(r"<CreDtTm>([^<]+)</CreDtTm>", xml)
    assert m and re.fullmatch(r"2026-11-27T\d\d:\d\d:\d\d\+01:00", m.group(1)), m
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(tmp_path / "again"), "--reprint"],
                      env={"VERGOEDING_TODAY": "2026-12-15"})
    assert r.exit_code == 0, r.output
    assert (tmp_path / "again" / "sepa-2026-11.xml").read_text() == xml  # a reprint is the same batch
