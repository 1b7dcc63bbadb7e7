"""Experts and their declarations (volunteer allowances received elsewhere): values in,
normalised, added and edited. A BSN never enters the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from vergoeding.core import ids
from vergoeding.core.bounds import check_bound
from vergoeding.core.dates import birth_date_problem
from vergoeding.core.regimes import Benefit
from vergoeding.store import records
from vergoeding.store import schema as s
from vergoeding.store.base import (
    LABELS,
    _cents,
    _err,
    _id_of,
    _maybe,
    _new_id,
    _text,
    audit,
    clean,
    clean_fields,
)
from vergoeding.store.db import now_utc


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
    mail_opt_out: bool = False  # the expert chose to get no mail from us (vergoeding.mail)

    def __repr__(self) -> str:  # never a BSN in a traceback
        return f"ExpertData(code={self.code!r}, name={self.name!r})"


@dataclass(frozen=True)
class DeclarationData:
    expert: str
    year: int
    amount: Decimal
    month: int | None = None
    organisation: str = ""
    note: str = ""


# ---------------------------------------------------------------------------- experts


def normalise_expert(d: ExpertData, today: date | None = None) -> ExpertData:
    """``d`` checked and in its stored form. ``today`` is the product's day for the date of
    birth (not in the future, an age of 12 to 120); without it the clock's day (UTC)."""
    d = clean_fields(d)
    if not _text(d.name):
        raise _err("naam ontbreekt", "name")
    try:
        benefit = Benefit(_text(d.benefit).lower() or "geen").value
    except ValueError:
        raise _err(f"{d.benefit!r}: verwacht een van {', '.join(b.value for b in Benefit)}", "benefit") from None
    if d.date_of_birth is not None and (
            problem := birth_date_problem(d.date_of_birth, today or now_utc().date())):
        raise _err(problem, "date_of_birth")
    return replace(
        d, **records.named_fields(d),
        email=_maybe(ids.email, d.email),
        iban=_maybe(ids.iban, d.iban),
        kvk=_maybe(ids.kvk, d.kvk),
        vat_id=_maybe(ids.vat_id, d.vat_id, field=LABELS["vat_id"]),
        bsn=_maybe(ids.bsn, d.bsn), benefit=benefit,
    )


def expert_data(conn: Connection, code: str) -> ExpertData:
    return records.read(conn, s.experts, ExpertData, code, "ervaringsdeskundige")


def add_expert(conn: Connection, actor: str, data: ExpertData, today: date | None = None) -> ExpertData:
    d = normalise_expert(data, today)
    records.refuse_taken_code(conn, s.experts, d.code, "ervaringsdeskundige")
    records.insert(conn, actor, s.experts, "expert", asdict(d), {"code": d.code, "name": d.name, "bsn": d.bsn})
    return d


def edit_expert(conn: Connection, actor: str, code: str, changes: Mapping[str, Any],
                today: date | None = None) -> ExpertData:
    old = expert_data(conn, code)
    new = normalise_expert(replace(old, **dict(changes)), today)
    records.update(conn, actor, s.experts, "expert", "ervaringsdeskundige", code, old, new)
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
