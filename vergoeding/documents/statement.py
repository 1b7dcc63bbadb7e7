"""Statements for the expert, as data: the payout statement (what you get this time, in
plain Dutch) and the year statement (jaaropgave: per month what was paid under which
regime, to hand to the municipality or UWV)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.money import D, money_sum
from vergoeding.documents.payout import Line, overview_from_snapshot


@dataclass(frozen=True)
class RoomText:
    month_label: str
    month_limit: Decimal
    month_left: Decimal
    month_over: Decimal
    year_label: str
    year_limit: Decimal
    year_left: Decimal
    year_over: Decimal
    confirmed: bool


@dataclass(frozen=True)
class RegimeAmount:
    regime_label: str
    amount: Decimal


@dataclass(frozen=True)
class PayoutStatement:
    organisation: str
    organisation_address: tuple[str, ...]
    period: str
    execution_date: date
    code: str
    name: str
    address: tuple[str, ...]
    iban_tail: str
    lines: tuple[Line, ...]
    payable: Decimal
    inkind: Decimal
    minutes: int
    by_regime: tuple[RegimeAmount, ...]
    year: int
    year_to_date: tuple[RegimeAmount, ...]
    room: RoomText | None
    via_invoice: bool

    @property
    def filename(self) -> str:
        return f"specificatie-{self.period}-{self.code}.pdf"


def _room(d: dict[str, Any] | None) -> RoomText | None:
    if not d:
        return None
    return RoomText(d["month_label"], D(d["month_limit"]), D(d["month_left"]), D(d["month_over"]),
                    d["year_label"], D(d["year_limit"]), D(d["year_left"]), D(d["year_over"]), bool(d["confirmed"]))


def statements_from_snapshot(snap: dict[str, Any]) -> list[PayoutStatement]:
    """One statement per expert who receives a transfer in this payout."""
    ov = overview_from_snapshot(snap)
    org = snap["organisation"]
    out = []
    for e in snap["experts"]:
        lines = tuple(ln for ln in ov.lines if ln.expert == e["code"] and ln.route == "sepa")
        if not lines:
            continue
        regimes: dict[str, Decimal] = {}
        for ln in lines:
            regimes[ln.regime_label] = regimes.get(ln.regime_label, Decimal("0.00")) + ln.payable
        payable = money_sum(ln.payable for ln in lines)
        if payable <= 0:
            continue
        out.append(PayoutStatement(
            organisation=org["name"], organisation_address=tuple(org["address"]), period=ov.period,
            execution_date=ov.execution_date, code=e["code"], name=e["name"], address=tuple(e["address"]),
            iban_tail=e["iban_tail"], lines=lines, payable=payable, inkind=money_sum(ln.inkind for ln in lines),
            minutes=sum(ln.minutes for ln in lines if ln.unit == "uur"),
            by_regime=tuple(RegimeAmount(k, v) for k, v in sorted(regimes.items())),
            year=int(e["year"]), year_to_date=tuple(RegimeAmount(r["regime_label"], D(r["amount"])) for r in e["ytd"]),
            room=_room(e.get("room")), via_invoice=False))
    return out


# --- year statement ------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    month: int
    regime_label: str
    minutes: int
    paid: Decimal
    inkind: Decimal
    paid_on: str  # payment date(s) as text, or "via factuur"


@dataclass(frozen=True)
class YearStatement:
    organisation: str
    organisation_address: tuple[str, ...]
    year: int
    code: str
    name: str
    address: tuple[str, ...]
    date_of_birth: date | None
    rows: tuple[YearRow, ...]
    totals: tuple[RegimeAmount, ...]
    caps_exceeded: bool
    volunteer_total: Decimal
    year_limit: Decimal
    limit_confirmed: bool
    made_on: date

    @property
    def total(self) -> Decimal:
        return money_sum(r.paid for r in self.rows)

    @property
    def inkind_total(self) -> Decimal:
        return money_sum(r.inkind for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expert": self.code, "name": self.name, "year": self.year,
            "rows": [{"month": f"{self.year}-{r.month:02d}", "regime": r.regime_label, "minutes": r.minutes,
                      "paid": str(r.paid), "inkind": str(r.inkind), "paid_on": r.paid_on} for r in self.rows],
            "totals": {t.regime_label: str(t.amount) for t in self.totals},
            "total": str(self.total), "volunteer_total": str(self.volunteer_total),
            "year_limit": str(self.year_limit), "caps_exceeded": self.caps_exceeded,
        }
