"""The money trail's tables, on the schema's one ``metadata``: payouts and the paid-line ledger
(what was paid, on which terms), invoices with their lines and numbering series, and the bank
statement entries they are matched to. Re-exported by :mod:`vergoeding.store.schema`
(``schema.payouts``), where the administration's tables live (``entries`` points here by its
``payout_id`` and ``invoice_id``; ``paid_lines`` back at ``entries``)."""

from __future__ import annotations

import sqlalchemy as sa

from vergoeding.store.schema_meta import metadata

payouts = sa.Table(
    "payouts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(20), nullable=False, unique=True),  # '2026-11', a follow-up '2026-11.2'
    sa.Column("period", sa.String(10), nullable=False),  # pays approved lines dated before its end
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("execution_date", sa.Date, nullable=False),
    sa.Column("total_cents", sa.BigInteger, nullable=False),
    sa.Column("override_reason", sa.Text),  # set when paid despite error findings
    sa.Column("batch_msg_id", sa.String(35), nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),  # JSON of the overview, for --reprint
    sa.Column("files_written_at", sa.DateTime),  # NULL: killed after the commit, before the files
    sa.Column("expert_code", sa.String(40)),  # set when the payout paid one expert (--expert)
    sa.Column("executed_on", sa.Date),  # migration 16: the bank statement shows the batch executed
)

invoice_series = sa.Table(
    "invoice_series",
    metadata,
    sa.Column("series", sa.String(120), primary_key=True),  # NUMBER_MAX (migration 8)
    sa.Column("next_number", sa.Integer, nullable=False),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(120), unique=True),  # NULL while concept; set once on issue (<= NUMBER_MAX)
    sa.Column("series", sa.String(120)),
    sa.Column("kind", sa.String(12), nullable=False),  # 'client' | 'expert' | 'credit'
    sa.Column("status", sa.String(12), nullable=False),  # concept | issued | paid | credited
    sa.Column("issue_date", sa.Date),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("organisations.id")),
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id")),
    sa.Column("credit_of", sa.Integer, sa.ForeignKey("invoices.id")),
    sa.Column("self_billed", sa.Boolean, nullable=False, server_default="0"),
    sa.Column("period", sa.String(10)),
    sa.Column("total_excl_cents", sa.BigInteger, nullable=False),
    sa.Column("vat_cents", sa.BigInteger, nullable=False),
    sa.Column("total_cents", sa.BigInteger, nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),  # JSON: every field as issued; never changed after issue
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("paid_at", sa.Date),
    # migration 15: an expert's invoice is paid by the month-end payout once approved (our own
    # self-billed invoices are approved when issued; a received one by 'invoice approve');
    # the expert's own number and date of a received invoice live in the snapshot
    sa.Column("approved_at", sa.Date),
    sa.Column("payout_id", sa.Integer, sa.ForeignKey("payouts.id")),
    # migration 20: where the invoice comes from (core.invoice.ORIGINS): issued | self_billed |
    # received | prepared, set by the code that makes or registers it (store.invoices._insert)
    sa.Column("origin", sa.String(12), nullable=False),
    sa.CheckConstraint("kind in ('client', 'expert', 'credit')", name="ck_inv_kind"),
    sa.CheckConstraint("origin in ('issued', 'self_billed', 'received', 'prepared')", name="ck_inv_origin"),
    sa.CheckConstraint("status in ('concept', 'issued', 'paid', 'credited')", name="ck_inv_status"),
)

# The paid-line ledger (migration 7): one row per entry a payout paid, with the amounts as
# paid. UNIQUE entry_id: a line is paid once, also by two payouts started at the same moment.
paid_lines = sa.Table(
    "paid_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("payout_id", sa.Integer, sa.ForeignKey("payouts.id"), nullable=False),
    sa.Column("entry_id", sa.Integer, sa.ForeignKey("entries.id"), nullable=False, unique=True),
    sa.Column("expert_id", sa.Integer, sa.ForeignKey("experts.id"), nullable=False),
    sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id"), nullable=False),
    sa.Column("regime", sa.String(20), nullable=False),
    sa.Column("work_date", sa.Date, nullable=False),
    sa.Column("late", sa.Boolean, nullable=False, server_default="0"),  # dated before the payout's period
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("quantity", sa.String(20), nullable=False),  # decimal text (hours may be 2.5)
    sa.Column("minutes", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unit_price_cents", sa.BigInteger, nullable=False),
    sa.Column("km", sa.String(12), nullable=False, server_default="0"),  # decimal text
    sa.Column("km_rate_cents", sa.Integer),
    sa.Column("fee_cents", sa.BigInteger, nullable=False),
    sa.Column("travel_cents", sa.BigInteger, nullable=False),
    sa.Column("expenses_fixed_cents", sa.BigInteger, nullable=False),
    sa.Column("expenses_receipt_cents", sa.BigInteger, nullable=False),
    sa.Column("inkind_cents", sa.BigInteger, nullable=False),
    sa.Column("cap_cents", sa.BigInteger, nullable=False),  # counted towards the volunteer caps
    sa.Column("activity", sa.Text, nullable=False, server_default=""),
    sa.Column("correction_of", sa.Integer),
    sa.Column("figures", sa.Text, nullable=False, server_default="{}"),  # JSON: rate and fiscal figures used
    sa.Column("limits_version", sa.String(40)),  # "2027:<digest of the year file>" checked against (migration 15)
    # migration 16: the terms the line was paid under (documents read these, never the
    # engagement as it is now); NULL only where an old row could not be filled
    sa.Column("client_id", sa.Integer, sa.ForeignKey("organisations.id")),
    sa.Column("role", sa.String(40)),
    sa.Column("level", sa.String(40)),
    sa.Column("self_billing", sa.Boolean),
    sa.Column("vat_exemption", sa.String(20)),
)
sa.Index("ix_paid_lines_expert_date", paid_lines.c.expert_id, paid_lines.c.work_date)
sa.Index("ix_paid_lines_payout", paid_lines.c.payout_id)

invoice_lines = sa.Table(
    "invoice_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("invoice_id", sa.Integer, sa.ForeignKey("invoices.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("service_from", sa.Date),
    sa.Column("service_to", sa.Date),
    sa.Column("quantity", sa.String(20), nullable=False),  # decimal text (hours may be 2.5)
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("unit_price_cents", sa.BigInteger, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("vat_rate", sa.String(8), nullable=False),  # decimal text: "0.21", "0"
    sa.Column("vat_note", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("invoice_id", "position", name="uq_invoice_line_pos"),
)

# Bank statement entries (migration 16, ``vergoeding bank import``): one row per entry of a
# CAMT.053 statement, with what it was matched to. UNIQUE entry_key: importing the same
# statement again changes nothing.
bank_entries = sa.Table(
    "bank_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_key", sa.String(200), nullable=False, unique=True),
    sa.Column("statement_id", sa.String(80), nullable=False),
    sa.Column("booking_date", sa.Date, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),  # credit positive, debit negative
    sa.Column("reversal", sa.Boolean, nullable=False, server_default="0"),
    sa.Column("end_to_end_id", sa.String(80)),
    sa.Column("remittance", sa.Text, nullable=False, server_default=""),
    sa.Column("counterparty", sa.Text, nullable=False, server_default=""),
    sa.Column("matched_kind", sa.String(20)),  # invoice | payout | expert_invoice | NULL (not matched)
    sa.Column("matched_ref", sa.String(120)),  # invoice number or payout number
    sa.Column("outcome", sa.Text, nullable=False, server_default=""),  # what the import did, in Dutch
    sa.Column("created_at", sa.DateTime, nullable=False),
)
