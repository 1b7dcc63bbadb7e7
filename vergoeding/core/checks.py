"""All allowance and payment checks in one call. Pure: the caller loads the administration,
prices the entries (:func:`vergoeding.core.compensation.price_entry`) and passes ``today``.

Stable rule ids (scripts may rely on them):

* ``volunteer.hourly_presumption`` — hourly rate above the presumption for the age on the
  day of the work (warning; info when a justification is recorded)
* ``volunteer.month_cap`` / ``volunteer.year_cap`` — hard caps exceeded (error)
* ``volunteer.org_not_eligible`` / ``volunteer.also_employed`` (error)
* ``benefit.bijstand_under_27``, ``benefit.bijstand_27_plus``, ``benefit.ww``, ``benefit.uwv``
* ``engagement.budget`` (warning), ``freelance.minimum_wage`` (warning)
* ``payment.missing_data`` (error)
* ``limits.missing_figure``, ``limits.unconfirmed``, ``freelance.dba_enforcement`` — the year
  turn (``checks_figures.py``): warnings, never a stop
* ``particulier.fictitious_employment`` — a private person's work looks like a fictitious
  employment (Uitv.besl. LB 1965 art. 2c: warning; info when an exception is recorded)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from vergoeding.core.checks_caps import month_cap, year_cap
from vergoeding.core.checks_fictitious import RuleException, fictitious_employment
from vergoeding.core.checks_figures import dba_enforcement, missing_figures, unconfirmed_figures
from vergoeding.core.checks_hourly import HourlyWork, hourly_presumption
from vergoeding.core.checks_other import (
    benefit_notices,
    by_code,
    engagement_budget,
    freelance_minimum_wage,
    missing_payment_data,
)
from vergoeding.core.checks_volunteer import Declaration, also_employed, org_not_eligible
from vergoeding.core.compensation import PricedEntry
from vergoeding.core.findings import Finding, sort_findings
from vergoeding.core.limits import LimitsBook
from vergoeding.core.payout import own_payment_data
from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Expert, Organisation

__all__ = ["CheckInput", "Declaration", "HourlyWork", "RuleException", "run_checks"]


@dataclass(frozen=True)
class CheckInput:
    """What the checks need.

    ``priced``: every entry of the year(s) of ``period`` with a work date before the end of
    ``period`` (the year cap counts the year so far; month caps look at the months of
    ``period``). ``budget_priced``: every entry (any year) of engagements with a budget, up to
    the end of ``period``."""

    period: Period
    priced: Sequence[PricedEntry]
    experts: Sequence[Expert]
    engagements: Sequence[Engagement]
    own: Organisation
    declarations: Sequence[Declaration]
    limits: LimitsBook
    today: date
    budget_priced: Sequence[PricedEntry] = ()
    iban_valid: Callable[[str], bool] = field(default=lambda s: bool(s))
    bsn_valid: Callable[[str], bool] = field(default=lambda s: bool(s))
    # For the hourly presumption, when the caller passes ``priced`` summed per engagement and
    # month (the fast path of ``api.checks``): this check lists work days and ages, so it gets
    # single entries (``hourly_priced``) and work summed with its days (``hourly_summed``).
    # Only work that may exceed the presumption is needed.
    hourly_priced: Sequence[PricedEntry] | None = None
    hourly_summed: Sequence[HourlyWork] = ()
    # Exceptions recorded per engagement (fictitious employment, art. 2e lid 2), and, when
    # ``priced`` holds sums, the single entries of private-person engagements (the
    # fictitious-employment test counts work days per week).
    exceptions: Sequence[RuleException] = ()
    daily_priced: Sequence[PricedEntry] | None = None
    # Engagements with approved, unpaid lines before ``period`` (a payout of the period pays
    # them late): their experts need the payment data too.
    late: Sequence[Engagement] = ()


def run_checks(ci: CheckInput) -> list[Finding]:
    experts = by_code(ci.experts)
    p = ci.period
    findings: list[Finding] = []
    hourly = ci.priced if ci.hourly_priced is None else ci.hourly_priced
    findings += hourly_presumption(hourly, experts, ci.limits, p, ci.hourly_summed)
    findings += month_cap(ci.priced, ci.declarations, ci.limits, p)
    findings += year_cap(ci.priced, ci.declarations, ci.limits, p)
    findings += org_not_eligible(ci.priced, ci.own, p)
    findings += also_employed(ci.priced, experts, ci.engagements, p)
    findings += benefit_notices(ci.priced, experts, ci.declarations, ci.limits, p)
    findings += engagement_budget(ci.budget_priced, ci.engagements, p)
    findings += freelance_minimum_wage(ci.priced, ci.limits, p)
    daily = ci.priced if ci.daily_priced is None else ci.daily_priced
    findings += fictitious_employment(daily, ci.limits, p, ci.exceptions)
    findings += missing_payment_data(ci.priced, experts, ci.own, p,
                                     iban_valid=ci.iban_valid, bsn_valid=ci.bsn_valid, late=ci.late)
    findings += own_payment_data(ci.priced, ci.own, p, iban_valid=ci.iban_valid)
    # the year turn: missing and unconfirmed figures are warnings, never a stop (issue 19)
    findings += missing_figures(ci.priced, experts, ci.limits, p)
    findings += unconfirmed_figures(ci.priced, ci.limits, p)
    findings += dba_enforcement(ci.priced, p)
    return sort_findings(findings)
