# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""``vergoeding mail send`` killed with SIGKILL while it sends a batch, then run again: every
mail arrives, each Message-ID once, except at most one repeat per kill (the mail the server had
accepted when the process died, before the outbox recorded it), and that repeat carries the
same Message-ID. One SMTP server for the module, few kills."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import HANG_GUARD, clean_env, db_target
from smtp_server import Server
from sqlalchemy import select

from vergoeding.api.workspace import open_workspace
from vergoeding.mail.outbox import Mail, queue_many
from vergoeding.store import schema as s

FROM = "Stichting Één Stem <administratie@eenstem.example>"


@pytest.fixture(scope="module")
def server():
    with Server() as srv:
        yield srv


def queue(db: Path, n: int) -> dict[int, str]:
    ws = open_workspace(db=str(db))
    try:
        queue_many(ws, [Mail("statement", f"deskundige{i:04d}@voorbeeld.nl", f"Uw specificatie nr. {i}",
                             f"Beste deskundige {i},\n\nHierbij uw specificatie.") for i in range(n)])
        with ws.engine.connect() as conn:
            return {int(r.id): str(r.message_id) for r in conn.execute(select(s.outbox.c.id, s.outbox.c.message_id))}
    finally:
        ws.close()


def states(db: Path) -> Counter[str]:
    ws = open_workspace(db=str(db))
    try:
        with ws.engine.connect() as conn:
            return Counter(str(r[0]) for r in conn.execute(select(s.outbox.c.state)))
    finally:
        ws.close()


def env(db: Path, server: Server, **extra: str) -> dict[str, str]:
    return clean_env(VERGOEDING_DB=db_target(db), VERGOEDING_SMTP=f"smtp://127.0.0.1:{server.port}",
                     VERGOEDING_MAIL_FROM=FROM, **extra)


def send(db: Path, server: Server, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vergoeding", "mail", "send"], capture_output=True, text=True,
                          env=env(db, server, **extra), timeout=HANG_GUARD)


@pytest.mark.slow
def test_killed_at_random_moments_every_mail_arrives_and_at_most_one_repeat_per_kill(
        tmp_path: Path, server: Server) -> None:
    db = tmp_path / "vergoeding.db"
    ids = queue(db, 240)
    server.handler.received.clear()
    rng = random.Random(23)
    kills = 0
    for _ in range(3):
        before = len(server.handler.received)
        target = before + rng.randint(15, 60)
        proc = subprocess.Popen([sys.executable, "-m", "vergoeding", "mail", "send"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env(db, server))
        deadline = time.monotonic() + HANG_GUARD
        while len(server.handler.received) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.random() * 0.01)  # somewhere inside the next mail: claim, DATA, record
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=HANG_GUARD)
        kills += proc.returncode == -signal.SIGKILL
    assert kills == 3
    assert 0 < states(db)["sent"] < 240  # the kills left work to do
    r = send(db, server)
    assert r.returncode == 0, r.stderr
    assert states(db) == Counter(sent=240)
    got = Counter(m["Message-ID"] for m in server.handler.messages())
    assert set(got) == set(ids.values())  # every mail arrived
    repeats = {mid: n for mid, n in got.items() if n > 1}
    assert sum(n - 1 for n in repeats.values()) <= kills, repeats


@pytest.mark.slow
def test_killed_after_the_server_accepted_resends_that_mail_with_the_same_message_id(
        tmp_path: Path, server: Server) -> None:
    db = tmp_path / "vergoeding.db"
    ids = queue(db, 8)
    server.handler.received.clear()
    r = send(db, server, VERGOEDING_KILL_AT="mail.after_accept:5")
    assert r.returncode == -signal.SIGKILL
    assert states(db) == Counter(sent=4, queued=4)
    r = send(db, server)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Verzonden: 4 mail(s).\n"
    got = [m["Message-ID"] for m in server.handler.messages()]
    fifth = ids[sorted(ids)[4]]
    assert Counter(got) == Counter({**{mid: 1 for mid in ids.values()}, fifth: 2})
    assert got[4] == got[5] == fifth  # the same mail, the same Message-ID: shown once


@pytest.mark.slow
def test_killed_before_the_mail_went_out_sends_it_once(tmp_path: Path, server: Server) -> None:
    db = tmp_path / "vergoeding.db"
    ids = queue(db, 5)
    server.handler.received.clear()
    r = send(db, server, VERGOEDING_KILL_AT="mail.before_send:3")
    assert r.returncode == -signal.SIGKILL and states(db) == Counter(sent=2, queued=3)
    assert send(db, server).returncode == 0
    got = [m["Message-ID"] for m in server.handler.messages()]
    assert got == [ids[i] for i in sorted(ids)]


@pytest.mark.slow
def test_two_senders_at_once_send_every_mail_once(tmp_path: Path, server: Server) -> None:
    db = tmp_path / "vergoeding.db"
    ids = queue(db, 120)
    server.handler.received.clear()
    procs = [subprocess.Popen([sys.executable, "-m", "vergoeding", "mail", "send"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env(db, server)) for _ in range(2)]
    outs = [p.communicate(timeout=HANG_GUARD) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    got = Counter(m["Message-ID"] for m in server.handler.messages())
    assert got == Counter(ids.values())  # each once
    assert sum(int(o.split()[1]) for o, _ in outs) == 120  # "Verzonden: N mail(s)." of both add up
