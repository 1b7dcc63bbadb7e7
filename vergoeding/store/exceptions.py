"""Recorded exceptions to a rule, per engagement (who decided, why, when): for now the
exceptions to fictitious employment (Uitvoeringsbesluit LB 1965 art. 2e lid 2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select

from vergoeding.core.checks_fictitious import EXCEPTION_KINDS, RULE, RuleException
from vergoeding.errors import InputError
from vergoeding.store import schema as s
from vergoeding.store.base import audit
from vergoeding.store.db import now_utc


def add_exception(conn: Connection, actor: str, engagement_code: str, *, kind: str, decided_by: str,
                  reason: str, decided_on: date, agreed_on: date | None = None, rule: str = RULE) -> RuleException:
    """Record an exception; a later one for the same engagement and rule replaces the earlier
    one in the checks (both stay in the database and the audit log)."""
    eng = conn.execute(select(s.engagements.c.id, s.engagements.c.regime)
                       .where(s.engagements.c.code == engagement_code)).first()
    if eng is None:
        raise InputError(f"opdracht {engagement_code!r} bestaat niet (zie 'vergoeding engagement list')",
                         field="opdracht")
    if kind not in EXCEPTION_KINDS:
        raise InputError(f"onbekende uitzondering {kind!r}; kies uit: {', '.join(EXCEPTION_KINDS)}", field="soort")
    if not decided_by.strip():
        raise InputError("vul in wie besliste (naam en functie)", field="besloten door")
    if not reason.strip():
        raise InputError("vul in waarom de uitzondering geldt", field="reden")
    if kind == "overeenkomst" and agreed_on is None:
        raise InputError("geef de datum van de schriftelijke afspraak (--agreed-on); die moet vóór de eerste "
                         "betaling liggen", field="datum afspraak")
    if eng.regime != "particulier":
        raise InputError(f"opdracht {engagement_code} heeft regime {eng.regime}: de regel over fictieve "
                         "dienstbetrekking geldt alleen voor betalingen aan een particulier", field="opdracht")
    res = conn.execute(insert(s.rule_exceptions).values(
        engagement_id=int(eng.id), rule=rule, kind=kind, decided_by=decided_by.strip(), reason=reason.strip(),
        decided_on=decided_on, agreed_on=agreed_on, created_at=now_utc()))
    new_id = int(res.inserted_primary_key[0]) if res.inserted_primary_key else None
    audit(conn, actor, "exception.add", "engagement", int(eng.id),
          {"rule": rule, "kind": kind, "decided_by": decided_by, "reason": reason, "id": new_id})
    return RuleException(engagement_code, rule, kind, decided_by.strip(), reason.strip(), decided_on, agreed_on)


def load_exceptions(conn: Connection, *, engagement_code: str | None = None) -> list[RuleException]:
    """Every recorded exception, oldest first (the checks use the latest per engagement)."""
    x, g = s.rule_exceptions, s.engagements
    q = select(x, g.c.code).join(g, g.c.id == x.c.engagement_id).order_by(x.c.id)
    if engagement_code:
        q = q.where(g.c.code == engagement_code)
    return [RuleException(r.code, r.rule, r.kind, r.decided_by, r.reason, r.decided_on, r.agreed_on)
            for r in conn.execute(q)]
