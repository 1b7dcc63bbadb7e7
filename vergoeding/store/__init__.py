"""The administration: SQLAlchemy Core over SQLite (embedded default) or PostgreSQL.

Amounts are integer cents (``*_cents`` columns), hours whole minutes, dates ISO text
(``Date`` columns), km as decimal text. No REAL columns anywhere.
"""
