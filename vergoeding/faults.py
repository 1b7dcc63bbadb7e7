"""Named crash points for the crash-safety tests.

``VERGOEDING_KILL_AT=<name>[:<n>]`` makes the process kill itself with SIGKILL the n-th time
(default the first) it passes the point ``name`` — the harshest way a process can die: no
``finally``, no rollback by Python, no flushing. The tests use it to prove that the database
is as before or fully committed and that no output file is truncated. Without the variable a
point costs one dictionary lookup.

Points: ``payout.before_commit``, ``payout.after_commit``, ``invoice.batch.issued``,
``invoice.batch.before_commit``, ``write.before_rename``, ``mail.before_send`` (a mail
claimed, not yet handed to the server), ``mail.after_accept`` (the server accepted it, the
outbox does not know yet).
"""

from __future__ import annotations

import os
import signal

_passed: dict[str, int] = {}


def point(name: str) -> None:
    spec = os.environ.get("VERGOEDING_KILL_AT")
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
