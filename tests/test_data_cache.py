"""The cache of loaded limits and rate card (vergoeding/data/cache.py): the same objects as a
fresh load, never an answer for other file contents, and no harm when it is damaged or off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import RATES

from vergoeding.api.workspace import open_workspace
from vergoeding.data import cache
from vergoeding.data.limits import load_limits
from vergoeding.data.ratecard import load_ratecard
from vergoeding.errors import DataFileError


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VERGOEDING_CACHE_DIR", str(folder))
    return folder


def counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def load() -> object:
        calls.append(1)
        return value

    return calls, load


def test_second_load_comes_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    calls, load = counting({"figures": [1, 2]})
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert len(calls) == 1
    assert len(list(cache_dir.glob("t-*.pickle"))) == 1


def test_other_bytes_other_key(cache_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    calls, load = counting("v")
    cache.cached("t", [f], load)
    f.write_text("x = 2\n")  # same size, other content
    cache.cached("t", [f], load)
    cache.cached("t", [f], load, extra=b"other limits")
    copy = tmp_path / "b.toml"
    shutil.copy(f, copy)
    cache.cached("t", [copy], load)  # the path is part of the key (it is in messages)
    assert len(calls) == 4


def test_damaged_cache_file_is_ignored_and_replaced(cache_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    calls, load = counting([1])
    cache.cached("t", [f], load)
    (entry,) = cache_dir.glob("t-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.cached("t", [f], load) == [1]
    assert cache.cached("t", [f], load) == [1]
    assert len(calls) == 2


def test_off_and_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    calls, load = counting("v")
    monkeypatch.setenv("VERGOEDING_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    cache.cached("t", [f], load)
    cache.cached("t", [f], load)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("VERGOEDING_CACHE_DIR", str(blocker / "cache"))
    assert cache.cached("t", [f], load) == "v"
    assert len(calls) == 3


def test_workspace_gives_what_a_fresh_load_gives(cache_dir: Path) -> None:
    fresh_limits = load_limits(RATES / "limits")
    fresh_card = load_ratecard(RATES / "ratecard.toml", fresh_limits)
    for _ in range(2):  # the first fills the cache, the second reads it
        ws = open_workspace(db=":memory:", rates=str(RATES))
        assert vars(ws.limits) == vars(fresh_limits)  # LimitsBook has no __eq__: compare its fields
        assert ws.ratecard == fresh_card
    assert {p.name.split("-")[0] for p in cache_dir.glob("*.pickle")} == {"limits", "ratecard"}


def test_an_edited_limits_file_is_read_again(cache_dir: Path, tmp_path: Path) -> None:
    rates = tmp_path / "rates"
    shutil.copytree(RATES, rates)
    assert open_workspace(db=":memory:", rates=str(rates)).limits.for_year(2026).figure("volunteer_year").amount \
        == 2200
    toml = rates / "limits" / "2026.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("[volunteer_year]")
    end = text.index("amount", start)
    line_end = text.index("\n", end)
    toml.write_text(text[:end] + "amount = 2100" + text[line_end:], encoding="utf-8")
    assert open_workspace(db=":memory:", rates=str(rates)).limits.for_year(2026).figure("volunteer_year").amount \
        == 2100


def test_a_broken_file_is_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    rates = tmp_path / "rates"
    shutil.copytree(RATES, rates)
    (rates / "limits" / "2026.toml").write_text("year = 2026\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataFileError):
            open_workspace(db=":memory:", rates=str(rates)).limits  # noqa: B018
    assert list(cache_dir.glob("*.pickle")) == []
