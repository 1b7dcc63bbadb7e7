"""Changing an engagement's rate, from the start or from a date, and what that touches.

Decisions (docs/MONTH-END.md, "Een tarief wijzigen vanaf een datum"):

- Without ``--from`` a rate edit changes the rate from the start (the engagement's own
  columns), which applies until the first rate change from a date. With ``--from DATE`` the
  rates from DATE are recorded as a row of the history; a rate not given is carried over from
  what applied on DATE (a second change on the same day replaces that row, audited).
  ``--from`` on the start date is the same as an edit without ``--from``.
- What the edit covers: every line on a day whose expert (or client) rate changes.
  Refused, nothing changed: an expert-rate change that covers PAID lines (the paid-line
  ledger; paid is final) or lines on an issued expert invoice, and a client-rate change that
  covers lines on an issued client invoice (issued invoices never change). The message names
  the lines, the last paid/invoiced day and the way out (``--from`` the day after; ``correct
  REGEL --amount`` for paid work; a credit note for invoiced work).
- Covered APPROVED unpaid lines are re-priced and listed (old amount -> new amount); covered
  LOGGED lines are counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import price_entry
from vergoeding.core.money import round_cents
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import InputError, RuleViolation, VergoedingError
from vergoeding.render.formatting import euro
from vergoeding.store import ledger, queries
from vergoeding.store import schema as s
from vergoeding.store.base import _non_negative, bounded
from vergoeding.store.codes import code_is
from vergoeding.store.db import transaction
from vergoeding.store.ledger import EngagementData
from vergoeding.store.locks import paid_work_lock
from vergoeding.store.rate_history import RateRow, rate_rows, set_rate_from

RATE_KEYS = ("expert_rate", "client_rate")
LISTED_MAX = 10  # lines named in a refusal; the rest are counted


@dataclass(frozen=True)
class Repriced:
    """A covered approved, unpaid line: its amounts before and after the edit (None: no price)."""

    entry_id: int
    work_date: date
    old_fee: Decimal | None
    new_fee: Decimal | None
    old_client: Decimal | None
    new_client: Decimal | None
    expert_changed: bool
    client_changed: bool


@dataclass(frozen=True)
class RateEdit:
    data: EngagementData
    rate_from: date | None
    approved: tuple[Repriced, ...]
    logged: int  # covered logged lines


def _rates_given(changes: Mapping[str, Any]) -> dict[str, Decimal]:
    out = {}
    for k in RATE_KEYS:
        if changes.get(k) is not None:
            _non_negative(changes[k], k)
            bounded(k, changes[k])
            out[k] = round_cents(changes[k])
    return out


def _new_engagement(old: Engagement, rates: Mapping[str, Decimal], rate_from: date | None) -> Engagement:
    if rate_from is None or rate_from == old.start:
        return replace(old, expert_rate=rates.get("expert_rate", old.expert_rate),
                       client_rate=rates.get("client_rate", old.client_rate))
    e, c = old.rates_on(rate_from)
    row = (rate_from, rates.get("expert_rate", e), rates.get("client_rate", c))
    history = sorted([h for h in old.rate_history if h[0] != rate_from] + [row], key=lambda h: h[0])
    return replace(old, rate_history=tuple(history))


def _price(e: Entry, g: Engagement, ws: Workspace, *, client: bool) -> Decimal | None:
    try:
        p = price_entry(e, g, ws.ratecard, ws.limits, need_client=client)
    except VergoedingError:
        return None
    return p.client_amount if client else p.fee


def _lines(items: Sequence[tuple[int, date]]) -> str:
    from vergoeding.core.listing import few

    return few([f"regel {i} ({d:%d-%m-%Y})" for i, d in items], others="andere", shown=LISTED_MAX)


def _refuse_paid(code: str, paid: list[tuple[int, date]], last: date) -> RuleViolation:
    after = last + timedelta(days=1)
    return RuleViolation(
        f"de wijziging van het tarief van de deskundige raakt {len(paid)} betaalde regel(s) van opdracht {code}: "
        f"{_lines(paid)}. Betaald werk is definitief; het laatste betaalde werk van de opdracht is van {last:%d-%m-%Y}. "
        f"Geldt het nieuwe tarief voor werk dat nog komt, geef dan --from {after:%d-%m-%Y} (of later). "
        "Moet betaald werk toch anders worden vergoed, corrigeer dan die regel: vergoeding correct REGEL "
        "--amount BEDRAG --reason \"...\" (de volgende uitbetaling verrekent het verschil). Er is niets gewijzigd.")


def _refuse_invoiced(code: str, invoiced: list[tuple[int, date]], who: str, last: date) -> RuleViolation:
    after = last + timedelta(days=1)
    fix = ("maak een creditnota (vergoeding invoice credit NUMMER --reason \"...\"): de uren komen dan vrij "
           "om opnieuw te factureren" if who == "opdrachtgever" else
           "corrigeer de regel met vergoeding correct REGEL --amount BEDRAG --reason \"...\"")
    return RuleViolation(
        f"de wijziging van het tarief van de {who} raakt {len(invoiced)} gefactureerde regel(s) van opdracht "
        f"{code}: {_lines(invoiced)}. Een uitgereikte factuur verandert nooit; het laatste gefactureerde werk van de opdracht is "
        f"van {last:%d-%m-%Y}. Geldt het nieuwe tarief voor werk dat nog komt, geef dan --from {after:%d-%m-%Y} "
        f"(of later). Moet gefactureerd werk toch anders worden berekend, {fix}. Er is niets gewijzigd.")


def _covered(conn: Connection, ws: Workspace, old: Engagement, new: Engagement) -> tuple[list[Repriced], int]:
    """The lines on days whose rate changes; refuses when they include paid or invoiced work."""
    e = s.entries
    rows = conn.execute(select(e.c.id, e.c.status, e.c.invoice_id, e.c.expert_invoice_id)
                        .where(e.c.engagement_id == old.id)).all()
    flags = {int(r.id): r for r in rows}
    paid_ids = {int(i) for i in conn.execute(select(s.paid_lines.c.entry_id)
                                             .where(s.paid_lines.c.engagement_id == old.id)).scalars()}
    paid: list[tuple[int, date]] = []
    expert_invoiced: list[tuple[int, date]] = []
    client_invoiced: list[tuple[int, date]] = []
    approved: list[Repriced] = []
    logged = 0
    entries = queries.load_entries(conn, engagement_code=old.code)
    for x in entries:
        (oe, oc), (ne, nc) = old.rates_on(x.work_date), new.rates_on(x.work_date)
        expert_changed, client_changed = oe != ne, oc != nc
        if not (expert_changed or client_changed):
            continue
        f = flags.get(x.id)
        if expert_changed and (x.id in paid_ids or x.status == "settled"):
            paid.append((x.id, x.work_date))
        if expert_changed and f is not None and f.expert_invoice_id is not None:
            expert_invoiced.append((x.id, x.work_date))
        if client_changed and f is not None and f.invoice_id is not None:
            client_invoiced.append((x.id, x.work_date))
        if x.status == "logged":
            logged += 1
        elif x.status == "approved" and x.id not in paid_ids:
            approved.append(Repriced(
                x.id, x.work_date, _price(x, old, ws, client=False), _price(x, new, ws, client=False),
                _price(x, old, ws, client=True) if client_changed else None,
                _price(x, new, ws, client=True) if client_changed else None, expert_changed, client_changed))
    # the way out names the day after the last paid (invoiced) work of the whole engagement:
    # from there on a new rate touches nothing final
    def last(pred: Any) -> date:
        return max(x.work_date for x in entries if pred(x))

    if paid:
        raise _refuse_paid(old.code, paid, last(lambda x: x.id in paid_ids or x.status == "settled"))
    if expert_invoiced:
        raise _refuse_invoiced(old.code, expert_invoiced, "deskundige",
                               last(lambda x: x.id in flags and flags[x.id].expert_invoice_id is not None))
    if client_invoiced:
        raise _refuse_invoiced(old.code, client_invoiced, "opdrachtgever",
                               last(lambda x: x.id in flags and flags[x.id].invoice_id is not None))
    return approved, logged


def edit_engagement(ws: Workspace, code: str, changes: Mapping[str, Any], *, rate_from: date | None = None,
                    reason: str | None = None) -> RateEdit:
    """``engagement edit``: the other fields as before; the rates from the start or, with
    ``rate_from``, from that day (see the module docstring). One transaction: a refusal
    changes nothing."""
    changes = dict(changes)
    rates = _rates_given(changes)
    for k in RATE_KEYS:
        changes.pop(k, None)
    if rate_from is not None and not rates:
        raise InputError("--from hoort bij een tariefwijziging: geef ook --expert-rate en/of --client-rate",
                         field="from")
    if reason is not None and not rates:
        raise InputError("--reason hoort bij een tariefwijziging (--expert-rate of --client-rate)", field="reason")
    with transaction(ws.engine) as conn:
        paid_work_lock(conn)  # the payout takes it too: one of the two sees the other's commit
        old = queries.engagement(conn, code)
        start = changes.get("start_date") or old.start
        end = changes["end_date"] if "end_date" in changes else old.end
        if rate_from is not None:
            if rate_from < start:
                raise InputError(f"--from {rate_from:%d-%m-%Y} ligt vóór de start van opdracht {old.code} "
                                 f"({start:%d-%m-%Y}); zonder --from geldt het tarief vanaf de start")
            if end is not None and rate_from >= end:
                raise InputError(f"--from {rate_from:%d-%m-%Y} ligt na het einde van opdracht {old.code} "
                                 f"(laatste dag {end - timedelta(days=1):%d-%m-%Y})")
        from_start = rate_from is None or rate_from == old.start
        new = _new_engagement(old, rates, rate_from)
        approved, logged = _covered(conn, ws, old, new) if rates else ([], 0)
        if from_start:
            data = ledger.edit_engagement(conn, ws.actor, code, {**changes, **rates}, ws.ratecard)
        else:
            data = ledger.edit_engagement(conn, ws.actor, code, changes, ws.ratecard)
            assert rate_from is not None
            e, c = new.rates_on(rate_from)
            set_rate_from(conn, ws.actor, old.id, old.code, rate_from, e, c, reason)
        return RateEdit(data, None if from_start else rate_from, tuple(approved), logged)


def history(ws: Workspace, code: str) -> list[RateRow]:
    with ws.engine.connect() as conn:
        gid = conn.execute(select(s.engagements.c.id).where(code_is(s.engagements.c.code, code))).scalar()
        return [] if gid is None else rate_rows(conn, int(gid))


def repriced_lines(r: RateEdit) -> list[str]:
    """The stderr lines of an edit that re-priced approved work."""
    out = []
    for x in r.approved:
        parts = []
        if x.expert_changed:
            parts.append(f"deskundige {_eur(x.old_fee)} -> {_eur(x.new_fee)}")
        if x.client_changed:
            parts.append(f"opdrachtgever {_eur(x.old_client)} -> {_eur(x.new_client)}")
        out.append(f"  regel {x.entry_id} van {x.work_date:%d-%m-%Y}: " + ", ".join(parts))
    return out


def _eur(v: Decimal | None) -> str:
    return "geen tarief" if v is None else euro(v)
