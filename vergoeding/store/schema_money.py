"""The money trail's tables, on the schema's one ``metadata``: payouts and the paid-line ledger
(what was paid, on which terms), invoices with their lines and numbering series, and the bank
statement entries they are matched to. Re-exported by :mod:`vergoeding.store.schema`
(``schema.payouts``), where the administration's tables live (``entries`` points here by its
``payout_id`` and ``invoice_id``; ``paid_lines`` back at ``entries``)."""

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
    String,
    Table,
    Text,
    UniqueConstraint,
)

from vergoeding.store.schema_meta import metadata

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
