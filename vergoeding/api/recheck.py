"""``vergoeding check --year``: the paid lines of the year checked again under the figures in
force now (see :mod:`vergoeding.core.recheck`). The priced set is every paid line of the year
(amounts as paid); open lines are checked by the usual ``check``."""

from __future__ import annotations

from vergoeding.api.workspace import Workspace
from vergoeding.core.findings import Finding
from vergoeding.core.payout import as_priced
from vergoeding.core.period import year as year_period
from vergoeding.core.recheck import recheck_paid
from vergoeding.store import queries
from vergoeding.store.declarations import load_declarations
from vergoeding.store.payouts import load_paid_lines


def recheck_year(ws: Workspace, year: int, expert: str | None = None) -> list[Finding]:
    """One warning per paid line of ``year`` whose check result differs under the figures in
    force now (nothing when every line was checked against them)."""
    if year not in ws.limits.years:
        return []
    with ws.engine.connect() as conn:
        lines = load_paid_lines(conn, period=year_period(year), expert_code=expert)
        if not lines or all(ln.limits_version == ws.limits.version(year) for ln in lines):
            return []
        engs = {e.code: e for e in queries.all_engagements(conn, expert_code=expert)}
        experts = queries.all_experts(conn, [expert] if expert else None)
        decl = load_declarations(conn, expert_code=expert, years=(year,))
    priced = [as_priced(ln, engs[ln.engagement]) for ln in lines if ln.engagement in engs]
    return recheck_paid(year, lines, priced, {x.code: x for x in experts}, decl, ws.limits,
                        {x.code: x.name for x in experts})
