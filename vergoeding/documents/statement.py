"""The payout statement for the expert, as data: what you get this time, in plain Dutch, with
the room left under the volunteer caps (the year statement, the jaaropgave, is
:mod:`vergoeding.documents.year_statement`; it shares :func:`correction_words` and
:class:`RegimeAmount` from here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.caps_story import CapsFigures, CapsStory, EarlierOver, tell
from vergoeding.core.money import D, money_sum
from vergoeding.core.nl import period
from vergoeding.documents.payout import Line, overview_from_snapshot


def period_words(label: str) -> str:
    """``2026-11`` -> "november 2026", ``2026-Q4`` -> "het 4e kwartaal van 2026", ``2026`` -> "2026"
    (the shared period wording, with a quarter as a sentence says it)."""
    year, _, rest = label.partition("-")
    if rest[:1].upper() == "Q" and "-" not in rest:
        return f"het {rest[1:]}e kwartaal van {year}"
    return period(label)


@dataclass(frozen=True)
class RoomText:
    """The room under the month and year caps on the payout period's last day, as the plan
    makes it (``api/payout_plan.cap_room``: every figure set; an earlier month of the year
    over its cap leaves none at all) and as the statement reads it back from the snapshot
    (:meth:`snapshot` writes it, :func:`_room` reads it; older payouts lack a few figures)."""

    month_label: str
    month_limit: Decimal
    month_left: Decimal
    month_over: Decimal
    year_label: str
    year_limit: Decimal
    year_left: Decimal
    year_over: Decimal
    confirmed: bool
    year_counted: Decimal  # what counts towards the year cap: the figure of 'vergoeding room'
    year_declared: Decimal  # of that, declared from other organisations
    earlier: tuple[EarlierMonth, ...] = ()  # earlier months of the year over the month cap
    # of ``year_counted``: what is paid (None in payouts made before this was kept), and of
    # that the in-kind items and the receipts
    year_paid_counted: Decimal | None = None
    year_inkind_counted: Decimal = Decimal("0.00")
    year_receipts_counted: Decimal = Decimal("0.00")
    year_counted_labels: tuple[str, ...] = ()
    month_counted: Decimal | None = None  # counted + declared in the month (None in older payouts)

    def snapshot(self) -> dict[str, Any]:
        """The room as the payout's snapshot keeps it (amounts as text); :func:`_room` reads it."""
        out: dict[str, Any] = {
            "month_label": self.month_label, "month_limit": str(self.month_limit),
            "month_left": str(self.month_left), "month_over": str(self.month_over),
            "year_label": self.year_label, "year_limit": str(self.year_limit), "year_left": str(self.year_left),
            "year_over": str(self.year_over), "confirmed": self.confirmed, "year_counted": str(self.year_counted),
            "year_declared": str(self.year_declared)}
        if self.month_counted is not None:
            out["month_counted"] = str(self.month_counted)
        if self.year_paid_counted is not None:
            out["year_paid_counted"] = str(self.year_paid_counted)
        out |= {"year_inkind_counted": str(self.year_inkind_counted),
                "year_receipts_counted": str(self.year_receipts_counted),
                "year_counted_labels": list(self.year_counted_labels)}
        if self.earlier:
            out["earlier"] = [{"label": c.label, "limit": str(c.limit), "over": str(c.over)} for c in self.earlier]
        return out

    @property
    def year_unpaid_counted(self) -> Decimal:
        """Work of the year that counts but is not paid (yet): held, open, not approved."""
        return self.year_counted - (self.year_paid_counted or Decimal("0.00"))

    @property
    def month_words(self) -> str:
        return period_words(self.month_label)

    @property
    def over(self) -> bool:
        """Over a cap this year: then nothing of the year's allowance is tax-free."""
        return self.story.crossed

    @property
    def story(self) -> CapsStory:
        """What the letter tells about the caps (core/caps_story.py: the same words as the
        year statement, 'vergoeding room' and the portal)."""
        # the totals: counted + declared; a snapshot zeroes the left room after an earlier month
        # over the cap, but then the story is "crossed" whatever the month and year totals say
        month_total = (self.month_counted if self.month_counted is not None
                       else self.month_limit - self.month_left + self.month_over)
        return tell(CapsFigures(
            self.month_label, self.month_limit, month_total, self.year_label, self.year_limit,
            self.year_counted + self.year_declared,
            tuple(EarlierOver(m.label, m.limit, m.over) for m in self.earlier), self.confirmed,
            self.year_counted_labels or ("Vrijwilligersvergoeding",)))


@dataclass(frozen=True)
class EarlierMonth:
    label: str  # "2026-11"
    limit: Decimal
    over: Decimal

    @property
    def words(self) -> str:
        return period_words(self.label)


@dataclass(frozen=True)
class RegimeAmount:
    regime_label: str
    amount: Decimal


@dataclass(frozen=True)
class KindTotals:
    """The amounts of a statement per kind (sums of the rounded lines)."""

    fee: Decimal  # the allowance / fee for the work
    travel: Decimal  # km x rate
    expenses_fixed: Decimal  # fixed costs without receipts
    expenses_receipt: Decimal  # costs paid back against receipts
    inkind: Decimal  # given in kind, not transferred


@dataclass(frozen=True)
class PayoutStatement:
    organisation: str
    organisation_address: tuple[str, ...]
    organisation_phone: str
    organisation_email: str
    number: str
    period: str
    execution_date: date
    code: str
    name: str
    address: tuple[str, ...]
    iban_tail: str
    lines: tuple[Line, ...]
    payable: Decimal
    totals: KindTotals
    minutes: int
    by_regime: tuple[RegimeAmount, ...]  # per regime, without the receipts
    year: int
    year_to_date: tuple[RegimeAmount, ...]  # paid this year, this payout included
    room: RoomText | None
    via_invoice: bool
    year_receipts: Decimal = Decimal("0.00")  # receipts paid back this year (not in year_to_date)
    year_inkind: Decimal = Decimal("0.00")  # given in kind this year

    @property
    def inkind(self) -> Decimal:
        return self.totals.inkind

    @property
    def period_text(self) -> str:
        return period_words(self.period)

    def what(self, ln: Line) -> str:
        """What a line was for, in words: a correction by the date and the work it corrects
        ("correctie van uw werk als adviseur op 03-11-2026: reden"), not by a line number."""
        return correction_words(ln.activity, ln.role) if ln.activity else ln.role

    @property
    def rounded(self) -> bool:
        """A line's amount differs from time (or count) x rate before rounding to the cent: the
        letter then says in one sentence that every line is rounded."""
        return any(_exact(ln) not in (None, ln.fee) for ln in self.lines)

    @property
    def regime_rows(self) -> tuple[RegimeRow, ...]:
        """Per regime: paid this time and this year so far (one table on the letter)."""
        now = {r.regime_label: r.amount for r in self.by_regime}
        year = {r.regime_label: r.amount for r in self.year_to_date}
        zero = Decimal("0.00")
        return tuple(RegimeRow(k, now.get(k, zero), year.get(k, zero)) for k in sorted(now.keys() | year.keys()))

    def regime_name(self, regime_label: str) -> str:
        """A regime as this letter calls it: after a crossed cap the volunteer allowance is
        wages, and is not called "vrijwilligersvergoeding" (core/caps_story.py)."""
        return self.room.story.name_of(regime_label) if self.room else regime_label

    @property
    def late_lines(self) -> int:
        return sum(1 for ln in self.lines if ln.late)

    @property
    def receipts_counted(self) -> Decimal:
        """The part of the receipts that counts towards the volunteer caps (what the lines
        counted beyond the allowance, travel, fixed costs and gifts in kind)."""
        t = self.totals
        return money_sum(ln.cap_amount for ln in self.lines) - (t.fee + t.travel + t.expenses_fixed + t.inkind)

    @property
    def filename(self) -> str:
        return f"specificatie-{self.number or self.period}-{self.code}.pdf"


@dataclass(frozen=True)
class RegimeRow:
    label: str
    now: Decimal
    year: Decimal


_CORRECTION = re.compile(r"^correctie op regel \d+ van (\d{2}-\d{2}-\d{4})(?::\s*(.*))?$", re.DOTALL)


def correction_words(activity: str, role: str) -> str:
    """A correction line as an expert reads it: by the date and the work, never by our line
    number ("correctie op regel 13 van 03-11-2026: x" -> "correctie van uw werk als adviseur
    op 03-11-2026: x"). Other activities as they are."""
    m = _CORRECTION.match(activity)
    if not m:
        return activity
    work = f"uw werk als {role.lower()}" if role else "uw werk"
    return f"correctie van {work} op {m.group(1)}" + (f": {m.group(2)}" if m.group(2) else "")


def _exact(ln: Line) -> Decimal | None:
    """Time or count x rate before rounding, or None when the line has no unit price."""
    if not ln.unit_price:
        return None
    if ln.unit == "uur" and ln.minutes:
        return Decimal(ln.minutes) * ln.unit_price / 60
    if ln.unit != "uur" and ln.quantity:
        return ln.quantity * ln.unit_price
    return None


def _room(d: dict[str, Any] | None) -> RoomText | None:
    if not d:
        return None
    return RoomText(d["month_label"], D(d["month_limit"]), D(d["month_left"]), D(d["month_over"]),
                    d["year_label"], D(d["year_limit"]), D(d["year_left"]), D(d["year_over"]), bool(d["confirmed"]),
                    D(d.get("year_counted") or "0"), D(d.get("year_declared") or "0"),
                    tuple(EarlierMonth(m["label"], D(m["limit"]), D(m["over"])) for m in d.get("earlier", ())),
                    D(d["year_paid_counted"]) if "year_paid_counted" in d else None,
                    D(d.get("year_inkind_counted") or "0"), D(d.get("year_receipts_counted") or "0"),
                    tuple(d.get("year_counted_labels") or ()),
                    D(d["month_counted"]) if "month_counted" in d else None)


def kind_totals(lines: tuple[Line, ...]) -> KindTotals:
    return KindTotals(money_sum(ln.fee for ln in lines), money_sum(ln.travel for ln in lines),
                      money_sum(ln.expenses_fixed for ln in lines), money_sum(ln.expenses_receipt for ln in lines),
                      money_sum(ln.inkind for ln in lines))


def statements_from_snapshot(snap: dict[str, Any]) -> list[PayoutStatement]:
    """One statement per expert who receives a transfer in this payout."""
    ov = overview_from_snapshot(snap)
    org = snap["organisation"]
    by_expert: dict[str, list[Line]] = {}
    for ln in ov.lines:  # one pass (500 experts x 50,000 lines was 25 million comparisons)
        if ln.route == "sepa":
            by_expert.setdefault(ln.expert, []).append(ln)
    out = []
    for e in snap["experts"]:
        lines = tuple(by_expert.get(e["code"], ()))
        if not lines:
            continue
        regimes: dict[str, Decimal] = {}
        for ln in lines:
            regimes[ln.regime_label] = regimes.get(ln.regime_label, Decimal("0.00")) + ln.payable - ln.expenses_receipt
        payable = money_sum(ln.payable for ln in lines)
        if payable <= 0:
            continue
        out.append(PayoutStatement(
            organisation=org["name"], organisation_address=tuple(org["address"]),
            organisation_phone=org.get("phone") or "", organisation_email=org.get("email") or "",
            number=ov.number, period=ov.period, execution_date=ov.execution_date, code=e["code"], name=e["name"],
            address=tuple(e["address"]), iban_tail=e["iban_tail"], lines=lines, payable=payable,
            totals=kind_totals(lines), minutes=sum(ln.minutes for ln in lines if ln.unit == "uur"),
            by_regime=tuple(RegimeAmount(k, v) for k, v in sorted(regimes.items())),
            year=int(e["year"]), year_to_date=tuple(RegimeAmount(r["regime_label"], D(r["amount"])) for r in e["ytd"]),
            room=_room(e.get("room")), via_invoice=False, year_receipts=D(e.get("ytd_receipts") or "0"),
            year_inkind=D(e.get("ytd_inkind") or "0")))
    return out
