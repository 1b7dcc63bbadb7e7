"""Worker processes for rendering documents in parallel.

A worker must not outlive its parent: when the parent is killed (SIGKILL, no clean-up),
the workers of a plain ProcessPoolExecutor wait forever on their task queue, holding the
parent's stdout and stderr open. Each worker here watches its parent and exits when it is
gone (within half a second)."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def worker_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max(1, workers), initializer=_watch_parent, initargs=(os.getpid(),))


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
