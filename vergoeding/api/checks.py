"""``check`` and ``room``: load the administration, price it and run the pure checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.findings import Finding
from vergoeding.core.period import Period, month_of
from vergoeding.core.period import year as year_period
from vergoeding.core.room import Room, room_on
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import InputError
from vergoeding.store import queries
from vergoeding.store.declarations import load_declarations


def price_all(ws: Workspace, entries: Sequence[Entry], engagements: dict[str, Engagement]) -> list[PricedEntry]:
    return [price_entry(e, engagements[e.engagement_code], ws.ratecard, ws.limits) for e in entries]


def check_input(ws: Workspace, conn: Connection, period: Period, *, expert: str | None, today: date) -> CheckInput:
    """Every entry (any status) of the period's years up to the period's end: the year cap
    needs the year so far, the month caps the months of the period."""
    engs = {e.code: e for e in queries.all_engagements(conn, expert_code=expert)}
    scope = Period(date(period.start.year, 1, 1), period.end)
    priced = price_all(ws, queries.load_entries(conn, period=scope, expert_code=expert), engs)
    budget_priced: list[PricedEntry] = []
    for e in engs.values():
        if e.budget_minutes is not None or e.budget_amount is not None:
            before = Period(min(e.start, period.start), period.end)
            budget_priced += price_all(ws, queries.load_entries(conn, period=before, engagement_code=e.code), engs)
    years = tuple(range(period.start.year, period.last_day.year + 1))
    experts = queries.all_experts(conn, [expert] if expert else None)
    return CheckInput(
        period=period, priced=priced, experts=experts, engagements=list(engs.values()),
        own=queries.own_organisation(conn), declarations=load_declarations(conn, expert_code=expert, years=years),
        limits=ws.limits, today=today, budget_priced=budget_priced,
        iban_valid=stdnum_iban.is_valid, bsn_valid=stdnum_bsn.is_valid)


def resolve_period(period: Period | None, year: int | None, today: date) -> Period:
    if period is not None and year is not None:
        raise InputError("geef --period of --year, niet allebei")
    if year is not None:
        return year_period(year)
    return period or month_of(today)


def check(ws: Workspace, period: Period | None = None, year: int | None = None, expert: str | None = None,
          *, today: date | None = None) -> list[Finding]:
    """Findings for ``period`` (or the whole ``year``; default the month of ``today``)."""
    if today is None:
        if period is None and year is None:
            raise InputError("geef een periode, een jaar of de datum van vandaag")
        today = (period.last_day if period is not None else date(year or 1900, 12, 31))
    p = resolve_period(period, year, today)
    with ws.engine.connect() as conn:
        if expert:
            queries.expert(conn, expert)  # NotFoundError with a clear message
        ci = check_input(ws, conn, p, expert=expert, today=today)
    return run_checks(ci)


def room(ws: Workspace, expert: str, on: date) -> Room:
    """Tax-free volunteer room left in the month and the year of ``on``."""
    with ws.engine.connect() as conn:
        queries.expert(conn, expert)
        engs = {e.code: e for e in queries.all_engagements(conn, expert_code=expert)}
        entries = queries.load_entries(conn, period=year_period(on.year), expert_code=expert)
        decl = load_declarations(conn, expert_code=expert, years=(on.year,))
    return room_on(expert, price_all(ws, entries, engs), decl, ws.limits, on)
