"""Writing output files so that a crash never leaves a truncated file: write a temporary
file in the same folder, fsync, then rename over the target (atomic on POSIX)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from vergoeding.errors import ConfigError


def write_atomic(path: str | Path, data: bytes) -> Path:
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"map bestaat niet: {parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
