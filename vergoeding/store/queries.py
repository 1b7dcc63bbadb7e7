"""Reading the administration into core values (:mod:`vergoeding.core.work`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, select

from vergoeding.core.money import from_cents
from vergoeding.core.period import Period
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.core.work import Address, Engagement, Entry, Expert, Organisation
from vergoeding.errors import NotFoundError
from vergoeding.store.schema import engagements, entries, experts, organisations


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(int(cents))


def organisation_from_row(r: Any) -> Organisation:
    return Organisation(
        id=r.id, code=r.code, kind=r.kind, name=r.name, address=Address(r.street, r.postcode, r.city),
        kvk=r.kvk, vat_id=r.vat_id, iban=r.iban, bic=r.bic, oin=r.oin, contact_name=r.contact_name,
        contact_email=r.contact_email, is_anbi=bool(r.is_anbi), corporate_tax_liable=bool(r.corporate_tax_liable),
        may_pay_volunteers=bool(r.may_pay_volunteers), has_payroll_tax_number=bool(r.has_payroll_tax_number),
        payment_term_days=int(r.payment_term_days),
    )


def expert_from_row(r: Any) -> Expert:
    return Expert(
        id=r.id, code=r.code, name=r.name, address=Address(r.street, r.postcode, r.city),
        date_of_birth=r.date_of_birth, email=r.email, iban=r.iban, kvk=r.kvk, vat_id=r.vat_id,
        kor=bool(r.kor), crkbo=bool(r.crkbo), bsn=r.bsn, benefit=Benefit(r.benefit),
        employed_by_us=bool(r.employed_by_us),
    )


def engagement_from_row(r: Any) -> Engagement:
    return Engagement(
        id=r.id, code=r.code, expert_code=r.expert_code, client_code=r.client_code, role=r.role,
        regime=Regime(r.regime), start=r.start_date, end=r.end_date, level=r.level,
        description=r.description, unit=Unit(r.unit) if r.unit else None,
        expert_rate=_money(r.expert_rate_cents), client_rate=_money(r.client_rate_cents),
        budget_minutes=r.budget_minutes, budget_amount=_money(r.budget_cents),
        travel_policy=TravelPolicy(r.travel_policy), km_rate=_money(r.km_rate_cents),
        hourly_justification=r.hourly_justification, self_billing=bool(r.self_billing),
        vat_exemption=r.vat_exemption,
    )


def entry_from_row(r: Any) -> Entry:
    return Entry(
        id=r.id, engagement_code=r.engagement_code, work_date=r.work_date, minutes=int(r.minutes),
        quantity=int(r.quantity), activity=r.activity, km=Decimal(r.km or "0"),
        expense=from_cents(int(r.expense_cents)), expense_receipt=bool(r.expense_receipt),
        expense_note=r.expense_note, inkind=from_cents(int(r.inkind_cents)), inkind_note=r.inkind_note,
        amount=_money(r.amount_cents), status=r.status, correction_of=r.correction_of, reason=r.reason,
    )


def own_organisation(conn: Connection) -> Organisation:
    r = conn.execute(select(organisations).where(organisations.c.kind == "own")).first()
    if r is None:
        raise NotFoundError("eigen organisatie ontbreekt: voeg die toe met 'vergoeding org add --own ...'")
    return organisation_from_row(r)


def organisation(conn: Connection, code: str) -> Organisation:
    r = conn.execute(select(organisations).where(organisations.c.code == code)).first()
    if r is None:
        raise NotFoundError(f"organisatie {code!r} bestaat niet")
    return organisation_from_row(r)


def all_organisations(conn: Connection, kind: str | None = None) -> list[Organisation]:
    q = select(organisations).order_by(organisations.c.code)
    if kind:
        q = q.where(organisations.c.kind == kind)
    return [organisation_from_row(r) for r in conn.execute(q)]


def expert(conn: Connection, code: str) -> Expert:
    r = conn.execute(select(experts).where(experts.c.code == code)).first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige {code!r} bestaat niet")
    return expert_from_row(r)


def all_experts(conn: Connection, codes: Iterable[str] | None = None) -> list[Expert]:
    q = select(experts).order_by(experts.c.code)
    if codes is not None:
        q = q.where(experts.c.code.in_(list(codes)))
    return [expert_from_row(r) for r in conn.execute(q)]


def _engagement_select() -> Select[Any]:
    return (
        select(engagements, experts.c.code.label("expert_code"), organisations.c.code.label("client_code"))
        .join(experts, experts.c.id == engagements.c.expert_id)
        .join(organisations, organisations.c.id == engagements.c.client_id)
    )


def engagement(conn: Connection, code: str) -> Engagement:
    r = conn.execute(_engagement_select().where(engagements.c.code == code)).first()
    if r is None:
        raise NotFoundError(f"opdracht {code!r} bestaat niet")
    return engagement_from_row(r)


def all_engagements(conn: Connection, *, expert_code: str | None = None, client_code: str | None = None) -> list[Engagement]:
    q = _engagement_select().order_by(engagements.c.code)
    if expert_code:
        q = q.where(experts.c.code == expert_code)
    if client_code:
        q = q.where(organisations.c.code == client_code)
    return [engagement_from_row(r) for r in conn.execute(q)]


def load_entries(
    conn: Connection,
    *,
    period: Period | None = None,
    expert_code: str | None = None,
    client_code: str | None = None,
    engagement_code: str | None = None,
    statuses: Sequence[str] | None = None,
) -> list[Entry]:
    """Entries (with their engagement code), oldest first, filtered as asked."""
    q = (
        select(entries, engagements.c.code.label("engagement_code"))
        .join(engagements, engagements.c.id == entries.c.engagement_id)
        .order_by(entries.c.work_date, entries.c.id)
    )
    if period is not None:
        q = q.where(entries.c.work_date >= period.start, entries.c.work_date < period.end)
    if expert_code:
        q = q.join(experts, experts.c.id == engagements.c.expert_id).where(experts.c.code == expert_code)
    if client_code:
        q = q.join(organisations, organisations.c.id == engagements.c.client_id).where(organisations.c.code == client_code)
    if engagement_code:
        q = q.where(engagements.c.code == engagement_code)
    if statuses:
        q = q.where(entries.c.status.in_(list(statuses)))
    return [entry_from_row(r) for r in conn.execute(q)]
