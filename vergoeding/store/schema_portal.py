"""The web portal's tables (migration 14; used by ``vergoeding/web/``, docs/PORTAL.md), on the
schema's one ``metadata``. Re-exported by :mod:`vergoeding.store.schema`
(``schema.portal_accounts``), where every other table lives.

Secrets are stored as hashes only: passwords argon2id, link tokens and session ids sha256,
recovery codes sha256 (random, high entropy).
"""

from __future__ import annotations

import sqlalchemy as sa

from vergoeding.store.schema_meta import metadata

portal_accounts = sa.Table(
    "portal_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # lower case
    sa.Column("kind", sa.String(10), nullable=False),  # 'expert' | 'finance'
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id")),  # set for kind 'expert'
    sa.Column("password_hash", sa.Text),  # argon2id; NULL: logs in by e-mailed link
    sa.Column("totp_secret", sa.String(64)),  # base32; set once the second factor is confirmed
    sa.Column("recovery_codes", sa.Text, nullable=False, server_default="[]"),  # JSON list of sha256 hashes (random codes)
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False, server_default=""),
    sa.Column("last_login_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
    # migration 19: the last 30-second TOTP step used, so a code works only once (no replay)
    sa.Column("totp_last_step", sa.Integer),
    sa.CheckConstraint("kind in ('expert', 'finance')", name="ck_portal_account_kind"),
)

portal_sessions = sa.Table(
    "portal_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),  # sha256 of the cookie value
    sa.Column("account_id", sa.Integer, sa.ForeignKey("portal_accounts.id")),  # NULL: not logged in
    sa.Column("data", sa.Text, nullable=False, server_default="{}"),  # JSON
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)
sa.Index("ix_portal_sessions_account", portal_sessions.c.account_id)

portal_tokens = sa.Table(
    "portal_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of the link's token
    sa.Column("account_id", sa.Integer, sa.ForeignKey("portal_accounts.id"), nullable=False),
    sa.Column("purpose", sa.String(10), nullable=False),  # 'invite' | 'login'
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime),
)

portal_iban_requests = sa.Table(
    "portal_iban_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id"), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("portal_accounts.id"), nullable=False),
    sa.Column("iban", sa.String(34), nullable=False),
    sa.Column("status", sa.String(10), nullable=False, server_default="open"),  # open | confirmed | rejected
    sa.Column("reason", sa.Text),  # why finance rejected it
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decided_at", sa.DateTime),
    sa.Column("decided_by", sa.Text),
)

portal_rate_limits = sa.Table(
    "portal_rate_limits",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_ms", sa.BigInteger, nullable=False),  # epoch milliseconds
)

portal_uploads = sa.Table(
    "portal_uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_id", sa.Integer, sa.ForeignKey("entries.id")),
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id"), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("portal_accounts.id"), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),  # as sent (shown as text only)
    sa.Column("content_type", sa.String(40), nullable=False),  # decided from the content
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("stored_name", sa.String(80), nullable=False, unique=True),  # name inside the upload folder
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# A submitted line finance rejected: the line itself is removed from the administration (it
# was never approved, paid or invoiced), this row keeps what was submitted and why it was
# rejected, so the expert sees it.
portal_rejections = sa.Table(
    "portal_rejections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_id", sa.Integer, nullable=False),  # the removed entry's id (no foreign key)
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id"), nullable=False),
    sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id"), nullable=False),
    sa.Column("work_date", sa.Date, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("activity", sa.Text, nullable=False),
    sa.Column("km", sa.String(12), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("rejected_by", sa.Text, nullable=False),
    sa.Column("rejected_at", sa.DateTime, nullable=False),
)
sa.Index("ix_portal_rejections_expert", portal_rejections.c.expert_id, portal_rejections.c.work_date)
