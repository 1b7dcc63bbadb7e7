"""The mail outbox's tables (migration 13), on the schema's one ``metadata``: written and read
by ``vergoeding/mail/``, never by the core. Re-exported by :mod:`vergoeding.store.schema`
(``schema.outbox``), where every other table lives."""

from __future__ import annotations

import sqlalchemy as sa

from vergoeding.store.schema_meta import metadata

# The mail outbox (migration 13; written and read by ``vergoeding/mail/``, never by the core):
# every mail the product sends is first a row here; sending is a separate step that marks it
# sent. ``message_id`` is fixed when the row is made, so a mail resent after a crash carries
# the same Message-ID. ``dedup_key`` (UNIQUE): queueing the same key twice queues once.
# ``claim``: the sender working on the row ("host:pid:token"), so two senders never send the
# same row at once; a claim of a process that died is taken over. Bodies and attachment bytes
# of sent mails are pruned after the organisation's retention period (``pruned_at``).
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),  # statement | invoice | reminder | invitation | login | ...
    sa.Column("ref", sa.Text),  # the document it belongs to ('payout:2026-11:E001', 'invoice:F2026-0001')
    # the expert whose own address this is (statements, reminders): checked again just before sending
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id")),
    sa.Column("dedup_key", sa.String(200), unique=True),
    sa.Column("to_addr", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body_text", sa.Text),  # NULL once pruned
    sa.Column("body_html", sa.Text),
    sa.Column("message_id", sa.String(200), nullable=False, unique=True),
    sa.Column("state", sa.String(10), nullable=False, server_default="queued"),  # queued | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime),  # NULL: due now; set by a temporary error (backoff)
    sa.Column("last_error", sa.Text),
    sa.Column("claim", sa.String(120)),
    sa.Column("claimed_at", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    sa.Column("sent_at", sa.DateTime),
    sa.Column("pruned_at", sa.DateTime),
    sa.CheckConstraint("state in ('queued', 'sent', 'failed')", name="ck_outbox_state"),
)
sa.Index("ix_outbox_state", outbox.c.state, outbox.c.id)
sa.Index("ix_outbox_ref", outbox.c.ref)

# The files of a mail, in order: name and MIME type as the recipient sees them, the SHA-256 of
# the bytes (kept after pruning: which document was sent) and the bytes themselves (NULL once
# pruned).
outbox_attachments = sa.Table(
    "outbox_attachments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("mime_type", sa.String(100), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary),
    sa.UniqueConstraint("outbox_id", "position", name="uq_outbox_attachment_pos"),
)
