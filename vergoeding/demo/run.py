"""``run_demo``: build a realistic fictional administration in a fresh database.

The demo is an explicit, ordered list of small steps (:data:`STEPS`). Each step takes the
shared :class:`DemoContext` and returns the lines it wants to show. Later features append
their own step (month-end payout, invoices, contracts) to the list.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import price_entry
from vergoeding.core.money import ZERO
from vergoeding.core.period import Period
from vergoeding.demo import data
from vergoeding.errors import VergoedingError
from vergoeding.render.formatting import euro
from vergoeding.store import ledger, queries
from vergoeding.store import schema as s
from vergoeding.store.db import transaction
from vergoeding.store.entries import EntryData
from vergoeding.store.ledger import DeclarationData

DEMO_DB = "vergoeding.db"
DEMO_PERIOD = Period(date(2026, 8, 1), date(2026, 11, 1), "2026-08..2026-10")
DEMO_ACTOR = "demo"


@dataclass
class DemoContext:
    ws: Workspace
    out_dir: Path
    rng: random.Random = field(default_factory=lambda: random.Random(data.SEED))
    numbers: data.Numbers = field(default_factory=data.Numbers)
    files: list[Path] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # what steps tell later steps and tests


@dataclass(frozen=True)
class StepResult:
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DemoReport:
    db: Path
    steps: tuple[StepResult, ...]
    files: tuple[Path, ...]
    facts: dict[str, Any]

    def lines(self) -> list[str]:
        out = [f"Demo-administratie: {self.db}"]
        for step in self.steps:
            out.append("")
            out.append(f"== {step.name}")
            out.extend(step.lines)
        if self.files:
            out.append("")
            out.append("Bestanden:")
            out.extend(f"  {p}" for p in self.files)
        return out


Step = tuple[str, Callable[[DemoContext], list[str]]]


# ---------------------------------------------------------------------------- steps


def step_organisations(ctx: DemoContext) -> list[str]:
    with transaction(ctx.ws.engine) as conn:
        own = ledger.add_organisation(conn, DEMO_ACTOR, data.own_organisation(ctx.numbers))
        cl = [ledger.add_organisation(conn, DEMO_ACTOR, c) for c in data.clients(ctx.numbers)]
    return [f"eigen organisatie: {own.name} (ANBI, mag vrijwilligersvergoeding betalen, loonheffingennummer)",
            *(f"opdrachtgever {c.code}: {c.name}" for c in cl)]


def step_experts(ctx: DemoContext) -> list[str]:
    with transaction(ctx.ws.engine) as conn:
        added = [ledger.add_expert(conn, DEMO_ACTOR, x) for x in data.experts(ctx.numbers)]
    with_benefit = sum(1 for x in added if x.benefit != "geen")
    return [f"{len(added)} ervaringsdeskundigen, van wie {with_benefit} met een uitkering (alleen de soort)"]


def step_declarations(ctx: DemoContext) -> list[str]:
    items = [
        DeclarationData("E011", 2026, Decimal("600.00"), None, "Voedselbank Eemvallei", "jaarverklaring"),
        DeclarationData("E016", 2026, Decimal("50.00"), 9, "Buurthuis De Kroon", "verklaring september"),
    ]
    with transaction(ctx.ws.engine) as conn:
        for d in items:
            ledger.add_declaration(conn, DEMO_ACTOR, d)
    return [f"verklaring {d.expert}: {euro(d.amount)} van {d.organisation}" + (f" (maand {d.month})" if d.month else " (jaar)")
            for d in items]


def step_engagements(ctx: DemoContext) -> list[str]:
    with transaction(ctx.ws.engine) as conn:
        for plan in data.PLANS:
            ledger.add_engagement(conn, DEMO_ACTOR, plan.engagement, ctx.ws.ratecard)
    roles = sorted({p.engagement.role for p in data.PLANS})
    regimes = sorted({p.engagement.regime for p in data.PLANS})
    return [f"{len(data.PLANS)} opdrachten; rollen: {', '.join(roles)}", f"regimes: {', '.join(regimes)}"]


def step_hours(ctx: DemoContext) -> list[str]:
    rng = ctx.rng
    used: dict[str, set[date]] = defaultdict(set)
    n = 0
    with transaction(ctx.ws.engine) as conn:
        for plan in data.PLANS:
            g = plan.engagement
            for i, (y, m) in enumerate(data.MONTHS):
                free = [d for d in data.working_days(y, m) if d not in used[g.expert]]
                days = sorted(rng.sample(free, plan.sessions[i]))
                for day in days:
                    used[g.expert].add(day)
                    km = Decimal(rng.randint(*plan.km)) if plan.km else Decimal(0)
                    entry = EntryData(engagement=g.code, work_date=day, minutes=rng.choice(plan.minutes),
                                      quantity=plan.quantity, activity=rng.choice(plan.activity), km=km)
                    ledger.add_entry(conn, DEMO_ACTOR, entry, ctx.ws.ratecard)
                    n += 1
        extras = [
            EntryData("G016", date(2026, 9, 18), 60, activity="afscheid klantpanellid", inkind=Decimal("25.00"),
                      inkind_note="VVV-bon"),
            EntryData("G019", date(2026, 9, 29), 180, activity="training", expense=Decimal("18.40"),
                      expense_receipt=True, expense_note="treinkaartje Amersfoort-Utrecht v.v."),
            EntryData("G002", date(2026, 10, 31), 30, activity="verslag klankbordgroep", expense=Decimal("4.50"),
                      expense_note="parkeren"),
            # A private person working two afternoons a week from September: the pattern of a
            # fictitious employment (Uitv.besl. LB 1965 art. 2c), a warning in the check.
            *[EntryData("G023", day, 240, activity="focusgroep en analyse")
              for day in data.tuesdays_and_thursdays(date(2026, 9, 1), date(2026, 11, 1))],
        ]
        for e in extras:
            ledger.add_entry(conn, DEMO_ACTOR, e, ctx.ws.ratecard)
            n += 1
    ctx.facts["entries"] = n
    return [f"{n} urenregels in augustus, september en oktober 2026 (vaste datums, vaste seed {data.SEED})"]


def step_approve(ctx: DemoContext) -> list[str]:
    with transaction(ctx.ws.engine) as conn:
        approved = ledger.approve(conn, DEMO_ACTOR, DEMO_PERIOD)
    ctx.facts["approved"] = len(approved)
    return [f"{len(approved)} regels goedgekeurd (augustus tot en met oktober 2026)"]


def step_summary(ctx: DemoContext) -> list[str]:
    ws = ctx.ws
    lines: list[str] = []
    with ws.engine.connect() as conn:
        counts = {t: int(conn.execute(select(func.count()).select_from(s.metadata.tables[t])).scalar() or 0)
                  for t in ("organisations", "experts", "declarations", "engagements", "entries", "audit_log")}
        engagements = {g.code: g for g in queries.all_engagements(conn)}
        entries = queries.load_entries(conn, period=DEMO_PERIOD)
    ctx.facts["counts"] = counts
    lines.append("aantallen: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    per_regime: dict[str, list[Any]] = defaultdict(lambda: [0, 0, ZERO])
    per_month: dict[str, list[Any]] = defaultdict(lambda: [0, 0, ZERO])
    for e in entries:
        g = engagements[e.engagement_code]
        try:
            amount = price_entry(e, g, ws.ratecard, ws.limits).payable
        except VergoedingError:
            amount = ZERO
        for bucket in (per_regime[g.regime.value], per_month[f"{e.work_date:%Y-%m}"]):
            bucket[0] += 1
            bucket[1] += e.minutes
            bucket[2] += amount
    lines.append("per regime (regels, uren, te betalen aan deskundigen):")
    for regime, (k, minutes, amount) in sorted(per_regime.items()):
        lines.append(f"  {regime:<13} {k:>4} regels  {_h(minutes):>8} uur  {euro(amount):>12}")
    lines.append("per maand:")
    for key, (k, minutes, amount) in sorted(per_month.items()):
        lines.append(f"  {key}  {k:>4} regels  {_h(minutes):>8} uur  {euro(amount):>12}")
    ctx.facts["per_month"] = {k: (v[0], v[1], v[2]) for k, v in per_month.items()}
    ctx.facts["per_regime"] = {k: (v[0], v[1], v[2]) for k, v in per_regime.items()}
    return lines


def step_hours_pdf(ctx: DemoContext) -> list[str]:
    from vergoeding.api.hours import hours, hours_pdf
    from vergoeding.render.files import write_atomic

    doc = hours(ctx.ws, "E002", DEMO_PERIOD, made_on=date(2026, 11, 2))
    path = write_atomic(ctx.out_dir / "urenoverzicht-E002.pdf", hours_pdf(ctx.ws, doc))
    ctx.files.append(path)
    ctx.facts["hours_pdf_minutes"] = doc.total.minutes
    return [f"urenoverzicht van {doc.expert_name} (E002): {_h(doc.total.minutes)} uur -> {path.name}"]


def _h(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


# The demo, in order. Append new steps here (payout, invoices, contracts, ...).
STEPS: list[Step] = [
    ("Organisaties", step_organisations),
    ("Ervaringsdeskundigen", step_experts),
    ("Verklaringen van andere organisaties", step_declarations),
    ("Opdrachten", step_engagements),
    ("Uren", step_hours),
    ("Goedkeuren", step_approve),
    ("Overzicht", step_summary),
    ("Urenoverzicht (pdf)", step_hours_pdf),
]


def _append_invoice_steps() -> None:
    from vergoeding.demo.invoices import DEMO_STEPS
    from vergoeding.demo.payout import PAYOUT_STEPS

    STEPS.extend(PAYOUT_STEPS)
    STEPS.extend(DEMO_STEPS)


_append_invoice_steps()


def demo_workspace(ws: Workspace, out_dir: Path) -> Workspace:
    """A workspace on a FRESH ``out_dir/vergoeding.db`` (an existing demo database is removed;
    any other database there is refused: ``demo --out .`` next to the real administration
    would delete it). A folder made here is ``0700`` (the database holds BSNs and IBANs)."""
    from vergoeding.store.identity import make_private_folder

    db = out_dir / DEMO_DB
    _refuse_real_administration(db)
    make_private_folder(out_dir)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = replace(ws.settings, db=str(db), actor=DEMO_ACTOR)
    return Workspace(settings)


def _refuse_real_administration(db: Path) -> None:
    """``db`` may be removed only when it is a demo administration (every audit row by the demo)."""
    if not db.exists() and not db.is_symlink():
        return
    import sqlite3

    from vergoeding.errors import ConfigError
    from vergoeding.store.identity import check_sqlite_file, query

    refusal = ConfigError(f"in {db.parent} staat al een database {db.name} die geen voorbeeldadministratie is; de "
                          "demo maakt daar een nieuwe en zou die verwijderen. Kies met --out een andere (lege) map; "
                          "er is niets gewijzigd.")
    if db.is_symlink() or not db.is_file():
        raise refusal
    try:
        check_sqlite_file(db)
    except ConfigError:
        raise refusal from None
    try:
        others = query(db, "SELECT count(*) FROM audit_log WHERE actor != ?", (DEMO_ACTOR,))[0][0]
    except sqlite3.Error:
        raise refusal from None
    if others:
        raise refusal


def run_demo(ws: Workspace, out_dir: Path, steps: list[Step] | None = None) -> DemoReport:
    demo_ws = demo_workspace(ws, Path(out_dir))
    ctx = DemoContext(demo_ws, Path(out_dir))
    results = []
    try:
        for name, step in (STEPS if steps is None else steps):
            results.append(StepResult(name, tuple(step(ctx))))
    finally:
        demo_ws.close()
    return DemoReport(Path(out_dir) / DEMO_DB, tuple(results), tuple(ctx.files), ctx.facts)


__all__ = ["DemoContext", "DemoReport", "STEPS", "StepResult", "run_demo"]
