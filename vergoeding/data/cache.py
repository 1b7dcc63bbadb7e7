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

Nothing in the cache is executable: a cache file is JSON of the loaded values (strings,
numbers, dates, amounts as decimal strings) and the names of the few classes they are made
of (:data:`_CLASSES`, the frozen values of ``core/limits.py``, ``core/rates.py`` and
``core/regimes.py``); reading it builds those values field by field and never runs code
named by the file (the pickle of before could: issue 20, item 5). And a cache file is read
only when nobody else could have written it: it must be a regular file (not a link) owned by
the user running the program, not writable by group or others, in a folder owned by that
user (or by root) that no one else can write to, or with the sticky bit as ``/tmp`` has. A
file written by another user, or with loose permissions, is ignored and the data files are
read instead; the cache writes its own files ``0600`` in a folder made ``0700``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")

_FORMAT = b"vergoeding-data-cache-2"  # 2: JSON instead of pickle
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
            h.update(str(p).encode() + b"\0" + _key_bytes(p) + b"\0")
        path = folder / f"{kind}-{h.hexdigest()[:40]}.json"
    except OSError:
        return load()
    value = _read(path)
    if value is not _MISSING:
        return value  # type: ignore[no-any-return]
    value = load()
    try:
        text = json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return value  # a value the cache cannot hold as data: simply not cached
    try:
        _write(folder, path, kind, text.encode("utf-8"))
    except Exception:  # noqa: BLE001, S110 - a cache that cannot be written is no cache
        pass
    return value


_MISSING = object()


@functools.cache
def _classes() -> dict[str, type]:
    """The classes a cache file may name: those defined in the modules of the loaded values."""
    from vergoeding.core import limits, rates, regimes

    out: dict[str, type] = {}
    for module in (limits, rates, regimes):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                out[name] = obj
    return out


def _encode(v: Any) -> Any:
    if isinstance(v, Enum):  # first: a StrEnum is a str too
        return {"E": type(v).__name__, "v": v.value}
    if v is None or type(v) in (bool, str, int):
        return v
    if type(v) is Decimal:
        return {"D": str(v)}
    if isinstance(v, date):
        if type(v) is not date:
            raise TypeError("datetime")
        return {"d": v.isoformat()}
    if type(v) is tuple:
        return {"T": [_encode(x) for x in v]}
    if type(v) is list:
        return [_encode(x) for x in v]
    if type(v) in (dict, MappingProxyType):
        return {"P" if isinstance(v, MappingProxyType) else "M": [[_encode(k), _encode(x)] for k, x in v.items()]}
    if type(v) is frozenset:
        return {"F": [_encode(x) for x in v]}
    cls = type(v)
    if _classes().get(cls.__name__) is cls and hasattr(v, "__dict__"):
        return {"C": cls.__name__, "f": {k: _encode(x) for k, x in vars(v).items()}}
    raise TypeError(f"cannot cache {cls.__name__}")


def _decode(v: Any, classes: dict[str, type]) -> Any:
    if isinstance(v, list):
        return [_decode(x, classes) for x in v]
    if not isinstance(v, dict):
        return v
    if "D" in v:
        return Decimal(v["D"])
    if "d" in v:
        return date.fromisoformat(v["d"])
    if "T" in v:
        return tuple(_decode(x, classes) for x in v["T"])
    if "M" in v or "P" in v:
        pairs: list[list[Any]] = v["M"] if "M" in v else v["P"]
        d = {_decode(k, classes): _decode(x, classes) for k, x in pairs}
        return MappingProxyType(d) if "P" in v else d
    if "F" in v:
        return frozenset(_decode(x, classes) for x in v["F"])
    cls = classes[v["E"] if "E" in v else v["C"]]  # KeyError: not one of ours, a damaged file
    if "E" in v:
        if not issubclass(cls, Enum):
            raise TypeError(cls.__name__)
        return cls(v["v"])
    obj: Any = object.__new__(cls)  # no __init__: the fields are set as they were
    names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else None
    for k, x in v["f"].items():
        if names is not None and k not in names:
            raise TypeError(k)
        object.__setattr__(obj, k, _decode(x, classes))
    return obj


def _trusted_folder(st: os.stat_result) -> bool:
    if not stat.S_ISDIR(st.st_mode):
        return False
    if st.st_uid not in (os.geteuid(), 0):
        return False
    return not st.st_mode & 0o022 or bool(st.st_mode & stat.S_ISVTX)


def _read(path: Path) -> Any:
    """The value in the cache file ``path``, or ``_MISSING`` (absent, damaged, or possibly
    written by someone else: see the module docstring)."""
    try:
        if not _trusted_folder(os.stat(path.parent)):
            return _MISSING
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return _MISSING
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022
                    or st.st_size > 20_000_000):
                return _MISSING
            return _decode(json.loads(f.read()), _classes())
    except Exception:  # noqa: BLE001 - damaged or not ours: load the files
        return _MISSING


def _write(folder: Path, path: Path, kind: str, data: bytes) -> None:
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _trusted_folder(os.stat(folder)):
        return  # a folder others can write to (and not sticky): do not put our data there
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")  # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _key_bytes(p: Path) -> bytes:
    """A data file's bytes for the key; a device, pipe or huge file is no key (OSError: the
    loader then reads the file itself, and refuses it with a message)."""
    st = os.stat(p)
    if not stat.S_ISREG(st.st_mode) or st.st_size > 20_000_000:
        raise OSError(f"{p}: no regular data file")
    return p.read_bytes()


def digest(files: Iterable[Path]) -> bytes:
    """A key part for ``extra``: the bytes of these files."""
    h = hashlib.sha256()
    for p in files:
        h.update(str(p).encode() + b"\0" + _key_bytes(p) + b"\0")
    return h.digest()
