"""Migration 20: every invoice stores where it comes from (``invoices.origin``, the values of
:data:`vergoeding.core.invoice.ORIGINS`), so that "is this a freelancer's own invoice?" is a
stored fact instead of "an expert invoice without self-billing".

Existing rows are filled from what the database knows for certain:

- a client invoice: ``issued``; an expert invoice with the self-billing flag: ``self_billed``;
- an expert invoice without that flag and WITHOUT a number series: ``received``. Only
  ``invoice receive`` stores an issued invoice without a series (the freelancer's own number);
  every number of ours is taken from a series;
- an expert invoice without the flag but WITH a series of ours (or a concept of one): made by
  us in the freelancer's name before the distinction existed (``invoice expert`` without
  ``--self-billing``, before issue 22). Whether self-billing was agreed for it cannot be
  known from the database: ``prepared``, shown as "door ons opgemaakt" in ``invoice list`` and
  explained by ``invoice show``. It is ours: it reprints as the invoice that was sent, and its
  credit note takes a number of ours;
- a credit note: the origin of the invoice it credits (one without a stored original is our
  client credit note of corrections: ``issued``).

The column has a CHECK on the four values on both backends; NOT NULL on PostgreSQL only,
because SQLite cannot add a NOT NULL column without a default (and a default would be a guess
for a row written without one). Every insert goes through ``store.invoices._insert``, which
always sets it.
"""

from __future__ import annotations

from sqlalchemy import Connection

VALUES = ("issued", "self_billed", "received", "prepared")  # = core.invoice.ORIGINS, frozen here

_STEPS = (
    "UPDATE invoices SET origin = 'issued' WHERE kind = 'client'",
    "UPDATE invoices SET origin = 'self_billed' WHERE kind = 'expert' AND self_billed = {true}",
    "UPDATE invoices SET origin = 'received' WHERE kind = 'expert' AND self_billed = {false} "
    "AND status <> 'concept' AND series IS NULL",
    "UPDATE invoices SET origin = 'prepared' WHERE kind = 'expert' AND self_billed = {false} "
    "AND (status = 'concept' OR series IS NOT NULL)",
    "UPDATE invoices SET origin = (SELECT o.origin FROM invoices o WHERE o.id = invoices.credit_of) "
    "WHERE kind = 'credit' AND credit_of IS NOT NULL",
    # a credit note without a stored original: only our client credit notes of corrections
    # (made as a concept, whose original is kept by number); the freelancer's credit notes and
    # ours on an expert invoice always point at their original
    "UPDATE invoices SET origin = CASE WHEN self_billed = {true} THEN 'self_billed' ELSE 'issued' END "
    "WHERE kind = 'credit' AND origin IS NULL",
)


def migrate_origin(conn: Connection) -> None:
    values = ", ".join(f"'{v}'" for v in VALUES)
    conn.exec_driver_sql(f"ALTER TABLE invoices ADD COLUMN origin VARCHAR(12) "
                         f"CONSTRAINT ck_inv_origin CHECK (origin IN ({values}))")
    true, false = ("1", "0") if conn.dialect.name == "sqlite" else ("true", "false")
    for step in _STEPS:
        conn.exec_driver_sql(step.format(true=true, false=false))
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("ALTER TABLE invoices ALTER COLUMN origin SET NOT NULL")
