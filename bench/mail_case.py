"""Case 10, ``mail``: queue and send 2,000 statement mails (text, HTML and a PDF of the size of
a statement) through the outbox to a local SMTP server, against a bare ``smtplib`` loop that
builds the same messages with the standard library's ``email`` package and sends them over
one connection. The server (aiosmtpd, accepting and discarding) runs in a process of its own,
so that neither side pays for it in its own time. Ours pays for what the bare loop does not
do: the rows in the database, a claim and a record per mail (two commits), the dedup keys.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Result, slower_ratio

RATIO = 3.0
SERVER = """
import sys, asyncio
from aiosmtpd.controller import Controller
sys.path.insert(0, sys.argv[2])
from smtp_server import free_port

class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"

port = free_port()
c = Controller(Sink(), hostname="127.0.0.1", port=port)
c.start()
print(port, flush=True)
sys.stdin.read()
c.stop()
"""


def _server() -> tuple[subprocess.Popen[str], int]:
    tests = Path(__file__).resolve().parent.parent / "tests"
    proc = subprocess.Popen([sys.executable, "-c", SERVER, "x", str(tests)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def _mails(n: int, pdf: bytes) -> list[Any]:
    from vergoeding.mail.compose import Sender, letter
    from vergoeding.mail.outbox import Attachment, Mail

    org = Sender("Stichting Ervaringskracht", "telefoon 030 123 4567 · administratie@ervaringskracht.example",
                 "Stationsplein 1, 3511 AB Utrecht")
    out = []
    for i in range(n):
        body = letter(greeting=f"Beste deskundige {i},", org=org, paragraphs=[
            f"Wij betalen u € {100 + i % 400},{i % 100:02d} voor november 2026.",
            "Wat u krijgt en waarvoor, staat in de bijlage (een PDF)."])
        out.append(Mail("statement", f"deskundige{i:05d}@voorbeeld.nl", "Uw specificatie van november 2026",
                        body.text, body.html, (Attachment(f"specificatie-2026-11-E{i:05d}.pdf", "application/pdf",
                                                          pdf),), key=f"statement:2026-11:E{i:05d}"))
    return out


def _bare(port: int, mails: list[Any]) -> float:
    from vergoeding.mail.message import build

    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, m in enumerate(mails):
            msg = build(message_id=f"<{i}.bare@ervaringskracht.example>", created_at=_NOW,
                        sender="administratie@ervaringskracht.example", sender_name="Stichting Ervaringskracht",
                        to=m.to, subject=m.subject, text=m.text, html=m.html, attachments=m.attachments)
            smtp.sendmail("administratie@ervaringskracht.example", [m.to], msg.as_bytes())
    return time.perf_counter() - t0


def _ours(port: int, mails: list[Any], folder: Path) -> tuple[float, int]:
    from vergoeding.api.workspace import open_workspace
    from vergoeding.mail.outbox import queue_many, send_queued

    db = folder / f"mail-{time.monotonic_ns()}.db"
    os.environ["VERGOEDING_SMTP"] = f"smtp://127.0.0.1:{port}"
    os.environ["VERGOEDING_MAIL_FROM"] = "Stichting Ervaringskracht <administratie@ervaringskracht.example>"
    ws = open_workspace(db=str(db))
    ws.engine  # noqa: B018 - the database is made (migrated) before the clock starts
    t0 = time.perf_counter()
    queue_many(ws, mails)
    report = send_queued(ws)
    took = time.perf_counter() - t0
    ws.close()
    return took, len(report.sent)


_NOW: Any = None


def mail(ctx: Any) -> Result:
    global _NOW
    from datetime import datetime

    _NOW = datetime(2026, 12, 1, 9, 0)
    n = 2000 // ctx.scale
    pdf = (b"%PDF-1.7\n" + os.urandom(30_000) + b"\n%%EOF\n")  # a statement PDF is about 30 KB
    mails = _mails(n, pdf)
    proc, port = _server()
    try:
        with tempfile.TemporaryDirectory(dir=ctx.work) as tmp:
            bare_times, our_times = [], []
            sent = 0
            for _ in range(2):  # turns, so that the machine's load falls on both alike
                bare_times.append(_bare(port, mails))
                took, sent = _ours(port, mails, Path(tmp))
                our_times.append(took)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)
    ours, bare = min(our_times), min(bare_times)
    return slower_ratio("mail: queue and send statements", ours, bare, RATIO, notes=[
        f"{n} mails with a 30 KB PDF each, {sent} sent; {n / ours:.0f} mails/s ours, {n / bare:.0f} mails/s bare",
        "bare = the same messages built with email + smtplib over one connection, no database; "
        "ours = queue_many + send_queued on SQLite (two commits per mail)"])
