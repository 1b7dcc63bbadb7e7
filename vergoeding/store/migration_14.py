"""Migration 14: the web portal's tables (a frozen copy: later edits of ``schema.py`` never
change what version 14 was). See ``schema.py`` for what each column means."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


def create_portal_tables(conn: Connection) -> None:
    md = MetaData()
    Table("experts", md, Column("id", Integer, primary_key=True))
    Table("entries", md, Column("id", Integer, primary_key=True))
    Table("engagements", md, Column("id", Integer, primary_key=True))
    Table(
        "portal_accounts",
        md,
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
        CheckConstraint("kind in ('expert', 'finance')", name="ck_portal_account_kind"),
    )

    portal_sessions = Table(
        "portal_sessions",
        md,
        Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie value
        Column("account_id", Integer, ForeignKey("portal_accounts.id")),  # NULL: not logged in
        Column("data", Text, nullable=False, server_default="{}"),  # JSON
        Column("created_at", DateTime, nullable=False),
        Column("expires_at", DateTime, nullable=False),
    )
    Index("ix_portal_sessions_account", portal_sessions.c.account_id)

    Table(
        "portal_tokens",
        md,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the link's token
        Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False),
        Column("purpose", String(10), nullable=False),  # 'invite' | 'login'
        Column("created_at", DateTime, nullable=False),
        Column("expires_at", DateTime, nullable=False),
        Column("used_at", DateTime),
    )

    Table(
        "portal_iban_requests",
        md,
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

    Table(
        "portal_rate_limits",
        md,
        Column("key", String(255), primary_key=True),
        Column("count", Integer, nullable=False),
        Column("expires_ms", BigInteger, nullable=False),  # epoch milliseconds
    )

    Table(
        "portal_uploads",
        md,
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

    portal_rejections = Table(
        "portal_rejections",
        md,
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
    for name in ("portal_accounts", "portal_sessions", "portal_tokens", "portal_iban_requests",
                 "portal_rate_limits", "portal_uploads", "portal_rejections"):
        md.tables[name].create(conn)
