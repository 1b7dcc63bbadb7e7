"""FROZEN: the tables exactly as schema version 1 created them.

Migration 1 creates these tables, so that an old database and a new one that went through
every migration end up identical, whatever later edits make of :mod:`vergoeding.store.schema`.
Never edit this file; a change to the schema is a new migration in
:data:`vergoeding.store.migrations.MIGRATIONS` plus the matching edit in ``schema.py``.
"""

from __future__ import annotations

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

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
    CheckConstraint(
        "regime in ('vrijwilliger', 'vacatiegeld', 'zzp', 'particulier', 'loondienst')",
        name="ck_eng_regime",
    ),
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
    Column("period", String(10), nullable=False, unique=True),  # '2026-11': a period is paid once
    Column("created_at", DateTime, nullable=False),
    Column("execution_date", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("override_reason", Text),  # set when paid despite error findings
    Column("batch_msg_id", String(35), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON of the overview, for --reprint
)

invoice_series = Table(
    "invoice_series",
    metadata,
    Column("series", String(40), primary_key=True),
    Column("next_number", Integer, nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(40), unique=True),  # NULL while concept; set once on issue
    Column("series", String(40)),
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
    Column("correction_of", Integer, ForeignKey("entries.id")),
    Column("reason", Text),  # required for a correction entry
    Column("dedupe_key", String(64), nullable=False, unique=True),  # same import twice = stored once
    Column("payout_id", Integer, ForeignKey("payouts.id")),
    Column("invoice_id", Integer, ForeignKey("invoices.id")),  # client invoice
    Column("expert_invoice_id", Integer, ForeignKey("invoices.id")),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False, server_default=""),
    CheckConstraint("status in ('logged', 'approved', 'settled')", name="ck_entry_status"),
    CheckConstraint("minutes >= 0 and minutes <= 1440", name="ck_entry_minutes"),
)
Index("ix_entries_engagement_date", entries.c.engagement_id, entries.c.work_date)
Index("ix_entries_date_status", entries.c.work_date, entries.c.status)

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
)
Index("ix_audit_entity", audit_log.c.entity, audit_log.c.entity_id)
