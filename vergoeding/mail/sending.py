"""Sending the outbox: claim a row, hand it to the server, mark it sent (:func:`send_queued`).

Exactly once, as far as SMTP allows: a row is claimed (committed), handed to the server,
and marked sent (committed) right after the server's acceptance. A kill before the server
accepted leaves the row queued: it is sent by the next run. A kill in the instant between
the acceptance and the record sends that one mail again, with the same Message-ID (fixed
when the row was made), so mail programs show it once. Two senders at once (``mail send``
and the portal's login link) never send the same row: the claim is a compare-and-set on the
row; the claim of a process that died (same machine) is taken over at once, of a process on
another machine after :data:`LEASE`. A temporary error waits its turn (:data:`BACKOFF`);
after :data:`MAX_ATTEMPTS` the mail is marked failed.

Claim, send, mark and retry are one state machine, so they stay in this one module;
queueing is :mod:`vergoeding.mail.outbox`, reading and requeueing :mod:`vergoeding.mail.listing`.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, and_, or_, select, update

from vergoeding import faults
from vergoeding.core.listing import few_lines
from vergoeding.errors import InputError
from vergoeding.mail.message import Attachment, build
from vergoeding.mail.smtp import Permanent, ServerProblem, Session, Temporary
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace
    from vergoeding.mail.config import MailConfig

__all__ = ["LEASE", "Outcome", "SendReport", "chunks", "prune", "render", "send_queued"]

LEASE = timedelta(minutes=10)  # a claim older than this is taken over (a sender on another machine died)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
           timedelta(hours=4), timedelta(hours=12), timedelta(hours=24))
MAX_ATTEMPTS = len(BACKOFF) + 1  # then the mail is marked failed
_HOST = socket.gethostname()[:60]
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    id: int
    to: str
    kind: str
    reason: str = ""
    next_attempt_at: datetime | None = None


@dataclass
class SendReport:
    """What one run did. ``stopped``: the server could not be used (the one-line reason);
    every mail that was not sent is still queued."""

    sent: list[Outcome] = field(default_factory=list)
    retry: list[Outcome] = field(default_factory=list)  # temporary error: tried again later
    failed: list[Outcome] = field(default_factory=list)  # permanent error, per recipient
    busy: int = 0  # claimed by another sender at this moment
    waiting: int = 0  # queued, waiting for their next attempt (backoff)
    stopped: str | None = None
    pruned: int = 0

    @property
    def ok(self) -> bool:
        return self.stopped is None and not self.failed

    def summary(self) -> list[str]:
        """The report in Dutch, one line per fact (for the terminal and the portal)."""
        lines = [f"Verzonden: {len(self.sent)} mail(s)."]
        if self.retry:
            lines.append(f"Tijdelijk niet gelukt, later opnieuw: {len(self.retry)}.")
            lines += few_lines([f"#{o.id} {o.to}: {o.reason}" for o in self.retry],
                               where="'vergoeding mail list --state queued'")
        if self.failed:
            lines.append(f"Niet afgeleverd (de server weigert): {len(self.failed)}.")
            lines += few_lines([f"#{o.id} {o.to}: {o.reason}" for o in self.failed],
                               where="'vergoeding mail list --state failed'")
        if self.waiting:
            lines.append(f"Wachten op een volgende poging: {self.waiting}.")
        if self.busy:
            lines.append(f"Door een ander proces bezig: {self.busy}.")
        if self.stopped:
            lines.append(f"Gestopt: {self.stopped}. De mails die niet zijn verzonden staan nog in de wachtrij.")
        return lines


def _claim_token() -> str:
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _stale(claim: str | None, claimed_at: datetime | None, now: datetime) -> bool:
    if claim is None:
        return True
    if claimed_at is not None and claimed_at < now - LEASE:
        return True
    host, _, rest = claim.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def prune(conn: Connection, keep_days: int, now: datetime) -> int:
    """Remove bodies and attachment bytes of mails sent more than ``keep_days`` ago (the
    row, its subject, recipient, Message-ID and the attachments' hashes stay)."""
    limit = now - timedelta(days=keep_days)
    old = [r[0] for r in conn.execute(select(s.outbox.c.id).where(
        s.outbox.c.state == "sent", s.outbox.c.sent_at < limit, s.outbox.c.pruned_at.is_(None)))]
    for chunk in chunks(old):
        conn.execute(update(s.outbox).where(s.outbox.c.id.in_(chunk)).values(
            body_text=None, body_html=None, pruned_at=now))
        conn.execute(update(s.outbox_attachments).where(s.outbox_attachments.c.outbox_id.in_(chunk))
                     .values(data=None))
    return len(old)


def chunks(items: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """``items`` in pieces of ``size`` (an IN list of at most that many values)."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def _due(conn: Connection, ids_: Sequence[int] | None, now: datetime) -> tuple[list[Any], int]:
    o = s.outbox
    base = select(o.c.id, o.c.claim, o.c.claimed_at, o.c.next_attempt_at).where(o.c.state == "queued")
    if ids_ is not None:
        rows = [r for chunk in chunks(sorted(set(ids_))) for r in conn.execute(base.where(o.c.id.in_(chunk)))]
        return sorted(rows, key=lambda r: r.id), 0  # asked for by id: now, also when waiting
    rows = list(conn.execute(base.order_by(o.c.id)))
    due = [r for r in rows if r.next_attempt_at is None or r.next_attempt_at <= now]
    return due, len(rows) - len(due)


def _take(ws: Workspace, row: Any, mine: str, now: datetime) -> tuple[Any, list[Any], str | None] | None:
    """Claim one row (compare-and-set) and read it: (row, attachments, why it may not go);
    None when another sender has it."""
    o = s.outbox
    if not _stale(row.claim, row.claimed_at, now):
        return None
    old = o.c.claim.is_(None) if row.claim is None else o.c.claim == row.claim
    with ws.engine.begin() as conn:
        done = conn.execute(update(o).where(o.c.id == row.id, o.c.state == "queued", old)
                            .values(claim=mine, claimed_at=now_utc()))
        if done.rowcount != 1:
            return None
        mail = conn.execute(select(o).where(o.c.id == row.id)).one()
        files = list(conn.execute(select(s.outbox_attachments).where(
            s.outbox_attachments.c.outbox_id == row.id).order_by(s.outbox_attachments.c.position)))
        problem = None
        if mail.expert_id is not None:
            x = s.experts
            owner = conn.execute(select(x.c.email, x.c.mail_opt_out).where(x.c.id == mail.expert_id)).first()
            problem = _owner_problem(mail.to_addr, owner)
    return mail, files, problem


def _owner_problem(to: str, owner: Any) -> str | None:
    """Privacy: a mail for one expert goes only to the address on that expert's record now."""
    if owner is None or (owner.email or "").strip().lower() != to.strip().lower():
        return ("het e-mailadres van de deskundige is gewijzigd sinds deze mail in de wachtrij kwam; niet "
                "verzonden. Zet de mail opnieuw klaar (het nieuwe adres krijgt hem dan)")
    if owner.mail_opt_out:
        return "de deskundige wil geen mail meer ontvangen (--no-mail); niet verzonden"
    return None


def _record(ws: Workspace, mail_id: int, mine: str, **values: Any) -> None:
    o = s.outbox
    with ws.engine.begin() as conn:
        conn.execute(update(o).where(and_(o.c.id == mail_id, or_(o.c.claim == mine, o.c.claim.is_(None))))
                     .values(claim=None, claimed_at=None, **values))


def render(cfg: MailConfig, mail: Any, files: Sequence[Any]) -> bytes:
    """The bytes of an outbox row as they go to the server."""
    if mail.body_text is None:
        raise InputError(f"mail #{mail.id} is opgeschoond (de inhoud is na de bewaartermijn verwijderd)")
    atts = []
    for f in files:
        if f.data is None:
            raise InputError(f"mail #{mail.id}: bijlage {f.filename} is opgeschoond")
        atts.append(Attachment(f.filename, f.mime_type, bytes(f.data)))
    msg = build(message_id=mail.message_id, created_at=mail.created_at, sender=cfg.sender,
                sender_name=cfg.sender_name, to=mail.to_addr, subject=mail.subject, text=mail.body_text,
                html=mail.body_html, attachments=atts, reply_to=cfg.reply_to)
    return msg.as_bytes()


def send_queued(ws: Workspace, *, ids: Sequence[int] | None = None,
                progress: Callable[[int, int], None] | None = None, now: datetime | None = None,
                config: MailConfig | None = None) -> SendReport:
    """Send what is due: queued mails whose next attempt has come (``ids``: only those rows,
    at once, also when waiting for a retry). ``progress(done, total)`` after each mail.
    Raises ConfigError when no server or sender is set; a server that cannot be used is
    ``report.stopped`` (the mails stay queued)."""
    from vergoeding.mail.config import load_mail_config

    cfg = config or load_mail_config(ws.settings)
    at = now or now_utc()
    report = SendReport()
    with ws.engine.begin() as conn:
        report.pruned = prune(conn, cfg.keep_days, at)
    with ws.engine.connect() as conn:
        due, report.waiting = _due(conn, ids, at)
    total = len(due)
    if progress:
        progress(0, total)
    session = Session(cfg)
    mine = _claim_token()
    try:
        for n, row in enumerate(due, 1):
            taken = _take(ws, row, mine, at)
            if taken is None:
                report.busy += 1
            else:
                mail, files, problem = taken
                outcome = _send_one(ws, session, cfg, mail, files, problem, mine, at)
                if isinstance(outcome, str):
                    _record(ws, mail.id, mine)  # release the claim: still queued
                    report.stopped = outcome
                    break
                kind, result = outcome
                getattr(report, kind).append(result)
            if progress:
                progress(n, total)
    finally:
        session.close()
    return report


def _send_one(ws: Workspace, session: Session, cfg: MailConfig, mail: Any, files: Sequence[Any],
              problem: str | None, mine: str, at: datetime) -> str | tuple[str, Outcome]:
    if problem is not None:
        _record(ws, mail.id, mine, state="failed", last_error=problem)
        return "failed", Outcome(mail.id, mail.to_addr, mail.kind, problem)
    try:
        data = render(cfg, mail, files)
    except InputError as exc:
        _record(ws, mail.id, mine, state="failed", last_error=exc.message)
        return "failed", Outcome(mail.id, mail.to_addr, mail.kind, exc.message)
    reason = ""
    for attempt in (1, 2):  # a dropped connection: once more on a new one, at once
        try:
            faults.point("mail.before_send")
            session.send(cfg.sender, mail.to_addr, data)
            faults.point("mail.after_accept")
        except ServerProblem as exc:
            return exc.message
        except Permanent as exc:
            reason = str(exc)
            _record(ws, mail.id, mine, state="failed", attempts=mail.attempts + 1, last_error=reason)
            return "failed", Outcome(mail.id, mail.to_addr, mail.kind, reason)
        except Temporary as exc:
            reason = str(exc)
            if reason.startswith("verbinding verbroken") and attempt == 1:
                continue
            break
        else:
            _record(ws, mail.id, mine, state="sent", sent_at=now_utc(), attempts=mail.attempts + 1,
                    last_error=None, next_attempt_at=None)
            return "sent", Outcome(mail.id, mail.to_addr, mail.kind)
    attempts = mail.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        reason = f"na {attempts} pogingen opgegeven: {reason}"
        _record(ws, mail.id, mine, state="failed", attempts=attempts, last_error=reason)
        return "failed", Outcome(mail.id, mail.to_addr, mail.kind, reason)
    nxt = at + BACKOFF[attempts - 1]
    _record(ws, mail.id, mine, attempts=attempts, last_error=reason, next_attempt_at=nxt)
    return "retry", Outcome(mail.id, mail.to_addr, mail.kind, reason, nxt)
