"""The schema migrations, in order: ``MIGRATIONS`` (number, description, step).

Append new steps at the end and never edit one that has shipped; how they run (one
transaction per step with its ``schema_version`` row, an advisory lock on PostgreSQL) is in
:func:`vergoeding.store.db.migrate`. New tables also go in ``store/schema.py``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, DateTime, select

Migration = tuple[int, str, Callable[[Connection], None]]


def _v1(conn: Connection) -> None:
    """The initial schema, from a frozen copy (``schema_v1``): editing ``schema.py`` later
    never changes what version 1 was."""
    from vergoeding.store import schema_v1

    schema_v1.metadata.create_all(conn)


def _v2_signed_corrections(conn: Connection) -> None:
    """Correction entries carry a delta, which may be negative: relax the minutes check
    from ``0..1440`` to ``-1440..1440``. SQLite cannot alter a constraint, so the table is
    rebuilt (foreign keys are deferred to the commit of this step)."""
    check = "minutes >= -1440 and minutes <= 1440"
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("ALTER TABLE entries DROP CONSTRAINT ck_entry_minutes")
        conn.exec_driver_sql(f"ALTER TABLE entries ADD CONSTRAINT ck_entry_minutes CHECK ({check})")
        return
    from sqlalchemy import CheckConstraint, MetaData

    from vergoeding.store import schema_v1

    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    md = MetaData()
    for name in ("experts", "organisations", "engagements", "payouts", "invoices", "entries"):
        schema_v1.metadata.tables[name].to_metadata(md)
    old = schema_v1.entries
    new = old.to_metadata(md, name="entries__v2")
    for c in [c for c in new.constraints if c.name == "ck_entry_minutes"]:
        new.constraints.discard(c)
    new.append_constraint(CheckConstraint(check, name="ck_entry_minutes"))
    new.indexes.clear()  # recreated under their own names after the rename
    # correction_of keeps naming "entries": after the rename it points at the new table.
    new.create(conn)
    conn.execute(new.insert().from_select([c.name for c in old.columns], select(old)))
    conn.exec_driver_sql("DROP TABLE entries")
    conn.exec_driver_sql("ALTER TABLE entries__v2 RENAME TO entries")
    conn.exec_driver_sql("CREATE INDEX ix_entries_engagement_date ON entries (engagement_id, work_date)")
    conn.exec_driver_sql("CREATE INDEX ix_entries_date_status ON entries (work_date, status)")


def _v3_payout_files_written(conn: Connection) -> None:
    # A payout is complete once its files are written; a run killed between the commit and
    # the files is finished by the next run. Payouts from before this column were complete.
    kind = DateTime().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE payouts ADD COLUMN files_written_at {kind}")
    conn.exec_driver_sql("UPDATE payouts SET files_written_at = created_at")


def _v4_engagements_expert_index(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE INDEX ix_engagements_expert ON engagements (expert_id)")


def _v5_einvoice(conn: Connection) -> None:
    """Per client the e-invoice format (Peppol BIS 3.0 or SI-UBL 2.0) and its own reference
    for our invoices; per engagement the client's order number."""
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN einvoice_format VARCHAR(10) DEFAULT 'peppol' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN buyer_reference TEXT")
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN order_number TEXT")


def _v6_rule_exceptions(conn: Connection) -> None:
    """Exceptions to a rule per engagement (who decided, why). A frozen table definition
    (portable SQLAlchemy types): later edits of ``schema.py`` never change what 6 was."""
    from sqlalchemy import (
        Column,
        Date,
        DateTime,
        ForeignKey,
        Integer,
        MetaData,
        String,
        Table,
        Text,
    )

    md = MetaData()
    Table("engagements", md, Column("id", Integer, primary_key=True))
    Table("rule_exceptions", md,
          Column("id", Integer, primary_key=True),
          Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
          Column("rule", String(60), nullable=False), Column("kind", String(20), nullable=False),
          Column("decided_by", Text, nullable=False), Column("reason", Text, nullable=False),
          Column("decided_on", Date, nullable=False), Column("agreed_on", Date),
          Column("created_at", DateTime, nullable=False)).create(conn)


def _v7_paid_lines(conn: Connection) -> None:
    """The paid-line ledger (see ``store/payouts.py``): payouts get a number and lose the
    UNIQUE period (a period may have follow-up payouts); ``paid_lines`` keeps every paid
    entry's amounts as paid, with UNIQUE entry_id (a line is paid once). Existing payouts are
    carried over from their stored snapshot: the amounts on the documents that were sent."""
    from vergoeding.store.migration_7 import migrate_paid_lines

    migrate_paid_lines(conn)


# Long enough for every number the formats can produce (a self-billing number holds a
# 40-character expert code: "ZF2026-<code>-001"); numbers and series keys are checked against
# these lengths before they are stored (store.invoices).
NUMBER_MAX = 120


def _v8_invoice_number_length(conn: Connection) -> None:
    """Invoice numbers and series keys up to NUMBER_MAX characters. SQLite does not enforce
    VARCHAR lengths (nothing to do); PostgreSQL widens the columns."""
    if conn.dialect.name == "sqlite":
        return
    for table, column in (("invoices", "number"), ("invoices", "series"), ("invoice_series", "series")):
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({NUMBER_MAX})")


def _v9_audit_db_user(conn: Connection) -> None:
    from sqlalchemy import String

    kind = String(63).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE audit_log ADD COLUMN db_user {kind}")


def _v10_organisation_phone(conn: Connection) -> None:
    """A telephone number per organisation (the own organisation's is printed where a letter
    says "bel of mail ons"); existing organisations have none."""
    from sqlalchemy import String

    kind = String(30).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE organisations ADD COLUMN phone {kind}")


def _v11_engagement_rates(conn: Connection) -> None:
    """Rate changes from a date per engagement (a frozen table definition, portable types).
    Existing engagements keep their own rate columns as the rate from the start: no rows."""
    from sqlalchemy import (
        BigInteger,
        Column,
        Date,
        ForeignKey,
        Integer,
        MetaData,
        Table,
        Text,
        UniqueConstraint,
    )

    md = MetaData()
    Table("engagements", md, Column("id", Integer, primary_key=True))
    Table("engagement_rates", md,
          Column("id", Integer, primary_key=True),
          Column("engagement_id", Integer, ForeignKey("engagements.id"), nullable=False),
          Column("valid_from", Date, nullable=False),
          Column("expert_rate_cents", BigInteger), Column("client_rate_cents", BigInteger),
          Column("reason", Text), Column("created_at", DateTime, nullable=False),
          Column("created_by", Text, nullable=False, server_default=""),
          UniqueConstraint("engagement_id", "valid_from", name="uq_engagement_rate_day")).create(conn)


def _v12_billing(conn: Connection) -> None:
    """Billing every hour: per engagement whether its hours are billed to the client and
    whether a correction reaches the client; per organisation whether it must receive
    e-invoices. Existing engagements are billed, except those whose client is our own
    organisation (internal work); existing clients with an OIN or the SI-UBL format are
    marked as receiving e-invoices (what they had)."""
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN billable BOOLEAN DEFAULT '1' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE engagements ADD COLUMN corrections_billed BOOLEAN DEFAULT '1' NOT NULL")
    conn.exec_driver_sql("ALTER TABLE organisations ADD COLUMN einvoice_required BOOLEAN DEFAULT '0' NOT NULL")
    conn.exec_driver_sql("UPDATE engagements SET billable = '0' WHERE client_id IN "
                         "(SELECT id FROM organisations WHERE kind = 'own')")
    conn.exec_driver_sql("UPDATE organisations SET einvoice_required = '1' WHERE kind = 'client' AND "
                         "((oin IS NOT NULL AND oin <> '') OR einvoice_format = 'si-ubl')")


def _v13_outbox(conn: Connection) -> None:
    """The mail outbox (``vergoeding/mail/``): one row per mail, its attachments apart (a
    frozen table definition, portable types); per client the address for invoices and PDF or
    XML; per expert the choice to get no mail."""
    from sqlalchemy import (
        CheckConstraint,
        Column,
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

    md = MetaData()
    Table("experts", md, Column("id", Integer, primary_key=True))
    outbox = Table(
        "outbox", md,
        Column("id", Integer, primary_key=True), Column("kind", String(30), nullable=False),
        Column("ref", Text), Column("expert_id", Integer, ForeignKey("experts.id")),
        Column("dedup_key", String(200), unique=True),
        Column("to_addr", Text, nullable=False), Column("subject", Text, nullable=False),
        Column("body_text", Text), Column("body_html", Text),
        Column("message_id", String(200), nullable=False, unique=True),
        Column("state", String(10), nullable=False, server_default="queued"),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", DateTime), Column("last_error", Text),
        Column("claim", String(120)), Column("claimed_at", DateTime),
        Column("created_at", DateTime, nullable=False),
        Column("created_by", Text, nullable=False, server_default=""),
        Column("sent_at", DateTime), Column("pruned_at", DateTime),
        CheckConstraint("state in ('queued', 'sent', 'failed')", name="ck_outbox_state"))
    Index("ix_outbox_state", outbox.c.state, outbox.c.id)
    Index("ix_outbox_ref", outbox.c.ref)
    Table("outbox_attachments", md,
          Column("id", Integer, primary_key=True),
          Column("outbox_id", Integer, ForeignKey("outbox.id"), nullable=False),
          Column("position", Integer, nullable=False), Column("filename", Text, nullable=False),
          Column("mime_type", String(100), nullable=False), Column("sha256", String(64), nullable=False),
          Column("size", Integer, nullable=False), Column("data", LargeBinary),
          UniqueConstraint("outbox_id", "position", name="uq_outbox_attachment_pos"))
    md.create_all(conn, tables=[md.tables["outbox"], md.tables["outbox_attachments"]])
    for table, column, kind in (("organisations", "invoice_email", "TEXT"),
                                ("organisations", "invoice_mail", "VARCHAR(10) DEFAULT 'pdf' NOT NULL"),
                                ("experts", "mail_opt_out", "BOOLEAN DEFAULT '0' NOT NULL")):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

def _v14_portal(conn: Connection) -> None:
    """The web portal: accounts, sessions, link tokens, IBAN change requests, rate-limit
    counters, uploaded receipts and rejected lines (``vergoeding/web/``, docs/PORTAL.md)."""
    from vergoeding.store.migration_14 import create_portal_tables

    create_portal_tables(conn)

def _v15_paid_line_limits_version(conn: Connection) -> None:
    """Every paid line records the version of the fiscal figures it was checked against
    ("2027:<digest of the year file>"); lines paid before this migration have none."""
    from sqlalchemy import String

    kind = String(40).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE paid_lines ADD COLUMN limits_version {kind}")


def _v16_paid_terms(conn: Connection) -> None:
    from vergoeding.store.migration_paid_terms import migrate_paid_terms

    migrate_paid_terms(conn)


def _v17_invoice_payment(conn: Connection) -> None:
    """Expert invoices are paid by the payout: when approved, and by which payout. Existing
    self-billed invoices count as approved on their issue date; existing expert invoices that
    are paid keep their date (nothing to pay again)."""
    from sqlalchemy import Date

    kind = Date().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE invoices ADD COLUMN approved_at {kind}")
    conn.exec_driver_sql("ALTER TABLE invoices ADD COLUMN payout_id INTEGER REFERENCES payouts (id)")
    conn.exec_driver_sql("UPDATE invoices SET approved_at = issue_date WHERE kind = 'expert' AND self_billed = '1'")
    conn.exec_driver_sql("UPDATE invoices SET approved_at = paid_at WHERE kind = 'expert' AND paid_at IS NOT NULL")


def _v18_bank_entries(conn: Connection) -> None:
    """Bank statement entries (a frozen table definition, portable types) and the day the
    bank executed a payout's batch."""
    from sqlalchemy import (
        BigInteger,
        Boolean,
        Column,
        Date,
        DateTime,
        Integer,
        MetaData,
        String,
        Table,
        Text,
    )

    kind = Date().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE payouts ADD COLUMN executed_on {kind}")
    md = MetaData()
    Table("bank_entries", md,
          Column("id", Integer, primary_key=True),
          Column("entry_key", String(200), nullable=False, unique=True),
          Column("statement_id", String(80), nullable=False),
          Column("booking_date", Date, nullable=False),
          Column("amount_cents", BigInteger, nullable=False),
          Column("reversal", Boolean, nullable=False, server_default="0"),
          Column("end_to_end_id", String(80)),
          Column("remittance", Text, nullable=False, server_default=""),
          Column("counterparty", Text, nullable=False, server_default=""),
          Column("matched_kind", String(20)),
          Column("matched_ref", String(120)),
          Column("outcome", Text, nullable=False, server_default=""),
          Column("created_at", DateTime, nullable=False)).create(conn)


def _v19_totp_last_step(conn: Connection) -> None:
    """A portal account remembers the last TOTP time step it used: a code works only once."""
    conn.exec_driver_sql("ALTER TABLE portal_accounts ADD COLUMN totp_last_step INTEGER")


def _v20_invoice_origin(conn: Connection) -> None:
    from vergoeding.store.migration_origin import migrate_origin

    migrate_origin(conn)


# Append new migrations here; never edit one that has shipped. Each runs in the same
# transaction as its schema_version row, so an interrupted upgrade leaves the old schema.
MIGRATIONS: list[Migration] = [
    (1, "initial schema", _v1),
    (2, "correction entries may carry a negative minutes delta", _v2_signed_corrections),
    (3, "payouts record when their files were written", _v3_payout_files_written),
    (4, "index engagements by expert (one expert's hours without scanning the year)",
     _v4_engagements_expert_index),
    (5, "e-invoice format and buyer reference per client, order number per engagement", _v5_einvoice),
    (6, "exceptions to a rule per engagement (fictitious employment), with who decided and why",
     _v6_rule_exceptions),
    (7, "paid-line ledger: payouts pay lines, every paid line keeps its amounts", _v7_paid_lines),
    (8, "invoice numbers and series keys up to 120 characters", _v8_invoice_number_length),
    (9, "audit rows record the database user", _v9_audit_db_user),
    (10, "a telephone number per organisation", _v10_organisation_phone),
    (11, "engagement rates change from a date (rate history)", _v11_engagement_rates),
    (12, "billing every hour: billable engagements, corrections to the client, e-invoice required", _v12_billing),
    (13, "mail outbox; invoice e-mail address per client; experts may opt out of mail", _v13_outbox),
    (14, "web portal: accounts, sessions, links, IBAN requests, rate limits, uploads, rejections", _v14_portal),
    (15, "paid lines record the version of the fiscal figures they were checked against",
     _v15_paid_line_limits_version),
    (16, "a paid line keeps its client, role, level and zzp terms (backfilled from the engagement)",
     _v16_paid_terms),
    (17, "expert invoices are approved and paid by the payout", _v17_invoice_payment),
    (18, "bank statement entries (CAMT.053 import), payouts executed", _v18_bank_entries),
    (19, "portal accounts remember the last second-factor code used (a code works once)", _v19_totp_last_step),
    (20, "every invoice stores where it comes from: issued, self-billed, received or made by us before that was kept",
     _v20_invoice_origin),
]

LATEST = MIGRATIONS[-1][0]
