"""Worker processes for rendering documents in parallel.

A worker must not outlive its parent: when the parent is killed (SIGKILL, no clean-up),
the workers of a plain ProcessPoolExecutor wait forever on their task queue, holding the
parent's stdout and stderr open. Each worker here watches its parent and exits when it is
gone (within half a second)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def worker_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies; ``initializer(*initargs)``
    runs once in each worker, as with ProcessPoolExecutor."""
    return ProcessPoolExecutor(max_workers=max(1, workers), initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
