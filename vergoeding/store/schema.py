"""Tables of the administration. Portable SQL only (SQLite and PostgreSQL).

Conventions: ``*_cents`` integer cents; ``minutes`` whole minutes; dates as ``Date``;
``km`` as decimal text (e.g. "12.5"); booleans as ``Boolean``; codes (``code``) are the
short, human-typed keys users refer to (``--expert E001``).

Every caller imports tables from here (``from vergoeding.store import schema as s``). This
module holds the administration: who (organisations, experts and their declarations), what
work on which terms (engagements, rate changes, rule exceptions, entries, locked periods) and
the audit log. The other tables live next to it on the same ``metadata``
(:mod:`~vergoeding.store.schema_meta`) and are re-exported here: the money trail (payouts, paid
lines, invoices, bank entries: :mod:`~vergoeding.store.schema_money`), the mail outbox
(:mod:`~vergoeding.store.schema_mail`) and the portal (:mod:`~vergoeding.store.schema_portal`).
Foreign keys between them are named as text (``"payouts.id"``), so no module imports another's
tables. Migrations (``store/migrations.py``) keep their own copies of tables as they were.
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
    String,
    Table,
    Text,
    UniqueConstraint,
)

from vergoeding.store.schema_mail import outbox, outbox_attachments
from vergoeding.store.schema_meta import metadata
from vergoeding.store.schema_money import (
    bank_entries,
    invoice_lines,
    invoice_series,
    invoices,
    paid_lines,
    payouts,
)
from vergoeding.store.schema_portal import (
    portal_accounts,
    portal_iban_requests,
    portal_rate_limits,
    portal_rejections,
    portal_sessions,
    portal_tokens,
    portal_uploads,
)

__all__ = ["audit_log", "bank_entries", "declarations", "engagement_rates", "engagements", "entries", "experts",
           "invoice_lines", "invoice_series", "invoices", "locked_periods", "metadata", "organisations",
           "outbox", "outbox_attachments", "paid_lines", "payouts", "portal_accounts", "portal_iban_requests",
           "portal_rate_limits", "portal_rejections", "portal_sessions", "portal_tokens", "portal_uploads",
           "rule_exceptions", "schema_version"]


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
