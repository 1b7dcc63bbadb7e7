"""Yearly outputs: the expert's year statement (jaaropgave) and the third-party payment
report ("uitbetaalde bedragen aan derden") — the ONLY output in which a BSN appears."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from stdnum.nl import bsn as stdnum_bsn

from vergoeding.api.workspace import Workspace
from vergoeding.core.checks_caps import month_cap, year_cap
from vergoeding.core.checks_other import reportable_regime
from vergoeding.core.checks_report import deadline_text, derden_data_warning, report_year_in_season
from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry, apply_cost_rule
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.money import ZERO, from_cents, money_sum
from vergoeding.core.payout import as_priced
from vergoeding.core.period import year as year_period
from vergoeding.core.regimes import Regime
from vergoeding.core.work import Expert
from vergoeding.documents.statement import RegimeAmount
from vergoeding.documents.year_statement import (
    CorrectionRow,
    InvoiceRow,
    PaidLine,
    ReportedRow,
    TaxReport,
    YearRow,
    YearStatement,
)
from vergoeding.errors import RuleViolation
from vergoeding.store import queries
from vergoeding.store.declarations import load_declarations
from vergoeding.store.payouts import load_paid_lines
from vergoeding.store.schema import experts as experts_t
from vergoeding.store.schema import invoices


def _paid_priced(ws: Workspace, conn: Any, year: int, expert: str | None) -> tuple[list[PricedEntry], dict[int, date]]:
    """Paid lines with a work date in ``year``, with the amounts as paid (never priced again),
    and their payout's execution date."""
    lines = load_paid_lines(conn, period=year_period(year), expert_code=expert)
    # the engagements only when something was paid (a check of December asks every year)
    engs = {e.code: e for e in queries.all_engagements(conn, expert_code=expert)} if lines else {}
    pay_dates = {ln.entry_id: ln.paid_on for ln in lines if ln.paid_on is not None}
    return [as_priced(ln, engs[ln.engagement]) for ln in lines], pay_dates


def capped_years_exceeded(ws: Workspace, priced: list[PricedEntry], conn: Any, year: int) -> set[str]:
    """Experts whose volunteer allowance went over a month or year cap in ``year``."""
    decl = load_declarations(conn, years=(year,))
    fs = month_cap(priced, decl, ws.limits, year_period(year)) + year_cap(priced, decl, ws.limits, year_period(year))
    return {f.expert for f in fs if f.expert}


def year_statement(ws: Workspace, expert: str, year: int, today: date) -> YearStatement:
    with ws.engine.connect() as conn:
        ex = queries.expert(conn, expert)
        own = queries.own_organisation(conn)
        priced, pay_dates = _paid_priced(ws, conn, year, expert)
        prev_priced, prev_dates = _paid_priced(ws, conn, year - 1, expert)
        exceeded = expert in capped_years_exceeded(ws, priced, conn, year)
        inv = conn.execute(select(invoices.c.number, invoices.c.issue_date, invoices.c.total_cents, invoices.c.paid_at)
                           .where(invoices.c.kind == "expert", invoices.c.expert_id == ex.id,
                                  # credited after its payment: the money was paid all the same
                                  (invoices.c.status.in_(["issued", "paid"])
                                   | ((invoices.c.status == "credited") & invoices.c.paid_at.is_not(None))),
                                  invoices.c.issue_date >= date(year, 1, 1), invoices.c.issue_date < date(year + 1, 1, 1))
                           .order_by(invoices.c.issue_date, invoices.c.number)).all()
    groups: dict[tuple[int, str], list[PricedEntry]] = defaultdict(list)
    for p in priced:
        groups[(p.entry.work_date.month, p.regime.label)].append(p)
    rows = []
    for (m, label), items in sorted(groups.items()):
        dates = sorted({pay_dates[p.entry.id] for p in items if p.entry.id in pay_dates})
        rows.append(YearRow(m, label, sum(p.entry.minutes for p in items),
                            money_sum(p.payable for p in items), money_sum(p.inkind for p in items), tuple(dates)))
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        totals[r.regime_label] += r.paid
    lim = ws.limits.for_year(year)
    next_year = _paid_lines(priced, pay_dates, lambda d: d.year > year)
    previous = _paid_lines(prev_priced, prev_dates, lambda d: d.year == year)
    paid_regimes = {p.regime for p, d in _with_dates(priced, pay_dates) + _with_dates(prev_priced, prev_dates)
                    if d.year == year}
    regimes = {p.regime for p in priced} | paid_regimes | ({Regime.ZZP} if inv else set())
    reports = _tax_reports(ws, ex.code, year, regimes, paid_regimes, {p.regime_label for p in next_year}, exceeded)
    return YearStatement(
        organisation=own.name, organisation_address=tuple(own.address.lines()), year=year, code=ex.code,
        name=ex.name, address=tuple(ex.address.lines()), date_of_birth=ex.date_of_birth, rows=tuple(rows),
        totals=tuple(RegimeAmount(k, v) for k, v in sorted(totals.items())), caps_exceeded=exceeded,
        volunteer_total=money_sum(p.cap_amount for p in apply_cost_rule(priced) if p.regime in CAPPED_REGIMES),
        year_limit=lim.volunteer_year.amount, limit_confirmed=lim.volunteer_year.confirmed, made_on=today,
        invoices=tuple(InvoiceRow(str(r.number), r.issue_date, from_cents(int(r.total_cents)), r.paid_at) for r in inv),
        paid_next_year=next_year, paid_for_previous_year=previous,
        tax_reports=reports or (), reports_to_tax=reports is not None,
        corrections=tuple(CorrectionRow(p.entry.work_date, p.entry.activity, p.payable, pay_dates.get(p.entry.id))
                          for p in priced if p.entry.correction_of is not None))


def _with_dates(priced: list[PricedEntry], dates: dict[int, date]) -> list[tuple[PricedEntry, date]]:
    return [(p, dates[p.entry.id]) for p in priced if p.entry.id in dates]


def _paid_lines(priced: list[PricedEntry], dates: dict[int, date], keep: Callable[[date], bool]) -> tuple[PaidLine, ...]:
    """Paid lines whose payment date ``keep`` selects, summed per month of work, regime and date."""
    sums: dict[tuple[int, int, str, date], Decimal] = defaultdict(lambda: ZERO)
    for p, d in _with_dates(priced, dates):
        if keep(d):
            sums[(p.entry.work_date.year, p.entry.work_date.month, p.regime.label, d)] += p.payable
    return tuple(PaidLine(y, m, label, amount, d) for (y, m, label, d), amount in sorted(sums.items()))


def _tax_reports(ws: Workspace, code: str, year: int, regimes: set[Regime], paid_in_year: set[Regime],
                 late: set[str], exceeded: bool) -> tuple[TaxReport, ...] | None:
    """Per regime of the statement: this expert's lines of the third-party report of ``year``
    (the same :func:`derden` as ``vergoeding report derden``), or why nothing is reported.
    None when the organisation has no payroll-tax number (then it reports nothing at all)."""
    try:
        rows, _ = derden(ws, year)
    except RuleViolation:
        return None
    mine = [r for r in rows if r.expert_code == code]
    out = []
    for regime in Regime:
        found = tuple(ReportedRow(r.payment_date, r.kind, r.amount) for r in mine if r.regime_label == regime.label)
        if regime not in regimes and not found:
            continue
        note = ""
        if not found:
            if regime is Regime.ZZP:
                note = ("Niet doorgegeven: facturen van een zzp'er met btw geven wij niet door. "
                        "U doet zelf aangifte van uw inkomsten als zzp'er.")
            elif regime is Regime.LOONDIENST:
                note = "Niet in deze opgave: loon geven wij door in de loonaangifte."
            elif regime in CAPPED_REGIMES and not exceeded:
                note = (f"Niet doorgegeven: uw {regime.label.lower()} bleef binnen de grenzen. "
                        "Die geven wij niet door aan de Belastingdienst.")
            elif regime not in paid_in_year:
                note = f"Niets doorgegeven over {year}: wij betaalden u in {year} niets onder deze regeling."
                if regime.label in late:
                    note += f" Werk van {year} dat wij in {year + 1} betaalden, telt in de opgave over {year + 1}."
            else:
                note = f"Niets doorgegeven over {year}."
        out.append(TaxReport(regime.label, found, note))
    return tuple(out)


def year_statement_pdf(ws: Workspace, ys: YearStatement) -> bytes:
    from vergoeding.render.pdf import html_to_pdf
    from vergoeding.render.templating import render_html

    html = render_html("year_statement.html", {"ys": ys, "title": f"Jaaropgave {ys.year}"},
                       user_dir=ws.settings.templates_dir, shipped_dir=ws.settings.shipped_templates)
    return html_to_pdf(html, base_url=ws.settings.templates_dir or ws.settings.shipped_templates, accessible=True)


# --- third-party report --------------------------------------------------------------------


@dataclass(frozen=True)
class DerdenRow:
    bsn: str
    name: str
    street: str
    postcode: str
    city: str
    date_of_birth: date | None
    amount: Decimal
    payment_date: date
    kind: str  # what the payment is
    expert_code: str = ""  # not a column of the report: lets the year statement find its lines
    regime_label: str = ""  # idem: the regime the payment falls under


def derden(ws: Workspace, year: int) -> tuple[list[DerdenRow], list[Finding]]:
    """Reportable payments made in ``year`` (by payment date): private persons; volunteer and
    meeting fees of experts who went over a cap that year (then ALL of it); expert invoices
    without VAT (KOR/exempt). Not reported: volunteer payments within the limits, zzp invoices
    with VAT. In-kind items count at their value."""
    with ws.engine.connect() as conn:
        own = queries.own_organisation(conn)
        if not own.has_payroll_tax_number:
            raise RuleViolation(
                f"{own.name} heeft geen loonheffingennummer: de opgave uitbetaalde bedragen aan derden "
                "geldt alleen voor organisaties met een loonheffingennummer. Zet het kenmerk bij de eigen "
                "organisatie als u er wel een heeft.")
        experts = {e.code: e for e in queries.all_experts(conn)}
        rows_by: dict[tuple[str, date, str], Decimal] = defaultdict(lambda: ZERO)
        regime_of: dict[tuple[str, date, str], str] = {}
        for work_year in (year - 1, year):  # work in December may be paid in January
            if work_year not in ws.limits.years:
                continue
            priced, pay_dates = _paid_priced(ws, conn, work_year, None)
            if not priced:
                continue  # nothing paid for work of that year
            over = capped_years_exceeded(ws, priced, conn, work_year)
            for p in priced:
                paid = pay_dates.get(p.entry.id)
                if paid is None or paid.year != year:
                    continue
                code = p.engagement.expert_code
                if p.regime in CAPPED_REGIMES and code in over:
                    kind = f"{p.regime.label} boven de grens ({work_year})"
                elif p.regime is Regime.PARTICULIER:
                    kind = p.regime.label
                elif p.regime is Regime.ZZP and reportable_regime(p.engagement, experts.get(code)):
                    kind = "zzp zonder btw"
                else:
                    continue
                rows_by[(code, paid, kind)] += p.payable + p.inkind
                regime_of[(code, paid, kind)] = p.regime.label
        # paid is paid: an invoice credited AFTER its payment stays in the report (the money went
        # out that year; a refund is not recorded here), named with its credit note so finance can
        # take a refund off by hand. A credited invoice that was never paid has no paid_at.
        notes = {int(n.credit_of): str(n.number) for n in conn.execute(
            select(invoices.c.credit_of, invoices.c.number).where(invoices.c.kind == "credit",
                                                                   invoices.c.credit_of.is_not(None)))}
        q = (select(invoices, experts_t.c.code.label("expert_code")).join(experts_t, experts_t.c.id == invoices.c.expert_id)
             .where(invoices.c.kind == "expert", invoices.c.vat_cents == 0, invoices.c.status.in_(["paid", "credited"]),
                    invoices.c.paid_at.is_not(None)))
        for r in conn.execute(q):
            when = r.paid_at  # the real payment date: an unpaid invoice is never reported as paid
            if when is not None and when.year == year:
                after = f", na betaling gecrediteerd met {notes[r.id]}" if r.status == "credited" and r.id in notes else ""
                key = (r.expert_code, when, f"factuur {r.number} zonder btw{after}")
                rows_by[key] += from_cents(int(r.total_cents))
                regime_of[key] = Regime.ZZP.label
    rows: list[DerdenRow] = []
    findings: list[Finding] = []
    for (code, paid, kind), amount in sorted(rows_by.items()):
        if amount == ZERO:
            continue
        ex = experts[code]
        findings += _missing(ex, year)
        rows.append(DerdenRow(ex.bsn or "", ex.name, ex.address.street, ex.address.postcode, ex.address.city,
                              ex.date_of_birth, amount, paid, kind, code, regime_of.get((code, paid, kind), "")))
    uniq = {(f.expert, f.message): f for f in findings}
    return rows, list(uniq.values())


def _missing(ex: Expert, year: int) -> list[Finding]:
    out = []
    problems = []
    if not ex.bsn:
        problems.append("BSN ontbreekt")
    elif not stdnum_bsn.is_valid(ex.bsn):
        problems.append("BSN is ongeldig (elfproef)")
    if not ex.address.complete:
        problems.append("adres is onvolledig")
    if ex.date_of_birth is None:
        problems.append("geboortedatum ontbreekt")
    for what in problems:
        out.append(Finding(Severity.ERROR, "payment.missing_data",
                           f"Opgave derden {year} (inleveren {deadline_text(year)}): {what} voor {ex.name}.",
                           "Vul het gegeven aan bij de deskundige en maak de opgave opnieuw.",
                           expert=ex.code, period=str(year), where=f"deskundige {ex.code}"))
    return out


def derden_readiness(ws: Workspace, today: date, expert: str | None = None) -> list[Finding]:
    """From December until the deadline: a warning per person on the coming third-party
    report (payments so far) whose BSN, address or date of birth is missing or invalid."""
    year = report_year_in_season(today)
    if year is None:
        return []
    try:
        rows, findings = derden(ws, year)
    except RuleViolation:  # no payroll-tax number: no report at all
        return []
    if not findings:
        return []
    with ws.engine.connect() as conn:
        people = {e.code: e for e in queries.all_experts(conn, sorted({f.expert for f in findings if f.expert}))}
    missing: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.expert and (not expert or f.expert == expert):
            missing[f.expert].append(f.message.split(": ", 1)[1].rsplit(" voor ", 1)[0])
    return [derden_data_warning(people[code], year, what) for code, what in sorted(missing.items()) if code in people]


DERDEN_COLUMNS = [("bsn", "BSN"), ("name", "Naam"), ("street", "Adres"), ("postcode", "Postcode"),
                  ("city", "Woonplaats"), ("date_of_birth", "Geboortedatum"), ("amount", "Bedrag"),
                  ("payment_date", "Datum betaling"), ("kind", "Soort betaling")]


def write_derden(ws: Workspace, year: int, out: Path) -> tuple[list[DerdenRow], list[Finding]]:
    """Write the report (.xlsx or .csv) unless a required field is missing: then nothing is
    written and the findings say what to fix."""
    from vergoeding.render.files import write_atomic

    rows, findings = derden(ws, year)
    if any(f.severity is Severity.ERROR for f in findings):
        return rows, findings
    if out.suffix.lower() == ".csv":  # the spreadsheet convention of vergoeding.render.csvtext
        from vergoeding.render.csvtext import to_csv

        text = to_csv([h for _, h in DERDEN_COLUMNS],
                      ([r.bsn, r.name, r.street, r.postcode, r.city, r.date_of_birth, r.amount, r.payment_date, r.kind]
                       for r in rows))
        write_atomic(out, text.encode("utf-8"))
    else:
        from vergoeding.render.xlsx import DATE, EURO, TEXT, Column, Workbook

        wb = Workbook()
        fmt = {"bsn": TEXT, "date_of_birth": DATE, "payment_date": DATE, "amount": EURO}
        wb.sheet("Opgave derden", [Column(h, k, fmt.get(k), 16) for k, h in DERDEN_COLUMNS],
                 [r.__dict__ for r in rows], totals={"name": "Totaal", "amount": money_sum(r.amount for r in rows)},
                 heading=[f"Uitbetaalde bedragen aan derden {year}: inleveren {deadline_text(year)}"])
        write_atomic(out, wb.to_bytes())
    return rows, findings
