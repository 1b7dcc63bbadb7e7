"""Migration 15: a paid line keeps the terms it was paid under (issue 20, item 2).

``paid_lines`` already kept the regime, the expert and the amounts; it now also keeps the
client, the role and level, and the zzp terms (self-billing, VAT exemption) of its engagement,
so that documents about paid money (third-party report, year statement, ``room``, ``check``)
read the paid line and never the engagement as it is now. Existing rows are filled from their
engagement as it stands at the upgrade (the best record there is); the columns stay nullable,
and a reader falls back to the engagement where one is empty.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Connection, Integer, String

COLUMNS = (("client_id", Integer()), ("role", String(40)), ("level", String(40)),
           ("self_billing", Boolean()), ("vat_exemption", String(20)))


def migrate_paid_terms(conn: Connection) -> None:
    for name, kind in COLUMNS:
        ref = " REFERENCES organisations (id)" if name == "client_id" else ""
        conn.exec_driver_sql(f"ALTER TABLE paid_lines ADD COLUMN {name} {kind.compile(dialect=conn.dialect)}{ref}")
    # the column names are the constants above, never input
    sets = ", ".join(f"{name} = (SELECT g.{name} FROM engagements g WHERE g.id = paid_lines.engagement_id)"  # noqa: S608
                     for name, _ in COLUMNS)
    conn.exec_driver_sql("UPDATE paid_lines SET " + sets)  # noqa: S608
