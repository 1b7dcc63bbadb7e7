"""The write side of the administration: organisations, experts, declarations and
engagements. Hour entries, approval, locked periods and corrections live in
:mod:`vergoeding.store.entries`; labels, audit and helpers in :mod:`vergoeding.store.base`.
This module also re-exports their public names, so ``ledger.add_entry`` and
``ledger.LABELS`` keep working for callers that see the ledger as one thing.

Every public function takes a :class:`~sqlalchemy.Connection`; the caller owns the
transaction (one command or one import = one transaction). A function validates
everything first and writes only when all is well, so a refusal leaves nothing behind.
Every change writes an ``audit_log`` row (who, when, what); a BSN never enters the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from vergoeding.core import ids
from vergoeding.core.bounds import check_bound
from vergoeding.core.einvoice import SI_UBL, parse_format
from vergoeding.core.money import from_cents, round_cents
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.errors import NotFoundError
from vergoeding.store import schema as s
from vergoeding.store.base import (
    LABELS,
    STATUS_LABELS,
    _cents,
    _changes,
    _check_code,
    _err,
    _id_of,
    _maybe,
    _new_id,
    _non_negative,
    _opt,
    _text,
    audit,
    bounded,
    clean,
    clean_fields,
    fits,
    next_code,
)
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc
from vergoeding.store.entries import (
    BulkResult,
    EntryData,
    EntryResult,
    add_entries,
    add_entry,
    approve,
    correct_entry,
    dedupe_key,
    is_locked,
    lock_period,
    locked_period_on,
    minutes_on_day,
    unit_of,
    unlock_period,
)

__all__ = [
    "LABELS", "STATUS_LABELS", "BulkResult", "DeclarationData", "EngagementData", "EntryData", "EntryResult",
    "ExpertData", "OrganisationData", "add_declaration", "add_engagement", "add_entries", "add_entry",
    "add_expert", "add_organisation", "approve", "audit", "correct_entry", "dedupe_key", "edit_engagement",
    "edit_expert", "edit_organisation", "engagement_data", "expert_data", "is_locked", "lock_period",
    "locked_period_on", "minutes_on_day", "next_code", "normalise_engagement", "normalise_expert",
    "normalise_organisation", "organisation_data", "unit_of", "unlock_period",
]


# ---------------------------------------------------------------------------- values in


@dataclass(frozen=True)
class OrganisationData:
    code: str
    name: str
    kind: str = "client"  # 'own' | 'client'
    street: str = ""
    postcode: str = ""
    city: str = ""
    kvk: str | None = None
    vat_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    oin: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    is_anbi: bool = False
    corporate_tax_liable: bool = False
    may_pay_volunteers: bool = False
    has_payroll_tax_number: bool = False
    payment_term_days: int = 30
    einvoice_format: str = "peppol"
    buyer_reference: str | None = None
    phone: str | None = None
    einvoice_required: bool = False  # a public body / a chosen e-invoice format: no PDF-only invoice


@dataclass(frozen=True)
class ExpertData:
    code: str
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    date_of_birth: date | None = None
    email: str | None = None
    iban: str | None = None
    kvk: str | None = None
    vat_id: str | None = None
    kor: bool = False
    crkbo: bool = False
    bsn: str | None = None
    benefit: str = Benefit.GEEN.value
    employed_by_us: bool = False

    def __repr__(self) -> str:  # never a BSN in a traceback
        return f"ExpertData(code={self.code!r}, name={self.name!r})"


@dataclass(frozen=True)
class EngagementData:
    code: str
    expert: str  # expert code
    client: str  # organisation code
    role: str
    regime: str
    start_date: date
    end_date: date | None = None  # exclusive (the day after the last day)
    level: str = "standaard"
    description: str = ""
    unit: str | None = None
    expert_rate: Decimal | None = None
    client_rate: Decimal | None = None
    budget_minutes: int | None = None
    budget_amount: Decimal | None = None
    travel_policy: str = TravelPolicy.GEEN.value
    km_rate: Decimal | None = None
    hourly_justification: str | None = None
    self_billing: bool = False
    vat_exemption: str | None = None
    order_number: str | None = None
    billable: bool | None = None  # None: billed, unless the client is our own organisation
    corrections_billed: bool = True


@dataclass(frozen=True)
class DeclarationData:
    expert: str
    year: int
    amount: Decimal
    month: int | None = None
    organisation: str = ""
    note: str = ""



# ---------------------------------------------------------------------------- organisations


def normalise_organisation(d: OrganisationData) -> OrganisationData:
    d = clean_fields(d)
    if d.kind not in ("own", "client"):
        raise _err(f"{d.kind!r}: verwacht 'own' (eigen organisatie) of 'client' (opdrachtgever)", "kind")
    if not _text(d.name):
        raise _err("naam ontbreekt", "name")
    if not 0 <= d.payment_term_days <= 365:
        raise _err(f"{d.payment_term_days}: verwacht 0 tot en met 365 dagen", "payment_term_days")
    try:
        einvoice_format = parse_format(d.einvoice_format)
    except ValueError as exc:
        raise _err(str(exc), "einvoice_format") from None
    if einvoice_format == SI_UBL and not (_opt(d.kvk) or _opt(d.oin)):
        raise _err("SI-UBL 2.0 vraagt het KvK-nummer of het OIN van de organisatie (regel BR-NL-10); "
                   "vul --kvk of --oin in", "einvoice_format")
    pc = _text(d.postcode)
    return replace(
        d, code=_check_code(d.code), name=_text(d.name), street=_text(d.street),
        postcode=ids.postcode(pc) if pc else "", city=_text(d.city),
        kvk=_maybe(ids.kvk, d.kvk),
        vat_id=_maybe(ids.vat_id, d.vat_id, field=LABELS["vat_id"]),
        iban=_maybe(ids.iban, d.iban),
        bic=_maybe(ids.bic, d.bic),
        oin=_maybe(ids.oin, d.oin),
        contact_name=_opt(d.contact_name),
        contact_email=_maybe(ids.email, d.contact_email, field=LABELS["contact_email"]),
        einvoice_format=einvoice_format, buyer_reference=_opt(d.buyer_reference),
        phone=_maybe(ids.phone, d.phone, field=LABELS["phone"]),
    )


def organisation_data(conn: Connection, code: str) -> OrganisationData:
    r = conn.execute(select(s.organisations).where(code_is(s.organisations.c.code, code))).mappings().first()
    if r is None:
        raise NotFoundError(f"organisatie {code!r} bestaat niet")
    return OrganisationData(**{f.name: r[f.name] for f in fields(OrganisationData)})


def _check_one_own(conn: Connection, d: OrganisationData, exclude_id: int | None = None) -> None:
    if d.kind != "own":
        return
    q = select(s.organisations.c.code).where(s.organisations.c.kind == "own")
    if exclude_id is not None:
        q = q.where(s.organisations.c.id != exclude_id)
    other = conn.execute(q).scalar()
    if other is not None:
        raise _err(f"er is al een eigen organisatie ({other}); er kan er maar één zijn", "kind")


def add_organisation(conn: Connection, actor: str, data: OrganisationData) -> OrganisationData:
    d = normalise_organisation(data)
    if conn.execute(select(s.organisations.c.id).where(code_is(s.organisations.c.code, d.code))).first():
        raise _err(f"organisatie {d.code!r} bestaat al", "code")
    _check_one_own(conn, d)
    fits(s.organisations, asdict(d))
    new_id = _new_id(conn.execute(insert(s.organisations).values(**asdict(d), created_at=now_utc())))
    audit(conn, actor, "add", "organisation", int(new_id), {"code": d.code, "name": d.name, "kind": d.kind})
    return d


def edit_organisation(conn: Connection, actor: str, code: str, changes: Mapping[str, Any]) -> OrganisationData:
    old = organisation_data(conn, code)
    if "kind" in changes and changes["kind"] != old.kind:
        raise _err("de soort (eigen organisatie of opdrachtgever) kan niet worden gewijzigd", "kind")
    new = normalise_organisation(replace(old, **dict(changes)))
    if new.code != old.code:
        raise _err("de code kan niet worden gewijzigd", "code")
    if changes.get("may_pay_volunteers") is False and (new.is_anbi or not new.corporate_tax_liable):
        # one eligibility rule (core.checks_volunteer.eligibility): the tax status decides
        raise _err("--no-may-pay-volunteers heeft geen effect: een ANBI of een organisatie die geen "
                   "vennootschapsbelasting betaalt, mag altijd onbelaste vrijwilligersvergoedingen betalen. "
                   "Klopt de fiscale status niet, wijzig dan --anbi/--no-anbi of --corporate-tax; wilt u geen "
                   "vrijwilligers betalen, gebruik dan geen regime vrijwilliger of vacatiegeld in de opdrachten",
                   "may_pay_volunteers")
    diff = _changes(old, new)
    if diff:
        oid = _id_of(conn, s.organisations, code, "organisatie", "code")
        fits(s.organisations, {k: getattr(new, k) for k in diff})
        conn.execute(update(s.organisations).where(s.organisations.c.id == oid).values(**{k: getattr(new, k) for k in diff}))
        audit(conn, actor, "edit", "organisation", oid, {"code": code, "changes": diff})
    return new


# ---------------------------------------------------------------------------- experts


def normalise_expert(d: ExpertData) -> ExpertData:
    d = clean_fields(d)
    if not _text(d.name):
        raise _err("naam ontbreekt", "name")
    try:
        benefit = Benefit(_text(d.benefit).lower() or "geen").value
    except ValueError:
        raise _err(f"{d.benefit!r}: verwacht een van {', '.join(b.value for b in Benefit)}", "benefit") from None
    if d.date_of_birth is not None and d.date_of_birth.year < 1900:
        raise _err(f"{d.date_of_birth}: geboortedatum vóór 1900", "date_of_birth")
    pc = _text(d.postcode)
    return replace(
        d, code=_check_code(d.code), name=_text(d.name), street=_text(d.street),
        postcode=ids.postcode(pc) if pc else "", city=_text(d.city),
        email=_maybe(ids.email, d.email),
        iban=_maybe(ids.iban, d.iban),
        kvk=_maybe(ids.kvk, d.kvk),
        vat_id=_maybe(ids.vat_id, d.vat_id, field=LABELS["vat_id"]),
        bsn=_maybe(ids.bsn, d.bsn), benefit=benefit,
    )


def expert_data(conn: Connection, code: str) -> ExpertData:
    r = conn.execute(select(s.experts).where(code_is(s.experts.c.code, code))).mappings().first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige {code!r} bestaat niet")
    return ExpertData(**{f.name: r[f.name] for f in fields(ExpertData)})


def add_expert(conn: Connection, actor: str, data: ExpertData) -> ExpertData:
    d = normalise_expert(data)
    if conn.execute(select(s.experts.c.id).where(code_is(s.experts.c.code, d.code))).first():
        raise _err(f"ervaringsdeskundige {d.code!r} bestaat al", "code")
    fits(s.experts, asdict(d))
    new_id = _new_id(conn.execute(insert(s.experts).values(**asdict(d), created_at=now_utc())))
    audit(conn, actor, "add", "expert", int(new_id), {"code": d.code, "name": d.name, "bsn": d.bsn})
    return d


def edit_expert(conn: Connection, actor: str, code: str, changes: Mapping[str, Any]) -> ExpertData:
    old = expert_data(conn, code)
    new = normalise_expert(replace(old, **dict(changes)))
    if new.code != old.code:
        raise _err("de code kan niet worden gewijzigd", "code")
    diff = _changes(old, new)
    if diff:
        xid = _id_of(conn, s.experts, code, "ervaringsdeskundige", "code")
        fits(s.experts, {k: getattr(new, k) for k in diff})
        conn.execute(update(s.experts).where(s.experts.c.id == xid).values(**{k: getattr(new, k) for k in diff}))
        audit(conn, actor, "edit", "expert", xid, {"code": code, "changes": diff})
    return new


def add_declaration(conn: Connection, actor: str, data: DeclarationData) -> int:
    """The expert's own statement of volunteer allowances from another organisation."""
    xid = _id_of(conn, s.experts, data.expert, "ervaringsdeskundige", "expert")
    if not 2000 <= data.year <= 2100:
        raise _err(f"{data.year}: verwacht een jaartal", "year")
    if data.month is not None and not 1 <= data.month <= 12:
        raise _err(f"{data.month}: verwacht een maand 1 tot en met 12", "month")
    if data.amount <= 0:
        raise _err(f"{data.amount}: verwacht een bedrag groter dan 0", "amount")
    check_bound("declaration_amount", data.amount, field="bedrag")
    data = replace(data, organisation=clean("organisation", data.organisation), note=clean("note", data.note))
    if not _text(data.organisation):
        raise _err("naam van de andere organisatie ontbreekt", "organisation")
    new_id = _new_id(conn.execute(insert(s.declarations).values(
        expert_id=xid, year=data.year, month=data.month, amount_cents=_cents(data.amount),
        organisation=_text(data.organisation), note=_text(data.note), created_at=now_utc())))
    audit(conn, actor, "add", "declaration", new_id, {"expert": data.expert, "year": data.year,
                                                     "month": data.month, "amount": data.amount,
                                                     "organisation": data.organisation})
    return new_id


# ---------------------------------------------------------------------------- engagements


def normalise_engagement(d: EngagementData, card: RateCard | None) -> EngagementData:
    d = clean_fields(d)
    try:
        regime = Regime(_text(d.regime).lower())
    except ValueError:
        raise _err(f"{d.regime!r}: verwacht een van {', '.join(r.value for r in Regime)}", "regime") from None
    unit = None
    if _opt(d.unit):
        try:
            unit = Unit(_text(d.unit).lower()).value
        except ValueError:
            raise _err(f"{d.unit!r}: verwacht een van {', '.join(u.value for u in Unit)}", "unit") from None
    try:
        travel = TravelPolicy(_text(d.travel_policy).lower() or "geen")
    except ValueError:
        raise _err(f"{d.travel_policy!r}: verwacht geen, km of werkelijk", "travel_policy") from None
    role = _text(d.role)
    if card is not None:
        if role not in card.roles:
            raise _err(f"{role!r} staat niet op de tariefkaart (bekend: {', '.join(sorted(card.roles))})", "role")
        if regime is not Regime.LOONDIENST and regime not in card.roles[role].regimes:  # payroll: hours only
            offered = ", ".join(r.value for r in card.roles[role].regimes)
            raise _err(f"rol {role} wordt niet aangeboden als {regime.value} (wel: {offered})", "regime")
    elif not role:
        raise _err("rol ontbreekt", "role")
    if d.end_date is not None and d.end_date <= d.start_date:
        raise _err(f"einddatum {d.end_date - timedelta(days=1):%d-%m-%Y} ligt vóór de startdatum "
                   f"{d.start_date:%d-%m-%Y}", "end_date")
    for attr in ("expert_rate", "client_rate", "km_rate", "budget_amount", "budget_minutes"):
        _non_negative(getattr(d, attr), attr)
        bounded(attr, getattr(d, attr))
    if d.km_rate is not None and travel is not TravelPolicy.KM:
        raise _err("een km-tarief hoort bij reiskosten 'km'", "km_rate")
    exemption = _opt(d.vat_exemption)
    if exemption is not None:
        exemption = exemption.lower()
        if exemption not in ("kor", "crkbo"):
            raise _err(f"{d.vat_exemption!r}: verwacht kor of crkbo (of leeg)", "vat_exemption")
        if regime is not Regime.ZZP:
            raise _err("een btw-vrijstelling hoort bij regime zzp", "vat_exemption")
    if d.self_billing and regime is not Regime.ZZP:
        raise _err("self-billing (factuur uitgereikt door afnemer) kan alleen bij regime zzp", "self_billing")
    return replace(
        d, code=_check_code(d.code), expert=_text(d.expert), client=_text(d.client), role=role,
        regime=regime.value, level=_text(d.level) or "standaard", description=_text(d.description),
        unit=unit, travel_policy=travel.value, hourly_justification=_opt(d.hourly_justification),
        vat_exemption=exemption, order_number=_opt(d.order_number),
        expert_rate=None if d.expert_rate is None else round_cents(d.expert_rate),
        client_rate=None if d.client_rate is None else round_cents(d.client_rate),
        km_rate=None if d.km_rate is None else round_cents(d.km_rate),
        budget_amount=None if d.budget_amount is None else round_cents(d.budget_amount),
    )


def _engagement_values(conn: Connection, d: EngagementData) -> dict[str, Any]:
    return dict(
        code=d.code, expert_id=_id_of(conn, s.experts, d.expert, "ervaringsdeskundige", "expert"),
        client_id=_id_of(conn, s.organisations, d.client, "organisatie", "client"),
        role=d.role, level=d.level, regime=d.regime, description=d.description,
        start_date=d.start_date, end_date=d.end_date, unit=d.unit,
        expert_rate_cents=_cents(d.expert_rate), client_rate_cents=_cents(d.client_rate),
        budget_minutes=d.budget_minutes, budget_cents=_cents(d.budget_amount),
        travel_policy=d.travel_policy, km_rate_cents=_cents(d.km_rate),
        hourly_justification=d.hourly_justification, self_billing=d.self_billing,
        vat_exemption=d.vat_exemption, order_number=d.order_number,
        billable=True if d.billable is None else d.billable, corrections_billed=d.corrections_billed,
    )


def _check_zzp_expert(conn: Connection, expert_id: int, d: EngagementData) -> None:
    """A zzp engagement is invoiced: the expert needs a KvK number and a VAT id, or the KOR
    (small business scheme, no VAT id on the invoice). Checked when the engagement is made,
    not only at the first invoice a month later."""
    x = conn.execute(select(s.experts.c.code, s.experts.c.kvk, s.experts.c.vat_id, s.experts.c.kor)
                     .where(s.experts.c.id == expert_id)).one()
    missing = []
    if not x.kvk:
        missing.append(f"een KvK-nummer (vergoeding expert edit {x.code} --kvk 12345678)")
    if not x.vat_id and not x.kor and d.vat_exemption != "kor":
        missing.append(f"een btw-nummer (vergoeding expert edit {x.code} --vat-id NL...B01), of --kor als de "
                       "deskundige de kleineondernemersregeling gebruikt")
    if missing:
        raise _err(f"een zzp-opdracht wordt gefactureerd; deskundige {x.code} mist " + " en ".join(missing), "regime")


def engagement_data(conn: Connection, code: str) -> EngagementData:
    g, x, o = s.engagements, s.experts, s.organisations
    r = conn.execute(
        select(g, x.c.code.label("expert_code"), o.c.code.label("client_code"))
        .join(x, x.c.id == g.c.expert_id).join(o, o.c.id == g.c.client_id).where(code_is(g.c.code, code))
    ).mappings().first()
    if r is None:
        raise NotFoundError(f"opdracht {code!r} bestaat niet")

    def money(v: int | None) -> Decimal | None:
        return None if v is None else from_cents(int(v))

    return EngagementData(
        code=r["code"], expert=r["expert_code"], client=r["client_code"], role=r["role"],
        regime=r["regime"], start_date=r["start_date"], end_date=r["end_date"], level=r["level"],
        description=r["description"], unit=r["unit"], expert_rate=money(r["expert_rate_cents"]),
        client_rate=money(r["client_rate_cents"]), budget_minutes=r["budget_minutes"],
        budget_amount=money(r["budget_cents"]), travel_policy=r["travel_policy"],
        km_rate=money(r["km_rate_cents"]), hourly_justification=r["hourly_justification"],
        self_billing=bool(r["self_billing"]), vat_exemption=r["vat_exemption"],
        order_number=r["order_number"], billable=bool(r["billable"]),
        corrections_billed=bool(r["corrections_billed"]),
    )


def add_engagement(conn: Connection, actor: str, data: EngagementData, card: RateCard | None = None) -> EngagementData:
    d = normalise_engagement(data, card)
    if conn.execute(select(s.engagements.c.id).where(code_is(s.engagements.c.code, d.code))).first():
        raise _err(f"opdracht {d.code!r} bestaat al", "code")
    if d.billable is None:  # internal work (our own organisation as client) is not billed
        kind = conn.execute(select(s.organisations.c.kind).where(code_is(s.organisations.c.code, d.client))).scalar()
        d = replace(d, billable=kind != "own")
    values = _engagement_values(conn, d)
    fits(s.engagements, values)
    if d.regime == Regime.ZZP.value:
        _check_zzp_expert(conn, values["expert_id"], d)
    new_id = _new_id(conn.execute(insert(s.engagements).values(**values, created_at=now_utc())))
    audit(conn, actor, "add", "engagement", int(new_id), asdict(d))
    return d


def edit_engagement(conn: Connection, actor: str, code: str, changes: Mapping[str, Any],
                    card: RateCard | None = None) -> EngagementData:
    old = engagement_data(conn, code)
    new = normalise_engagement(replace(old, **dict(changes)), card)
    if new.code != old.code:
        raise _err("de code kan niet worden gewijzigd", "code")
    gid = _id_of(conn, s.engagements, code, "opdracht", "code")
    e = s.entries
    span = conn.execute(select(func.min(e.c.work_date), func.max(e.c.work_date), func.count())
                        .where(e.c.engagement_id == gid)).one()
    if span[2]:
        if new.expert != old.expert or new.client != old.client:
            raise _err("er staan al uren op deze opdracht: deskundige en opdrachtgever blijven zoals ze zijn; "
                       "maak een nieuwe opdracht", "expert" if new.expert != old.expert else "client")
        first, last = span[0], span[1]
        if new.start_date > first or (new.end_date is not None and new.end_date <= last):
            raise _err(f"er staan uren van {first:%d-%m-%Y} tot en met {last:%d-%m-%Y}; "
                       "de opdracht moet die dagen blijven omvatten", "start_date" if new.start_date > first else "end_date")
    diff = _changes(old, new)
    if diff:
        values = _engagement_values(conn, new)
        fits(s.engagements, values)
        conn.execute(update(s.engagements).where(s.engagements.c.id == gid).values(**values))
        audit(conn, actor, "edit", "engagement", gid, {"code": code, "changes": diff})
    return new
