"""One lock for every change that compares with paid or invoiced work (issue 20, item 4).

The rules "no new rate over paid work", "no regime change over paid or invoiced work" and "a
line is paid once" compare a change with what a payout or an invoice has fixed. Each holds
only when the change and the payout (or invoice) cannot interleave: the one that comes second
must see what the first one committed. So every such change takes this lock as the first
thing in its transaction, and so does the transaction that records a payout or issues an
invoice:

- SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (``store.db.make_engine``): one
  writer at a time already; nothing more to take.
- PostgreSQL: a transaction-scoped advisory lock on one key (``pg_advisory_xact_lock``),
  released at commit or rollback. Statements after it see what the previous holder committed
  (READ COMMITTED), so a rate edit that waited for a payout sees its paid lines and refuses,
  and a payout that waited for the edit sees the new rate (``store.payouts.record_payout``
  then compares the engagements it priced with, and the payout prices again).

Takers: ``store.engagements.edit_engagement`` and ``api.rate_change`` (rates, regime, every
engagement field), ``store.approval.approve``, ``api.ledger.correct``, the invoice
transactions in ``api.client_invoices``, ``api.expert_invoices`` and ``store.payouts.record_payout``.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

PAID_WORK_KEY = 7429320  # the migration lock is 7429301


def paid_work_lock(conn: Connection) -> None:
    """Take the paid-work lock for the rest of ``conn``'s transaction (see the module)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PAID_WORK_KEY})
