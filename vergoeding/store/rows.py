"""Database rows -> core values (:mod:`vergoeding.core.work`); no queries of its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.money import from_cents
from vergoeding.core.rates import Override, RateCard, resolve_rate
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.core.work import Address, Engagement, Entry, Expert, Organisation
from vergoeding.errors import NotFoundError


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(int(cents))


def organisation_from_row(r: Any) -> Organisation:
    return Organisation(
        id=r.id, code=r.code, kind=r.kind, name=r.name, address=Address(r.street, r.postcode, r.city),
        kvk=r.kvk, vat_id=r.vat_id, iban=r.iban, bic=r.bic, oin=r.oin, contact_name=r.contact_name,
        contact_email=r.contact_email, is_anbi=bool(r.is_anbi), corporate_tax_liable=bool(r.corporate_tax_liable),
        may_pay_volunteers=bool(r.may_pay_volunteers), has_payroll_tax_number=bool(r.has_payroll_tax_number),
        payment_term_days=int(r.payment_term_days), einvoice_format=r.einvoice_format,
        buyer_reference=r.buyer_reference, phone=r.phone, einvoice_required=bool(r.einvoice_required),
        invoice_email=r.invoice_email, invoice_mail=r.invoice_mail or "pdf",
    )


def expert_from_row(r: Any) -> Expert:
    return Expert(
        id=r.id, code=r.code, name=r.name, address=Address(r.street, r.postcode, r.city),
        date_of_birth=r.date_of_birth, email=r.email, iban=r.iban, kvk=r.kvk, vat_id=r.vat_id,
        kor=bool(r.kor), crkbo=bool(r.crkbo), bsn=r.bsn, benefit=Benefit(r.benefit),
        employed_by_us=bool(r.employed_by_us), mail_opt_out=bool(r.mail_opt_out),
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
        vat_exemption=r.vat_exemption, order_number=r.order_number, billable=bool(r.billable),
        corrections_billed=bool(r.corrections_billed),
    )


def entry_from_row(r: Any) -> Entry:
    return Entry(
        id=r.id, engagement_code=r.engagement_code, work_date=r.work_date, minutes=int(r.minutes),
        quantity=int(r.quantity), activity=r.activity, km=Decimal(r.km or "0"),
        expense=from_cents(int(r.expense_cents)), expense_receipt=bool(r.expense_receipt),
        expense_note=r.expense_note, inkind=from_cents(int(r.inkind_cents)), inkind_note=r.inkind_note,
        amount=_money(r.amount_cents), status=r.status, correction_of=r.correction_of, reason=r.reason,
    )


def unit_of(eng: Any, day: date, card: RateCard | None) -> Unit:
    """The unit of an engagement's stored row on ``day``: its own, else the rate card's (hours
    for payroll, without a card, or when the card has no rate for it)."""
    if eng.unit:
        return Unit(eng.unit)
    if eng.regime == Regime.LOONDIENST.value or card is None:
        return Unit.UUR
    try:
        override = Override(None if eng.expert_rate_cents is None else from_cents(eng.expert_rate_cents),
                            None if eng.client_rate_cents is None else from_cents(eng.client_rate_cents))
        return resolve_rate(card, eng.role, Regime(eng.regime), day, level=eng.level,
                            override=None if override == Override() else override).unit
    except NotFoundError:
        return Unit.UUR
