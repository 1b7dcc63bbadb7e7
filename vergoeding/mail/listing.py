"""The outbox as finance sees it: its rows (``mail list``) and a failed mail put back in the
queue (``mail retry``), audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from vergoeding.core import ids
from vergoeding.mail.sending import chunks
from vergoeding.store import schema as s

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

__all__ = ["OutboxRow", "list_outbox", "requeue"]


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
        for chunk in chunks([r.id for r in rows]):
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
