"""Named crash points for the crash-safety tests.

``VERGOEDING_KILL_AT=<name>[:<n>]`` makes the process kill itself with SIGKILL the n-th time
(default the first) it passes the point ``name`` — the harshest way a process can die: no
``finally``, no rollback by Python, no flushing. The tests use it to prove that the database
is as before or fully committed and that no output file is truncated. Without the variable a
point costs one dictionary lookup.

Points: ``payout.before_commit``, ``payout.after_commit``, ``invoice.batch.issued``,
``invoice.batch.before_commit``, ``write.before_rename``, ``mail.before_send`` (a mail
claimed, not yet handed to the server), ``mail.after_accept`` (the server accepted it, the
outbox does not know yet), ``payout.priced`` (the lines are
priced and the files rendered, nothing recorded yet), ``engagement.locked`` (an engagement
edit holds the paid-work lock, nothing written yet).

``VERGOEDING_PAUSE_AT=<name>:<gate>`` makes the process stop at the point ``name`` (once per
value of the variable): it creates the file ``<gate>.here`` and waits until ``<gate>``
exists. The race tests use it to hold a payout or an edit at an exact moment while the other
runs (tests/test_paid_work_races.py).
"""

from __future__ import annotations

import os
import signal
import time

_passed: dict[str, int] = {}
_paused: set[str] = set()
PAUSE_GUARD = 600  # seconds: a test that never opens the gate fails instead of hanging


def point(name: str) -> None:
    pause = os.environ.get("VERGOEDING_PAUSE_AT")
    if pause:
        _pause(name, pause)
    spec = os.environ.get("VERGOEDING_KILL_AT")
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _pause(name: str, spec: str) -> None:
    target, _, gate = spec.partition(":")
    if target != name or not gate or spec in _paused:
        return
    _paused.add(spec)
    with open(gate + ".here", "w"):
        pass
    deadline = time.monotonic() + PAUSE_GUARD
    while not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
