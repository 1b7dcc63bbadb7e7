"""Reading a file the user names (a rate card, a limits file, the configuration, an import
file), bounded: only a regular file, and no more than a limit of bytes.

``--rate-card /dev/zero`` read forever, a named pipe blocked the program, and a file of
gigabytes was read whole into memory. Here the file is opened without blocking (a pipe does
not wait for a writer), checked to be a regular file, and read to at most ``limit`` bytes;
anything else is a :class:`~vergoeding.errors.ConfigError` naming the file and the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vergoeding.errors import ConfigError

MAX_DATA_FILE = 5_000_000  # a limits file or rate card is a few kB; a configuration file too


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n // 1000} kB"


class UnreadableInput(ConfigError):
    """A file that is not read: ``reason`` says why without the path (for messages that name it already)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _refuse(what: str, p: Path, reason: str) -> UnreadableInput:
    return UnreadableInput(f"{what} {p}: {reason}", reason)


def read_input(path: str | Path, *, what: str = "bestand", limit: int = MAX_DATA_FILE) -> bytes:
    """The bytes of ``path``: a regular file of at most ``limit`` bytes (see the module)."""
    p = Path(path)
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # FileNotFoundError etc. to the caller
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "is a directory", str(p))
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(what, p, "geen gewoon bestand (een apparaat, pipe of socket); geef het pad van een bestand")
        if st.st_size > limit:
            raise _refuse(what, p, f"{_mb(st.st_size)}, hoogstens {_mb(limit)} (is dit wel het goede bestand?)")
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew while reading
        raise _refuse(what, p, f"groter dan {_mb(limit)} (is dit wel het goede bestand?)")
    return data
