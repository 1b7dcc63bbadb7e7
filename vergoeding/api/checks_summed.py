"""The summed path of the checks: the input priced as sums per engagement, month and price
segment in the database (the same findings as :func:`vergoeding.api.check_input.check_input`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection

from vergoeding.api.check_input import (
    _bsn_valid,
    _iban_valid,
    check_input,
    price_frozen,
)
from vergoeding.api.price_once import price_breakpoints
from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import CheckInput, HourlyWork
from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry, price_entry
from vergoeding.core.dates import age_on
from vergoeding.core.money import ZERO, from_cents, to_cents
from vergoeding.core.payout import as_priced
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import VergoedingError
from vergoeding.store import queries
from vergoeding.store import sums as store_sums
from vergoeding.store.declarations import load_declarations
from vergoeding.store.exceptions import load_exceptions
from vergoeding.store.payouts import paid_priced, paid_sums

# --- the summed path ------------------------------------------------------------------------
#
# Pricing a year of a large network entry by entry (a million Python objects) is slow, and the
# checks only need sums per expert, engagement and month. The database sums instead: every
# distinct (minutes, quantity) and km value is priced once per price class with the real
# ``price_entry`` (so per-entry rounding is exactly the same), the database looks each entry's
# price up and sums per engagement, month, price segment and kind. A price segment is a stretch
# of days in which no rate, fiscal figure or year changes (the days come from the rate card, the
# limits and the period). What needs single entries still gets them: the hourly presumption
# (it names work days and ages) for engagements whose rate may exceed it, and every entry with a
# negative part (corrections). When anything does not fit (a missing rate, an unknown year)
# the path gives up and the entries are priced one by one, which also raises the same errors.


@dataclass
class _Classes:
    """Price classes: engagements that price every entry alike within a segment."""

    fee: dict[tuple[object, ...], int] = field(default_factory=dict)
    km: dict[tuple[object, ...], int] = field(default_factory=dict)
    of: dict[tuple[int, int], tuple[int, int, bool]] = field(default_factory=dict)
    template: dict[int, PricedEntry] = field(default_factory=dict)
    fees: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    kms: list[tuple[int, str, int]] = field(default_factory=list)


def _may_exceed_presumption(ws: Workspace, t: PricedEntry, day: date, dob: date | None = None, *,
                            known: bool = False) -> bool:
    """Can hourly work priced like ``t`` from ``day`` to the end of its price segment exceed the
    hourly presumption: for any age, or (``known``) for an expert born on ``dob`` (unknown: 21
    or older, as :func:`~vergoeding.core.checks_hourly.hourly_presumption` tests). An expert who
    is 21 on ``day`` is 21 or older on every later day, and the figure does not change within a
    segment."""
    if t.regime not in CAPPED_REGIMES or t.unit is not Unit.UUR:
        return False
    lim = ws.limits.for_day(day)
    ages = (21,) if known and (dob is None or age_on(dob, day) >= 21) else (20, 21)
    figs = [f for f in (lim.volunteer_hour(a, day) for a in ages) if f is not None]
    return bool(figs) and t.expert_unit_price > min(f.amount for f in figs)


def _km_sig(eng: Engagement, seg: int) -> tuple[object, ...]:
    """What the travel of an entry depends on in ``price_entry``: the engagement's travel
    policy and own km rate, and (without one) the year's km allowance, which is one figure
    within a price segment (a change of any figure starts a new one). Engagements with the same
    signature share their km prices: each distinct km text is priced once per signature, not
    once per engagement (a network has hundreds of engagements and a few km rates)."""
    if eng.regime is Regime.LOONDIENST:  # hours only: no travel (price_entry)
        return (Regime.LOONDIENST,)
    if eng.travel_policy is not TravelPolicy.KM:
        return (eng.travel_policy,)
    return (eng.travel_policy, eng.km_rate, seg if eng.km_rate is None else None)


def _price_classes(ws: Workspace, engs: Sequence[Engagement], days: Sequence[date],
                   pairs: Sequence[tuple[int, int]], kms: Sequence[str]) -> _Classes:
    c = _Classes()
    for eng in engs:
        for seg, day in enumerate(days):
            fee_sig: tuple[object, ...] = (eng.role, eng.regime, eng.level, *eng.rates_on(day), eng.unit, seg)
            km_sig = _km_sig(eng, seg)
            try:
                if fee_sig not in c.fee:
                    template = price_entry(Entry(0, eng.code, day), eng, ws.ratecard, ws.limits,
                                           need_client=False)
                    cls = len(c.fee)
                    fees = []
                    for m, q in pairs:
                        p = price_entry(Entry(0, eng.code, day, minutes=m, quantity=q), eng, ws.ratecard,
                                        ws.limits, need_client=False)
                        fees.append((cls, m, q, to_cents(p.fee), to_cents(p.client_amount)))
                    c.fee[fee_sig] = cls  # only when every pair has its price
                    c.template[cls] = template
                    c.fees += fees
                if km_sig not in c.km:
                    kcls = len(c.km)
                    travel = [(kcls, k, to_cents(price_entry(Entry(0, eng.code, day, km=Decimal(k)), eng, ws.ratecard,
                                                             ws.limits, need_client=False).travel)) for k in kms]
                    c.km[km_sig] = kcls  # only when every km text has its price
                    c.kms += travel
                hourly = _may_exceed_presumption(ws, c.template[c.fee[fee_sig]], day)
            except (VergoedingError, InvalidOperation):
                continue  # no price here: an entry in this class makes entry_sums give up
            c.of[(eng.id, seg)] = (c.fee[fee_sig], c.km[km_sig], hourly)
    return c


def _cents_cache() -> Callable[[int], Decimal]:
    """:func:`from_cents`, remembered per value (sums repeat the same amounts; a Decimal is
    immutable, so sharing one is safe)."""
    known: dict[int, Decimal] = {}

    def cents(n: int) -> Decimal:
        d = known.get(n)
        if d is None:
            d = known[n] = from_cents(n)
        return d
    return cents


def _summed(s: store_sums.EntrySums, eng: Engagement, template: PricedEntry,
            from_cents: Callable[[int], Decimal] = from_cents) -> PricedEntry:
    amount = from_cents(s.amount_cents) if s.has_amount else None
    quantity = Decimal(s.minutes) / Decimal(60) if template.unit is Unit.UUR else Decimal(s.quantity)
    entry = Entry(0, eng.code, s.first_date, minutes=s.minutes, quantity=s.quantity,
                  expense=from_cents(s.expense_fixed_cents + s.expense_receipt_cents),
                  inkind=from_cents(s.inkind_cents), amount=amount, status="som")
    trace = (f"som van {s.entries} regels vanaf {s.first_date.isoformat()}",)
    if eng.regime is Regime.LOONDIENST:  # hours only, as price_entry: the payroll system pays
        return PricedEntry(entry, eng, template.unit, quantity, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, trace)
    fee = from_cents(s.amount_cents if s.has_amount else s.fee_cents)
    return PricedEntry(entry, eng, template.unit, quantity, template.expert_unit_price, template.client_unit_price,
                       fee, from_cents(s.travel_cents), from_cents(s.expense_fixed_cents),
                       from_cents(s.expense_receipt_cents), from_cents(s.inkind_cents), from_cents(s.client_cents),
                       trace)


@dataclass
class _Summed:
    priced: list[PricedEntry]
    hourly_single: set[str]  # engagements whose hourly work goes in entry by entry
    hourly: list[HourlyWork]
    daily: list[PricedEntry]  # the private-person engagements per day (``priced_sums(daily=True)``)


def _per_month(day_sums: Iterable[store_sums.EntrySums]) -> list[store_sums.EntrySums]:
    """Sums per day rolled up per engagement, month, segment and kind (as entry_sums sums)."""
    acc: dict[tuple[int, int, int, int, bool], tuple[date, set[str], list[int]]] = {}
    for s in day_sums:
        key = (s.engagement_id, s.first_date.year, s.first_date.month, s.segment, s.has_amount)
        ints = (s.entries, s.minutes, s.quantity, s.amount_cents, s.fee_cents, s.client_cents, s.travel_cents,
                s.expense_fixed_cents, s.expense_receipt_cents, s.inkind_cents, s.inexact_minutes)
        got = acc.get(key)
        if got is None:
            acc[key] = (s.first_date, set(s.days), list(ints))
        else:
            first, days, totals = got
            days.update(s.days)
            acc[key] = (min(first, s.first_date), days, [a + b for a, b in zip(totals, ints, strict=True)])
    return [store_sums.EntrySums(eid, seg, has_amount, first, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9],
                              tuple(sorted(days)), t[10])
            for (eid, _, _, seg, has_amount), (first, days, t) in acc.items()]


def _hourly_work(s: store_sums.EntrySums, eng: Engagement, template: PricedEntry, dob: date | None) -> HourlyWork | None:
    """The summed hourly work of ``s``, or None when it must go in entry by entry."""
    if s.inexact_minutes or not s.days:
        return None
    first, last = date.fromisoformat(min(s.days)), date.fromisoformat(max(s.days))
    if dob is not None and (age_on(dob, first) >= 21) != (age_on(dob, last) >= 21):
        return None  # turns 21 this month: the presumption changes on the birthday
    labels = frozenset(f"{d[8:10]}-{d[5:7]}" for d in s.days)
    return HourlyWork(eng, template.expert_unit_price, first, last, labels, Decimal(s.minutes) / Decimal(60))


def priced_sums(ws: Workspace, conn: Connection, scope: Period, engs: Sequence[Engagement], *,
                extra_days: Sequence[date] = (), all_engagements: bool = True,
                birthdays: dict[str, date | None] | None = None, daily: bool = False) -> _Summed | None:
    """The entries of ``engs`` in ``scope`` priced as sums (see above); with ``birthdays``
    (expert code -> date of birth) also the hourly work for the presumption; with ``daily``
    the private-person engagements summed per day and their paid lines one by one (what the
    fictitious-employment test reads: work days per week, each entry's pay). None: price
    one by one."""
    ids = None if all_engagements else [e.id for e in engs]
    daily_ids = {e.id for e in engs if e.regime is Regime.PARTICULIER} if daily else set()
    # a rate change from a date starts a new price segment (the sums stay equal to pricing
    # each entry on its work date; too many segments: entry_sums gives up, priced one by one)
    changes = [frm for e in engs for frm, *_ in e.rate_history]
    breakpoints = price_breakpoints(ws, scope, [*extra_days, *changes])
    days = [scope.start, *breakpoints]
    values = store_sums.regular_entry_values(conn, scope, ids)
    c = _price_classes(ws, engs, days, values.pairs, values.kms)
    if birthdays is None:
        c.of = {k: (f, km, False) for k, (f, km, _) in c.of.items()}
    else:  # the work days only where this expert's rate may be above the presumption for their age
        code_of = {e.id: e.expert_code for e in engs}
        c.of = {(eid, seg): (f, km, hourly and _may_exceed_presumption(ws, c.template[f], days[seg],
                                                                        birthdays.get(code_of[eid]), known=True))
                for (eid, seg), (f, km, hourly) in c.of.items()}
    sums = store_sums.entry_sums(conn, scope, breakpoints=breakpoints, classes=c.of, fees=c.fees, kms=c.kms,
                                 engagement_ids=ids, daily=daily_ids, odd_kms=values.odd_kms)
    if sums is None:
        return None
    by_id = {e.id: e for e in engs}
    by_code = {e.code: e for e in engs}
    out = _Summed([], set(), [], [])
    cents = _cents_cache()
    if daily_ids:  # the day sums go to ``daily``, rolled up per month for everything else
        out.daily += [_summed(s, by_id[s.engagement_id], c.template[c.of[(s.engagement_id, s.segment)][0]], cents)
                      for s in sums if s.engagement_id in daily_ids]
        sums = [s for s in sums if s.engagement_id not in daily_ids] + _per_month(
            s for s in sums if s.engagement_id in daily_ids)
    for s in sums:
        eng = by_id[s.engagement_id]
        cls, _, hourly = c.of[(s.engagement_id, s.segment)]
        template = c.template[cls]
        out.priced.append(_summed(s, eng, template, cents))
        if hourly and not s.has_amount and birthdays is not None:
            work = _hourly_work(s, eng, template, birthdays.get(eng.expert_code))
            if work is None:
                out.hourly_single.add(eng.code)
            else:
                out.hourly.append(work)
    for e in store_sums.irregular_entries(conn, scope, ids, values.odd_kms) if values.irregular else ():
        p = price_entry(e, by_code[e.engagement_code], ws.ratecard, ws.limits, need_client=False)
        out.priced.append(p)
        if p.engagement.id in daily_ids:
            out.daily.append(p)
        out.hourly_single.add(e.engagement_code)
    # Paid lines are not in the sums (REGULAR_ENTRY_SQL leaves settled entries out): they count
    # with their amounts as paid, summed per engagement, day and rate (checked at the payout);
    # those of the ``daily`` engagements one by one (a paid correction may be negative).
    out.priced += [as_priced(ln, by_code[ln.engagement]) for ln in paid_sums(conn, scope, ids)
                   if ln.engagement in by_code and by_code[ln.engagement].id not in daily_ids]
    if daily_ids:
        paid = list(paid_priced(conn, store_sums.paid_entry_ids(conn, scope, daily_ids), by_code).values())
        out.priced += paid
        out.daily += paid
    out.hourly = [w for w in out.hourly if w.engagement.code not in out.hourly_single]
    return out


def fast_check_input(ws: Workspace, conn: Connection, period: Period, *, expert: str | None,
                     today: date, engagements: Sequence[Engagement] | None = None) -> CheckInput:
    """:func:`check_input`, with the entries priced as sums per engagement and month (the same
    findings and totals; ``hourly_priced`` holds the single entries the hourly presumption
    needs). Falls back to :func:`check_input` when the sums do not fit."""
    if engagements is None:
        engagements = queries.all_engagements(conn, expert_code=expert)
    engs = {e.code: e for e in engagements}
    scope = Period(date(period.start.year, 1, 1), period.end)
    experts = queries.all_experts(conn, [expert] if expert else None)
    try:
        got = priced_sums(ws, conn, scope, list(engs.values()), extra_days=(period.start,),
                          all_engagements=expert is None, birthdays={x.code: x.date_of_birth for x in experts},
                          daily=True)
        budget_priced: list[PricedEntry] = []
        for e in engs.values():
            if got is not None and (e.budget_minutes is not None or e.budget_amount is not None):
                before = Period(min(e.start, period.start), period.end)
                b = priced_sums(ws, conn, before, [e], extra_days=(period.start,), all_engagements=False)
                if b is None:
                    got = None
                    break
                budget_priced += b.priced
    except VergoedingError:
        got = None
    if got is None:
        return check_input(ws, conn, period, expert=expert, today=today, engagements=engagements)
    hourly = [p for code in sorted(got.hourly_single) for p in price_frozen(
        ws, conn, queries.load_entries(conn, period=scope, engagement_code=code), engs)]
    daily = got.daily  # summed per day (priced_sums)
    years = tuple(range(period.start.year, period.last_day.year + 1))
    return CheckInput(
        period=period, priced=got.priced, experts=experts, engagements=list(engs.values()),
        own=queries.own_organisation(conn), declarations=load_declarations(conn, expert_code=expert, years=years),
        limits=ws.limits, today=today, budget_priced=budget_priced,
        iban_valid=_iban_valid, bsn_valid=_bsn_valid, hourly_priced=hourly,
        hourly_summed=got.hourly, exceptions=load_exceptions(conn), daily_priced=daily)
