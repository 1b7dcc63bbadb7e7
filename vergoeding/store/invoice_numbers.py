"""The numbering of invoices and credit notes in the database.

Numbering: one row per series in ``invoice_series`` holds the next number. It is read and
advanced in the SAME transaction that inserts the issued invoice, so a failure anywhere
rolls the number back too (no gaps), and a number is never reused (credit notes take a new
one; nothing is ever deleted). Two writers never interleave: SQLite transactions start with
``BEGIN IMMEDIATE`` (see :mod:`vergoeding.store.db`); on PostgreSQL the series row is
created insert-or-nothing and then read with ``SELECT ... FOR UPDATE`` (see take_number). Numbers are never derived from a count of rows.

A number belongs to the invoice's series (``core/numbering.py``: prefix, format, year, and the
expert for self-billed invoices); a document dated in a year whose numbering the next year
has already followed is refused (:func:`refuse_after_a_later_year`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select, update

from vergoeding.core.invoice import Invoice
from vergoeding.core.numbering import format_number, series_key
from vergoeding.errors import RuleViolation
from vergoeding.store.migrations import NUMBER_MAX
from vergoeding.store.schema import invoice_series, invoices

__all__ = ["count_in_series", "refuse_after_a_later_year", "take_number"]


def _insert_or_nothing(conn: Connection, series: str) -> None:
    """Create the row of ``series`` (next number 1) unless it exists, without an error when
    another writer creates it at the same moment: ``INSERT ... ON CONFLICT DO NOTHING`` on
    PostgreSQL, ``INSERT OR IGNORE`` on SQLite."""
    values = {"series": series, "next_number": 1}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(invoice_series).values(**values).on_conflict_do_nothing())
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(invoice_series).values(**values).on_conflict_do_nothing())
    elif conn.execute(select(invoice_series.c.series).where(invoice_series.c.series == series)).first() is None:
        conn.execute(invoice_series.insert().values(**values))  # pragma: no cover - other databases


def take_number(conn: Connection, series: str, fmt: str, *, year: int, expert: str = "") -> str:
    """The next number of ``series``, advanced inside the caller's transaction.

    First use of a series is race-free: the row is inserted-or-nothing, then read with a row
    lock (``SELECT ... FOR UPDATE``), so concurrent first invoices of a new series wait for
    each other instead of colliding on the primary key."""
    if len(series) > NUMBER_MAX:
        raise RuleViolation(f"factuurserie {series[:40]}... is langer dan {NUMBER_MAX} tekens; "
                            "kies een kortere code of een korter voorvoegsel in [invoices]")
    _insert_or_nothing(conn, series)
    seq = int(conn.execute(
        select(invoice_series.c.next_number).where(invoice_series.c.series == series).with_for_update()
    ).scalar_one())
    conn.execute(update(invoice_series).where(invoice_series.c.series == series).values(next_number=seq + 1))
    number = format_number(fmt, year=year, seq=seq, expert=expert)
    skipped = 0
    while conn.execute(select(invoices.c.id).where(invoices.c.number == number)).first() is not None:
        # The number is already on a document of another series: a credit note numbered
        # from the previous year's counter before the one-series-per-year rule, or a format
        # changed mid-year. That document fills this place in the sequence, so the series
        # moves past it (no gap, no collision); a format that can only repeat itself stops.
        skipped += 1
        if skipped > 1000:
            raise RuleViolation(f"factuurnummer {number} bestaat al: het nummerformaat geeft dubbele nummers "
                                f"(serie {series}); pas [invoices] aan")
        seq += 1
        number = format_number(fmt, year=year, seq=seq, expert=expert)
    if skipped:
        conn.execute(update(invoice_series).where(invoice_series.c.series == series).values(next_number=seq + 1))
    if len(number) > NUMBER_MAX:
        raise RuleViolation(f"factuurnummer {number[:40]}... wordt langer dan {NUMBER_MAX} tekens "
                            f"(serie {series[:40]}); kies een korter nummerformaat in [invoices] of een "
                            "kortere code")
    return number


def refuse_after_a_later_year(conn: Connection, inv: Invoice, prefix: str, fmt: str, expert: str) -> None:
    """A document dated in a year whose numbering the next year has already followed (a
    credit note of 20-12-2026 made after 2027-0001 was issued) would take a number out of
    the order of the dates: refused, with the way out (date it today)."""
    year = inv.issue_date.year
    later = conn.execute(select(invoices.c.series, invoices.c.issue_date, invoices.c.number)
                         .where(invoices.c.issue_date >= date(year + 1, 1, 1), invoices.c.series.is_not(None))
                         .order_by(invoices.c.issue_date, invoices.c.id)).all()
    for r in later:
        if r.series == series_key(prefix, fmt, r.issue_date.year, expert):
            what = "een creditnota" if inv.kind == "credit" else "een factuur"
            raise RuleViolation(
                f"{what} met datum {inv.issue_date:%d-%m-%Y} kan niet meer: de nummering van "
                f"{r.issue_date.year} is al begonnen ({r.number}, {r.issue_date:%d-%m-%Y}), en een document met "
                f"een eerdere datum zou daarna een nummer krijgen. Geef als datum {r.issue_date:%d-%m-%Y} of later "
                "(meestal vandaag); er is niets opgeslagen.")


def count_in_series(conn: Connection, series: str) -> int:
    return int(conn.execute(select(func.count()).select_from(invoices).where(invoices.c.series == series)).scalar_one())
