"""The year statement for the expert, as data (jaaropgave): per month what was paid under which
regime, to hand to the municipality or UWV; the invoices of a zzp expert, work paid across
the turn of the year, corrections and what was reported to the tax office. Built by
``api/reports.py`` (``year_statement``); the payout statement is
:mod:`vergoeding.documents.statement`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.caps_story import CapsStory, tell_year
from vergoeding.core.compensation import CAPPED_REGIMES
from vergoeding.core.money import money_sum
from vergoeding.documents.statement import RegimeAmount, correction_words


@dataclass(frozen=True)
class YearRow:
    month: int
    regime_label: str
    minutes: int
    paid: Decimal
    inkind: Decimal
    paid_dates: tuple[date, ...] = ()  # when it was paid (JSON: ISO); none: paid through an invoice

    @property
    def paid_on(self) -> str:
        """The payment date(s) as text, or "via factuur"."""
        return ", ".join(d.strftime("%d-%m-%Y") for d in self.paid_dates) or "via factuur"


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice of the expert (zzp) to us, issued in the year."""

    number: str
    issue_date: date | None
    total: Decimal
    paid_on: date | None


@dataclass(frozen=True)
class CorrectionRow:
    """A paid correction line (``correct``): what it corrects (its activity names the line, the
    date and the reason), the amount (plus or minus) and when it was paid."""

    work_date: date
    what: str
    amount: Decimal
    paid_on: date | None


VOLUNTEER_LABELS = frozenset(r.label for r in CAPPED_REGIMES)


@dataclass(frozen=True)
class PaidLine:
    """What was paid on one date for work of one month under one regime: used for work of the
    year paid in the next year, and for work of the year before paid in this year."""

    work_year: int
    work_month: int
    regime_label: str
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class ReportedRow:
    """One line of the third-party report (opgave derden) for this expert."""

    payment_date: date
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class TaxReport:
    """Per regime: what the third-party report of the statement's year holds for this expert,
    or (no rows) the sentence that says why nothing is reported."""

    regime_label: str
    rows: tuple[ReportedRow, ...]
    note: str = ""

    @property
    def total(self) -> Decimal:
        return money_sum(r.amount for r in self.rows)


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

    invoices: tuple[InvoiceRow, ...] = ()
    paid_next_year: tuple[PaidLine, ...] = ()  # work of this year, paid in a later year
    paid_for_previous_year: tuple[PaidLine, ...] = ()  # work of last year, paid in this year
    tax_reports: tuple[TaxReport, ...] = ()  # "Doorgegeven aan de Belastingdienst", per regime
    reports_to_tax: bool = True  # False: the organisation has no payroll-tax number

    @property
    def paid_in_year(self) -> Decimal:
        """Paid on a date in this calendar year (invoices apart): this year's work paid this
        year plus last year's work paid this year."""
        this = money_sum(r.paid for r in self.rows) - money_sum(p.amount for p in self.paid_next_year)
        return this + money_sum(p.amount for p in self.paid_for_previous_year)
    corrections: tuple[CorrectionRow, ...] = ()  # included in the rows above (month of the work)

    @property
    def inkind_total(self) -> Decimal:
        return money_sum(r.inkind for r in self.rows)

    @property
    def has_volunteer(self) -> bool:
        """Paid under the volunteer scheme (allowance or meeting fee): only then the caps
        and the "belastingvrij" sentence apply."""
        return any(r.regime_label in VOLUNTEER_LABELS for r in self.rows)

    @property
    def story(self) -> CapsStory | None:
        """What the year statement tells about the caps (core/caps_story.py), or None when
        nothing was paid under a capped regime."""
        if not self.has_volunteer:
            return None
        labels = tuple(sorted({r.regime_label for r in self.rows if r.regime_label in VOLUNTEER_LABELS}))
        return tell_year(self.year, total=self.volunteer_total, limit=self.year_limit, crossed=self.caps_exceeded,
                         confirmed=self.limit_confirmed, regime_labels=labels)

    def correction_what(self, c: CorrectionRow) -> str:
        """A correction by the date and the work it corrects, not by our line number."""
        return correction_words(c.what, "")

    def regime_name(self, regime_label: str) -> str:
        """A regime as this statement calls it (after a crossed cap: taxed as wages)."""
        story = self.story
        return story.name_of(regime_label) if story else regime_label

    @property
    def invoices_total(self) -> Decimal:
        return money_sum(i.total for i in self.invoices)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expert": self.code, "name": self.name, "year": self.year,
            "rows": [{"month": f"{self.year}-{r.month:02d}", "regime": r.regime_label, "minutes": r.minutes,
                      "paid": str(r.paid), "inkind": str(r.inkind),
                      "paid_on": [d.isoformat() for d in r.paid_dates]} for r in self.rows],
            "totals": {t.regime_label: str(t.amount) for t in self.totals},
            "total": str(self.total), "volunteer_total": str(self.volunteer_total),
            "year_limit": str(self.year_limit), "caps_exceeded": self.caps_exceeded,
            "invoices": [{"number": i.number, "issue_date": i.issue_date.isoformat() if i.issue_date else None,
                          "total": str(i.total), "paid_on": i.paid_on.isoformat() if i.paid_on else None}
                         for i in self.invoices],
            "paid_next_year": [_paid_line(p) for p in self.paid_next_year],
            "paid_for_previous_year": [_paid_line(p) for p in self.paid_for_previous_year],
            "paid_in_year": str(self.paid_in_year),
            "reported_to_tax": None if not self.reports_to_tax else [
                {"regime": t.regime_label, "total": str(t.total), "note": t.note,
                 "rows": [{"payment_date": r.payment_date.isoformat(), "kind": r.kind, "amount": str(r.amount)}
                          for r in t.rows]} for t in self.tax_reports],
            "corrections": [{"work_date": c.work_date.isoformat(), "what": c.what, "amount": str(c.amount),
                             "paid_on": c.paid_on.isoformat() if c.paid_on else None} for c in self.corrections],
        }


def _paid_line(p: PaidLine) -> dict[str, Any]:
    return {"month": f"{p.work_year}-{p.work_month:02d}", "regime": p.regime_label, "amount": str(p.amount),
            "paid_on": p.paid_on.isoformat()}
