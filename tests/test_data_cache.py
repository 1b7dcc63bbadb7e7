"""The cache of loaded limits and rate card (vergoeding/data/cache.py): the same objects as a
fresh load, never an answer for other file contents, and no harm when it is damaged or off."""

from __future__ import annotations

import os
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
    assert len(list(cache_dir.glob("t-*.json"))) == 1


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
    (entry,) = cache_dir.glob("t-*.json")
    entry.write_bytes(b"not json")
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
    assert {p.name.split("-")[0] for p in cache_dir.glob("*.json")} == {"limits", "ratecard"}


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
    assert list(cache_dir.glob("*.json")) == []


# --- nothing executable, nothing from another user (issue 20, item 5) ---------------------

def _filled(cache_dir: Path, tmp_path: Path) -> tuple[Path, list[int], object]:
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    calls, load = counting({"figures": [1, 2]})
    cache.cached("t", [f], load)
    return f, calls, load


def _forge(entry: Path) -> None:
    """What another user would put there: other figures (valid JSON of the cache's format)."""
    entry.write_text('{"M": [["figures", [6, 6, 6]]]}')


def test_the_cache_holds_data_not_code(cache_dir: Path, tmp_path: Path) -> None:
    fresh = load_limits(RATES / "limits")
    for _ in range(2):
        assert vars(open_workspace(db="x.db", rates=str(RATES)).limits) == vars(fresh)
    for entry in cache_dir.iterdir():
        assert entry.suffix == ".json" and entry.read_bytes().lstrip().startswith(b"{")
        assert entry.stat().st_mode & 0o777 == 0o600
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    # a planted pickle (the old format) is never opened, whatever its name
    marker = tmp_path / "owned"
    import pickle

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    for entry in list(cache_dir.iterdir()):
        entry.with_suffix(".pickle").write_bytes(pickle.dumps(Evil()))
    open_workspace(db="x.db", rates=str(RATES)).ratecard  # noqa: B018
    assert not marker.exists()


def test_a_cache_file_naming_a_foreign_class_is_ignored(cache_dir: Path, tmp_path: Path) -> None:
    f, calls, load = _filled(cache_dir, tmp_path)
    (entry,) = cache_dir.glob("t-*.json")
    entry.write_text('{"C": "Popen", "f": {"args": "id"}}')
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert len(calls) == 2


def test_a_cache_file_with_loose_permissions_is_ignored(cache_dir: Path, tmp_path: Path) -> None:
    f, calls, load = _filled(cache_dir, tmp_path)
    (entry,) = cache_dir.glob("t-*.json")
    _forge(entry)
    entry.chmod(0o666)  # anyone could have written it
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert entry.stat().st_mode & 0o777 == 0o600 and "6, 6" not in entry.read_text()  # replaced by a good one
    _forge(entry)
    cache_dir.chmod(0o777)  # a folder anyone may write in, without the sticky bit
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    cache_dir.chmod(0o1777)  # like /tmp: others cannot replace our files (the forged one stands for ours)
    assert cache.cached("t", [f], load) == {"figures": [6, 6, 6]}
    assert len(calls) == 3


def test_a_cache_file_written_by_another_user_is_ignored(cache_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    f, calls, load = _filled(cache_dir, tmp_path)
    (entry,) = cache_dir.glob("t-*.json")
    _forge(entry)
    if os.geteuid() == 0:  # really another owner
        os.chown(entry, 4321, 4321)
    else:  # the program runs as another user than the one who wrote the file
        real = os.geteuid()
        monkeypatch.setattr(cache.os, "geteuid", lambda: real + 1)
        os.chmod(cache_dir, 0o700)
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert len(calls) == 2


def test_a_symlinked_cache_file_is_ignored(cache_dir: Path, tmp_path: Path) -> None:
    f, calls, load = _filled(cache_dir, tmp_path)
    (entry,) = cache_dir.glob("t-*.json")
    elsewhere = tmp_path / "elders.json"
    entry.rename(elsewhere)
    _forge(elsewhere)
    entry.symlink_to(elsewhere)
    assert cache.cached("t", [f], load) == {"figures": [1, 2]}
    assert len(calls) == 2
