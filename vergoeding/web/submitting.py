"""An expert submits a line of hours in the portal: checked (their own engagement, not in the
future, not in a locked or paid month), previewed (the room before and after, the allowance)
and stored through the same function as ``vergoeding log`` (status ``logged`` until finance
approves it). Whose engagement it is: :func:`vergoeding.web.portal.own_engagement`, the one
place that decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from vergoeding.core.period import month as month_of
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import InputError
from vergoeding.store import schema as s
from vergoeding.web.portal import RoomView, own_engagement, room_view

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace
    from vergoeding.web.accounts import Account


@dataclass(frozen=True)
class Submission:
    engagement: str
    work_date: date
    minutes: int
    quantity: int | None
    activity: str
    km: Decimal
    expense: Decimal
    expense_note: str


def _entry_data(sub: Submission) -> Any:
    from vergoeding.store.entries import EntryData

    return EntryData(engagement=sub.engagement, work_date=sub.work_date, minutes=sub.minutes, quantity=sub.quantity,
                     activity=sub.activity, km=sub.km, expense=sub.expense, expense_receipt=sub.expense > 0,
                     expense_note=sub.expense_note)


def _refuse_closed(ws: Workspace, day: date) -> None:
    """Nothing into a locked or paid period: a month that has a payout is closed for new
    lines from the portal (finance can still add a late line with ``vergoeding log``)."""
    from vergoeding.core import nl
    from vergoeding.store.entries import locked_period_on

    with ws.engine.connect() as conn:
        if locked_period_on(conn, day) is not None:
            raise InputError(f"{nl.month_name(day.year, day.month)} is afgesloten. U kunt daar geen uren meer "
                             "indienen. Klopt er iets niet? Neem contact op met financiën.", field="datum")
        paid = conn.execute(select(func.count()).select_from(s.payouts)
                            .where(s.payouts.c.period == f"{day.year}-{day.month:02d}")).scalar()
    if paid:
        raise InputError(f"{nl.month_name(day.year, day.month)} is al uitbetaald. U kunt daar geen uren meer "
                         "indienen. Bent u iets vergeten? Neem contact op met financiën.", field="datum")


def check_submission(ws: Workspace, acc: Account, sub: Submission, today: date) -> Engagement:
    g = own_engagement(ws, acc, sub.engagement)
    if sub.work_date > today:
        raise InputError("Deze datum ligt in de toekomst. U kunt alleen uren indienen voor werk dat al gedaan is.",
                         field="datum")
    _refuse_closed(ws, sub.work_date)
    return g


def preview(ws: Workspace, acc: Account, sub: Submission, today: date) -> tuple[RoomView, RoomView, Decimal]:
    """(room before, room after, the allowance of this line) for the month of the work."""
    from vergoeding.core.compensation import price_entry
    from vergoeding.core.regimes import Unit

    g = check_submission(ws, acc, sub, today)
    end = month_of(sub.work_date.year, sub.work_date.month).end - timedelta(days=1)
    on = min(end, today)
    from vergoeding.store.rows import unit_of

    with ws.engine.connect() as conn:
        row = conn.execute(select(s.engagements).where(s.engagements.c.code == g.code)).one()
    unit = unit_of(row, sub.work_date, ws.ratecard)
    qty = sub.quantity if sub.quantity is not None else (0 if unit is Unit.UUR else 1)
    entry = Entry(id=-1, engagement_code=g.code, work_date=sub.work_date, minutes=sub.minutes, quantity=qty,
                  activity=sub.activity, km=sub.km, expense=sub.expense, expense_receipt=sub.expense > 0)
    try:
        fee = price_entry(entry, g, ws.ratecard, ws.limits, need_client=False).payable
    except Exception:  # noqa: BLE001 - no price known: the preview shows the room only
        fee = Decimal("0.00")
    return room_view(ws, acc, on), room_view(ws, acc, on, extra=(entry,)), fee


def submit(ws: Workspace, acc: Account, sub: Submission, today: date) -> int:
    """Store the line as submitted (status ``logged`` until finance approves it) through the
    same function as ``vergoeding log``."""
    from vergoeding.api.ledger import log

    check_submission(ws, acc, sub, today)
    return log(ws, _entry_data(sub), today=today).id
