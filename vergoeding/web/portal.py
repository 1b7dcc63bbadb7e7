"""What an expert sees and submits in the portal: their own data only.

"Whose data is this" is decided in ONE place, :func:`own`: the logged-in account names its
expert; no function here takes an expert code or an expert id from the request. Anything
the request names (an engagement, a payout, a receipt) is looked up within that expert's
own data, and what is not theirs is "not found" (the same answer as what does not exist).
The figures come from the same ``api`` functions the command line uses (``room``,
``hours``, ``statement``, ``contract``, ``log``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select

from vergoeding.api.workspace import Workspace
from vergoeding.core.period import Period
from vergoeding.core.period import year as year_period
from vergoeding.core.room import Room
from vergoeding.core.work import Engagement, Entry, Expert
from vergoeding.errors import InputError, NotFoundError
from vergoeding.store import queries
from vergoeding.store import schema as s
from vergoeding.store.base import _new_id, audit
from vergoeding.store.db import now_utc, transaction
from vergoeding.store.expert_view import ExpertView, entries_of, expert_view
from vergoeding.web.accounts import Account


class NotYours(NotFoundError):
    """Not found among the account's own data (also when it exists for someone else)."""

    def __init__(self) -> None:
        super().__init__("niet gevonden")


def own(acc: Account) -> str:
    """The expert code whose data this account may see: the only place that decides it."""
    if acc.kind != "expert" or not acc.expert_code or acc.revoked:
        raise NotYours()
    return acc.expert_code


class Page:
    """What one request reads of the logged-in expert: one connection (on SQLite a snapshot
    that takes no lock, :meth:`Workspace.reading`), the expert with their engagements read
    once, and the entries of a year read once for every section that needs them."""

    def __init__(self, conn: Connection, view: ExpertView) -> None:
        self.conn = conn
        self.view = view
        self._years: dict[int, list[Entry]] = {}

    def entries(self, period: Period, *, whole_year: bool = False) -> list[Entry]:
        """The entries of ``period``; from the year's when that was read (``whole_year``
        reads it: the home page's room and hours share it)."""
        y = period.start.year
        if y not in self._years and whole_year:
            self._years[y] = entries_of(self.conn, self.view.engagements, year_period(y))
        if y in self._years and period.last_day.year == y:
            return [e for e in self._years[y] if period.start <= e.work_date < period.end]
        return entries_of(self.conn, self.view.engagements, period)


@contextmanager
def page(ws: Workspace, acc: Account) -> Iterator[Page]:
    own(acc)
    if acc.expert_id is None:
        raise NotYours()
    with ws.reading().engine.connect() as conn:
        yield Page(conn, expert_view(conn, acc.expert_id))


# ---------------------------------------------------------------------------- room


@dataclass(frozen=True)
class RoomView:
    room: Room | None  # None: no volunteer work, no caps apply
    sentence: str  # the one plain sentence (from the caps story)
    more: tuple[str, ...]  # the rest of the story
    month_pct: int  # how full the month's room is, 0..100 (for the bar)
    year_pct: int
    over: bool  # a cap is crossed this year


def _pct(used: Decimal, limit: Decimal) -> int:
    if limit <= 0:
        return 100
    return max(0, min(100, int(used * 100 / limit)))


def room_view(ws: Workspace, acc: Account, on: date, *, extra: tuple[Entry, ...] = (),
              at: Page | None = None) -> RoomView:
    """The tax-free room this month and this year: the figures of ``vergoeding room``
    (``api.room.room``: the same entries, declarations and prices, read in this page's
    connection and each distinct entry priced once, :mod:`vergoeding.api.price_once`) told by
    the one caps story every reader uses (:mod:`vergoeding.core.caps_story`, ``api.room``)."""
    from vergoeding.api.price_once import price_frozen_once
    from vergoeding.core.compensation import CAPPED_REGIMES
    from vergoeding.core.room import room_on
    from vergoeding.store.declarations import load_declarations

    if at is None:
        with page(ws, acc) as p:
            return room_view(ws, acc, on, extra=extra, at=p)
    code = own(acc)
    engs = at.view.by_code
    if not any(g.regime in CAPPED_REGIMES for g in engs.values()):
        return RoomView(None, "Voor uw werk geldt geen grens voor belastingvrije vrijwilligersvergoeding.", (),
                        0, 0, False)
    scope = year_period(on.year)
    entries = at.entries(scope, whole_year=True) + [x for x in extra if x.work_date.year == on.year]
    decl = load_declarations(at.conn, expert_code=code, years=(on.year,))
    r = room_on(code, price_frozen_once(ws, at.conn, entries, engs, scope), decl, ws.limits, on)
    story = r.story()
    if story.crossed:
        sentence, more = story.headline, (*story.sentences, story.next_steps, story.note)
    else:
        sentence, more = " ".join(story.sentences), (story.headline, story.counted, story.next_steps, story.note)
    # the caps story is written for every reader with a plain space after the euro sign; on a
    # narrow screen "€" must not end a line with the amount on the next
    sentence, more = _nobreak(sentence), tuple(_nobreak(x) for x in more if x)
    return RoomView(r, sentence, more, _pct(r.month.total, r.month.limit.amount),
                    _pct(r.year.total, r.year.limit.amount), story.crossed)


def _nobreak(text: str) -> str:
    return text.replace("€ ", "€\u00a0")


# ---------------------------------------------------------------------------- hours


@dataclass(frozen=True)
class Rejected:
    work_date: date
    engagement: str
    minutes: int
    quantity: int
    activity: str
    reason: str
    rejected_at: Any


@dataclass(frozen=True)
class MonthHours:
    period: Period
    doc: Any  # HoursDocument (the same as ``vergoeding hours``)
    rejected: tuple[Rejected, ...]
    held: str | None  # why approved lines were held at the last payout
    receipts: dict[int, list[tuple[int, str]]]  # entry id -> (upload id, file name)


STATUS_WORDS = {"logged": "ingediend, wacht op goedkeuring", "approved": "goedgekeurd, nog niet betaald",
                "settled": "betaald"}


# the statements of every page view, built once (building one costs as much as running it)
_REJECTED = (select(s.portal_rejections, s.engagements.c.code)
             .join(s.engagements, s.engagements.c.id == s.portal_rejections.c.engagement_id)
             .where(s.portal_rejections.c.expert_id == bindparam("expert_id"),
                    s.portal_rejections.c.work_date >= bindparam("start"),
                    s.portal_rejections.c.work_date < bindparam("end"))
             .order_by(s.portal_rejections.c.work_date, s.portal_rejections.c.id))
_RECEIPTS = (select(s.portal_uploads.c.id, s.portal_uploads.c.entry_id, s.portal_uploads.c.filename)
             .where(s.portal_uploads.c.entry_id.in_(bindparam("ids", expanding=True)),
                    s.portal_uploads.c.expert_id == bindparam("expert_id")))
_LAST_PAYOUT = select(s.payouts.c.id).order_by(s.payouts.c.id.desc()).limit(1)


def month_hours(ws: Workspace, acc: Account, period: Period, *, at: Page | None = None,
                receipts: bool = True) -> MonthHours:
    """The hours of ``period``: the same ``HoursDocument`` as ``vergoeding hours`` (built by
    ``documents.hours.build_hours`` from the same values), the rejected lines, why approved
    lines are held, and (``receipts``) the receipts of the lines."""
    from vergoeding.documents.hours import build_hours
    from vergoeding.store.rows import unit_of

    if at is None:
        with page(ws, acc) as p:
            return month_hours(ws, acc, period, at=p, receipts=receipts)
    v = at.view
    units = {code: unit_of(row, max(row.start_date, period.start), ws.ratecard) for code, row in v.rows.items()}
    doc = build_hours(v.expert, v.organisation, period, at.entries(period), v.by_code, client_names=v.client_names,
                      role_labels={k: r.label for k, r in ws.ratecard.roles.items()}, units=units, made_on=None)
    rows = at.conn.execute(_REJECTED, {"expert_id": acc.expert_id, "start": period.start, "end": period.end}).all()
    rejected = tuple(Rejected(x.work_date, x.code, x.minutes, x.quantity, x.activity, x.reason, x.rejected_at)
                     for x in rows)
    waiting = any(line.status == "approved" for line in doc.lines)
    found: dict[int, list[tuple[int, str]]] = {}
    ids = [line.id for line in doc.lines] if receipts else []
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for up in at.conn.execute(_RECEIPTS, {"ids": chunk, "expert_id": acc.expert_id}):
            found.setdefault(int(up.entry_id), []).append((int(up.id), up.filename))
    return MonthHours(period, doc, rejected, held_reason(ws, acc, at.conn) if waiting else None, found)


_HELD: dict[tuple[Any, int], dict[str, str]] = {}


def held_reason(ws: Workspace, acc: Account, conn: Connection) -> str | None:
    """Why the last payout held this expert's approved lines, in plain words (None: not held)."""
    code = own(acc)
    p = s.payouts
    row = conn.execute(_LAST_PAYOUT).first()
    if row is None:
        return None
    key = (ws.engine.url, int(row.id))
    if key not in _HELD:
        snap = json.loads(conn.execute(select(p.c.snapshot).where(p.c.id == row.id)).scalar_one())
        _HELD.clear()
        _HELD[key] = {h["expert"]: h["reason"] for h in snap.get("held", ())}
    reason = _HELD[key].get(code)
    if reason is None:
        return None
    if "IBAN" in reason:
        return "Wij hebben geen goed rekeningnummer (IBAN) van u. Geef uw rekeningnummer door bij Mijn gegevens."
    if "negatief" in reason:
        return "Er is een correctie die groter is dan wat u nog krijgt. Het verschil wordt met een volgende betaling verrekend."
    return "Er moet eerst iets worden nagekeken. Financiën neemt contact met u op."


# ---------------------------------------------------------------------------- engagements (submitting: web/submitting.py)


def engagements(ws: Workspace, acc: Account) -> list[Engagement]:
    code = own(acc)
    with ws.engine.connect() as conn:
        return queries.all_engagements(conn, expert_code=code)


def open_engagements(ws: Workspace, acc: Account, on: date) -> list[Engagement]:
    """Engagements the expert can submit hours for: started, and not ended a year ago."""
    return [g for g in engagements(ws, acc) if g.start <= on and (g.end is None or g.end > on - timedelta(days=366))]


def own_engagement(ws: Workspace, acc: Account, code: str) -> Engagement:
    for g in engagements(ws, acc):
        if g.code == code:
            return g
    raise NotYours()


# ---------------------------------------------------------------------------- payments, documents


@dataclass(frozen=True)
class Payment:
    number: str
    period: str
    execution_date: date
    amount: Decimal
    lines: int


def payments(ws: Workspace, acc: Account, *, at: Page | None = None, last: int | None = None) -> list[Payment]:
    """The expert's payments, newest first (``last``: only that many)."""
    from vergoeding.core.money import from_cents

    own(acc)
    pl, p = s.paid_lines, s.payouts
    total = (pl.c.fee_cents + pl.c.travel_cents + pl.c.expenses_fixed_cents + pl.c.expenses_receipt_cents)
    q = (select(p.c.number, p.c.period, p.c.execution_date, func.sum(total).label("cents"), func.count().label("n"))
         .join(pl, pl.c.payout_id == p.c.id).where(pl.c.expert_id == acc.expert_id)
         .group_by(p.c.id, p.c.number, p.c.period, p.c.execution_date).order_by(p.c.id.desc()))
    if last is not None:
        q = q.limit(last)
    with nullcontext(at.conn) if at is not None else ws.reading().engine.connect() as conn:
        return [Payment(r.number, r.period, r.execution_date, from_cents(int(r.cents or 0)), int(r.n))
                for r in conn.execute(q)]


def statement_pdf(ws: Workspace, acc: Account, number: str) -> tuple[str, bytes]:
    """The expert's statement of payout ``number``, made from the stored snapshot (the same
    document ``vergoeding payout`` wrote)."""
    from vergoeding.render.payout import pdf_base_url, statement_htmls

    code = own(acc)
    if number not in {x.number for x in payments(ws, acc)}:
        raise NotYours()
    with ws.engine.connect() as conn:
        snap = json.loads(conn.execute(select(s.payouts.c.snapshot).where(s.payouts.c.number == number)).scalar_one())
    snap = {**snap, "experts": [e for e in snap["experts"] if e["code"] == code]}
    htmls = statement_htmls(ws.settings.templates_dir, ws.settings.shipped_templates, snap)
    if not htmls:
        raise NotYours()
    from vergoeding.render.pdf import html_to_pdf

    name, html = htmls[0]
    base = pdf_base_url(ws.settings.templates_dir, ws.settings.shipped_templates)
    return name, html_to_pdf(html, base_url=base, accessible=True)


def year_statement_pdf(ws: Workspace, acc: Account, year: int, today: date) -> bytes:
    from vergoeding.api.reports import year_statement, year_statement_pdf

    return year_statement_pdf(ws, year_statement(ws, own(acc), year, today))


def contract_pdf(ws: Workspace, acc: Account, engagement: str, today: date) -> bytes:
    from vergoeding.api.contracts import render_pdf

    g = own_engagement(ws, acc, engagement)
    return render_pdf(ws, g.code, kind="expert", today=today)


# ---------------------------------------------------------------------------- details, IBAN


@dataclass(frozen=True)
class IbanRequest:
    id: int
    iban: str
    status: str
    reason: str | None
    created_at: Any
    decided_at: Any


def details(ws: Workspace, acc: Account) -> tuple[Expert, list[IbanRequest]]:
    code = own(acc)
    r = s.portal_iban_requests
    with ws.engine.connect() as conn:
        ex = queries.expert(conn, code)
        rows = conn.execute(select(r).where(r.c.expert_id == acc.expert_id).order_by(r.c.id.desc()).limit(5)).all()
    return ex, [IbanRequest(x.id, x.iban, x.status, x.reason, x.created_at, x.decided_at) for x in rows]


def request_iban(ws: Workspace, acc: Account, iban: str) -> int:
    """An IBAN change is a request that finance confirms; never applied by the expert alone."""
    from stdnum import iban as stdiban

    own(acc)
    value = (iban or "").replace(" ", "").upper()
    if not stdiban.is_valid(value):
        raise InputError("Dit rekeningnummer klopt niet. Een IBAN begint met twee letters, bijvoorbeeld "
                         "NL91 ABNA 0417 1643 00. Kijk het na op uw bankpas.", field="iban")
    r = s.portal_iban_requests
    with transaction(ws.engine) as conn:
        open_ = conn.execute(select(r.c.id).where(r.c.expert_id == acc.expert_id, r.c.status == "open")).first()
        if open_ is not None:
            raise InputError("U heeft al een wijziging doorgegeven die nog niet is bekeken. Wacht tot financiën "
                             "die heeft bekeken.", field="iban")
        new_id = _new_id(conn.execute(insert(r).values(expert_id=acc.expert_id, account_id=acc.id, iban=value,
                                                       created_at=now_utc())))
        audit(conn, acc.actor, "portal.iban_request", "expert", acc.expert_id,
              {"request": new_id, "iban_tail": value[-4:]})
    return new_id
