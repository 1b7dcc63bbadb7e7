"""The payout's decision: which lines a payout of a period pays and whom it holds, with the
reasons (:func:`decide`, the ONE place that decides it). ``vergoeding payout`` pays by it
(:mod:`vergoeding.api.payout`: the plan, the record and the files) and ``vergoeding check``
reports its holds (``payout.held``), so the two never differ. A module of its own: the first
step of the payout's flow, and all that ``check`` needs of it (no plan, documents or files)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from vergoeding.api.check_input import check_input
from vergoeding.api.coverage import PriceGap, gap_findings, price_gaps
from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import CheckInput, run_checks
from vergoeding.core.checks_prices import RULE as NO_PRICE
from vergoeding.core.compensation import PricedEntry, apply_cost_rule, price_entry
from vergoeding.core.findings import Finding, Severity, sort_findings
from vergoeding.core.payout import Held, PaidLine, Selection, select_lines
from vergoeding.core.period import Period, period_text
from vergoeding.core.period import year as year_period
from vergoeding.errors import RuleViolation, VergoedingError
from vergoeding.store import queries
from vergoeding.store.declarations import load_declarations
from vergoeding.store.payouts import load_paid_lines, numbers, payouts_of

EARLIEST = date(1900, 1, 1)


def _price(ws: Workspace, entries: Sequence[Any], engs: dict[str, Any]) -> tuple[list[PricedEntry], dict[str, str]]:
    """Price each line; an expert whose line cannot be priced (no rate, no fiscal figures
    for the day) is held with the reason."""
    out: list[PricedEntry] = []
    unpriced: dict[str, str] = {}
    for e in entries:
        eng = engs[e.engagement_code]
        try:
            out.append(price_entry(e, eng, ws.ratecard, ws.limits, need_client=False))
        except VergoedingError as exc:
            unpriced.setdefault(eng.expert_code, f"regel {e.id} van {e.work_date:%d-%m-%Y} heeft geen prijs: "
                                                  f"{exc.message}")
    return out, unpriced



@dataclass(frozen=True)
class Decision:
    """What a payout of a period would do: the lines it pays, who it holds and why. Made by
    :func:`decide`, the ONE place that decides it: ``vergoeding payout`` pays by it and
    ``vergoeding check`` reports it (``payout.held``), so the two never differ."""

    period: Period
    label: str
    expert: str | None
    selection: Selection
    findings: list[Finding]
    priced: list[PricedEntry]
    ci: Any  # the CheckInput of the payout's scope
    names: dict[str, str]
    experts: dict[str, Any]
    own: Any
    existing: list[str]
    earlier: list[Any]
    paid_this_year: list[PaidLine]
    decl: Any
    invoices: tuple[Any, ...] = ()  # expert invoices (StoredInvoice) this payout pays

    @property
    def held(self) -> tuple[Held, ...]:
        return self.selection.held


def resolved_problems(conn: Any, year: int) -> frozenset[tuple[str, str, str]]:
    """(expert, rule, period) of every error an earlier payout of ``year`` paid despite, with
    an override: that problem is resolved and holds no later payout of the same expert (a
    correction resolves a problem by itself: the finding is gone)."""
    from sqlalchemy import select

    from vergoeding.store.schema import payouts

    out: set[tuple[str, str, str]] = set()
    for (snap_text,) in conn.execute(select(payouts.c.snapshot).where(payouts.c.override_reason.is_not(None))):
        import json

        snap = json.loads(snap_text)
        if not str(snap.get("period", "")).startswith(str(year)):
            continue
        overridden = set(snap.get("override_experts") or ())
        for f in snap.get("findings", ()):
            if f.get("severity") == "error" and f.get("expert") in overridden:
                out.add((f["expert"], f["rule"], f.get("period") or ""))
    return frozenset(out)


@dataclass(frozen=True)
class Checked:
    """What ``vergoeding check`` of one month computed already, handed to :func:`decide` so
    that the month is not loaded, priced and checked twice: the price gaps of the year up to
    the month's end, the check input of the month priced entry by entry (without the gaps'
    lines) and its findings. Without ``ci`` (the check summed its input) the decision loads
    its own."""

    expert: str | None
    today: date
    gaps: Sequence[PriceGap] = ()
    ci: CheckInput | None = None
    findings: Sequence[Finding] = ()

    def input_for(self, ws: Workspace, conn: Any, scope: Period, expert: str | None,
                  today: date) -> CheckInput | None:
        """The check input of ``scope`` made from the check's, or None when it would differ
        by more than can be read apart: :func:`~vergoeding.api.check_input.check_input` of a
        scope loads the entries of its year up to its end and the declarations of that year
        (the same for a scope that ends with the month and starts in its year: the earliest
        open line), and every budget engagement's entries from ``min(start, scope.start)``
        (read again when that day moves)."""
        from vergoeding.api.check_input import budget_input

        ci = self.ci
        if ci is None or expert != self.expert or today != self.today:
            return None
        p = ci.period
        if scope.end != p.end or scope.start.year != p.start.year:
            return None
        budget = ci.budget_priced
        if any(min(g.start, scope.start) != min(g.start, p.start) for g in ci.engagements
               if g.budget_minutes is not None or g.budget_amount is not None):
            budget = budget_input(ws, conn, scope, {g.code: g for g in ci.engagements},
                                  frozenset(g.entry_id for g in self.gaps))
        return replace(ci, period=scope, late=(), budget_priced=budget)  # the scope holds the late lines itself


def decide(ws: Workspace, period: Period, today: date, *, expert: str | None = None,
           override_experts: Sequence[str] = (), checked: Checked | None = None) -> Decision:
    """Which lines a payout of ``period`` pays and whom it holds, with the reasons: every
    approved, unpaid line dated before the period's end (earlier months' open lines too, and
    their problems), checked over the scope from the earliest open line. Errors an earlier
    payout overrode (:func:`resolved_problems`) hold nobody again.

    ``checked``: the decision for ``vergoeding check`` (its holds), with what the check
    computed (:class:`Checked`); it reads nothing the check does not report (no payout
    numbers, paid lines of the year or declarations: never plan a payout with it)."""
    label = period.label or str(period)
    with ws.engine.connect() as conn:
        # codes as stored: 'p1' typed for P1 selects, holds and overrides the same expert
        if expert:
            expert = queries.expert(conn, expert).code
        named = {x.code: x.name for x in (queries.expert(conn, code) for code in override_experts)}
        override_experts = tuple(named)
        own = queries.own_organisation(conn)
        open_lines = [e for e in queries.load_entries(conn, period=Period(EARLIEST, period.end), statuses=["approved"],
                                                      expert_code=expert)]
        earliest = min([period.start, *(e.work_date for e in open_lines)])
        scope = Period(earliest, period.end, label if earliest == period.start else "")
        reuse = checked.input_for(ws, conn, scope, expert, today) if checked is not None else None
        if checked is not None and reuse is not None:
            gaps, ci = list(checked.gaps), reuse
            # the same month without late lines: the check's findings as they are
            same = checked.ci is not None and checked.ci.period == scope and not checked.ci.late
            findings = list(checked.findings) if same else run_checks(ci)
        else:
            # lines without a rate or fiscal figures: their experts are held with the same
            # finding 'vergoeding check' gives (api.coverage); the lines stay open
            gaps, _ = price_gaps(ws, conn, Period(date(earliest.year, 1, 1), period.end),
                                 queries.all_engagements(conn, expert_code=expert), all_engagements=expert is None)
            ci = check_input(ws, conn, scope, expert=expert, today=today, skip=frozenset(g.entry_id for g in gaps))
            findings = run_checks(ci)
        skip = frozenset(g.entry_id for g in gaps)
        approved_ids = {e.id for e in open_lines}
        open_lines = [e for e in open_lines if e.id not in skip]
        engs = {e.code: e for e in ci.engagements}
        experts = {e.code: e for e in ci.experts}
        year = period.last_day.year
        if checked is None:  # what only the payout's plan needs
            existing, earlier = numbers(conn, label), payouts_of(conn, label)
            paid_this_year = load_paid_lines(conn, period=year_period(year), expert_code=expert)
            decl = load_declarations(conn, years=(year,))
        else:
            existing, earlier, paid_this_year, decl = [], [], [], []
        resolved = resolved_problems(conn, year) | (resolved_problems(conn, earliest.year)
                                                    if earliest.year != year else frozenset())
        from vergoeding.store.invoices import unpaid_expert_invoices

        due = unpaid_expert_invoices(conn, until=today, expert_code=expert)  # every invoice due by now
        invoice_experts = {x.code: x for x in queries.all_experts(conn, sorted({
            s.invoice.supplier.code for s in due} - set(experts)))} if due else {}
    blocking = [f for f in findings if f.severity is Severity.ERROR and not f.expert]
    if blocking:
        raise RuleViolation(
            f"de uitbetaling van {period_text(period)} kan niet: {blocking[0].message} {blocking[0].advice}".strip()
            + (f" (en {len(blocking) - 1} andere fout(en); zie 'vergoeding check --period {label}')"
               if len(blocking) > 1 else "") + " Er is niets betaald.")
    names = {**named, **{c: e.name for c, e in experts.items()}}
    findings = sort_findings([*gap_findings(ws, gaps, names, label), *findings])
    priced, unpriced = _price(ws, open_lines, engs)
    # receipts count towards the caps once an allowance is paid in the year (core rule): the
    # paid line keeps what counted under that rule at this payout
    priced = apply_cost_rule(priced, [*ci.priced, *priced])
    from stdnum import iban as stdnum_iban

    findings += [Finding(Severity.ERROR, "payout.no_price", reason, expert=code, period=label)
                 for code, reason in unpriced.items()]
    holding = [f for f in findings if (f.expert or "", f.rule, f.period or "") not in resolved]
    sel = select_lines(priced, holding, names=names, override=override_experts,
                       iban_ok=lambda c: bool(stdnum_iban.is_valid(experts[c].iban or "")))
    # an expert whose every open line lacks a price has nothing to select: held all the same
    listed = {h.expert for h in sel.held} | set(sel.experts)
    no_price = {g.engagement.expert_code for g in gaps if g.entry_id in approved_ids}
    for f in holding:
        if f.rule == NO_PRICE and f.expert in no_price and f.expert not in listed:
            held_now = (*sel.held, Held(f.expert, names.get(f.expert, f.expert), f.message))
            sel = replace(sel, held=tuple(sorted(held_now, key=lambda h: h.expert)))
            listed.add(f.expert)
    experts = {**invoice_experts, **experts}
    names = {**{c: x.name for c, x in invoice_experts.items()}, **names}
    pay, held_invoices = invoice_holds(due, experts, lambda c: bool(stdnum_iban.is_valid(experts[c].iban or "")))
    if held_invoices:
        sel = replace(sel, held=tuple(sorted((*sel.held, *held_invoices), key=lambda h: h.expert)))
    return Decision(period, label, expert, sel, findings, priced, ci, names, experts, own, existing, earlier,
                    paid_this_year, decl, tuple(pay))


def invoice_holds(due: Sequence[Any], experts: dict[str, Any],
                  iban_ok: Callable[[str], bool]) -> tuple[list[Any], list[Held]]:
    """Which expert invoices the payout pays, and which it holds with the reason: an invoice
    must be approved (a self-billed one is, when issued) and the expert needs a valid IBAN."""
    pay: list[Any] = []
    held: list[Held] = []
    for s in due:
        code = s.invoice.supplier.code
        name = experts[code].name if code in experts else s.invoice.supplier.name
        if s.approved_at is None:
            held.append(Held(code, name, f"factuur {s.label} is nog niet goedgekeurd: keur haar goed met "
                                         f"'vergoeding invoice approve {s.label}'"))
        elif code not in experts or not iban_ok(code):
            held.append(Held(code, name, f"factuur {s.label}: geen geldig IBAN; vul het in met 'vergoeding expert "
                                         f"edit {code} --iban ...'"))
        else:
            pay.append(s)
    return pay, held


def hold_findings(d: Decision) -> list[Finding]:
    """The holds of a decision as findings: what ``check`` reports and the payout lists."""
    return [Finding(Severity.ERROR, "payout.held",
                    f"{h.name} wordt aangehouden bij 'vergoeding payout --period {d.label}': {h.reason}",
                    "De regels blijven open en gaan mee met de volgende uitbetaling zodra het is opgelost "
                    "(of betaal bewust toch met --override-expert en --override-reason).",
                    expert=h.expert, period=d.label) for h in d.held]

