"""The fast paths give exactly what the slow ones give.

``api.checks.check`` prices entries as sums per engagement, month and price segment (in the
database); ``api.checks._check_per_entry`` prices every entry one by one (the reference). A
varied administration — several regimes and units, ages on both sides of 21 (one expert turns
21 mid-month), a rate change in the middle of a month, km at several rates, expenses with and
without receipts, gifts in kind, fixed amounts, corrections with negative parts, declarations,
budgets over two years, benefits, missing payment data — must give the same findings and the
same totals on both paths, for a year, a quarter, a month and one expert."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from builders import engagement, entry, expert, new_engine, org
from sqlalchemy import func, select

from vergoeding.api import checks
from vergoeding.api.workspace import Workspace, open_workspace
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.findings import Finding
from vergoeding.core.period import Period, parse_period
from vergoeding.store import schema as s
from vergoeding.store.db import now_utc

CARD = """
[card]
name = "Testkaart met tariefwijziging"
organisation = "Test"
example = true

[roles.adviseur]
label = "Adviseur"
regimes = ["vrijwilliger", "vacatiegeld", "zzp", "particulier"]

[[roles.adviseur.rates]]
regime = "vrijwilliger"
unit = "uur"
expert = "5.50"
client = "37.50"
valid_from = 2025-01-01
valid_to = 2026-07-15

[[roles.adviseur.rates]]
regime = "vrijwilliger"
unit = "uur"
expert = "6.35"
client = "41.15"
valid_from = 2026-07-15

[[roles.adviseur.rates]]
regime = "vacatiegeld"
unit = "bijeenkomst"
expert = "27.50"
client = "60.00"
valid_from = 2025-01-01

[[roles.adviseur.rates]]
regime = "zzp"
unit = "uur"
expert = "55.00"
client = "80.00"
valid_from = 2025-01-01

[[roles.adviseur.rates]]
regime = "particulier"
unit = "uur"
expert = "17.50"
client = "45.00"
valid_from = 2025-01-01
"""

# Minutes that give inexact hours (20, 40, 50: priced one by one for the hourly presumption)
# on two engagements, and km with decimals.
MINUTES = [30, 60, 90, 120, 20, 40, 45, 50, 150, 75]
EXACT_MINUTES = [30, 60, 90, 120, 45, 150, 75, 6]
KMS = ["0", "3", "12.5", "7.25", "0.125", "19", "4.4"]


def _build(tmp_path: Path) -> Workspace:
    (tmp_path / "card.toml").write_text(CARD, encoding="utf-8")
    db = tmp_path / "perf.db"
    engine = new_engine(db)
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Eigen")
        org(c, "K1")
        org(c, "K2")
        expert(c, "E1", dob=date(1980, 5, 17))  # adult, many hours: month and year caps
        expert(c, "E2", dob=date(2005, 8, 20))  # turns 21 on 20 August 2026
        expert(c, "E3", dob=date(2008, 3, 3), benefit="bijstand")  # under 21, on benefit
        expert(c, "E4", dob=None)  # no date of birth: tested as 21+
        expert(c, "E5", benefit="ww")
        expert(c, "E6", employed_by_us=True)
        expert(c, "E7", iban=None)  # missing IBAN
        engagement(c, "G1", "E1", "K1", travel_policy="km", budget_minutes=60 * 300)
        engagement(c, "G1B", "E1", "K2", travel_policy="km", km_rate="0.19", budget_cents=900_00, start=date(2025, 6, 1))
        engagement(c, "G2", "E2", "K1", travel_policy="km")
        engagement(c, "G3", "E3", "K2", travel_policy="km", hourly_justification="Gelijk aan vergelijkbaar werk.")
        engagement(c, "G4", "E4", "K1", travel_policy="km", expert_rate="6.10", client_rate="39.99")
        engagement(c, "G5", "E5", "K1", regime="vacatiegeld")
        engagement(c, "G6", "E6", "K2", regime="zzp", expert_rate="13.00", travel_policy="km")
        engagement(c, "G6V", "E6", "K2")  # volunteer while employed
        engagement(c, "G7", "E7", "K1", regime="particulier", travel_policy="km")
        engagement(c, "G8", "E1", "K2", regime="loondienst")
        codes = ["G1", "G1B", "G2", "G3", "G4", "G5", "G6", "G6V", "G7", "G8"]
        n = 0
        day = date(2025, 11, 3)
        while day < date(2027, 1, 1):
            for k, code in enumerate(codes):
                if (day.toordinal() + k) % (2 if code in ("G1", "G2") else 5):
                    continue
                n += 1
                minutes = MINUTES if code in ("G2", "G6") else EXACT_MINUTES
                kw: dict[str, object] = dict(minutes=minutes[n % len(minutes)], km=KMS[n % len(KMS)])
                if code == "G5":
                    kw = dict(quantity=1 + n % 2)
                if n % 23 == 0:
                    kw.update(expense="4.35", receipt=n % 2 == 0)
                if n % 31 == 0:
                    kw.update(inkind="7.50")
                if n % 37 == 0 and code != "G5":
                    kw.update(amount="25.00")
                entry(c, code, day, status="approved" if n % 3 else "logged", **kw)  # type: ignore[arg-type]
            day += timedelta(days=1)
        # corrections with negative parts, and a km written as 1E+1 (priced one by one)
        first = entry(c, "G1", date(2026, 3, 10), minutes=120, km="10")
        entry(c, "G1", date(2026, 3, 20), minutes=-60, correction_of=first, reason="te veel geboekt")
        entry(c, "G2", date(2026, 8, 21), minutes=60, expense="-2.00", correction_of=first, reason="terugboeking")
        entry(c, "G4", date(2026, 9, 2), minutes=60, km="1E+1")
        # other organisations' allowances
        eid = c.execute(s.experts.select().where(s.experts.c.code == "E2")).first().id  # type: ignore[union-attr]
        c.execute(s.declarations.insert(), [
            dict(expert_id=eid, year=2026, month=8, amount_cents=150_00, organisation="Club", created_at=now_utc()),
            dict(expert_id=eid, year=2026, month=None, amount_cents=900_00, organisation="Stichting", created_at=now_utc()),
        ])
    engine.dispose()
    return open_workspace(db=str(db), rate_card=str(tmp_path / "card.toml"))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return _build(tmp_path_factory.mktemp("perf"))


def _fast_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the summed path is really taken (no silent fallback to the slow one), also
    for this administration, smaller than ``SUMMED_FROM`` entries."""
    def refuse(*a: object, **kw: object) -> None:
        raise AssertionError("fell back to pricing entry by entry")
    monkeypatch.setattr(checks, "check_input", refuse)
    monkeypatch.setattr(checks, "SUMMED_FROM", 1)


def test_a_small_administration_is_priced_entry_by_entry(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Few entries: the per-entry path (cheaper there); many: the summed path."""
    with ws.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(s.entries).where(
            s.entries.c.work_date >= date(2026, 1, 1), s.entries.c.work_date < date(2026, 9, 1))).scalar_one()
    taken: list[str] = []

    def recording(name: str) -> Callable[..., object]:
        real = getattr(checks, name)

        def call(*a: object, **kw: object) -> object:
            taken.append(name)
            return real(*a, **kw)
        return call

    for name in ("check_input", "fast_check_input"):
        monkeypatch.setattr(checks, name, recording(name))
    monkeypatch.setattr(checks, "SUMMED_FROM", n + 1)
    small = checks.check(ws, period=parse_period("2026-08"))
    monkeypatch.setattr(checks, "SUMMED_FROM", n)
    large = checks.check(ws, period=parse_period("2026-08"))
    assert taken == ["check_input", "fast_check_input"]
    assert small == large and small


def _key(f: Finding) -> tuple[str, str, str, str]:
    return (f.rule, f.expert or "", f.period or "", f.where)


@pytest.mark.parametrize("period", ["2026", "2026-Q3", "2026-08", "2026-07", "2025-12"])
def test_same_findings_as_entry_by_entry(ws: Workspace, period: str, monkeypatch: pytest.MonkeyPatch) -> None:
    p = parse_period(period)
    slow = checks._check_per_entry(ws, period=p)
    _fast_only(monkeypatch)
    fast = checks.check(ws, period=p)
    assert [f.as_dict() for f in fast] == [f.as_dict() for f in slow]
    assert fast == slow


def test_the_administration_is_varied_enough(ws: Workspace) -> None:
    """The comparison means something: every kind of finding is there, with real figures."""
    found = checks._check_per_entry(ws, year=2026)
    rules = {f.rule for f in found}
    assert {"volunteer.month_cap", "volunteer.year_cap", "volunteer.hourly_presumption", "volunteer.also_employed",
            "freelance.minimum_wage", "engagement.budget", "payment.missing_data",
            "benefit.bijstand_under_27", "benefit.ww"} <= rules
    hourly = [f for f in found if f.rule == "volunteer.hourly_presumption" and f.expert == "E2" and f.period == "2026-08"]
    # E2 turns 21 on 20 August: two groups (under 21 / 21+), the hours of inexact minutes summed
    assert sorted(f.figures["leeftijd op de werkdag"] for f in hourly) == ["20", "21"]
    assert all("-08" in f.figures["werkdagen"] for f in hourly)


@pytest.mark.parametrize("expert_code", ["E1", "E2", "E6"])
def test_same_findings_for_one_expert(ws: Workspace, expert_code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = checks._check_per_entry(ws, year=2026, expert=expert_code)
    _fast_only(monkeypatch)
    assert checks.check(ws, year=2026, expert=expert_code) == slow


def _totals(priced: list[PricedEntry]) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    out: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 9)
    for p in priced:
        t = out[(p.engagement.code, p.entry.work_date.strftime("%Y-%m"))]
        for i, v in enumerate((p.fee, p.travel, p.expenses_fixed, p.expenses_receipt, p.inkind, p.client_amount,
                               p.cap_amount, p.payable, Decimal(p.entry.minutes))):
            t[i] += v
    return {k: tuple(v) for k, v in out.items()}


def test_same_totals_per_engagement_and_month(ws: Workspace) -> None:
    p = parse_period("2026")
    with ws.engine.connect() as conn:
        slow = checks.check_input(ws, conn, p, expert=None, today=date(2026, 12, 31))
        fast = checks.fast_check_input(ws, conn, p, expert=None, today=date(2026, 12, 31))
    assert fast.hourly_summed, "the summed hourly path was not used"
    # the work days are summed only where the expert's rate may be above the presumption for
    # their age: E1 (adult) earns 5.50 an hour on G1B until 15 July, under the 5.75 for 21+ of 2026
    g1_months = {(w.first.year, w.first.month) for w in fast.hourly_summed if w.engagement.code == "G1B"}
    assert g1_months and min(g1_months) == (2026, 7)
    assert len(fast.priced) < len(slow.priced) / 3
    assert _totals(list(fast.priced)) == _totals(list(slow.priced))
    assert _totals(list(fast.budget_priced)) == _totals(list(slow.budget_priced))
    g1_march = _totals(list(slow.priced))[("G1", "2026-03")]
    assert g1_march[0] > Decimal("100.00")  # a real amount, to the cent on both paths


def test_a_missing_rate_gives_the_same_finding(tmp_path: Path) -> None:
    """A line without a rate is a finding on both paths (not an exception), naming the
    expert, the engagement, the date and the fix; the rest is still checked."""
    ws = _build(tmp_path)
    with ws.engine.begin() as c:
        engagement(c, "GX", "E1", "K1", role="trainer")  # not on the test card
        entry(c, "GX", date(2026, 5, 5), minutes=60)
    slow = checks._check_per_entry(ws, year=2026)
    fast = checks.check(ws, year=2026)
    assert fast == slow
    gap = [f for f in fast if f.rule == "payout.no_price"]
    assert [(f.expert, f.engagement, f.figures["data"]) for f in gap] == [("E1", "GX", "2026-05-05")]
    assert "rol 'trainer'" in gap[0].message and "vergoeding engagement edit GX --expert-rate" in gap[0].message
    assert len(fast) > 1  # the other findings of the year are still there


def test_period_touching_two_years(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    p = Period(date(2025, 12, 1), date(2026, 2, 1))
    slow = checks._check_per_entry(ws, period=p, today=date(2026, 1, 31))
    _fast_only(monkeypatch)
    assert checks.check(ws, period=p, today=date(2026, 1, 31)) == slow


def test_render_pdfs_two_workers_keep_the_order(tmp_path: Path) -> None:
    """Chunked jobs on two workers come back in order, with the same text as one worker."""
    import io

    from pypdf import PdfReader

    from vergoeding.render.payout import render_pdfs

    htmls = [f"<html><body><h1>Overzicht {i}</h1><p>Deskundige nummer {i}</p></body></html>" for i in range(7)]
    two = render_pdfs(htmls, tmp_path, workers=2)
    one = render_pdfs(htmls[:2], tmp_path, workers=1)
    texts = [PdfReader(io.BytesIO(b)).pages[0].extract_text() for b in two]
    assert [t.splitlines()[0] for t in texts] == [f"Overzicht {i}" for i in range(7)]
    assert [PdfReader(io.BytesIO(b)).pages[0].extract_text() for b in one] == texts[:2]


def _private_person(tmp_path: Path) -> Workspace:
    """A private person (particulier) working three days most weeks for more than a month:
    fictitious employment. Also a day with two entries, a day of only a free ride (no pay), a
    correction that takes a day's pay back, a fixed amount, a week of one day, and January
    and February paid (so part of the work counts as paid lines)."""
    from vergoeding.api.payout import payout

    (tmp_path / "card.toml").write_text(CARD, encoding="utf-8")
    engine = new_engine(tmp_path / "private.db")
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Eigen")
        org(c, "K1")
        expert(c, "E1")
        expert(c, "E9", dob=date(1990, 2, 2), bsn="111222333")
        engagement(c, "G1", "E1", "K1", travel_policy="km")
        engagement(c, "P1", "E9", "K1", regime="particulier", travel_policy="km")
        engagement(c, "P2", "E9", "K1", regime="particulier", start=date(2026, 3, 1))
        day = date(2026, 1, 5)  # a Monday
        n = 0
        while day < date(2026, 5, 1):
            n += 1
            if day.weekday() in (0, 1, 3) and not (day.isocalendar()[1] % 5 == 0 and day.weekday() > 0):
                entry(c, "P1", day, minutes=300 if n % 4 else 270, km=KMS[n % len(KMS)])
            if day.weekday() == 1 and n % 3 == 0:
                entry(c, "P1", day, minutes=45)  # a second entry that day
            if day.weekday() == 4 and n % 2 == 0:
                entry(c, "P1", day, km="12")  # only travel
            if day.weekday() == 2 and day >= date(2026, 3, 1):
                entry(c, "P2", day, minutes=120, amount="30.00" if n % 2 else None)
            if day.weekday() == 0:
                entry(c, "G1", day, minutes=90, km="3")
            day += timedelta(days=1)
        first = entry(c, "P1", date(2026, 3, 9), minutes=300)
        entry(c, "P1", date(2026, 3, 12), minutes=-300, correction_of=first, reason="dubbel geboekt")
        entry(c, "P1", date(2026, 3, 13), minutes=0, km="0")  # nothing at all
    engine.dispose()
    ws = open_workspace(db=str(tmp_path / "private.db"), rate_card=str(tmp_path / "card.toml"))
    payout(ws, "2026-02", tmp_path / "betaald", today=date(2026, 3, 3))
    return ws


def test_private_person_summed_per_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fictitious-employment test counts work days per week: the summed path sums a
    private person's entries per day (and takes the paid lines one by one); the same findings
    as entry by entry, and the same pay per engagement and day."""
    ws = _private_person(tmp_path)
    with ws.engine.connect() as conn:
        paid = conn.execute(select(func.count()).select_from(s.paid_lines).join(
            s.engagements, s.engagements.c.id == s.paid_lines.c.engagement_id).where(
            s.engagements.c.code == "P1")).scalar_one()
    assert paid > 20  # P1's January and February are paid lines now
    for period in ("2026", "2026-03", "2026-02", "2026-Q2"):
        slow = checks._check_per_entry(ws, period=parse_period(period))
        with monkeypatch.context() as m:
            _fast_only(m)
            fast = checks.check(ws, period=parse_period(period))
        assert fast == slow, period
        assert [(f.expert, f.where) for f in fast if f.rule == "particulier.fictitious_employment"] == [
            ("E9", "opdracht P1")], period
    p = parse_period("2026")
    with ws.engine.connect() as conn:
        slow_in = checks.check_input(ws, conn, p, expert=None, today=date(2026, 12, 31))
        fast_in = checks.fast_check_input(ws, conn, p, expert=None, today=date(2026, 12, 31))

    def per_day(priced: Sequence[PricedEntry]) -> dict[tuple[str, date], tuple[Decimal, Decimal, int]]:
        out: dict[tuple[str, date], tuple[Decimal, Decimal, int]] = {}
        for x in priced:
            if x.regime.value == "particulier":
                pay, inkind, minutes = out.get((x.engagement.code, x.entry.work_date), (Decimal(0), Decimal(0), 0))
                out[(x.engagement.code, x.entry.work_date)] = (pay + x.payable, inkind + x.inkind,
                                                               minutes + x.entry.minutes)
        return out

    assert fast_in.daily_priced is not None
    assert per_day(fast_in.daily_priced) == per_day(slow_in.priced)
    correction = [x for x in fast_in.daily_priced if x.entry.work_date == date(2026, 3, 12) and x.payable < 0]
    assert [(x.entry.minutes, x.fee) for x in correction] == [(-300, Decimal("-87.50"))]  # one by one
    assert len(fast_in.daily_priced) < len([x for x in slow_in.priced if x.regime.value == "particulier"])
    # the other checks get P1 and P2 per month, as every other engagement
    sums = [(x.engagement.code, x.entry.work_date.month, x.entry.amount is None) for x in fast_in.priced
            if x.regime.value == "particulier" and x.entry.status == "som"]
    assert len(sums) == len(set(sums)) and {m for _, m, _ in sums} == {3, 4}  # (Jan, Feb: paid lines)


# --- the portal's pages: each distinct entry priced once per price segment, one connection ----


@pytest.mark.parametrize("expert_code", ["E1", "E2", "E4", "E6"])
def test_priced_once_per_segment_is_priced_entry_by_entry(ws: Workspace, expert_code: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The same priced entries (amounts, unit, trace) as pricing each entry on its work day:
    across the card's rate change of 15 July, an engagement rate changed on 1 May, fixed
    amounts, km with decimals, receipts and gifts in kind, and a payroll engagement."""
    from dataclasses import replace

    from vergoeding.api import price_once
    from vergoeding.api.check_input import price_frozen
    from vergoeding.store import queries

    p = parse_period("2026")
    calls: list[int] = []
    real = price_once.price_entry
    monkeypatch.setattr(price_once, "price_entry", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    with ws.engine.connect() as conn:
        engs = {g.code: g for g in queries.all_engagements(conn, expert_code=expert_code)}
        first = next(iter(engs.values()))
        engs[first.code] = replace(first, rate_history=((date(2026, 5, 1), Decimal("4.10"), Decimal("30.00")),))
        entries = queries.load_entries(conn, period=p, expert_code=expert_code)
        once = price_once.price_frozen_once(ws, conn, entries, engs, p)
        assert once == price_frozen(ws, conn, entries, engs)
        # the same work twice (another id, the same day and values): priced once, not twice
        twice = [x for e in entries for x in (e, replace(e, id=-e.id, activity="nog eens"))]
        calls.clear()
        assert price_once.price_frozen_once(ws, conn, twice, engs, p) == price_frozen(ws, conn, twice, engs)
    assert len(entries) > 50 and len(calls) <= len(entries)
    may = [x for x in once if x.engagement.code == first.code and x.entry.work_date.month == 5 and x.entry.amount is None
           and x.unit.value == "uur"]
    assert may and all(x.expert_unit_price == Decimal("4.10") for x in may)


def test_portal_room_and_hours_are_the_command_lines(ws: Workspace) -> None:
    """The portal reads in one connection (store.expert_view) and prices once per segment;
    the room and the hours document are those of ``vergoeding room`` and ``vergoeding hours``."""
    from vergoeding.api.hours import hours
    from vergoeding.api.room import room
    from vergoeding.core.period import month
    from vergoeding.web import portal
    from vergoeding.web.accounts import Account

    for code in ("E1", "E2"):
        with ws.engine.connect() as conn:
            expert_id = conn.execute(select(s.experts.c.id).where(s.experts.c.code == code)).scalar_one()
        acc = Account(1, "x@example.org", "expert", expert_id, code, code, True, False, False)
        for on in (date(2026, 3, 31), date(2026, 8, 19), date(2026, 12, 31)):
            with portal.page(ws, acc) as at:
                view = portal.room_view(ws, acc, on, at=at)
                mh = portal.month_hours(ws, acc, month(on.year, on.month), at=at)
            assert view.room == room(ws, code, on)
            assert mh.doc == hours(ws, code, month(on.year, on.month), made_on=None)
            assert mh.doc.lines and view.room is not None and view.room.year.total > Decimal("100.00")


def test_plain_km_is_what_the_summed_path_can_price() -> None:
    """The summed path prices km texts of plain decimal notation (the distinct texts are
    tested in Python, not every entry in SQL); anything else goes one by one."""
    from vergoeding.store.sums import plain_km

    assert [k for k in ("0", "10", "1.5", ".5", "5.", "007", "12.25") if plain_km(k)] == [
        "0", "10", "1.5", ".5", "5.", "007", "12.25"]
    assert [k for k in ("", ".", "1E+1", "1,5", "1.2.3", " 1", "1 ", "-1", "+1", "\u0663", "1\n") if plain_km(k)] == []
