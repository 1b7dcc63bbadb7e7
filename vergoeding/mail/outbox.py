"""The outbox: every mail is a row first (:func:`queue_mail`); sending is a step of its own
(:func:`send_queued`, :mod:`vergoeding.mail.sending`) that can be killed at any moment and run
again.

This module is the contract the commands and the portal call (see :mod:`vergoeding.mail`):
queueing lives here; sending (the claim/send/mark state machine) in
:mod:`vergoeding.mail.sending` and the outbox's rows and ``requeue`` in
:mod:`vergoeding.mail.listing`, both re-exported here under their old names.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from vergoeding.core import ids
from vergoeding.core.text import is_clean, refuse_bsn
from vergoeding.errors import InputError
from vergoeding.mail.listing import OutboxRow, list_outbox, requeue
from vergoeding.mail.message import Attachment
from vergoeding.mail.sending import LEASE, SendReport, render, send_queued
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

__all__ = ["LEASE", "Attachment", "Mail", "OutboxRow", "SendReport", "checked", "insert_mail", "list_outbox",
           "queue_mail", "queue_many", "render", "requeue", "send_queued", "sender_domain"]


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


def checked(m: Mail) -> Mail:
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
    ok = [checked(m) for m in mails]
    domain = sender_domain(ws)
    with ws.engine.begin() as conn:
        return [insert_mail(conn, m, actor=ws.actor, domain=domain) for m in ok]


def queue_mail(ws: Workspace, *, kind: str, to: str, subject: str, text: str, html: str | None = None,
               attachments: Sequence[Attachment] = (), ref: str | None = None, key: str | None = None) -> int:
    """Record one mail in the outbox; returns its id. With ``key`` (unique): a second call
    with the same key returns the first mail's id and queues nothing. Nothing is sent here."""
    return queue_many(ws, [Mail(kind, to, subject, text, html, tuple(attachments), ref, key)])[0][0]
