"""Billing every hour: which approved work is billable to the client and not invoiced yet.

One rule (:func:`vergoeding.api.invoices.billed`): a line is billed when its engagement is
billable (payroll included) and, for a correction, when the engagement passes corrections on
to the client. ``vergoeding check`` lists what is still open (``invoice.not_invoiced``), per
client and month of the work, with the command that invoices it; ``invoice create`` finds the
same lines. A billable engagement without a price for the client is named
(``invoice.no_client_rate``): its hours could never be invoiced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import price_entry
from vergoeding.core.duration import format_minutes
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.listing import few
from vergoeding.core.period import Period, month_of, period_text
from vergoeding.core.work import Engagement, Entry
from vergoeding.errors import VergoedingError
from vergoeding.store import queries
from vergoeding.store.billable import BillableSum, open_billable_sums
from vergoeding.store.schema import organisations

NOT_INVOICED = "invoice.not_invoiced"
NO_CLIENT_RATE = "invoice.no_client_rate"


def open_billable(ws: Workspace, conn: Connection, period: Period, *, expert: str | None = None,
                  engagements: Sequence[Engagement] | None = None) -> list[Finding]:
    """Findings for approved billable lines before ``period.end`` that no invoice holds
    (``engagements``: those of ``expert`` or all, when the caller has them already)."""
    # summed per engagement, month and kind in the database (store.billable): a year of a
    # large network is a million lines, and only the groups are reported
    if expert:
        queries.expert(conn, expert)  # NotFoundError with a clear message
    if engagements is None:
        engagements = queries.all_engagements(conn, expert_code=expert)
    sums = open_billable_sums(conn, period.end, engagements, all_engagements=not expert)
    if not sums:
        return []
    orgs = {str(r.code): (str(r.name), str(r.kind)) for r in conn.execute(
        select(organisations.c.code, organisations.c.name, organisations.c.kind))}
    engs = {eng.id: eng for eng in engagements}
    rows = [_Row(engs[s.engagement_id].code, engs[s.engagement_id].client_code,
                 orgs[engs[s.engagement_id].client_code][0], s)
            for s in sums if orgs[engs[s.engagement_id].client_code][1] == "client"]
    if not rows:
        return []
    by_code = {eng.code: eng for eng in engs.values()}
    priced_ok: dict[str, bool] = {}
    out: list[Finding] = []
    last_day: dict[str, date] = {}
    for r in rows:
        last = r.sums.last
        last_day[r.code] = max(last_day.get(r.code, last), last)
    for code, day in sorted(last_day.items()):
        eng = by_code[code]
        try:
            p = price_entry(Entry(0, code, day, minutes=60, quantity=1), eng, ws.ratecard, ws.limits)
            priced_ok[code] = p.client_unit_price > 0
        except VergoedingError:
            priced_ok[code] = False
        if not priced_ok[code] and (eng.client_rate is None and not eng.rate_history):
            out.append(Finding(
                Severity.WARNING, NO_CLIENT_RATE,
                f"De uren van opdracht {code} ({eng.regime.value}) worden gefactureerd aan {eng.client_code}, "
                "maar er is geen tarief voor de opdrachtgever: ze kunnen niet worden gefactureerd.",
                f"Geef het tarief: 'vergoeding engagement edit {code} --client-rate BEDRAG', of zeg dat de uren "
                f"niet worden gefactureerd: 'vergoeding engagement edit {code} --not-billable'.",
                engagement=code, period=period.label or str(period)))
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in rows:
        if not priced_ok[r.code]:
            continue
        # corrections of invoiced work go on the next invoice of any period: grouped as such
        key = (r.client, "correcties" if r.sums.correction else r.sums.month)
        groups[key].append(r)
        names[r.client] = r.client_name
    for (client, label), items in sorted(groups.items()):
        codes = sorted({str(r.code) for r in items})
        minutes = sum(r.sums.minutes for r in items)
        when = "correcties op gefactureerd werk" if label == "correcties" else period_text(month_of(
            min(r.sums.first for r in items)))
        target = (period.label or "PERIODE") if label == "correcties" else label
        out.append(Finding(
            Severity.WARNING, NOT_INVOICED,
            f"Nog niet gefactureerd aan {names[client]} ({client}): {sum(r.sums.count for r in items)} goedgekeurde regel(s)"
            + (f", {format_minutes(minutes)} uur" if minutes else "") + f", {when} (opdracht(en) {few(codes, others='andere')}).",
            f"Factureer ze met 'vergoeding invoice create --client {client} --period {target}'.",
            period=target))
    return out


@dataclass(frozen=True)
class _Row:
    code: str  # the engagement
    client: str
    client_name: str
    sums: BillableSum
