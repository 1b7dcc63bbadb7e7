"""Demo steps for the month end: check October 2026, show the findings, and pay it.

The demo holds one intended error (a volunteer over the monthly cap in October). The payout
holds that volunteer (with the reason) and pays everyone else; then a follow-up payout pays
the held volunteer with an override that names them and records a reason (a finance employee
would more often lower the allowance), so that every document of a month end is produced."""

from __future__ import annotations

from datetime import date
from typing import Any

from vergoeding.api import checks, payout
from vergoeding.core.findings import Severity
from vergoeding.core.period import month
from vergoeding.errors import VergoedingError
from vergoeding.render.formatting import euro

PERIOD = month(2026, 10)
# warnings worth showing in the demo besides the errors (rules added in issue 15)
SHOWN_RULES = ("particulier.fictitious_employment",)
PAY_DAY = date(2026, 11, 5)


def step_check(ctx: Any) -> list[str]:
    findings = checks.check(ctx.ws, PERIOD, today=PAY_DAY)
    lines = [f"{sum(f.severity is s for f in findings)} {s.label.lower()}" for s in Severity]
    lines += [f"{f.severity.label} [{f.label}] {f.expert or ''}: {f.message}"
              for f in findings if f.severity is Severity.ERROR or f.rule in SHOWN_RULES]
    return lines


def step_payout(ctx: Any) -> list[str]:
    out = ctx.out_dir / "uitbetaling-2026-10"
    res = payout.payout(ctx.ws, PERIOD, out, PAY_DAY)
    ctx.files.extend(res.files)
    lines = [f"betaald ({res.number}): {res.transfers} overboekingen, totaal {euro(res.total)}, "
             f"{res.settled} regels afgerekend"]
    lines += [f"  aangehouden: {h.expert} {h.name}: {h.reason}" for h in res.held]
    held = [h.expert for h in res.held]
    if held:
        try:
            payout.payout(ctx.ws, PERIOD, out, PAY_DAY, override_experts=held, override_reason="ok")
        except VergoedingError as exc:
            lines.append(f"geweigerd zonder echte reden: {exc.message.splitlines()[0]}")
        res2 = payout.payout(ctx.ws, PERIOD, out, PAY_DAY, override_experts=held,
                             override_reason="demo: de te hoge vergoeding wordt in november verrekend")
        ctx.files.extend(res2.files)
        lines.append(f"vervolgbetaling ({res2.number}) met vastgelegde reden: {res2.transfers} overboeking(en), "
                     f"totaal {euro(res2.total)}, {res2.settled} regels afgerekend")
    lines += [f"  {p}" for p in ctx.files if p.parent == out]
    return lines


PAYOUT_STEPS = [("Controle oktober 2026", step_check), ("Uitbetaling oktober 2026", step_payout)]
