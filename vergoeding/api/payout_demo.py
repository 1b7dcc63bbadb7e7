"""Demo steps for the month end: check October 2026, show the findings, and pay it.

The demo holds one intended error (a volunteer over the monthly cap in October). A finance
employee would lower that allowance; the demo shows the refusal and then pays with a
recorded override reason, so that every document of a month end is produced."""

from __future__ import annotations

from datetime import date
from typing import Any

from vergoeding.api import checks, payout
from vergoeding.core.findings import Severity
from vergoeding.core.period import month
from vergoeding.errors import VergoedingError

PERIOD = month(2026, 10)
# warnings worth showing in the demo besides the errors (rules added in issue 15)
SHOWN_RULES = ("particulier.fictitious_employment",)
PAY_DAY = date(2026, 11, 5)


def step_check(ctx: Any) -> list[str]:
    findings = checks.check(ctx.ws, PERIOD, today=PAY_DAY)
    lines = [f"{sum(f.severity is s for f in findings)} {s.label.lower()}" for s in Severity]
    lines += [f"{f.severity.label} [{f.rule}] {f.expert or ''}: {f.message}"
              for f in findings if f.severity is Severity.ERROR or f.rule in SHOWN_RULES]
    return lines


def step_payout(ctx: Any) -> list[str]:
    out = ctx.out_dir / "uitbetaling-2026-10"
    lines: list[str] = []
    try:
        payout.payout(ctx.ws, PERIOD, out, PAY_DAY)
    except VergoedingError as exc:
        lines.append(f"geweigerd zonder onderbouwing: {exc.message.splitlines()[0]}")
    res = payout.payout(ctx.ws, PERIOD, out, PAY_DAY,
                        override_reason="demo: de te hoge vergoeding wordt in november verrekend")
    ctx.files.extend(res.files)
    lines.append(f"betaald: {res.transfers} overboekingen, totaal {res.total}, {res.settled} regels afgerekend")
    lines += [f"  {p}" for p in res.files]
    return lines


PAYOUT_STEPS = [("Controle oktober 2026", step_check), ("Uitbetaling oktober 2026", step_payout)]
