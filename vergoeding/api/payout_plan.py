"""The payout's plan as a typed value: what a payout pays, to whom, with which figures, made
by small named steps once the lines are chosen (``api/payout.build_snapshot``).

:class:`PayoutPlan` is what the documents show; :meth:`PayoutPlan.snapshot` writes it in the
stored snapshot format (JSON-able, amounts as text), which is unchanged: a payout recorded
before this module existed reprints byte for byte, and the renderers read the same keys.

Steps, in order: the paid lines are frozen (:func:`freeze_lines`), one transfer per expert
with something to pay (:func:`transfers`), per paid expert what was paid this year and what
of it counts towards the caps (:func:`year_to_date`) and the room left under the caps
(:func:`cap_room`), the rows of the overview (:func:`plan_line`), and the plan
(:func:`make_plan`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry
from vergoeding.core.findings import Finding
from vergoeding.core.money import ZERO, money_sum
from vergoeding.core.payout import ROUTE, Held, PaidLine, freeze
from vergoeding.core.period import Period
from vergoeding.core.room import room_on
from vergoeding.core.work import Expert, Organisation
from vergoeding.documents.statement import EarlierMonth, RoomText
from vergoeding.store.payouts import FollowUp


@dataclass(frozen=True)
class PlanLine:
    """One row of the overview: a paid line (with ``paid``) or a line that goes another route."""

    priced: PricedEntry
    paid: PaidLine | None
    expert_name: str

    def as_dict(self) -> dict[str, Any]:
        p, ln, e = self.priced, self.paid, self.priced.entry
        return {
            "entry_id": e.id, "expert": p.engagement.expert_code, "expert_name": self.expert_name,
            "engagement": p.engagement.code, "role": p.engagement.role, "regime": p.regime.value,
            "regime_label": p.regime.label, "route": ROUTE[p.regime], "work_date": e.work_date.isoformat(),
            "activity": e.activity, "unit": p.unit.value, "quantity": str(p.quantity.quantize(Decimal("0.01"))),
            "minutes": e.minutes, "unit_price": str(p.expert_unit_price), "fee": str(p.fee), "travel": str(p.travel),
            "km": f"{e.km.normalize():f}", "km_rate": "" if ln is None or ln.km_rate is None else str(ln.km_rate),
            "expenses_fixed": str(p.expenses_fixed), "expenses_receipt": str(p.expenses_receipt),
            "inkind": str(p.inkind), "payable": str(p.payable), "cap_amount": str(p.cap_amount),
            "late": bool(ln.late) if ln is not None else False, "correction_of": e.correction_of,
        }


@dataclass(frozen=True)
class Transfer:
    expert: str
    name: str
    iban: str
    amount: Decimal
    description: str
    endtoend_id: str

    invoice: str = ""  # an expert invoice paid by this transfer (its number is the remittance)

    def as_dict(self) -> dict[str, Any]:
        out = {"expert": self.expert, "name": self.name, "iban": self.iban, "amount": str(self.amount),
               "description": self.description, "endtoend_id": self.endtoend_id}
        return {**out, "invoice": self.invoice} if self.invoice else out


@dataclass(frozen=True)
class InvoicePayment:
    """An expert invoice (received and approved, or self-billed) paid in the batch."""

    id: int
    number: str
    expert: str
    name: str
    issue_date: date | None
    self_billed: bool
    amount: Decimal
    endtoend_id: str
    origin: str  # as stored (core.invoice.ORIGINS): received, self_billed or prepared

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "expert": self.expert, "name": self.name,
                "issue_date": self.issue_date.isoformat() if self.issue_date else "",
                "self_billed": self.self_billed, "amount": str(self.amount), "endtoend_id": self.endtoend_id,
                "origin": self.origin}


@dataclass(frozen=True)
class YearToDate:
    """Paid this year (earlier payouts and this one) per regime without the receipts, the
    receipts and in kind apart, and what of it counts towards the caps (the paid part of
    ``vergoeding room``)."""

    by_regime: dict[str, Decimal]
    receipts: Decimal
    inkind: Decimal
    paid_counted: Decimal
    receipts_counted: Decimal
    inkind_counted: Decimal
    counted_labels: frozenset[str]


@dataclass(frozen=True)
class ExpertRow:
    code: str
    name: str
    address: tuple[str, ...]
    iban_tail: str
    year: int
    ytd: YearToDate
    room: RoomText | None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "address": list(self.address), "iban_tail": self.iban_tail,
                "year": self.year,
                "ytd": [{"regime_label": k, "amount": str(v)} for k, v in sorted(self.ytd.by_regime.items())],
                "ytd_receipts": str(self.ytd.receipts), "ytd_inkind": str(self.ytd.inkind),
                "room": None if self.room is None else self.room.snapshot()}


@dataclass(frozen=True)
class Payer:
    """Our organisation as the payout's documents show it."""

    name: str
    address: tuple[str, ...]
    iban: str
    bic: str
    phone: str
    email: str

    @classmethod
    def of(cls, own: Organisation) -> Payer:
        return cls(own.name, tuple(own.address.lines()), (own.iban or "").replace(" ", ""), own.bic or "",
                   getattr(own, "phone", None) or "", own.contact_email or "")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "address": list(self.address), "iban": self.iban, "bic": self.bic,
                "phone": self.phone, "email": self.email}


@dataclass(frozen=True)
class PayoutPlan:
    number: str
    period: str
    created: datetime
    execution_date: date
    sepa_version: str
    msg_id: str
    override_reason: str | None
    override_experts: tuple[str, ...]
    expert_only: str | None
    organisation: Payer
    lines: tuple[PlanLine, ...]
    experts: tuple[ExpertRow, ...]
    transfers: tuple[Transfer, ...]
    held: tuple[Held, ...]
    findings: tuple[Finding, ...]
    paid_lines: tuple[PaidLine, ...] = field(repr=False, default=())
    invoices: tuple[InvoicePayment, ...] = ()
    sepa_created: str = ""  # CreDtTm: local time with offset (api/payout.sepa_timestamp)

    @property
    def total(self) -> Decimal:
        return money_sum(t.amount for t in self.transfers)

    def snapshot(self) -> dict[str, Any]:
        """The stored format (version 2): what ``store.payouts`` keeps and every renderer reads."""
        return {
            "version": 2, "number": self.number, "period": self.period, "created": self.created.isoformat(),
            **({"sepa_created": self.sepa_created} if self.sepa_created else {}),
            "execution_date": self.execution_date.isoformat(), "sepa_version": self.sepa_version,
            "msg_id": self.msg_id, "override_reason": self.override_reason,
            "override_experts": list(self.override_experts), "expert_only": self.expert_only,
            "organisation": self.organisation.as_dict(), "lines": [ln.as_dict() for ln in self.lines],
            "experts": [x.as_dict() for x in self.experts], "transfers": [t.as_dict() for t in self.transfers],
            "held": [{"expert": h.expert, "name": h.name, "reason": h.reason} for h in self.held],
            "findings": [f.as_dict() for f in self.findings], "total": str(self.total),
            "invoices": [i.as_dict() for i in self.invoices],
        }


# ---------------------------------------------------------------------------- the steps


def fiscal_figures(ws: Workspace, day: date, cache: dict[date, dict[str, str]]) -> dict[str, str]:
    """The fiscal figures valid on ``day``, as text (kept with every paid line)."""
    if day not in cache:
        lim = ws.limits.for_day(day)

        def text(f: Any) -> str:  # "" for a figure not published yet (the check was skipped)
            return "" if f is None else str(f.amount)

        cache[day] = {
            "jaar_grenzen": str(day.year), "km_allowance": str(lim.figure("km_allowance", day).amount),
            "maandgrens": str(lim.figure("volunteer_month", day).amount),
            "jaargrens": str(lim.figure("volunteer_year", day).amount),
            "grenzen_bevestigd": "ja" if lim.volunteer_month.confirmed and lim.volunteer_year.confirmed else "nee",
            # what the checks compared with: 'check --year' compares them with later figures
            "uur_21_plus": text(lim.get("volunteer_hour_21_plus", day)),
            "uur_onder_21": text(lim.get("volunteer_hour_under_21", day)),
            "minimumloon": text(lim.minimum_wage_on(day) if lim.minimum_wage_gap(day) is None else None),
        }
    return cache[day]


def freeze_lines(ws: Workspace, paid: Sequence[PricedEntry], period: Period) -> list[PaidLine]:
    """What every paid line keeps as paid (amounts, rate, the fiscal figures of its day)."""
    cache: dict[date, dict[str, str]] = {}
    return [freeze(p, period, fiscal_figures(ws, p.entry.work_date, cache), ws.limits.version(p.entry.work_date.year))
            for p in paid]


def message_id(number: str, created: datetime) -> str:
    digest = hashlib.sha256(f"{number}|{created.isoformat()}".encode()).hexdigest()[:10]
    return f"VERG-{number}-{digest}"[:35]


def by_expert(paid_lines: Sequence[PaidLine]) -> dict[str, list[PaidLine]]:
    out: dict[str, list[PaidLine]] = {}
    for ln in paid_lines:
        out.setdefault(ln.expert, []).append(ln)
    return out


def transfers(lines_of: Mapping[str, Sequence[PaidLine]], experts: Mapping[str, Expert], own: Organisation,
              label: str, number: str) -> tuple[Transfer, ...]:
    """One transfer per expert with something to pay, in code order."""
    out = []
    for code, lines in sorted(lines_of.items()):
        amount = money_sum(ln.payable for ln in lines)
        if amount > ZERO:
            ex = experts[code]
            out.append(Transfer(code, ex.name, (ex.iban or "").replace(" ", "").upper(), amount,
                                f"Vergoeding {label} {own.name}"[:140], f"{number}-{code}"[:35]))
    return tuple(out)


def year_to_date(mine: Sequence[PaidLine], paid_earlier: Sequence[PaidLine], year: int,
                 last_day: date) -> YearToDate:
    """This year's paid lines of one expert (``paid_earlier``: earlier payouts, ``mine``: this one)."""
    ytd: dict[str, Decimal] = {}
    receipts = inkind = paid_counted = receipts_counted = inkind_counted = ZERO
    labels: set[str] = set()
    for pl in [*paid_earlier, *mine]:
        if pl.work_date.year != year:
            continue
        ytd[pl.regime.label] = ytd.get(pl.regime.label, ZERO) + pl.payable - pl.expenses_receipt
        receipts += pl.expenses_receipt
        inkind += pl.inkind
        if pl.regime in CAPPED_REGIMES and pl.work_date <= last_day:
            paid_counted += pl.cap_amount
            inkind_counted += pl.inkind
            receipts_counted += pl.cap_amount - (pl.fee + pl.travel + pl.expenses_fixed + pl.inkind)
            labels.add(pl.regime.label)
    return YearToDate(ytd, receipts, inkind, paid_counted, receipts_counted, inkind_counted, frozenset(labels))


def cap_room(ws: Workspace, code: str, mine: Sequence[PaidLine], ytd: YearToDate, priced_year: Sequence[PricedEntry],
             declarations: Any, period: Period) -> RoomText | None:
    """None without capped lines, or without the figures of the period's year (its own
    lines are then held: no price)."""
    year = period.last_day.year
    if not any(ln.regime in CAPPED_REGIMES for ln in mine) or year not in ws.limits.years:
        return None
    r = room_on(code, list(priced_year), declarations, ws.limits, period.last_day)
    return RoomText(
        month_label=r.month.label, month_limit=r.month.limit.amount,
        month_left=ZERO if r.earlier else r.month.left, month_over=r.month.over,
        year_label=r.year.label, year_limit=r.year.limit.amount, year_left=ZERO if r.earlier else r.year.left,
        year_over=r.year.over, confirmed=r.month.limit.confirmed and r.year.limit.confirmed,
        year_counted=r.year.counted, year_declared=r.year.declared,
        month_counted=r.month.counted + r.month.declared, year_paid_counted=ytd.paid_counted,
        year_inkind_counted=ytd.inkind_counted, year_receipts_counted=ytd.receipts_counted,
        year_counted_labels=tuple(sorted({ln.regime.label for ln in mine if ln.regime in CAPPED_REGIMES}
                                         | ytd.counted_labels)),
        earlier=tuple(EarlierMonth(c.label, c.limit.amount, c.over) for c in r.earlier))


def expert_rows(ws: Workspace, lines_of: Mapping[str, Sequence[PaidLine]], experts: Mapping[str, Expert],
                paid_this_year: Sequence[PaidLine], priced_year: Sequence[PricedEntry], declarations: Any,
                period: Period) -> tuple[ExpertRow, ...]:
    """Per paid expert (code order): address, this year so far and the room under the caps."""
    year = period.last_day.year
    year_of: dict[str, list[PricedEntry]] = {}
    for p in priced_year:
        year_of.setdefault(p.engagement.expert_code, []).append(p)
    earlier_of: dict[str, list[PaidLine]] = {}
    for pl in paid_this_year:
        earlier_of.setdefault(pl.expert, []).append(pl)
    out = []
    for code in sorted(lines_of):
        ex, mine = experts[code], lines_of[code]
        ytd = year_to_date(mine, earlier_of.get(code, []), year, period.last_day)
        out.append(ExpertRow(code, ex.name, tuple(ex.address.lines()), (ex.iban or "")[-4:], year, ytd,
                             cap_room(ws, code, mine, ytd, year_of.get(code, []), declarations, period)))
    return tuple(out)


def make_plan(ws: Workspace, *, number: str, label: str, period: Period, created: datetime, execution_date: date,
              sepa_version: str, override_reason: str | None, overridden: tuple[str, ...], expert_only: str | None,
              own: Organisation, experts: Mapping[str, Expert], names: Mapping[str, str],
              paid: Sequence[PricedEntry], other_route: Sequence[PricedEntry], held: tuple[Held, ...],
              findings: Sequence[Finding], paid_this_year: Sequence[PaidLine], priced_year: Sequence[PricedEntry],
              declarations: Any, invoices: Sequence[Any] = (), follow: FollowUp | None = None) -> PayoutPlan:
    """The plan of a payout whose lines are chosen: ``paid`` are paid, ``other_route`` are
    shown (invoice or payroll lines of the period), ``held`` wait for the next payout."""
    paid_lines = freeze_lines(ws, paid, period)
    if follow is not None:  # a follow-up: what the period's earlier payout did not pay is late
        paid_lines = [replace(ln, late=True) if follow.late(ln.expert) else ln for ln in paid_lines]
    frozen = {ln.entry_id: ln for ln in paid_lines}
    lines_of = by_expert(paid_lines)
    # expert invoices: one transfer each, the invoice number as the remittance information
    pays = tuple(InvoicePayment(s.id, s.label, s.invoice.supplier.code, experts[s.invoice.supplier.code].name,
                                s.issue_date, s.invoice.self_billed, s.invoice.totals.total, f"{number}-F{s.id}"[:35],
                                s.origin)
                 for s in invoices)
    invoice_transfers = tuple(
        Transfer(i.expert, i.name, (experts[i.expert].iban or "").replace(" ", "").upper(), i.amount,
                 f"Factuur {i.number}"[:140], i.endtoend_id, i.number) for i in pays)
    return PayoutPlan(
        number=number, period=label, created=created, execution_date=execution_date, sepa_version=sepa_version,
        msg_id=message_id(number, created), override_reason=override_reason if overridden else None,
        override_experts=overridden, expert_only=expert_only, organisation=Payer.of(own),
        lines=tuple(PlanLine(p, frozen.get(p.entry.id), names[p.engagement.expert_code])
                    for p in [*paid, *other_route]),
        experts=expert_rows(ws, lines_of, experts, paid_this_year, priced_year, declarations, period),
        transfers=transfers(lines_of, experts, own, label, number) + invoice_transfers, held=held,
        findings=tuple(findings), paid_lines=tuple(paid_lines), invoices=pays)
