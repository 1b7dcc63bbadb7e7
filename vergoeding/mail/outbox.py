# Over 400 lines on purpose: claim, send, mark and retry are one state machine; split next round with the mail config.
"""The outbox: every mail is a row first (:func:`queue_mail`); sending is a step of its own
(:func:`send_queued`) that can be killed at any moment and run again.

Exactly once, as far as SMTP allows: a row is claimed (committed), handed to the server,
and marked sent (committed) right after the server's acceptance. A kill before the server
accepted leaves the row queued: it is sent by the next run. A kill in the instant between
the acceptance and the record sends that one mail again, with the same Message-ID (fixed
when the row was made), so mail programs show it once. Two senders at once (``mail send``
and the portal's login link) never send the same row: the claim is a compare-and-set on the
row; the claim of a process that died (same machine) is taken over at once, of a process on
another machine after :data:`LEASE`.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from vergoeding import faults
from vergoeding.core import ids
from vergoeding.core.text import is_clean, refuse_bsn
from vergoeding.errors import InputError
from vergoeding.mail.message import Attachment, build
from vergoeding.mail.smtp import Permanent, ServerProblem, Session, Temporary
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace
    from vergoeding.mail.config import MailConfig

__all__ = ["Attachment", "Mail", "SendReport", "queue_mail", "queue_many", "send_queued", "LEASE"]

LEASE = timedelta(minutes=10)  # a claim older than this is taken over (a sender on another machine died)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
           timedelta(hours=4), timedelta(hours=12), timedelta(hours=24))
MAX_ATTEMPTS = len(BACKOFF) + 1  # then the mail is marked failed
_HOST = socket.gethostname()[:60]


@dataclass(frozen=True)
class Mail:
    """One mail to queue (the arguments of :func:`queue_mail`)."""

    kind: str
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: Sequence[Attachment] = ()
    ref: str | None = None
    key: str | None = None
    expert_id: int | None = None  # the expert whose own address ``to`` is: checked again at sending


def _checked(m: Mail) -> Mail:
    if not m.kind or len(m.kind) > 30 or not m.kind.replace("_", "").replace("-", "").isalnum():
        raise InputError(f"soort mail {m.kind!r}: gebruik een kort woord (statement, invoice, login, ...)",
                         field="kind")
    to = ids.email(m.to, field="e-mail")
    if not m.subject.strip() or not is_clean(m.subject):
        raise InputError("het onderwerp is leeg of bevat een regeleinde of stuurteken", field="subject")
    for name, value in (("onderwerp", m.subject), ("tekst", m.text), ("html", m.html or "")):
        if name != "onderwerp" and not is_clean(value.replace("\t", " "), multiline=True):
            raise InputError(f"de {name} van de mail bevat een stuurteken", field=name)
        refuse_bsn(value, field=f"{name} van de mail")
    for a in m.attachments:
        if not a.filename or "/" in a.filename or "\\" in a.filename or not is_clean(a.filename):
            raise InputError(f"bijlage {a.filename!r}: geen geldige bestandsnaam", field="bijlage")
        if "/" not in a.mime_type:
            raise InputError(f"bijlage {a.filename}: MIME-type {a.mime_type!r} (verwacht bijvoorbeeld "
                             "application/pdf)", field="bijlage")
    if m.key is not None and not 0 < len(m.key) <= 200:
        raise InputError("de sleutel (key) moet 1 tot 200 tekens zijn", field="key")
    return Mail(m.kind, to, m.subject.strip(), m.text, m.html, tuple(m.attachments), m.ref, m.key, m.expert_id)


def _message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}.vergoeding@{domain}>"


def sender_domain(ws: Workspace) -> str:
    """The domain of the configured sender (for Message-IDs); ``localhost`` when none is set."""
    from email.utils import parseaddr

    raw = os.environ.get("VERGOEDING_MAIL_FROM", "").strip() or str(
        (ws.settings.extra.get("mail") or {}).get("from", ""))
    addr = parseaddr(raw)[1]
    domain = addr.rpartition("@")[2]
    return domain if domain and all(c.isalnum() or c in ".-" for c in domain) else "localhost"


def insert_mail(conn: Connection, m: Mail, *, actor: str, domain: str) -> tuple[int, bool]:
    """Queue one checked mail in the caller's transaction: (outbox id, True when new)."""
    if m.key is not None:
        found = conn.execute(select(s.outbox.c.id).where(s.outbox.c.dedup_key == m.key)).scalar()
        if found is not None:
            return int(found), False
    values: dict[str, Any] = {
        "kind": m.kind, "ref": m.ref, "expert_id": m.expert_id, "dedup_key": m.key, "to_addr": m.to, "subject": m.subject,
        "body_text": m.text, "body_html": m.html, "message_id": _message_id(domain), "state": "queued",
        "attempts": 0, "created_at": now_utc(), "created_by": actor}
    stmt = insert(s.outbox).values(**values).returning(s.outbox.c.id)
    if m.key is None:
        new_id = int(conn.execute(stmt).scalar_one())
    else:
        try:
            with conn.begin_nested():  # a second process queued the same key at the same moment
                new_id = int(conn.execute(stmt).scalar_one())
        except IntegrityError:
            return int(conn.execute(select(s.outbox.c.id).where(s.outbox.c.dedup_key == m.key)).scalar_one()), False
    for pos, a in enumerate(m.attachments, 1):
        conn.execute(insert(s.outbox_attachments).values(
            outbox_id=new_id, position=pos, filename=a.filename, mime_type=a.mime_type,
            sha256=hashlib.sha256(a.data).hexdigest(), size=len(a.data), data=a.data))
    return new_id, True


def queue_many(ws: Workspace, mails: Sequence[Mail]) -> list[tuple[int, bool]]:
    """Queue several mails in one transaction (all or none): (id, new) per mail."""
    checked = [_checked(m) for m in mails]
    domain = sender_domain(ws)
    with ws.engine.begin() as conn:
        return [insert_mail(conn, m, actor=ws.actor, domain=domain) for m in checked]


def queue_mail(ws: Workspace, *, kind: str, to: str, subject: str, text: str, html: str | None = None,
               attachments: Sequence[Attachment] = (), ref: str | None = None, key: str | None = None) -> int:
    """Record one mail in the outbox; returns its id. With ``key`` (unique): a second call
    with the same key returns the first mail's id and queues nothing. Nothing is sent here."""
    return queue_many(ws, [Mail(kind, to, subject, text, html, tuple(attachments), ref, key)])[0][0]


# ------------------------------------------------------------------------------ sending


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
            lines += [f"  #{o.id} {o.to}: {o.reason}" for o in self.retry]
        if self.failed:
            lines.append(f"Niet afgeleverd (de server weigert): {len(self.failed)}.")
            lines += [f"  #{o.id} {o.to}: {o.reason}" for o in self.failed]
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
    for chunk in _chunks(old):
        conn.execute(update(s.outbox).where(s.outbox.c.id.in_(chunk)).values(
            body_text=None, body_html=None, pruned_at=now))
        conn.execute(update(s.outbox_attachments).where(s.outbox_attachments.c.outbox_id.in_(chunk))
                     .values(data=None))
    return len(old)


def _chunks(items: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _due(conn: Connection, ids_: Sequence[int] | None, now: datetime) -> tuple[list[Any], int]:
    o = s.outbox
    base = select(o.c.id, o.c.claim, o.c.claimed_at, o.c.next_attempt_at).where(o.c.state == "queued")
    if ids_ is not None:
        rows = [r for chunk in _chunks(sorted(set(ids_))) for r in conn.execute(base.where(o.c.id.in_(chunk)))]
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


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    ref: str | None
    to: str
    subject: str
    state: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    message_id: str
    attachments: tuple[str, ...]
    pruned: bool


def list_outbox(ws: Workspace, *, state: str | None = None, kind: str | None = None, ref: str | None = None,
                ids: Sequence[int] | None = None, limit: int | None = None) -> tuple[list[OutboxRow], int]:
    """Rows of the outbox, newest first, and how many there are in all."""
    from sqlalchemy import func

    o, a = s.outbox, s.outbox_attachments
    where = []
    if state:
        where.append(o.c.state == state)
    if kind:
        where.append(o.c.kind == kind)
    if ref:
        where.append(o.c.ref == ref)
    if ids is not None:
        where.append(o.c.id.in_(list(ids)))
    with ws.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(o).where(*where)).scalar_one())
        q = select(o.c.id, o.c.kind, o.c.ref, o.c.to_addr, o.c.subject, o.c.state, o.c.attempts,
                   o.c.created_at, o.c.sent_at, o.c.next_attempt_at, o.c.last_error, o.c.message_id,
                   o.c.pruned_at).where(*where).order_by(o.c.id.desc())
        rows = list(conn.execute(q.limit(limit) if limit else q))
        names: dict[int, list[str]] = {}
        for chunk in _chunks([r.id for r in rows]):
            for f in conn.execute(select(a.c.outbox_id, a.c.filename).where(a.c.outbox_id.in_(chunk))
                                  .order_by(a.c.outbox_id, a.c.position)):
                names.setdefault(f.outbox_id, []).append(f.filename)
    return [OutboxRow(r.id, r.kind, r.ref, r.to_addr, r.subject, r.state, r.attempts, r.created_at, r.sent_at,
                      r.next_attempt_at, r.last_error, r.message_id, tuple(names.get(r.id, ())),
                      r.pruned_at is not None) for r in rows], total


def requeue(ws: Workspace, mail_id: int, *, to: str | None = None) -> OutboxRow:
    """Put a failed mail back in the queue (the next ``send_queued`` tries it at once). A
    mail for one expert goes to the address on the expert's record NOW (``to`` may not name
    another); another mail keeps its address unless ``to`` gives a new one. Audited."""
    from vergoeding.errors import NotFoundError, RuleViolation

    o = s.outbox
    with ws.engine.begin() as conn:
        row = conn.execute(select(o).where(o.c.id == mail_id)).first()
        if row is None:
            raise NotFoundError(f"mail #{mail_id} staat niet in de wachtrij (zie 'vergoeding mail list')")
        if row.state != "failed":
            raise RuleViolation(f"mail #{mail_id} is {'al verzonden' if row.state == 'sent' else 'nog in de wachtrij'}; "
                                "alleen een mislukte mail kan opnieuw")
        new = ids.email(to, field="e-mail") if to else row.to_addr
        if row.expert_id is not None:
            x = s.experts
            owner = conn.execute(select(x.c.code, x.c.email, x.c.mail_opt_out).where(x.c.id == row.expert_id)).one()
            if not owner.email:
                raise RuleViolation(f"deskundige {owner.code} heeft geen e-mailadres; vul het eerst in met "
                                    f"'vergoeding expert edit {owner.code} --email ...'")
            if to and new.lower() != owner.email.lower():
                raise RuleViolation(f"deze mail is voor deskundige {owner.code} en gaat alleen naar het adres in diens "
                                    f"gegevens ({owner.email}); wijzig dat adres met 'vergoeding expert edit "
                                    f"{owner.code} --email ...'")
            if owner.mail_opt_out:
                raise RuleViolation(f"deskundige {owner.code} wil geen mail (--no-mail)")
            new = owner.email
        conn.execute(update(o).where(o.c.id == mail_id).values(
            state="queued", to_addr=new, attempts=0, next_attempt_at=None, last_error=None, claim=None,
            claimed_at=None))
        from vergoeding.store.base import audit

        audit(conn, ws.actor, "mail.requeue", "outbox", mail_id,
              {"kind": row.kind, "ref": row.ref, "to": [row.to_addr, new] if new != row.to_addr else new,
               "reason": row.last_error})
    return list_outbox(ws, ids=[mail_id])[0][0]
