"""Engagements (an expert working for a client under a regime, at a rate): values in,
normalised (rates from the rate card), added and edited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from vergoeding import faults
from vergoeding.core.money import from_cents, round_cents
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.errors import NotFoundError
from vergoeding.store import schema as s
from vergoeding.store.base import (
    _cents,
    _changes,
    _check_code,
    _err,
    _id_of,
    _new_id,
    _non_negative,
    _opt,
    _text,
    audit,
    bounded,
    clean_fields,
    fits,
)
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc
from vergoeding.store.final import refuse_final_change
from vergoeding.store.locks import paid_work_lock


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
        levels = {"standaard", *(r.level for r in card.roles[role].rates)}
        if (_text(d.level) or "standaard") not in levels:  # was stored and priced as 'standaard' silently
            raise _err(f"niveau {_text(d.level)!r} bestaat niet voor rol {role} (bekend: {', '.join(sorted(levels))})",
                       "level")
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


def _client_id(conn: Connection, code: str) -> int:
    """The client organisation; never the own organisation (it cannot bill itself)."""
    cid = _id_of(conn, s.organisations, code, "organisatie", "client")
    if conn.execute(select(s.organisations.c.kind).where(s.organisations.c.id == cid)).scalar() == "own":
        raise _err(f"{code} is de eigen organisatie; een opdrachtgever is een andere organisatie (werk voor de eigen "
                   "organisatie: voeg haar ook als opdrachtgever toe met 'vergoeding org add', met een eigen code)",
                   "client")
    return cid


def _engagement_values(conn: Connection, d: EngagementData) -> dict[str, Any]:
    return dict(
        code=d.code, expert_id=_id_of(conn, s.experts, d.expert, "ervaringsdeskundige", "expert"),
        client_id=_client_id(conn, d.client),
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
    paid_work_lock(conn)  # compares with paid and invoiced work (store.locks)
    faults.point("engagement.locked")
    old = engagement_data(conn, code)
    new = normalise_engagement(replace(old, **dict(changes)), card)
    if new.code != old.code:
        raise _err("de code kan niet worden gewijzigd", "code")
    gid = _id_of(conn, s.engagements, code, "opdracht", "code")
    e = s.entries
    span = conn.execute(select(func.min(e.c.work_date), func.max(e.c.work_date), func.count())
                        .where(e.c.engagement_id == gid)).one()
    # paid or invoiced work is final in every dimension (store.final): refused, nothing changed
    refuse_final_change(conn, gid, old, new, last_entry=span[1])
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
