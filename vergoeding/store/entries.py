"""Hour entries: logging one (``add_entry``) and corrections (``correct_entry``).

Refused with a clear reason: zero or negative time, more than 24 hours for one expert on
one day, a date outside the engagement, a date in a locked period. A locked entry
(settled, invoiced, or in a locked period) is never changed: it is corrected by a new
correction entry with a reason. Every change writes an audit row.

An import's batch (``add_entries``) is in :mod:`vergoeding.store.entries_bulk`; approval and
locked periods in :mod:`vergoeding.store.approval`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    insert,
    select,
)

from vergoeding.core.duration import MAX_MINUTES_PER_DAY, format_minutes
from vergoeding.core.money import ZERO, from_cents, round_cents, to_cents
from vergoeding.core.rates import RateCard
from vergoeding.core.regimes import TravelPolicy, Unit
from vergoeding.errors import InputError, RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.base import (
    _cents,
    _err,
    _new_id,
    _non_negative,
    _text,
    audit,
    bounded,
    clean,
)
from vergoeding.store.codes import code_is
from vergoeding.store.db import now_utc
from vergoeding.store.rows import unit_of


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
class EntryResult:
    id: int
    created: bool  # False: the same entry was already stored (dedupe)



# ---------------------------------------------------------------------------- entries


def dedupe_key(d: EntryData, quantity: int) -> str:
    """sha256 of the natural key: the same line imported twice gets the same key."""
    return _key(d, quantity, _km_text(d.km), _money(d))


def _key(d: EntryData, quantity: int, km: str, money: tuple[int, int, int | None]) -> str:
    expense, inkind, amount = money
    parts = [d.engagement, d.work_date.isoformat(), str(d.minutes), str(quantity), d.activity.strip(),
             km, str(expense), str(inkind), "" if amount is None else str(amount)]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


KM_TEXT_MAX = 12  # entries.km is String(12)


def _km_text(km: Decimal) -> str:
    return f"{km.normalize():f}"


def _cents0(v: Decimal) -> int:
    """Cents of an amount that defaults to zero (most rows: no expense, nothing in kind)."""
    return 0 if not v else int(_cents(v) or 0)


def _money(d: EntryData) -> tuple[int, int, int | None]:
    """(expense, inkind, amount) in cents, computed once per entry."""
    return _cents0(d.expense), _cents0(d.inkind), _cents(d.amount)


def locked_period_on(conn: Connection, day: date) -> Any:
    lp = s.locked_periods
    return conn.execute(select(lp).where(lp.c.start_date <= day, lp.c.end_date > day)).first()


def minutes_on_day(conn: Connection, expert_id: int, day: date) -> int:
    e, g = s.entries, s.engagements
    total = conn.execute(select(func.coalesce(func.sum(e.c.minutes), 0)).select_from(e.join(g, g.c.id == e.c.engagement_id))
                         .where(g.c.expert_id == expert_id, e.c.work_date == day)).scalar()
    return int(total or 0)


def _engagement_row(conn: Connection, code: str) -> Any:
    g = s.engagements
    row = conn.execute(select(g).where(code_is(g.c.code, _text(code)))).first()
    if row is None:
        raise _err(f"opdracht {code!r} bestaat niet", "engagement")
    return row


def _span(eng: Any) -> str:
    end = f"tot en met {eng.end_date - timedelta(days=1):%d-%m-%Y}" if eng.end_date else "zonder einddatum"
    return f"{eng.start_date:%d-%m-%Y} {end}"


def _check_entry(eng: Any, data: EntryData, unit: Unit) -> tuple[EntryData, int]:
    """The refusals that need only the engagement; returns the cleaned entry and its quantity."""
    activity, expense_note, inkind_note = (clean("activity", data.activity), clean("expense_note", data.expense_note),
                                           clean("inkind_note", data.inkind_note))
    if (data.engagement, data.activity, data.expense_note, data.inkind_note) == (
            eng.code, activity, expense_note, inkind_note):
        d = data  # already clean (most rows of an import): no copy
    else:
        d = replace(data, engagement=eng.code, activity=activity, expense_note=expense_note, inkind_note=inkind_note)
    if d.minutes < 0:
        raise _err(f"negatieve tijd ({format_minutes(d.minutes)}) kan niet; een fout in een vastgelegde regel "
                   "herstelt u met 'vergoeding correct'", "minutes")
    if d.quantity is not None and d.quantity < 0:
        raise _err(f"negatief aantal ({d.quantity}) kan niet", "quantity")
    quantity = d.quantity if d.quantity is not None else (0 if unit is Unit.UUR else 1)
    # A fixed amount (a meeting fee, a lump sum) or a line with only costs (km, expenses, in
    # kind) has no hours: it is logged without them.
    money_only = d.amount is not None or bool(d.expense) or bool(d.km) or bool(d.inkind)
    # A fixed amount of zero pays nothing: it is a line only when it records something else, the
    # time or the number of sessions of unpaid work (that count for the budget, the hours
    # statement and the client), or costs. Alone it pays nothing and records nothing.
    if (d.amount is not None and not d.amount and not d.minutes and not d.quantity
            and not (d.expense or d.km or d.inkind)):
        raise _err("een vast bedrag van € 0,00 zonder tijd, aantal, km of onkosten betaalt niets en legt niets vast. "
                   "Geef het bedrag dat wordt betaald; werk zonder vergoeding schrijft u op met de tijd (of het "
                   "aantal) en bedrag 0", "amount")
    if unit is Unit.UUR and d.minutes == 0 and not money_only:
        raise _err("0 uur: vul de gewerkte tijd in (bijvoorbeeld 2,5 of 2:30); een regel zonder uren kan alleen "
                   "met een vast bedrag (--amount) of met alleen onkosten, km of iets in natura", "minutes")
    if unit is not Unit.UUR and d.minutes == 0 and quantity == 0 and not money_only:
        raise _err(f"geen tijd en geen aantal: vul uren of het aantal ({unit.label}) in, of een vast bedrag "
                   "(--amount) of alleen onkosten", "quantity")
    if d.minutes > MAX_MINUTES_PER_DAY:
        raise _err(f"{format_minutes(d.minutes)} uur op één dag kan niet (hoogstens 24 uur)", "minutes")
    for attr in ("km", "expense", "inkind", "amount"):
        _non_negative(getattr(d, attr), attr)
        bounded(attr, getattr(d, attr))
    bounded("quantity", d.quantity)
    if d.km and eng.travel_policy == TravelPolicy.GEEN.value:
        raise _err(f"opdracht {eng.code} vergoedt geen reiskosten; laat km leeg", "km")
    if d.km and len(_km_text(d.km)) > KM_TEXT_MAX:  # the column holds the decimal text
        raise _err(f"{d.km} km kan niet: hoogstens {KM_TEXT_MAX} tekens (bijvoorbeeld 12,5)", "km")
    if not (eng.start_date <= d.work_date and (eng.end_date is None or d.work_date < eng.end_date)):
        raise _err(f"{d.work_date:%d-%m-%Y} valt buiten opdracht {eng.code} ({_span(eng)})", "work_date")
    return d, quantity


def _locked_error(d: EntryData, locked: Any) -> InputError:
    return _err(f"{d.work_date:%d-%m-%Y} ligt in een afgesloten periode "
                f"({locked.start_date:%d-%m-%Y} tot en met {locked.end_date - timedelta(days=1):%d-%m-%Y}: "
                f"{locked.reason}). Werk dat in die periode vergeten is: heropen haar met 'vergoeding unlock "
                f"--period {locked.start_date:%Y-%m} --reason \"...\"', schrijf de regel met 'vergoeding log', keur goed "
                f"met 'vergoeding approve --period {locked.start_date:%Y-%m}' en betaal met 'vergoeding payout'. "
                "Een fout in een regel die er al staat, herstelt u met 'vergoeding correct REGEL'", "work_date")


def _day_error(d: EntryData, already: int) -> InputError:
    return _err(f"op {d.work_date:%d-%m-%Y} staat voor deze deskundige al {format_minutes(already)} uur; "
                f"met {format_minutes(d.minutes)} erbij wordt het {format_minutes(already + d.minutes)}, "
                "meer dan 24 uur op één dag", "minutes")


def _entry_values(eng: Any, d: EntryData, quantity: int, key: str, actor: str, *, km: str | None = None,
                  money: tuple[int, int, int | None] | None = None, at: Any = None) -> dict[str, Any]:
    expense, inkind, amount = money or _money(d)
    return dict(
        engagement_id=eng.id, work_date=d.work_date, minutes=d.minutes, quantity=quantity,
        activity=d.activity, km=_km_text(d.km) if km is None else km, expense_cents=expense,
        expense_receipt=d.expense_receipt, expense_note=d.expense_note, inkind_cents=inkind,
        inkind_note=d.inkind_note, amount_cents=amount, status="logged", dedupe_key=key,
        created_at=at or now_utc(), created_by=actor,
    )


def _entry_audit(eng: Any, d: EntryData, quantity: int) -> dict[str, Any]:
    return {"engagement": eng.code, "date": d.work_date, "minutes": d.minutes, "quantity": quantity}


def _entry_audit_json(eng: Any, d: EntryData, quantity: int) -> dict[str, Any]:
    """:func:`_entry_audit` already in the form :func:`audit` stores (the date as text)."""
    return {"engagement": eng.code, "date": d.work_date.isoformat(), "minutes": d.minutes, "quantity": quantity}


def add_entry(conn: Connection, actor: str, data: EntryData, card: RateCard | None = None, *,
              allow_duplicate: bool = False) -> EntryResult:
    """Log an hour entry. Refused: unknown engagement, zero or negative time, more than 24
    hours for the expert on that day (across all engagements), a date outside the
    engagement, a date in a locked period.

    The same entry a second time (same engagement, day, time, activity, amounts) is refused
    with a question: a typo and a real second session look alike, and merging them silently
    loses a session. ``allow_duplicate`` stores it as a line of its own (its key gets a
    counter: ``#2``, ``#3``). An import of the same file twice still stores each line once."""
    eng = _engagement_row(conn, data.engagement)
    d, quantity = _check_entry(eng, data, unit_of(eng, data.work_date, card))
    key = dedupe_key(d, quantity)
    existing = conn.execute(select(s.entries.c.id).where(s.entries.c.dedupe_key == key)).scalar()
    if existing is not None and not allow_duplicate:
        raise RuleViolation(
            f"regel {existing} is al precies zo vastgelegd ({eng.code}, {d.work_date:%d-%m-%Y}, "
            f"{format_minutes(d.minutes)} uur{', ' + d.activity if d.activity else ''}); niets opgeslagen. "
            "Was dit een tweede sessie op dezelfde dag? Geef dan --allow-duplicate.")
    n = 1
    while existing is not None:
        n += 1
        key = hashlib.sha256(f"{dedupe_key(d, quantity)}#{n}".encode()).hexdigest()
        existing = conn.execute(select(s.entries.c.id).where(s.entries.c.dedupe_key == key)).scalar()
    locked = locked_period_on(conn, d.work_date)
    if locked is not None:
        raise _locked_error(d, locked)
    already = minutes_on_day(conn, eng.expert_id, d.work_date)
    if already + d.minutes > MAX_MINUTES_PER_DAY:
        raise _day_error(d, already)
    new_id = _new_id(conn.execute(insert(s.entries).values(**_entry_values(eng, d, quantity, key, actor))))
    audit(conn, actor, "add", "entry", new_id, _entry_audit(eng, d, quantity))
    return EntryResult(new_id, True)


def is_locked(conn: Connection, row: Any) -> bool:
    """Settled, invoiced, or dated in a locked period."""
    return bool(row.status == "settled" or row.invoice_id is not None or row.expert_invoice_id is not None
                or locked_period_on(conn, row.work_date) is not None)


def correct_entry(conn: Connection, actor: str, entry_id: int, *, reason: str, minutes: int | None = None,
                  quantity: int | None = None, km: Decimal | None = None, expense: Decimal | None = None,
                  amount_delta: Decimal | None = None) -> int:
    """Record a correction: a new entry holding the difference between the corrected values
    and what is stored now (the original plus earlier corrections). The original is never
    changed. The values given are the NEW totals for the original entry.

    ``amount_delta`` (``correct --amount``; the api computes it from the allowance as paid or
    priced now): the correction line holds that difference, plus or minus, as a fixed amount.
    The correction line's activity names the line it corrects, its date and the reason: that is
    what the statements and the payout overview show when the next payout settles it."""
    reason = clean("reason", reason)
    if not reason:
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
        bounded(attr, v)
    if minutes is not None:
        bounded("minutes", minutes)
    dm = 0 if minutes is None else minutes - now_minutes
    dq = 0 if quantity is None else quantity - now_quantity
    dkm = Decimal(0) if km is None else km - now_km
    dexp = ZERO if expense is None else round_cents(expense) - now_expense
    damount = ZERO if amount_delta is None else round_cents(amount_delta)
    if amount_delta is not None:
        bounded("amount", abs(damount))
    if not (dm or dq or dkm or dexp or damount):
        raise _err(f"de correctie verandert niets aan regel {root.id}", "id")
    eng = conn.execute(select(s.engagements).where(s.engagements.c.id == root.engagement_id)).one()
    day_total = minutes_on_day(conn, eng.expert_id, root.work_date)
    if day_total + dm > MAX_MINUTES_PER_DAY:
        raise _err(f"na de correctie staat op {root.work_date:%d-%m-%Y} {format_minutes(day_total + dm)} uur, "
                   "meer dan 24 uur op één dag", "minutes")
    key = hashlib.sha256(f"correction|{root.id}|{len(family)}|{dm}|{dq}|{dkm}|{dexp}|{damount}".encode()).hexdigest()
    values = dict(
        engagement_id=root.engagement_id, work_date=root.work_date, minutes=dm, quantity=dq,
        activity=f"correctie op regel {root.id} van {root.work_date:%d-%m-%Y}: {_text(reason)}",
        amount_cents=to_cents(damount) if amount_delta is not None else None,
        km=f"{dkm.normalize():f}", expense_cents=to_cents(dexp),
        expense_receipt=bool(root.expense_receipt), status="logged" if root.status == "logged" else "approved",
        correction_of=root.id, reason=_text(reason), dedupe_key=key, created_at=now_utc(), created_by=actor,
    )
    new_id = _new_id(conn.execute(insert(e).values(**values)))
    audit(conn, actor, "correct", "entry", new_id, {"correction_of": root.id, "reason": _text(reason),
                                                   "minutes_delta": dm, "quantity_delta": dq,
                                                   "km_delta": dkm, "expense_delta": dexp,
                                                   **({"amount_delta": damount} if amount_delta is not None else {})})
    return new_id
