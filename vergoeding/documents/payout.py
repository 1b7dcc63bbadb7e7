"""The payment overview as data, built from a payout's JSON snapshot (so a reprint gives the
same document), and its workbook renderer.

Routes: ``sepa`` (vrijwilliger, vacatiegeld, particulier: in the SEPA batch), ``factuur``
(zzp: paid against the expert's invoice, listed for information), ``salaris`` (loondienst:
hours for the payroll system only).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vergoeding.core.money import D, money_sum

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

    @property
    def total_sepa(self) -> Decimal:
        return money_sum(s.payable for s in self.summary if s.route == "sepa")

    @property
    def n_transfers(self) -> int:
        per_expert: dict[str, Decimal] = {}
        for s in self.summary:
            if s.route == "sepa":
                per_expert[s.code] = per_expert.get(s.code, Decimal(0)) + s.payable
        return sum(1 for v in per_expert.values() if v > 0)


def _line(d: dict[str, Any]) -> Line:
    return Line(
        entry_id=int(d["entry_id"]), expert=d["expert"], expert_name=d["expert_name"], engagement=d["engagement"],
        role=d["role"], regime=d["regime"], regime_label=d["regime_label"], route=d["route"],
        work_date=date.fromisoformat(d["work_date"]), activity=d["activity"], unit=d["unit"],
        quantity=D(d["quantity"]), minutes=int(d["minutes"]), unit_price=D(d["unit_price"]), fee=D(d["fee"]),
        travel=D(d["travel"]), expenses_fixed=D(d["expenses_fixed"]), expenses_receipt=D(d["expenses_receipt"]),
        inkind=D(d["inkind"]), payable=D(d["payable"]), cap_amount=D(d["cap_amount"]))


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
            money_sum(ln.inkind for ln in items), money_sum(ln.payable for ln in items)))
    return tuple(out)


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
        summary=summarise(lines), findings=findings)


def overview_xlsx(ov: PayoutOverview) -> bytes:
    """Sheets: Samenvatting (per expert and regime), Regels, Bevindingen. Typed cells; the
    bytes depend only on the overview (zip times and document dates pinned to ``created``).
    Streamed (openpyxl write-only): a month of a large network has 100,000 lines and more."""
    from vergoeding.render.xlsx import DATE, EURO, INTEGER, Column, Workbook

    wb = Workbook(write_only=True)
    heading = [f"Uitbetaling {ov.period} — {ov.organisation}", f"Uitvoerdatum {ov.execution_date:%d-%m-%Y}"]
    if ov.override_reason:
        heading.append(f"Betaald ondanks fouten; reden: {ov.override_reason}")
    summary_rows = [{
        "code": s.code, "name": s.name, "regime": s.regime_label, "route": ROUTE_LABELS[s.route],
        "hours": Decimal(s.minutes) / Decimal(60), "fee": s.fee, "travel": s.travel, "expenses": s.expenses,
        "inkind": s.inkind, "payable": s.payable,
        "transfer": s.payable if s.route == "sepa" and s.payable > 0 else Decimal("0.00"),
    } for s in ov.summary]
    money_cols = ("fee", "travel", "expenses", "inkind", "payable", "transfer")
    wb.sheet("Samenvatting", [
        Column("Code", "code", width=10), Column("Naam", "name", width=26), Column("Regime", "regime", width=24),
        Column("Betaalwijze", "route", width=20), Column("Uren", "hours", "#,##0.00", 8),
        Column("Vergoeding", "fee", EURO), Column("Reiskosten", "travel", EURO), Column("Onkosten", "expenses", EURO),
        Column("In natura (niet overgemaakt)", "inkind", EURO), Column("Te betalen", "payable", EURO),
        Column("In SEPA-batch", "transfer", EURO),
    ], summary_rows, totals={"code": "Totaal", **{k: money_sum(r[k] for r in summary_rows) for k in money_cols}},
        heading=heading)
    wb.sheet("Regels", [
        Column("Regel", "entry_id", INTEGER, 8), Column("Code", "expert", width=10), Column("Naam", "expert_name", width=24),
        Column("Opdracht", "engagement", width=14), Column("Regime", "regime_label", width=22),
        Column("Datum", "work_date", DATE, 12), Column("Activiteit", "activity", width=26), Column("Eenheid", "unit", width=12),
        Column("Aantal", "quantity", "#,##0.00", 8), Column("Prijs", "unit_price", EURO),
        Column("Vergoeding", "fee", EURO), Column("Reiskosten", "travel", EURO),
        Column("Onkosten forfait", "expenses_fixed", EURO), Column("Onkosten met bon", "expenses_receipt", EURO),
        Column("In natura", "inkind", EURO), Column("Te betalen", "payable", EURO),
        Column("Telt voor grens", "cap_amount", EURO),
    ], [ln.__dict__ for ln in ov.lines],
        totals={"expert": "Totaal", **{k: money_sum(getattr(ln, k) for ln in ov.lines) for k in (
            "fee", "travel", "expenses_fixed", "expenses_receipt", "inkind", "payable", "cap_amount")}})
    wb.sheet("Bevindingen", [
        Column("Ernst", "severity", width=10), Column("Regel-id", "rule", width=28), Column("Deskundige", "expert", width=10),
        Column("Opdracht", "engagement", width=14), Column("Periode", "period", width=10),
        Column("Uitleg", "message", width=70), Column("Wat u kunt doen", "advice", width=50),
        Column("Grens", "limit", width=10), Column("Jaar bron", "limit_year", width=8),
        Column("Bevestigd", "confirmed", width=9),
    ], [f.__dict__ for f in ov.findings])
    return pin_zip(wb.to_bytes(), ov.created)


_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def pin_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip so that its bytes depend only on its content: every member gets
    the same timestamp and the document's created/modified dates become ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            zi = zipfile.ZipInfo(info.filename, date_time=(when.year, when.month, when.day,
                                                           when.hour, when.minute, when.second))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            out.writestr(zi, body, compresslevel=1)  # fast: the workbook can be large
    return buf.getvalue()


def overview_context(ov: PayoutOverview) -> dict[str, Any]:
    return {"ov": ov, "route_labels": ROUTE_LABELS, "title": f"Uitbetaling {ov.period}"}
