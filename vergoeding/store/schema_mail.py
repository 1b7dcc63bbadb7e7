"""The mail outbox's tables (migration 13), on the schema's one ``metadata``: written and read
by ``vergoeding/mail/``, never by the core. Re-exported by :mod:`vergoeding.store.schema`
(``schema.outbox``), where every other table lives."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from vergoeding.store.schema_meta import metadata

# The mail outbox (migration 13; written and read by ``vergoeding/mail/``, never by the core):
# every mail the product sends is first a row here; sending is a separate step that marks it
# sent. ``message_id`` is fixed when the row is made, so a mail resent after a crash carries
# the same Message-ID. ``dedup_key`` (UNIQUE): queueing the same key twice queues once.
# ``claim``: the sender working on the row ("host:pid:token"), so two senders never send the
# same row at once; a claim of a process that died is taken over. Bodies and attachment bytes
# of sent mails are pruned after the organisation's retention period (``pruned_at``).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),  # statement | invoice | reminder | invitation | login | ...
    Column("ref", Text),  # the document it belongs to ('payout:2026-11:E001', 'invoice:F2026-0001')
    # the expert whose own address this is (statements, reminders): checked again just before sending
    Column("expert_id", Integer, ForeignKey("experts.id")),
    Column("dedup_key", String(200), unique=True),
    Column("to_addr", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text),  # NULL once pruned
    Column("body_html", Text),
    Column("message_id", String(200), nullable=False, unique=True),
    Column("state", String(10), nullable=False, server_default="queued"),  # queued | sent | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime),  # NULL: due now; set by a temporary error (backoff)
    Column("last_error", Text),
    Column("claim", String(120)),
    Column("claimed_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("sent_at", DateTime),
    Column("pruned_at", DateTime),
    CheckConstraint("state in ('queued', 'sent', 'failed')", name="ck_outbox_state"),
)
Index("ix_outbox_state", outbox.c.state, outbox.c.id)
Index("ix_outbox_ref", outbox.c.ref)

# The files of a mail, in order: name and MIME type as the recipient sees them, the SHA-256 of
# the bytes (kept after pruning: which document was sent) and the bytes themselves (NULL once
# pruned).
outbox_attachments = Table(
    "outbox_attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outbox_id", Integer, ForeignKey("outbox.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("filename", Text, nullable=False),
    Column("mime_type", String(100), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary),
    UniqueConstraint("outbox_id", "position", name="uq_outbox_attachment_pos"),
)
