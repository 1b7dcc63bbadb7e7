"""The expert's hour overview ("urenoverzicht", ``vergoeding hours``): the document model
(:mod:`vergoeding.documents.hours`) and its table, PDF and xlsx.

A module of its own, apart from the ledger's write code, so that ``vergoeding hours`` imports
only what it reads with (``make bench``, case 9). It reads in three statements (the expert
with our organisation's name, the engagements with their clients, the entries of the period:
:mod:`vergoeding.store.expert_view`, what the portal's hours page reads), where it took seven
(``make bench``, case 5: one expert's year on PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.api.workspace import Workspace
from vergoeding.core.period import Period
from vergoeding.documents.hours import HoursDocument, build_hours, table_rows


def hours_for_expert(ws: Workspace, expert_code: str, period: Period, *,
                     made_on: date | None = None) -> HoursDocument:
    """The expert's overview of ``period`` (used by ``vergoeding hours`` and the benchmark).
    ``made_on`` is printed on the document; the library never asks the clock."""
    return hours(ws, expert_code, period, made_on=made_on)


def hours(ws: Workspace, expert_code: str, period: Period, *, made_on: date | None) -> HoursDocument:
    """The expert's overview of ``period``: totals, per month, per engagement, lines."""
    from vergoeding.store.expert_view import entries_of, expert_view_by_code
    from vergoeding.store.rows import unit_of

    with ws.engine.connect() as conn:
        v = expert_view_by_code(conn, expert_code)
        entries = entries_of(conn, v.engagements, period)
    # the unit of each engagement in the period, from its stored row
    units = {code: unit_of(row, max(row.start_date, period.start), ws.ratecard) for code, row in v.rows.items()}
    labels = {k: r.label for k, r in ws.ratecard.roles.items()}
    return build_hours(v.expert, v.organisation, period, entries, v.by_code, client_names=v.client_names,
                       role_labels=labels, units=units, made_on=made_on)


def hours_rows(doc: HoursDocument) -> list[dict[str, Any]]:
    return table_rows(doc)


def hours_pdf(ws: Workspace, doc: HoursDocument) -> bytes:
    from vergoeding.render.pdf import html_to_pdf
    from vergoeding.render.templating import render_html

    html = render_html("hours.html", doc.context(), user_dir=ws.settings.templates_dir,
                       shipped_dir=ws.settings.shipped_templates)
    return html_to_pdf(html, base_url=ws.settings.templates_dir or ws.settings.shipped_templates, accessible=True)


def hours_xlsx(doc: HoursDocument) -> bytes:
    from vergoeding.render.xlsx import DATE, DECIMAL2, EURO, HOURS, INTEGER, Column, Workbook

    def h(minutes: int) -> Decimal:
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"))

    wb = Workbook()
    heading = [f"Urenoverzicht {doc.expert_name}", f"Periode: {doc.period_text}", f"Van: {doc.organisation}"]
    totals = [{"what": "Totaal", "label": "hele periode", "hours": h(doc.total.minutes), "minutes": doc.total.minutes,
               "counts": ", ".join(doc.total.count_texts), "km": doc.total.km, "expense": doc.total.expense}]
    totals += [{"what": "Maand", "label": m.label, "hours": h(m.minutes), "minutes": m.minutes,
                "counts": ", ".join(m.count_texts), "km": m.km, "expense": m.expense} for m in doc.months]
    totals += [{"what": "Opdracht", "label": f"{g.key} {g.label}", "hours": h(g.minutes), "minutes": g.minutes,
                "counts": ", ".join(g.count_texts), "km": g.km, "expense": g.expense} for g in doc.engagements]
    wb.sheet("Totalen", [Column("Soort", "what", width=10), Column("Omschrijving", "label", width=40),
                         Column("Uren", "hours", HOURS, 9), Column("Minuten", "minutes", INTEGER, 9),
                         Column("Ook", "counts", width=22), Column("Km", "km", DECIMAL2, 9),
                         Column("Onkosten", "expense", EURO, 12)], totals, heading=heading)
    rows = [{**r, "hours": h(r["minutes"]), "status": line.status_text}
            for r, line in zip(table_rows(doc), doc.lines, strict=True)]
    wb.sheet("Regels", [Column("Regel", "id", INTEGER, 8), Column("Datum", "date", DATE, 12),
                        Column("Opdracht", "engagement", width=10), Column("Opdrachtgever", "client", width=28),
                        Column("Activiteit", "activity", width=30), Column("Uren", "hours", HOURS, 8),
                        Column("Minuten", "minutes", INTEGER, 9), Column("Aantal", "quantity", INTEGER, 8),
                        Column("Eenheid", "unit", width=12), Column("Km", "km", DECIMAL2, 8),
                        Column("Onkosten", "expense", EURO, 11), Column("In natura", "inkind", EURO, 11),
                        Column("Stand", "status", width=22)], rows,
             totals={"activity": "Totaal", "hours": h(doc.total.minutes), "minutes": doc.total.minutes,
                     "km": doc.total.km, "expense": doc.total.expense, "inkind": doc.total.inkind})
    return wb.to_bytes()
