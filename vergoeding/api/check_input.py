"""The input of the checks, priced entry by entry: every entry of the period's years up to
the period's end; a paid line keeps its amounts as paid (``price_frozen``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date

from sqlalchemy import Connection

from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import CheckInput
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Entry
from vergoeding.store import queries
from vergoeding.store.declarations import load_declarations
from vergoeding.store.exceptions import load_exceptions
from vergoeding.store.payouts import paid_priced


def _iban_valid(value: str) -> bool:
    from stdnum import iban  # imported when a check needs it (not by room)

    return bool(iban.is_valid(value))


def _bsn_valid(value: str) -> bool:
    from stdnum.nl import bsn

    return bool(bsn.is_valid(value))


def price_all(ws: Workspace, entries: Sequence[Entry], engagements: dict[str, Engagement],
              paid: Mapping[int, PricedEntry] | None = None) -> list[PricedEntry]:
    """Priced for checks, payouts and statements: no client price is looked up that is not
    needed (see ``price_entry(need_client=False)``). An entry in ``paid`` (a paid line) keeps
    its amounts as paid."""
    def one(e: Entry) -> PricedEntry:
        return price_entry(e, engagements[e.engagement_code], ws.ratecard, ws.limits, need_client=False)

    if not paid:
        return [one(e) for e in entries]
    return [paid[e.id] if e.id in paid else one(e) for e in entries]


def price_frozen(ws: Workspace, conn: Connection, entries: Sequence[Entry],
                 engagements: dict[str, Engagement]) -> list[PricedEntry]:
    """:func:`price_all` where every settled entry is read from the paid-line ledger: a paid
    amount is never priced again (a later rate edit does not change it)."""
    settled = [e.id for e in entries if e.status == "settled"]
    return price_all(ws, entries, engagements, paid_priced(conn, settled, engagements) if settled else None)


def check_input(ws: Workspace, conn: Connection, period: Period, *, expert: str | None, today: date,
                skip: AbstractSet[int] = frozenset(), engagements: Sequence[Engagement] | None = None) -> CheckInput:
    """Every entry (any status) of the period's years up to the period's end: the year cap
    needs the year so far, the month caps the months of the period. Priced one by one (see
    :func:`fast_check_input` for the summed path that ``check`` uses). ``skip``: entries
    that have no price (:mod:`vergoeding.api.coverage`; reported on their own); ``engagements``:
    those of ``expert`` (or all), when the caller has loaded them already."""
    if engagements is None:
        engagements = queries.all_engagements(conn, expert_code=expert)
    engs = {e.code: e for e in engagements}
    scope = Period(date(period.start.year, 1, 1), period.end)

    def load(**kw: object) -> list[Entry]:
        found = queries.load_entries(conn, **kw)  # type: ignore[arg-type]
        return [e for e in found if e.id not in skip] if skip else found

    priced = price_frozen(ws, conn, load(period=scope, expert_code=expert), engs)
    budget_priced = budget_input(ws, conn, period, engs, skip)
    years = tuple(range(period.start.year, period.last_day.year + 1))
    experts = queries.all_experts(conn, [expert] if expert else None)
    return CheckInput(
        period=period, priced=priced, experts=experts, engagements=list(engs.values()),
        own=queries.own_organisation(conn), declarations=load_declarations(conn, expert_code=expert, years=years),
        limits=ws.limits, today=today, budget_priced=budget_priced,
        iban_valid=_iban_valid, bsn_valid=_bsn_valid, exceptions=load_exceptions(conn))


def budget_input(ws: Workspace, conn: Connection, period: Period, engs: dict[str, Engagement],
                 skip: AbstractSet[int] = frozenset()) -> list[PricedEntry]:
    """``budget_priced`` of :func:`check_input`: every entry (any year) of the engagements
    with a budget, from ``min(start, period.start)`` up to the end of ``period``."""
    out: list[PricedEntry] = []
    for e in engs.values():
        if e.budget_minutes is not None or e.budget_amount is not None:
            before = Period(min(e.start, period.start), period.end)
            found = queries.load_entries(conn, period=before, engagement_code=e.code)
            out += price_frozen(ws, conn, [x for x in found if x.id not in skip] if skip else found, engs)
    return out
