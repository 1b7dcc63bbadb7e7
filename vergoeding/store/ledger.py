"""The write side of the administration: organisations, experts, declarations, engagements,
hour entries, approval, locked periods and corrections.

Every public function takes a :class:`~sqlalchemy.Connection`; the caller owns the
transaction (one command or one import = one transaction). A function validates
everything first and writes only when all is well, so a refusal leaves nothing behind.
Every change writes an ``audit_log`` row (who, when, what); a BSN never enters the log.

Field names in messages are the Dutch column names of the import template
(:data:`LABELS`), so a message means the same on the command line and in a workbook.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from vergoeding.core import ids
from vergoeding.core.duration import MAX_MINUTES_PER_DAY, format_minutes
from vergoeding.core.money import ZERO, from_cents, round_cents, to_cents
from vergoeding.core.period import Period
from vergoeding.core.rates import Override, RateCard, resolve_rate
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.errors import InputError, NotFoundError, RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

# Dutch names of the fields: used in messages and as the import template's column headers.
LABELS: dict[str, str] = {
    "code": "code", "kind": "soort", "name": "naam", "street": "straat", "postcode": "postcode",
    "city": "plaats", "kvk": "kvk", "vat_id": "btw-nummer", "iban": "iban", "bic": "bic", "oin": "oin",
    "contact_name": "contactpersoon", "contact_email": "e-mail contactpersoon", "is_anbi": "anbi",
    "corporate_tax_liable": "vpb-plichtig", "may_pay_volunteers": "mag vrijwilligers betalen",
    "has_payroll_tax_number": "loonheffingennummer", "payment_term_days": "betaaltermijn dagen",
    "date_of_birth": "geboortedatum", "email": "e-mail", "kor": "kor", "crkbo": "crkbo", "bsn": "bsn",
    "benefit": "uitkering", "employed_by_us": "in loondienst",
    "expert": "deskundige", "client": "opdrachtgever", "role": "rol", "level": "niveau",
    "regime": "regime", "description": "omschrijving", "start_date": "startdatum",
    "end_date": "einddatum", "unit": "eenheid", "expert_rate": "tarief deskundige",
    "client_rate": "tarief opdrachtgever", "budget_minutes": "budget uren",
    "budget_amount": "budget euro", "travel_policy": "reiskosten", "km_rate": "km-tarief",
    "hourly_justification": "onderbouwing uurtarief", "self_billing": "self-billing",
    "vat_exemption": "btw-vrijstelling",
    "engagement": "opdracht", "work_date": "datum", "minutes": "uren", "quantity": "aantal",
    "activity": "activiteit", "km": "km", "expense": "onkosten", "expense_receipt": "bonnetje",
    "expense_note": "toelichting onkosten", "inkind": "in natura", "inkind_note": "toelichting in natura",
    "amount": "vast bedrag", "year": "jaar", "month": "maand", "organisation": "organisatie",
    "note": "toelichting", "reason": "reden",
}

STATUS_LABELS = {"logged": "ingevoerd", "approved": "goedgekeurd", "settled": "uitbetaald"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


def _err(message: str, attr: str) -> InputError:
    return InputError(message, field=LABELS.get(attr, attr))


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


@dataclass(frozen=True)
class EntryData:
    engagement: str  # engagement code
    work_date: date
    minutes: int = 0
    quantity: int | None = None  # None: 1 for a meeting/session/day engagement, 0 for hours
    activity: str = ""
    km: Decimal = Decimal(0)
    expense: Decimal = ZERO
    expense_receipt: bool = False
    expense_note: str = ""
    inkind: Decimal = ZERO
    inkind_note: str = ""
    amount: Decimal | None = None


@dataclass(frozen=True)
class DeclarationData:
    expert: str
    year: int
    amount: Decimal
    month: int | None = None
    organisation: str = ""
    note: str = ""


@dataclass(frozen=True)
class EntryResult:
    id: int
    created: bool  # False: the same entry was already stored (dedupe)


# ---------------------------------------------------------------------------- audit


def audit(conn: Connection, actor: str, action: str, entity: str, entity_id: int | None,
          detail: Mapping[str, Any] | None = None) -> None:
    conn.execute(insert(s.audit_log).values(
        at=now_utc(), actor=actor, action=action, entity=entity, entity_id=entity_id,
        detail=json.dumps(_jsonable(detail or {}), ensure_ascii=False, sort_keys=True)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): ("(gewijzigd)" if k == "bsn" and v else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a != b:
            out[f.name] = ["***", "***"] if f.name == "bsn" else [a, b]
    return out


# ---------------------------------------------------------------------------- helpers


def _text(value: str | None) -> str:
    return (value or "").strip()


def _opt(value: str | None) -> str | None:
    v = _text(value)
    return v or None


def _maybe(check: Any, value: str | None, **kw: Any) -> str | None:
    """Empty -> None; otherwise the checked, normalised value."""
    v = _opt(value)
    return None if v is None else str(check(v, **kw))


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - an INSERT always returns its key
        raise RuntimeError("no primary key returned")
    return int(key[0])


def _check_code(code: str) -> str:
    c = _text(code)
    if not _CODE.match(c):
        raise _err(f"{code!r} is geen geldige code (letters, cijfers, - _ . ; hoogstens 40 tekens)", "code")
    return c


def _cents(v: Decimal | None) -> int | None:
    return None if v is None else to_cents(round_cents(v))


def _non_negative(value: Decimal | int | None, attr: str) -> None:
    if value is not None and value < 0:
        raise _err(f"mag niet negatief zijn (nu {value})", attr)


def next_code(conn: Connection, table: str, prefix: str) -> str:
    """The next free code ``PREFIX001``, ``PREFIX002``... for a table with a code column."""
    t = s.metadata.tables[table]
    taken = {r[0] for r in conn.execute(select(t.c.code).where(t.c.code.like(f"{prefix}%")))}
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _id_of(conn: Connection, table: Any, code: str, what: str, attr: str) -> int:
    found = conn.execute(select(table.c.id).where(table.c.code == code)).scalar()
    if found is None:
        raise _err(f"{what} {code!r} bestaat niet", attr)
    return int(found)


# ---------------------------------------------------------------------------- organisations


def normalise_organisation(d: OrganisationData) -> OrganisationData:
    if d.kind not in ("own", "client"):
        raise _err(f"{d.kind!r}: verwacht 'own' (eigen organisatie) of 'client' (opdrachtgever)", "kind")
    if not _text(d.name):
        raise _err("naam ontbreekt", "name")
    if not 0 <= d.payment_term_days <= 365:
        raise _err(f"{d.payment_term_days}: verwacht 0 tot en met 365 dagen", "payment_term_days")
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
    )


def organisation_data(conn: Connection, code: str) -> OrganisationData:
    r = conn.execute(select(s.organisations).where(s.organisations.c.code == code)).mappings().first()
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
    if conn.execute(select(s.organisations.c.id).where(s.organisations.c.code == d.code)).first():
        raise _err(f"organisatie {d.code!r} bestaat al", "code")
    _check_one_own(conn, d)
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
    diff = _changes(old, new)
    if diff:
        oid = _id_of(conn, s.organisations, code, "organisatie", "code")
        conn.execute(update(s.organisations).where(s.organisations.c.id == oid).values(**{k: getattr(new, k) for k in diff}))
        audit(conn, actor, "edit", "organisation", oid, {"code": code, "changes": diff})
    return new


# ---------------------------------------------------------------------------- experts


def normalise_expert(d: ExpertData) -> ExpertData:
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
    r = conn.execute(select(s.experts).where(s.experts.c.code == code)).mappings().first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige {code!r} bestaat niet")
    return ExpertData(**{f.name: r[f.name] for f in fields(ExpertData)})


def add_expert(conn: Connection, actor: str, data: ExpertData) -> ExpertData:
    d = normalise_expert(data)
    if conn.execute(select(s.experts.c.id).where(s.experts.c.code == d.code)).first():
        raise _err(f"ervaringsdeskundige {d.code!r} bestaat al", "code")
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
        vat_exemption=exemption,
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
        vat_exemption=d.vat_exemption,
    )


def engagement_data(conn: Connection, code: str) -> EngagementData:
    g, x, o = s.engagements, s.experts, s.organisations
    r = conn.execute(
        select(g, x.c.code.label("expert_code"), o.c.code.label("client_code"))
        .join(x, x.c.id == g.c.expert_id).join(o, o.c.id == g.c.client_id).where(g.c.code == code)
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
    )


def add_engagement(conn: Connection, actor: str, data: EngagementData, card: RateCard | None = None) -> EngagementData:
    d = normalise_engagement(data, card)
    if conn.execute(select(s.engagements.c.id).where(s.engagements.c.code == d.code)).first():
        raise _err(f"opdracht {d.code!r} bestaat al", "code")
    values = _engagement_values(conn, d)
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
        conn.execute(update(s.engagements).where(s.engagements.c.id == gid).values(**values))
        audit(conn, actor, "edit", "engagement", gid, {"code": code, "changes": diff})
    return new


# ---------------------------------------------------------------------------- entries


def dedupe_key(d: EntryData, quantity: int) -> str:
    """sha256 of the natural key: the same line imported twice gets the same key."""
    parts = [d.engagement, d.work_date.isoformat(), str(d.minutes), str(quantity), d.activity.strip(),
             f"{d.km.normalize():f}", str(_cents(d.expense)), str(_cents(d.inkind)),
             "" if d.amount is None else str(_cents(d.amount))]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def locked_period_on(conn: Connection, day: date) -> Any:
    lp = s.locked_periods
    return conn.execute(select(lp).where(lp.c.start_date <= day, lp.c.end_date > day)).first()


def unit_of(eng: Any, day: date, card: RateCard | None) -> Unit:
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


def minutes_on_day(conn: Connection, expert_id: int, day: date) -> int:
    e, g = s.entries, s.engagements
    total = conn.execute(select(func.coalesce(func.sum(e.c.minutes), 0)).select_from(e.join(g, g.c.id == e.c.engagement_id))
                         .where(g.c.expert_id == expert_id, e.c.work_date == day)).scalar()
    return int(total or 0)


def _engagement_row(conn: Connection, code: str) -> Any:
    g = s.engagements
    row = conn.execute(select(g).where(g.c.code == _text(code))).first()
    if row is None:
        raise _err(f"opdracht {code!r} bestaat niet", "engagement")
    return row


def _span(eng: Any) -> str:
    end = f"tot en met {eng.end_date - timedelta(days=1):%d-%m-%Y}" if eng.end_date else "zonder einddatum"
    return f"{eng.start_date:%d-%m-%Y} {end}"


def _check_entry(eng: Any, data: EntryData, unit: Unit) -> tuple[EntryData, int]:
    """The refusals that need only the engagement; returns the cleaned entry and its quantity."""
    d = replace(data, engagement=eng.code, activity=_text(data.activity),
                expense_note=_text(data.expense_note), inkind_note=_text(data.inkind_note))
    if d.minutes < 0:
        raise _err(f"negatieve tijd ({format_minutes(d.minutes)}) kan niet; een fout in een vastgelegde regel "
                   "herstelt u met 'vergoeding correct'", "minutes")
    if d.quantity is not None and d.quantity < 0:
        raise _err(f"negatief aantal ({d.quantity}) kan niet", "quantity")
    quantity = d.quantity if d.quantity is not None else (0 if unit is Unit.UUR else 1)
    if unit is Unit.UUR and d.minutes == 0:
        raise _err("0 uur: vul de gewerkte tijd in (bijvoorbeeld 2,5 of 2:30)", "minutes")
    if unit is not Unit.UUR and d.minutes == 0 and quantity == 0:
        raise _err(f"geen tijd en geen aantal: vul uren of het aantal ({unit.label}) in", "quantity")
    if d.minutes > MAX_MINUTES_PER_DAY:
        raise _err(f"{format_minutes(d.minutes)} uur op één dag kan niet (hoogstens 24 uur)", "minutes")
    for attr in ("km", "expense", "inkind", "amount"):
        _non_negative(getattr(d, attr), attr)
    if d.km and eng.travel_policy == TravelPolicy.GEEN.value:
        raise _err(f"opdracht {eng.code} vergoedt geen reiskosten; laat km leeg", "km")
    if not (eng.start_date <= d.work_date and (eng.end_date is None or d.work_date < eng.end_date)):
        raise _err(f"{d.work_date:%d-%m-%Y} valt buiten opdracht {eng.code} ({_span(eng)})", "work_date")
    return d, quantity


def _locked_error(d: EntryData, locked: Any) -> InputError:
    return _err(f"{d.work_date:%d-%m-%Y} ligt in een afgesloten periode "
                f"({locked.start_date:%d-%m-%Y} tot en met {locked.end_date - timedelta(days=1):%d-%m-%Y}: "
                f"{locked.reason}); een fout herstelt u met 'vergoeding correct'", "work_date")


def _day_error(d: EntryData, already: int) -> InputError:
    return _err(f"op {d.work_date:%d-%m-%Y} staat voor deze deskundige al {format_minutes(already)} uur; "
                f"met {format_minutes(d.minutes)} erbij wordt het {format_minutes(already + d.minutes)}, "
                "meer dan 24 uur op één dag", "minutes")


def _entry_values(eng: Any, d: EntryData, quantity: int, key: str, actor: str) -> dict[str, Any]:
    return dict(
        engagement_id=eng.id, work_date=d.work_date, minutes=d.minutes, quantity=quantity,
        activity=d.activity, km=f"{d.km.normalize():f}", expense_cents=_cents(d.expense),
        expense_receipt=d.expense_receipt, expense_note=d.expense_note, inkind_cents=_cents(d.inkind),
        inkind_note=d.inkind_note, amount_cents=_cents(d.amount), status="logged", dedupe_key=key,
        created_at=now_utc(), created_by=actor,
    )


def _entry_audit(eng: Any, d: EntryData, quantity: int) -> dict[str, Any]:
    return {"engagement": eng.code, "date": d.work_date, "minutes": d.minutes, "quantity": quantity}


def add_entry(conn: Connection, actor: str, data: EntryData, card: RateCard | None = None) -> EntryResult:
    """Log an hour entry. Refused: unknown engagement, zero or negative time, more than 24
    hours for the expert on that day (across all engagements), a date outside the
    engagement, a date in a locked period. The same entry twice is stored once."""
    eng = _engagement_row(conn, data.engagement)
    d, quantity = _check_entry(eng, data, unit_of(eng, data.work_date, card))
    key = dedupe_key(d, quantity)
    existing = conn.execute(select(s.entries.c.id).where(s.entries.c.dedupe_key == key)).scalar()
    if existing is not None:
        return EntryResult(int(existing), False)
    locked = locked_period_on(conn, d.work_date)
    if locked is not None:
        raise _locked_error(d, locked)
    already = minutes_on_day(conn, eng.expert_id, d.work_date)
    if already + d.minutes > MAX_MINUTES_PER_DAY:
        raise _day_error(d, already)
    new_id = _new_id(conn.execute(insert(s.entries).values(**_entry_values(eng, d, quantity, key, actor))))
    audit(conn, actor, "add", "entry", new_id, _entry_audit(eng, d, quantity))
    return EntryResult(new_id, True)


@dataclass(frozen=True)
class BulkResult:
    added: int
    duplicates: int  # already stored, or twice in this batch: skipped
    errors: tuple[tuple[int, InputError], ...]  # (index in the batch, error); nothing stored when any


_CHUNK = 500


def add_entries(conn: Connection, actor: str, items: list[EntryData], card: RateCard | None = None) -> BulkResult:
    """Many entries at once (an import): the same checks, messages and audit rows as
    :func:`add_entry` one by one, in the same order, but with a handful of queries for the
    whole batch and one multi-row INSERT for the entries and one for their audit rows.
    When any item is refused nothing is written and every refusal is returned."""
    g, e = s.engagements, s.entries
    codes = sorted({_text(d.engagement) for d in items})
    engs: dict[str, Any] = {}
    for i in range(0, len(codes), _CHUNK):
        for row in conn.execute(select(g).where(g.c.code.in_(codes[i:i + _CHUNK]))):
            engs[row.code] = row
    locks = conn.execute(select(s.locked_periods)).all()
    # The rate card only changes at its valid_from/valid_to dates: between two of them an
    # engagement's unit is the same, so it is resolved once per engagement and stretch.
    edges = sorted({d for role in (card.roles.values() if card else ()) for r in role.rates
                    for d in (r.valid_from, r.valid_to) if d is not None})
    units: dict[tuple[int, int], Unit] = {}
    errors: list[tuple[int, InputError]] = []
    checked: list[tuple[int, Any, EntryData, int, str]] = []
    for n, data in enumerate(items):
        eng = engs.get(_text(data.engagement))
        if eng is None:
            errors.append((n, _err(f"opdracht {data.engagement!r} bestaat niet", "engagement")))
            continue
        stretch = (eng.id, bisect_right(edges, data.work_date))
        unit = units.get(stretch)
        if unit is None:
            unit = units[stretch] = unit_of(eng, data.work_date, card)
        try:
            d, quantity = _check_entry(eng, data, unit)
        except InputError as exc:
            errors.append((n, exc))
            continue
        checked.append((n, eng, d, quantity, dedupe_key(d, quantity)))
    keys = sorted({c[4] for c in checked})
    stored: set[str] = set()
    for i in range(0, len(keys), _CHUNK):
        stored.update(conn.execute(select(e.c.dedupe_key).where(e.c.dedupe_key.in_(keys[i:i + _CHUNK]))).scalars())
    day_minutes: dict[tuple[int, date], int] = {}
    if checked:
        expert_ids = sorted({c[1].expert_id for c in checked})
        first, last = min(c[2].work_date for c in checked), max(c[2].work_date for c in checked)
        for i in range(0, len(expert_ids), _CHUNK):
            q = (select(g.c.expert_id, e.c.work_date, func.sum(e.c.minutes))
                 .select_from(e.join(g, g.c.id == e.c.engagement_id))
                 .where(g.c.expert_id.in_(expert_ids[i:i + _CHUNK]), e.c.work_date >= first, e.c.work_date <= last)
                 .group_by(g.c.expert_id, e.c.work_date))
            for expert_id, day, total in conn.execute(q):
                day_minutes[(int(expert_id), day)] = int(total or 0)
    duplicates = 0
    rows: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for n, eng, d, quantity, key in checked:
        if key in stored:
            duplicates += 1
            continue
        locked = next((lp for lp in locks if lp.start_date <= d.work_date < lp.end_date), None)
        if locked is not None:
            errors.append((n, _locked_error(d, locked)))
            continue
        already = day_minutes.get((eng.expert_id, d.work_date), 0)
        if already + d.minutes > MAX_MINUTES_PER_DAY:
            errors.append((n, _day_error(d, already)))
            continue
        day_minutes[(eng.expert_id, d.work_date)] = already + d.minutes
        stored.add(key)
        rows.append(_entry_values(eng, d, quantity, key, actor))
        audits.append(_entry_audit(eng, d, quantity))
    if errors or not rows:
        return BulkResult(0 if errors else len(rows), duplicates, tuple(sorted(errors, key=lambda x: x[0])))
    conn.execute(insert(e), rows)  # one executemany
    new_ids: dict[str, int] = {}
    for i in range(0, len(rows), _CHUNK):
        chunk = [r["dedupe_key"] for r in rows[i:i + _CHUNK]]
        new_ids.update((k, int(v)) for k, v in conn.execute(select(e.c.dedupe_key, e.c.id).where(e.c.dedupe_key.in_(chunk))))
    at = now_utc()
    conn.execute(insert(s.audit_log), [
        dict(at=at, actor=actor, action="add", entity="entry", entity_id=new_ids[r["dedupe_key"]],
             detail=json.dumps(_jsonable(detail), ensure_ascii=False, sort_keys=True))
        for r, detail in zip(rows, audits, strict=True)])
    return BulkResult(len(rows), duplicates, ())


def _period_filter(period: Period, expert: str | None) -> list[Any]:
    e, g, x = s.entries, s.engagements, s.experts
    conds: list[Any] = [e.c.work_date >= period.start, e.c.work_date < period.end]
    if expert:
        conds.append(e.c.engagement_id.in_(select(g.c.id).join(x, x.c.id == g.c.expert_id).where(x.c.code == expert)))
    return conds


def approve(conn: Connection, actor: str, period: Period, expert: str | None = None) -> list[int]:
    """logged -> approved for the period (and expert); returns the ids approved."""
    if expert:
        _id_of(conn, s.experts, expert, "ervaringsdeskundige", "expert")
    e = s.entries
    conds = [*_period_filter(period, expert), e.c.status == "logged"]
    ids_ = [int(r[0]) for r in conn.execute(select(e.c.id).where(*conds).order_by(e.c.id))]
    if ids_:
        conn.execute(update(e).where(*conds).values(status="approved"))
        audit(conn, actor, "approve", "entry", None, {"period": str(period), "expert": expert,
                                                      "count": len(ids_), "ids": ids_})
    return ids_


def lock_period(conn: Connection, actor: str, period: Period, reason: str) -> int:
    """Close a period: no entry may be added or changed with a work date inside it.
    Refused while entries in it still wait for approval."""
    if not _text(reason):
        raise _err("geef een reden (bijvoorbeeld 'uitbetaald en verantwoord')", "reason")
    lp, e = s.locked_periods, s.entries
    if conn.execute(select(lp.c.id).where(lp.c.start_date <= period.start, lp.c.end_date >= period.end)).first():
        raise RuleViolation(f"periode {period} is al afgesloten")
    waiting = conn.execute(select(func.count()).select_from(e).where(*_period_filter(period, None),
                                                                     e.c.status == "logged")).scalar()
    if waiting:
        raise RuleViolation(f"in {period} staan nog {waiting} regel(s) die niet zijn goedgekeurd; "
                            f"keur ze eerst goed: vergoeding approve --period {period}")
    new_id = _new_id(conn.execute(insert(lp).values(start_date=period.start, end_date=period.end,
                                                reason=_text(reason), created_at=now_utc())))
    audit(conn, actor, "lock", "locked_period", new_id, {"period": str(period), "reason": _text(reason)})
    return new_id


def unlock_period(conn: Connection, actor: str, period: Period, reason: str) -> int:
    if not _text(reason):
        raise _err("geef een reden voor het heropenen", "reason")
    lp = s.locked_periods
    rows = conn.execute(select(lp.c.id).where(lp.c.start_date == period.start, lp.c.end_date == period.end)).all()
    if not rows:
        raise RuleViolation(f"periode {period} is niet als geheel afgesloten; zie 'vergoeding audit --entity locked_period'")
    conn.execute(delete(lp).where(lp.c.id.in_([r[0] for r in rows])))
    for r in rows:
        audit(conn, actor, "unlock", "locked_period", int(r[0]), {"period": str(period), "reason": _text(reason)})
    return len(rows)


def is_locked(conn: Connection, row: Any) -> bool:
    """Settled, invoiced, or dated in a locked period."""
    return bool(row.status == "settled" or row.invoice_id is not None or row.expert_invoice_id is not None
                or locked_period_on(conn, row.work_date) is not None)


def correct_entry(conn: Connection, actor: str, entry_id: int, *, reason: str, minutes: int | None = None,
                  quantity: int | None = None, km: Decimal | None = None, expense: Decimal | None = None) -> int:
    """Record a correction: a new entry holding the difference between the corrected values
    and what is stored now (the original plus earlier corrections). The original is never
    changed. The values given are the NEW totals for the original entry."""
    if not _text(reason):
        raise _err("een correctie heeft een reden nodig", "reason")
    e = s.entries
    row = conn.execute(select(e).where(e.c.id == entry_id)).first()
    if row is None:
        raise _err(f"regel {entry_id} bestaat niet", "id")
    root = row if row.correction_of is None else conn.execute(select(e).where(e.c.id == row.correction_of)).one()
    family = conn.execute(select(e).where((e.c.id == root.id) | (e.c.correction_of == root.id))).all()
    now_minutes = sum(int(r.minutes) for r in family)
    now_quantity = sum(int(r.quantity) for r in family)
    now_km = sum((Decimal(r.km) for r in family), Decimal(0))
    now_expense = sum((from_cents(int(r.expense_cents)) for r in family), ZERO)
    if minutes is not None and minutes < 0:
        raise _err("de gecorrigeerde tijd kan niet negatief zijn (0 schrapt de uren)", "minutes")
    for attr, v in (("quantity", quantity), ("km", km), ("expense", expense)):
        _non_negative(v, attr)
    dm = 0 if minutes is None else minutes - now_minutes
    dq = 0 if quantity is None else quantity - now_quantity
    dkm = Decimal(0) if km is None else km - now_km
    dexp = ZERO if expense is None else round_cents(expense) - now_expense
    if not (dm or dq or dkm or dexp):
        raise _err(f"de correctie verandert niets aan regel {root.id}", "id")
    eng = conn.execute(select(s.engagements).where(s.engagements.c.id == root.engagement_id)).one()
    day_total = minutes_on_day(conn, eng.expert_id, root.work_date)
    if day_total + dm > MAX_MINUTES_PER_DAY:
        raise _err(f"na de correctie staat op {root.work_date:%d-%m-%Y} {format_minutes(day_total + dm)} uur, "
                   "meer dan 24 uur op één dag", "minutes")
    key = hashlib.sha256(f"correction|{root.id}|{len(family)}|{dm}|{dq}|{dkm}|{dexp}".encode()).hexdigest()
    values = dict(
        engagement_id=root.engagement_id, work_date=root.work_date, minutes=dm, quantity=dq,
        activity=f"correctie op regel {root.id}", km=f"{dkm.normalize():f}", expense_cents=to_cents(dexp),
        expense_receipt=bool(root.expense_receipt), status="logged" if root.status == "logged" else "approved",
        correction_of=root.id, reason=_text(reason), dedupe_key=key, created_at=now_utc(), created_by=actor,
    )
    new_id = _new_id(conn.execute(insert(e).values(**values)))
    audit(conn, actor, "correct", "entry", new_id, {"correction_of": root.id, "reason": _text(reason),
                                                   "minutes_delta": dm, "quantity_delta": dq,
                                                   "km_delta": dkm, "expense_delta": dexp})
    return new_id
