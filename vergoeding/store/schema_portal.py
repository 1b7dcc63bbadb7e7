"""The web portal's tables (migration 14; used by ``vergoeding/web/``, docs/PORTAL.md), on the
schema's one ``metadata``. Re-exported by :mod:`vergoeding.store.schema`
(``schema.portal_accounts``), where every other table lives.

Secrets are stored as hashes only: passwords argon2id, link tokens and session ids sha256,
recovery codes sha256 (random, high entropy).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from vergoeding.store.schema_meta import metadata

portal_accounts = Table(
    "portal_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # lower case
    Column("kind", String(10), nullable=False),  # 'expert' | 'finance'
    Column("expert_id", Integer, ForeignKey("experts.id")),  # set for kind 'expert'
    Column("password_hash", Text),  # argon2id; NULL: logs in by e-mailed link
    Column("totp_secret", String(64)),  # base32; set once the second factor is confirmed
    Column("recovery_codes", Text, nullable=False, server_default="[]"),  # JSON list of sha256 hashes (random codes)
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("last_login_at", DateTime),
    Column("revoked_at", DateTime),
    # migration 19: the last 30-second TOTP step used, so a code works only once (no replay)
    Column("totp_last_step", Integer),
    CheckConstraint("kind in ('expert', 'finance')", name="ck_portal_account_kind"),
)

portal_sessions = Table(
    "portal_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie value
    Column("account_id", Integer, ForeignKey("portal_accounts.id")),  # NULL: not logged in
    Column("data", Text, nullable=False, server_default="{}"),  # JSON
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)
Index("ix_portal_sessions_account", portal_sessions.c.account_id)

portal_tokens = Table(
    "portal_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the link's token
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False),
    Column("purpose", String(10), nullable=False),  # 'invite' | 'login'
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
)

portal_iban_requests = Table(
    "portal_iban_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False),
    Column("iban", String(34), nullable=False),
    Column("status", String(10), nullable=False, server_default="open"),  # open | confirmed | rejected
    Column("reason", Text),  # why finance rejected it
    Column("created_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("decided_by", Text),
)

portal_rate_limits = Table(
    "portal_rate_limits",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),  # epoch milliseconds
)

portal_uploads = Table(
    "portal_uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, ForeignKey("entries.id")),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False),
    Column("filename", Text, nullable=False),  # as sent (shown as text only)
    Column("content_type", String(40), nullable=False),  # decided from the content
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("stored_name", String(80), nullable=False, unique=True),  # name inside the upload folder
    Column("created_at", DateTime, nullable=False),
)

# A submitted line finance rejected: the line itself is removed from the administration (it
# was never approved, paid or invoiced), this row keeps what was submitted and why it was
# rejected, so the expert sees it.
portal_rejections = Table(
    "portal_rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, nullable=False),  # the removed entry's id (no foreign key)
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("activity", Text, nullable=False),
    Column("km", String(12), nullable=False),
    Column("reason", Text, nullable=False),
    Column("rejected_by", Text, nullable=False),
    Column("rejected_at", DateTime, nullable=False),
)
Index("ix_portal_rejections_expert", portal_rejections.c.expert_id, portal_rejections.c.work_date)
