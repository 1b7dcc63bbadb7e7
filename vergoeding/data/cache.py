"""A cache of the loaded fiscal limits and rate card, so that a command that only reads
does not pay for pydantic and TOML parsing each time it starts (about 0.1 s of CPU, a third
of such a command; ``make bench`` case ``read_commands``).

What is cached is the result of :func:`vergoeding.data.limits.load_limits` or
:func:`vergoeding.data.ratecard.load_ratecard`: plain frozen dataclasses (``LimitsBook``,
``RateCard``). The key is a SHA-256 over

* the bytes of every data file that was read (every ``limits/*.toml``; the rate card), and
* the bytes of the code that reads them and defines the objects (``vergoeding/core/``,
  ``vergoeding/data/``, ``vergoeding/errors.py``), and the Python version,

so an edited TOML file, another rate card or a new program version is never answered from
the cache. Only successful loads are stored; an error in a file is raised as before. The
cache lives in ``$VERGOEDING_CACHE_DIR``, else ``$XDG_CACHE_HOME/vergoeding``, else
``~/.cache/vergoeding`` (one small file per key); ``VERGOEDING_CACHE_DIR=off`` turns it off.
Any problem with the cache (unwritable folder, damaged file) falls back to loading the
files: the cache can only make a start faster, never change a figure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_FORMAT = b"vergoeding-data-cache-1"
_PACKAGE = Path(__file__).resolve().parent.parent
_CODE_DIRS = ("core", "data")


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    configured = os.environ.get("VERGOEDING_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vergoeding"


def _code_digest() -> bytes:
    h = hashlib.sha256(_FORMAT + sys.version.encode())
    files = sorted(p for d in _CODE_DIRS for p in (_PACKAGE / d).glob("*.py"))
    for p in [*files, _PACKAGE / "errors.py"]:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.digest()


def cached(kind: str, files: Iterable[Path], load: Callable[[], T], extra: bytes = b"") -> T:
    """``load()``, or its result from an earlier call with the same files (same bytes) and
    the same code. ``extra`` goes into the key (e.g. the key of the limits a rate card was
    checked against)."""
    folder = cache_dir()
    try:
        if folder is None:
            raise OSError("cache off")
        h = hashlib.sha256(_code_digest() + kind.encode() + b"\0" + extra)
        for p in files:
            h.update(str(p).encode() + b"\0" + p.read_bytes() + b"\0")
        path = folder / f"{kind}-{h.hexdigest()[:40]}.pickle"
    except OSError:
        return load()
    try:
        with path.open("rb") as f:
            value: T = pickle.load(f)  # noqa: S301 - our own file in the user's cache folder
        return value
    except Exception:  # noqa: BLE001, S110 - missing or damaged: load the files
        pass
    value = load()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # noqa: BLE001, S110 - a cache that cannot be written is no cache
        pass
    return value


def digest(files: Iterable[Path]) -> bytes:
    """A key part for ``extra``: the bytes of these files."""
    h = hashlib.sha256()
    for p in files:
        h.update(str(p).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.digest()
