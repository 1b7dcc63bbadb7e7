"""Tables of the administration. Portable SQL only (SQLite and PostgreSQL).

Conventions: ``*_cents`` integer cents; ``minutes`` whole minutes; dates as ``Date``;
``km`` as decimal text (e.g. "12.5"); booleans as ``Boolean``; codes (``code``) are the
short, human-typed keys users refer to (``--expert E001``).

Over 400 lines on purpose: every table of the current schema in one module, so that each
table, its keys and its indexes are read (and migrated, ``store/migrations.py``) in one place;
split per area it would hide the foreign keys between areas.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _db_user(context: Any) -> str:
    """The database user of the connection that inserts an audit row (cached per connection)."""
    conn = context.root_connection
    cached = conn.info.get("vergoeding_db_user")
    if cached is None:
        if context.dialect.name == "sqlite":
            import getpass

            try:
                cached = getpass.getuser()
            except (KeyError, OSError):  # no name for this uid (a container)
                cached = "onbekend"
        else:
            cached = str(conn.exec_driver_sql("SELECT session_user").scalar())
        conn.info["vergoeding_db_user"] = cached
    return str(cached)[:63]

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime, nullable=False),
    Column("description", Text, nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # 'own' (the issuer) | 'client'
    Column("name", Text, nullable=False),
    Column("street", Text, nullable=False, server_default=""),
    Column("postcode", String(10), nullable=False, server_default=""),
    Column("city", Text, nullable=False, server_default=""),
    Column("kvk", String(8)),
    Column("vat_id", String(20)),
    Column("iban", String(34)),
    Column("bic", String(11)),
    Column("oin", String(20)),  # Dutch government id (Peppol scheme 0190)
    Column("contact_name", Text),
    Column("contact_email", Text),
    Column("is_anbi", Boolean, nullable=False, server_default="0"),
    Column("corporate_tax_liable", Boolean, nullable=False, server_default="0"),
    Column("may_pay_volunteers", Boolean, nullable=False, server_default="0"),
    Column("has_payroll_tax_number", Boolean, nullable=False, server_default="0"),
    Column("payment_term_days", Integer, nullable=False, server_default="30"),
    Column("created_at", DateTime, nullable=False),
    # migration 5: the e-invoice format it receives (core.einvoice) and its own reference for invoices
    Column("einvoice_format", String(10), nullable=False, server_default="peppol"),
    Column("buyer_reference", Text),
    # migration 10: telephone number as a letter shows it (core.ids.phone: "030 123 4567")
    Column("phone", String(30)),
    # migration 12: must receive e-invoices (a public body, or an e-invoice format chosen):
    # without KvK/OIN its invoice is refused; otherwise a PDF invoice without the e-invoice
    Column("einvoice_required", Boolean, nullable=False, server_default="0"),
    # migration 13 (mail): where invoices go by e-mail, and whether the client wants the PDF with
    # the e-invoice XML attached ('pdf') or the XML alone ('xml')
    Column("invoice_email", Text),
    Column("invoice_mail", String(10), nullable=False, server_default="pdf"),
    CheckConstraint("kind in ('own', 'client')", name="ck_org_kind"),
)

experts = Table(
    "experts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("street", Text, nullable=False, server_default=""),
    Column("postcode", String(10), nullable=False, server_default=""),
    Column("city", Text, nullable=False, server_default=""),
    Column("date_of_birth", Date),
    Column("email", Text),
    Column("iban", String(34)),
    Column("kvk", String(8)),
    Column("vat_id", String(20)),
    Column("kor", Boolean, nullable=False, server_default="0"),  # small business scheme
    Column("crkbo", Boolean, nullable=False, server_default="0"),  # registered teacher: VAT exempt training
    Column("bsn", String(9)),  # only where the third-party reporting duty needs it
    Column("benefit", String(10), nullable=False, server_default="geen"),  # core.regimes.Benefit
    Column("employed_by_us", Boolean, nullable=False, server_default="0"),  # on our payroll this year
    Column("created_at", DateTime, nullable=False),
    Column("mail_opt_out", Boolean, nullable=False, server_default="0"),  # migration 13: no mail, by choice
)

# The expert's own declaration of volunteer allowances received from other organisations.
declarations = Table(
    "declarations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer),  # NULL = for the whole year
    Column("amount_cents", BigInteger, nullable=False),
    Column("organisation", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
)

engagements = Table(
    "engagements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("client_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("role", String(40), nullable=False),  # key on the rate card
    Column("level", String(40), nullable=False, server_default="standaard"),
    Column("regime", String(20), nullable=False),  # core.regimes.Regime
    Column("description", Text, nullable=False, server_default=""),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),  # exclusive; NULL = open
    Column("unit", String(20)),  # override of the rate card's unit
    Column("expert_rate_cents", BigInteger),  # override: what the expert receives per unit
    Column("client_rate_cents", BigInteger),  # override: what the client is billed per unit
    Column("budget_minutes", BigInteger),
    Column("budget_cents", BigInteger),
    Column("travel_policy", String(12), nullable=False, server_default="geen"),  # core.regimes.TravelPolicy
    Column("km_rate_cents", Integer),
    Column("hourly_justification", Text),  # why a volunteer rate above the presumption is not market-conform
    Column("self_billing", Boolean, nullable=False, server_default="0"),  # we issue the zzp invoice
    Column("vat_exemption", String(20)),  # NULL | 'kor' | 'crkbo'  (zzp)
    Column("created_at", DateTime, nullable=False),
    Column("order_number", Text),  # migration 5: the client's order number for this engagement
    # migration 12: the hours are billed to the client (payroll included); a correction of a
    # line changes what the client pays (a correction line or a credit note)
    Column("billable", Boolean, nullable=False, server_default="1"),
    Column("corrections_billed", Boolean, nullable=False, server_default="1"),
    CheckConstraint(
        "regime in ('vrijwilliger', 'vacatiegeld', 'zzp', 'particulier', 'loondienst')",
        name="ck_eng_regime",
    ),
)

# Rate changes from a date (migration 11): the engagement's own rate columns are the rates from
# the start; each row applies from ``valid_from`` until the next row. NULL = the rate card. One
# row per engagement and day: a second change on the same day replaces the row (audited).
engagement_rates = Table(
    "engagement_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("expert_rate_cents", BigInteger),
    Column("client_rate_cents", BigInteger),
    Column("reason", Text),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False, server_default=""),
    UniqueConstraint("engagement_id", "valid_from", name="uq_engagement_rate_day"),
)

# Exceptions to a rule recorded per engagement, with who decided and why (migration 7): the
# exceptions to fictitious employment (Uitv.besl. LB 1965 art. 2e lid 2). Never edited: a
# later row for the same engagement and rule is the one that counts.
rule_exceptions = Table(
    "rule_exceptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("rule", String(60), nullable=False),
    Column("kind", String(20), nullable=False),  # 'intellectueel' | 'overeenkomst'
    Column("decided_by", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("agreed_on", Date),  # date of the written agreement (kind 'overeenkomst')
    Column("created_at", DateTime, nullable=False),
)

# Closed periods: no entry may be added or changed with a work date inside.
locked_periods = Table(
    "locked_periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),  # exclusive
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

payouts = Table(
    "payouts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),  # '2026-11', a follow-up '2026-11.2'
    Column("period", String(10), nullable=False),  # pays approved lines dated before its end
    Column("created_at", DateTime, nullable=False),
    Column("execution_date", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("override_reason", Text),  # set when paid despite error findings
    Column("batch_msg_id", String(35), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON of the overview, for --reprint
    Column("files_written_at", DateTime),  # NULL: killed after the commit, before the files
    Column("expert_code", String(40)),  # set when the payout paid one expert (--expert)
    Column("executed_on", Date),  # migration 16: the bank statement shows the batch executed
)

invoice_series = Table(
    "invoice_series",
    metadata,
    Column("series", String(120), primary_key=True),  # NUMBER_MAX (migration 8)
    Column("next_number", Integer, nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(120), unique=True),  # NULL while concept; set once on issue (<= NUMBER_MAX)
    Column("series", String(120)),
    Column("kind", String(12), nullable=False),  # 'client' | 'expert' | 'credit'
    Column("status", String(12), nullable=False),  # concept | issued | paid | credited
    Column("issue_date", Date),
    Column("client_id", Integer, ForeignKey("organisations.id")),
    Column("expert_id", Integer, ForeignKey("experts.id")),
    Column("credit_of", Integer, ForeignKey("invoices.id")),
    Column("self_billed", Boolean, nullable=False, server_default="0"),
    Column("period", String(10)),
    Column("total_excl_cents", BigInteger, nullable=False),
    Column("vat_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON: every field as issued; never changed after issue
    Column("created_at", DateTime, nullable=False),
    Column("paid_at", Date),
    # migration 15: an expert's invoice is paid by the month-end payout once approved (our own
    # self-billed invoices are approved when issued; a received one by 'invoice approve');
    # the expert's own number and date of a received invoice live in the snapshot
    Column("approved_at", Date),
    Column("payout_id", Integer, ForeignKey("payouts.id")),
    CheckConstraint("kind in ('client', 'expert', 'credit')", name="ck_inv_kind"),
    CheckConstraint("status in ('concept', 'issued', 'paid', 'credited')", name="ck_inv_status"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("quantity", Integer, nullable=False, server_default="0"),  # meetings/sessions/days for non-hour units
    Column("activity", Text, nullable=False, server_default=""),
    Column("km", String(12), nullable=False, server_default="0"),  # decimal text
    Column("expense_cents", BigInteger, nullable=False, server_default="0"),
    Column("expense_receipt", Boolean, nullable=False, server_default="0"),  # backed by receipts
    Column("expense_note", Text, nullable=False, server_default=""),
    Column("inkind_cents", BigInteger, nullable=False, server_default="0"),  # vouchers/gifts at value
    Column("inkind_note", Text, nullable=False, server_default=""),
    Column("amount_cents", BigInteger),  # a fixed/lump-sum allowance for this entry (overrides rate x qty)
    Column("status", String(10), nullable=False, server_default="logged"),  # logged|approved|settled
    Column("correction_of", Integer, ForeignKey("entries.id")),  # a correction holds a delta (may be negative)
    Column("reason", Text),  # required for a correction entry
    Column("dedupe_key", String(64), nullable=False, unique=True),  # same import twice = stored once
    Column("payout_id", Integer, ForeignKey("payouts.id")),
    Column("invoice_id", Integer, ForeignKey("invoices.id")),  # client invoice
    Column("expert_invoice_id", Integer, ForeignKey("invoices.id")),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False, server_default=""),
    CheckConstraint("status in ('logged', 'approved', 'settled')", name="ck_entry_status"),
    CheckConstraint("minutes >= -1440 and minutes <= 1440", name="ck_entry_minutes"),
)
Index("ix_entries_engagement_date", entries.c.engagement_id, entries.c.work_date)
Index("ix_entries_date_status", entries.c.work_date, entries.c.status)
# One expert's hours (``vergoeding hours``, ``room``, a check for one expert): experts ->
# engagements -> entries by (engagement, date). Without it SQLite walks the whole year's
# entries through the date index (migration 4).
Index("ix_engagements_expert", engagements.c.expert_id)

# The paid-line ledger (migration 7): one row per entry a payout paid, with the amounts as
# paid. UNIQUE entry_id: a line is paid once, also by two payouts started at the same moment.
paid_lines = Table(
    "paid_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payout_id", Integer, ForeignKey("payouts.id"), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id"), nullable=False, unique=True),
    Column("expert_id", Integer, ForeignKey("experts.id"), nullable=False),
    Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
    Column("regime", String(20), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("late", Boolean, nullable=False, server_default="0"),  # dated before the payout's period
    Column("unit", String(20), nullable=False),
    Column("quantity", String(20), nullable=False),  # decimal text (hours may be 2.5)
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("km", String(12), nullable=False, server_default="0"),  # decimal text
    Column("km_rate_cents", Integer),
    Column("fee_cents", BigInteger, nullable=False),
    Column("travel_cents", BigInteger, nullable=False),
    Column("expenses_fixed_cents", BigInteger, nullable=False),
    Column("expenses_receipt_cents", BigInteger, nullable=False),
    Column("inkind_cents", BigInteger, nullable=False),
    Column("cap_cents", BigInteger, nullable=False),  # counted towards the volunteer caps
    Column("activity", Text, nullable=False, server_default=""),
    Column("correction_of", Integer),
    Column("figures", Text, nullable=False, server_default="{}"),  # JSON: rate and fiscal figures used
    Column("limits_version", String(40)),  # "2027:<digest of the year file>" checked against (migration 15)
    # migration 16: the terms the line was paid under (documents read these, never the
    # engagement as it is now); NULL only where an old row could not be filled
    Column("client_id", Integer, ForeignKey("organisations.id")),
    Column("role", String(40)),
    Column("level", String(40)),
    Column("self_billing", Boolean),
    Column("vat_exemption", String(20)),
)
Index("ix_paid_lines_expert_date", paid_lines.c.expert_id, paid_lines.c.work_date)
Index("ix_paid_lines_payout", paid_lines.c.payout_id)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("service_from", Date),
    Column("service_to", Date),
    Column("quantity", String(20), nullable=False),  # decimal text (hours may be 2.5)
    Column("unit", String(20), nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("vat_rate", String(8), nullable=False),  # decimal text: "0.21", "0"
    Column("vat_note", Text, nullable=False, server_default=""),
    UniqueConstraint("invoice_id", "position", name="uq_invoice_line_pos"),
)

# Bank statement entries (migration 16, ``vergoeding bank import``): one row per entry of a
# CAMT.053 statement, with what it was matched to. UNIQUE entry_key: importing the same
# statement again changes nothing.
bank_entries = Table(
    "bank_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_key", String(200), nullable=False, unique=True),
    Column("statement_id", String(80), nullable=False),
    Column("booking_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),  # credit positive, debit negative
    Column("reversal", Boolean, nullable=False, server_default="0"),
    Column("end_to_end_id", String(80)),
    Column("remittance", Text, nullable=False, server_default=""),
    Column("counterparty", Text, nullable=False, server_default=""),
    Column("matched_kind", String(20)),  # invoice | payout | expert_invoice | NULL (not matched)
    Column("matched_ref", String(120)),  # invoice number or payout number
    Column("outcome", Text, nullable=False, server_default=""),  # what the import did, in Dutch
    Column("created_at", DateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", Integer),
    Column("detail", Text, nullable=False, server_default="{}"),  # JSON; never holds a BSN
    # Who wrote the row as the database knows it (migration 9): PostgreSQL's session_user (the login),
    # for SQLite the operating-system account of the process. ``actor`` is VERGOEDING_USER.
    Column("db_user", String(63), default=_db_user),
)
Index("ix_audit_entity", audit_log.c.entity, audit_log.c.entity_id)

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

# ---------------------------------------------------------------------------- the web portal
# (migration 14; used by vergoeding/web/, docs/PORTAL.md). Secrets are stored as hashes only:
# passwords argon2id, link tokens and session ids sha256, recovery codes sha256 (random, high entropy).

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
