"""Writing output files so that a crash never leaves a truncated file: write a temporary
file in the same folder, fsync, then rename over the target (atomic on POSIX).

The temporary file is named ``.<name>.<pid>.<random>.tmp``. A process killed between write
and rename leaves such a hidden file behind, never a truncated ``<name>``; the next
successful write of the same name removes the leftovers of processes that no longer run."""

from __future__ import annotations

import os
import tempfile
from glob import escape
from pathlib import Path

from vergoeding import faults
from vergoeding.errors import ConfigError


def write_atomic(path: str | Path, data: bytes) -> Path:
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"map bestaat niet: {parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        faults.point("write.before_rename")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _remove_dead_leftovers(parent, target.name)
    return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_dead_leftovers(parent: Path, name: str) -> None:
    prefix = f".{name}."
    for p in parent.glob(f"{escape(prefix)}*.tmp"):
        pid_text = p.name[len(prefix):].split(".", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            try:
                p.unlink()
            except OSError:
                pass

