"""The expert's hour overview ("urenoverzicht") as a document model.

Built from core values only (expert, engagements, entries); the template
(``templates/hours.html``) and the xlsx renderer read this model and nothing else. Totals
come first: the whole period, then per month, then per engagement, then every line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.duration import format_minutes
from vergoeding.core.money import ZERO
from vergoeding.core.period import Period
from vergoeding.core.regimes import Unit
from vergoeding.core.work import Engagement, Entry, Expert

# Plain words for the status of a line (for someone who does not know the workflow).
STATUS_PLAIN = {"logged": "nog niet goedgekeurd", "approved": "goedgekeurd", "settled": "betaald"}
UNIT_PLURAL = {Unit.UUR: ("uur", "uur"), Unit.BIJEENKOMST: ("bijeenkomst", "bijeenkomsten"),
               Unit.SESSIE: ("sessie", "sessies"), Unit.DAG: ("dag", "dagen"), Unit.VAST: ("maand", "maanden")}
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")


def count_text(unit: Unit, n: int) -> str:
    """3 bijeenkomsten, 1 sessie."""
    one, many = UNIT_PLURAL[unit]
    return f"{n} {one if abs(n) == 1 else many}"


def period_text(period: Period) -> str:
    """'oktober 2026', 'augustus tot en met oktober 2026', '2026'."""
    months = list(period.months())
    first, last = period.start, period.last_day
    if period.start == date(first.year, 1, 1) and period.end == date(first.year + 1, 1, 1):
        return str(first.year)
    if len(months) == 1:
        return f"{MONTHS_NL[first.month - 1]} {first.year}"
    if first.day == 1 and period.end.day == 1:
        if first.year == last.year:
            return f"{MONTHS_NL[first.month - 1]} tot en met {MONTHS_NL[last.month - 1]} {first.year}"
        return f"{MONTHS_NL[first.month - 1]} {first.year} tot en met {MONTHS_NL[last.month - 1]} {last.year}"
    return f"{first:%d-%m-%Y} tot en met {last:%d-%m-%Y}"


@dataclass(frozen=True)
class HoursLine:
    id: int
    work_date: date
    engagement: str
    client: str
    role: str
    activity: str
    minutes: int
    quantity: int
    unit: Unit
    km: Decimal
    expense: Decimal
    inkind: Decimal
    status: str
    correction_of: int | None = None
    reason: str | None = None

    @property
    def status_text(self) -> str:
        text = STATUS_PLAIN.get(self.status, self.status)
        return f"{text} (correctie)" if self.correction_of is not None else text

    @property
    def count_text(self) -> str:
        return "" if self.unit is Unit.UUR or not self.quantity else count_text(self.unit, self.quantity)


@dataclass(frozen=True)
class HoursTotal:
    key: str  # '2026-10' for a month, the engagement code for an engagement, 'totaal'
    label: str  # 'oktober 2026', 'Gemeente Utrecht - trainer'
    minutes: int
    counts: tuple[tuple[Unit, int], ...]  # meetings, sessions, days (non-hour units)
    km: Decimal
    expense: Decimal
    inkind: Decimal
    lines: int

    @property
    def count_texts(self) -> list[str]:
        return [count_text(u, n) for u, n in self.counts if n]


@dataclass(frozen=True)
class HoursDocument:
    expert_code: str
    expert_name: str
    expert_address: tuple[str, ...]
    organisation: str
    period: Period
    made_on: date | None  # printed as 'Gemaakt op'; None: not printed
    total: HoursTotal
    months: tuple[HoursTotal, ...]
    engagements: tuple[HoursTotal, ...]
    lines: tuple[HoursLine, ...]

    @property
    def period_text(self) -> str:
        return period_text(self.period)

    @property
    def waiting(self) -> int:
        """Lines not yet approved."""
        return sum(1 for line in self.lines if line.status == "logged")

    def context(self) -> dict[str, Any]:
        return {"doc": self, "title": f"Urenoverzicht {self.expert_name} {self.period_text}"}


def _total(key: str, label: str, lines: Iterable[HoursLine]) -> HoursTotal:
    items = list(lines)
    counts: dict[Unit, int] = {}
    for line in items:
        if line.unit is not Unit.UUR:
            counts[line.unit] = counts.get(line.unit, 0) + line.quantity
    return HoursTotal(
        key=key, label=label, minutes=sum(x.minutes for x in items),
        counts=tuple(sorted(counts.items(), key=lambda kv: kv[0].value)),
        km=sum((x.km for x in items), Decimal(0)), expense=sum((x.expense for x in items), ZERO),
        inkind=sum((x.inkind for x in items), ZERO), lines=len(items),
    )


def build_hours(
    expert: Expert,
    organisation: str,
    period: Period,
    entries: Iterable[Entry],
    engagements: Mapping[str, Engagement],
    *,
    client_names: Mapping[str, str],
    role_labels: Mapping[str, str],
    units: Mapping[str, Unit],
    made_on: date | None,
) -> HoursDocument:
    """The overview of ``entries`` (already filtered to the expert and period)."""
    lines = []
    for e in sorted(entries, key=lambda x: (x.work_date, x.id)):
        g = engagements[e.engagement_code]
        lines.append(HoursLine(
            id=e.id, work_date=e.work_date, engagement=g.code, client=client_names.get(g.client_code, g.client_code),
            role=role_labels.get(g.role, g.role), activity=e.activity, minutes=e.minutes, quantity=e.quantity,
            unit=units.get(g.code, Unit.UUR), km=e.km, expense=e.expense, inkind=e.inkind, status=e.status,
            correction_of=e.correction_of, reason=e.reason,
        ))
    # grouped in one pass (a year of a busy expert is hundreds of lines: not twelve scans)
    by_month: dict[tuple[int, int], list[HoursLine]] = {}
    by_engagement: dict[str, list[HoursLine]] = {}
    for x in lines:
        by_month.setdefault((x.work_date.year, x.work_date.month), []).append(x)
        by_engagement.setdefault(x.engagement, []).append(x)
    months = []
    for m in period.months():
        in_month = by_month.get((m.start.year, m.start.month))
        if in_month:
            months.append(_total(m.label, f"{MONTHS_NL[m.start.month - 1]} {m.start.year}", in_month))
    per_engagement = []
    for code in sorted(by_engagement):
        of = by_engagement[code]
        per_engagement.append(_total(code, f"{of[0].client} - {of[0].role}", of))
    return HoursDocument(
        expert_code=expert.code, expert_name=expert.name, expert_address=tuple(expert.address.lines()),
        organisation=organisation, period=period, made_on=made_on, total=_total("totaal", "Totaal", lines),
        months=tuple(months), engagements=tuple(per_engagement), lines=tuple(lines),
    )


def table_rows(doc: HoursDocument) -> list[dict[str, Any]]:
    """One flat row per line (for table/csv output and the xlsx 'Regels' sheet)."""
    return [
        {"id": x.id, "date": x.work_date, "engagement": x.engagement, "client": x.client, "role": x.role,
         "activity": x.activity, "minutes": x.minutes, "hours": format_minutes(x.minutes), "quantity": x.quantity, "unit": x.unit.value,
         "km": x.km, "expense": x.expense, "inkind": x.inkind, "status": x.status,
         "correction_of": x.correction_of}
        for x in doc.lines
    ]
