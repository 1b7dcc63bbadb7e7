"""Files made before they may be written: each one goes to a private temporary folder as soon
as it is made, and is read back one at a time (issue 20, item 7: a payout of 50,000 lines
makes 500 statement PDFs; held together in memory they grew with every line).

The folder is made by :func:`tempfile.mkdtemp` (mode 0700, in ``TMPDIR``) and removed when
the files are closed (or, at the latest, when the object is collected). A process killed
half-way leaves the folder in the temporary directory, never in the user's output folder."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType


class StagedFiles(Mapping[str, bytes]):
    """File name -> bytes, in the order the files were added; the bytes live on disk."""

    def __init__(self, prefix: str = "vergoeding-") -> None:
        self._dir = tempfile.TemporaryDirectory(prefix=prefix)
        self._names: dict[str, None] = {}

    def add(self, name: str, data: bytes) -> None:
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"not a file name: {name!r}")  # pragma: no cover - names are the product's own
        (Path(self._dir.name) / name).write_bytes(data)
        self._names[name] = None

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return (Path(self._dir.name) / name).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def close(self) -> None:
        self._dir.cleanup()

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
