"""The payment overview as data, built from a payout's JSON snapshot (so a reprint gives the
same document). A model only: the workbook and the PDFs are written in ``render/payout.py``.

Routes: ``sepa`` (vrijwilliger, vacatiegeld, particulier: in the SEPA batch), ``factuur``
(zzp: paid against the expert's invoice, listed for information), ``salaris`` (loondienst:
hours for the payroll system only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vergoeding.core.invoice import ORIGIN_WORDS
from vergoeding.core.money import D, money_sum
from vergoeding.core.payout import Held

ROUTE_LABELS = {"sepa": "overboeking (SEPA)", "factuur": "via factuur", "salaris": "salarisadministratie"}


@dataclass(frozen=True)
class Line:
    entry_id: int
    expert: str
    expert_name: str
    engagement: str
    role: str
    regime: str
    regime_label: str
    route: str
    work_date: date
    activity: str
    unit: str
    quantity: Decimal
    minutes: int
    unit_price: Decimal
    fee: Decimal
    travel: Decimal
    expenses_fixed: Decimal
    expenses_receipt: Decimal
    inkind: Decimal
    payable: Decimal
    cap_amount: Decimal
    km: Decimal = Decimal(0)
    km_rate: Decimal | None = None
    late: bool = False  # dated before the payout's period (approved late, or a correction)


@dataclass(frozen=True)
class ExpertSummary:
    code: str
    name: str
    regime: str
    regime_label: str
    route: str
    minutes: int
    fee: Decimal
    travel: Decimal
    expenses: Decimal
    inkind: Decimal
    payable: Decimal
    # What was done in other units than hours, per unit: (("bijeenkomst", 2),). A council
    # member paid per meeting has no paid hours; the overview counts her meetings instead.
    counts: tuple[tuple[str, Decimal], ...] = ()

    def count(self, unit: str) -> Decimal:
        return sum((q for u, q in self.counts if u == unit), Decimal(0))


# Units counted on the overview besides hours ("vast", a fixed monthly amount, has no count).
COUNTED_UNITS = ("bijeenkomst", "sessie", "dag")


def unit_counts(lines: Iterable[Any]) -> tuple[tuple[str, Decimal], ...]:
    """The quantities of ``lines`` per counted unit, in :data:`COUNTED_UNITS` order."""
    sums: dict[str, Decimal] = {}
    for ln in lines:
        if ln.unit in COUNTED_UNITS:
            sums[ln.unit] = sums.get(ln.unit, Decimal(0)) + ln.quantity
    return tuple((u, sums[u]) for u in COUNTED_UNITS if u in sums)


@dataclass(frozen=True)
class FindingRow:
    severity: str
    rule: str
    expert: str
    engagement: str
    period: str
    message: str
    advice: str
    limit: str
    limit_year: str
    confirmed: str


@dataclass(frozen=True)
class PayoutOverview:
    organisation: str
    period: str
    created: datetime
    execution_date: date
    msg_id: str
    override_reason: str | None
    lines: tuple[Line, ...]
    summary: tuple[ExpertSummary, ...]
    findings: tuple[FindingRow, ...]
    number: str = ""
    held: tuple[Held, ...] = ()
    override_experts: tuple[str, ...] = ()
    invoices: tuple[InvoiceRow, ...] = ()  # expert invoices paid in this batch (one transfer each)

    @property
    def total_sepa(self) -> Decimal:
        return (money_sum(s.payable for s in self.summary if s.route == "sepa")
                + money_sum(i.amount for i in self.invoices))

    @property
    def n_transfers(self) -> int:
        per_expert: dict[str, Decimal] = {}
        for s in self.summary:
            if s.route == "sepa":
                per_expert[s.code] = per_expert.get(s.code, Decimal(0)) + s.payable
        return sum(1 for v in per_expert.values() if v > 0) + len(self.invoices)


@dataclass(frozen=True)
class InvoiceRow:
    number: str
    expert: str
    name: str
    issue_date: date | None
    self_billed: bool
    amount: Decimal
    origin: str = ""  # as stored; see kind

    @property
    def kind(self) -> str:
        """What the overview prints in "Soort": the stored origin. A snapshot of a payout made
        before the origin was kept has none: it reprints what it printed then."""
        if self.origin:
            return ORIGIN_WORDS[self.origin]
        return "zelffacturering" if self.self_billed else "ontvangen"


def _line(d: dict[str, Any]) -> Line:
    return Line(
        entry_id=int(d["entry_id"]), expert=d["expert"], expert_name=d["expert_name"], engagement=d["engagement"],
        role=d["role"], regime=d["regime"], regime_label=d["regime_label"], route=d["route"],
        work_date=date.fromisoformat(d["work_date"]), activity=d["activity"], unit=d["unit"],
        quantity=D(d["quantity"]), minutes=int(d["minutes"]), unit_price=D(d["unit_price"]), fee=D(d["fee"]),
        travel=D(d["travel"]), expenses_fixed=D(d["expenses_fixed"]), expenses_receipt=D(d["expenses_receipt"]),
        inkind=D(d["inkind"]), payable=D(d["payable"]), cap_amount=D(d["cap_amount"]),
        km=D(d.get("km") or "0"), km_rate=D(d["km_rate"]) if d.get("km_rate") else None, late=bool(d.get("late")))


def summarise(lines: tuple[Line, ...]) -> tuple[ExpertSummary, ...]:
    """One row per expert and regime (sums of rounded lines)."""
    groups: dict[tuple[str, str], list[Line]] = {}
    for ln in lines:
        groups.setdefault((ln.expert, ln.regime), []).append(ln)
    out = []
    for (code, regime), items in sorted(groups.items(), key=lambda kv: kv[0]):
        first = items[0]
        out.append(ExpertSummary(
            code, first.expert_name, regime, first.regime_label, first.route,
            sum(ln.minutes for ln in items if ln.unit == "uur"),
            money_sum(ln.fee for ln in items), money_sum(ln.travel for ln in items),
            money_sum(ln.expenses_fixed + ln.expenses_receipt for ln in items),
            money_sum(ln.inkind for ln in items), money_sum(ln.payable for ln in items), unit_counts(items)))
    return tuple(out)


def held_from_snapshot(snap: dict[str, Any]) -> tuple[Held, ...]:
    """Who the payout held and why, as its snapshot keeps it (``PayoutPlan.snapshot``)."""
    return tuple(Held(h["expert"], h["name"], h["reason"]) for h in snap.get("held", ()))


def overview_from_snapshot(snap: dict[str, Any]) -> PayoutOverview:
    lines = tuple(_line(d) for d in snap["lines"])
    findings = tuple(FindingRow(
        f["severity"], f["rule"], f.get("expert") or "", f.get("engagement") or "", f.get("period") or "",
        f["message"], f.get("advice") or "", f.get("limit") or "",
        "" if f.get("limit_year") is None else str(f["limit_year"]),
        "" if f.get("limit_confirmed") is None else ("ja" if f["limit_confirmed"] else "NEE"),
    ) for f in snap["findings"])
    return PayoutOverview(
        organisation=snap["organisation"]["name"], period=snap["period"],
        created=datetime.fromisoformat(snap["created"]), execution_date=date.fromisoformat(snap["execution_date"]),
        msg_id=snap["msg_id"], override_reason=snap.get("override_reason"), lines=lines,
        summary=summarise(lines), findings=findings, number=snap.get("number", snap["period"]),
        held=held_from_snapshot(snap),
        override_experts=tuple(snap.get("override_experts", ())),
        invoices=tuple(InvoiceRow(i["number"], i["expert"], i["name"],
                                  date.fromisoformat(i["issue_date"]) if i.get("issue_date") else None,
                                  bool(i.get("self_billed")), D(i["amount"]), i.get("origin", ""))
                       for i in snap.get("invoices", ())))


# The overview on paper lists every line and every expert up to these numbers; a larger
# payout (a network pays 50,000 lines a month) would make a PDF of thousands of pages whose
# layout costs gigabytes. Above them the PDF gives the totals per regime and refers to the
# workbook, which always holds every line (issue 20, item 7).
PDF_LINES_MAX = 1000
PDF_SUMMARY_MAX = 500


def overview_context(ov: PayoutOverview) -> dict[str, Any]:
    per_regime: dict[tuple[str, str], list[Any]] = {}
    for s in ov.summary:
        per_regime.setdefault((s.regime_label, s.route), []).append(s)
    regimes = [{"regime_label": label, "route": route, "experts": len({s.code for s in rows}),
                "minutes": sum(s.minutes for s in rows), "fee": money_sum(s.fee for s in rows),
                "counts": tuple((u, sum((s.count(u) for s in rows), Decimal(0))) for u in COUNTED_UNITS
                                if any(s.count(u) for s in rows)),
                "travel": money_sum(s.travel for s in rows), "expenses": money_sum(s.expenses for s in rows),
                "inkind": money_sum(s.inkind for s in rows), "payable": money_sum(s.payable for s in rows)}
               for (label, route), rows in sorted(per_regime.items())]
    return {"ov": ov, "route_labels": ROUTE_LABELS, "title": f"Uitbetaling {ov.number or ov.period}",
            "lines_on_paper": len(ov.lines) <= PDF_LINES_MAX, "summary_on_paper": len(ov.summary) <= PDF_SUMMARY_MAX,
            "per_regime": regimes, "workbook": f"uitbetaling-{ov.number or ov.period}.xlsx"}
