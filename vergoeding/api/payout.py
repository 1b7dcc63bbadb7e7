"""The month-end payout: choose the lines (``core/payout.py``), freeze and record them
(``store/payouts.py``), write the overview (xlsx + PDF), one statement PDF per paid expert and
the SEPA batch (``render/payout.py``).

Flow, in order: (1) load every approved, unpaid line dated before the period's end, check the
administration, price the lines and split them into paid and held experts (the decision:
:mod:`vergoeding.api.payout_decision`); (2) build the snapshot (everything the documents
show, as JSON) and render every file to bytes; (3) record
the payout, its paid lines, the settled entries and the audit row in one transaction; (4)
write the files, each atomically, and mark the payout written.

A crash before the commit leaves nothing; a crash after it leaves the payout recorded
without ``files_written_at``, and the next run of the same command writes the files from the
snapshot (nothing is paid twice). While a payout of another period waits for its files, a
new payout is refused (its SEPA batch would otherwise never be made). ``--reprint`` writes the files of every payout of the
period again, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vergoeding import faults
from vergoeding.api.payout_decision import decide
from vergoeding.api.workspace import Workspace
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.listing import few
from vergoeding.core.money import money_sum, to_cents
from vergoeding.core.nl import whole
from vergoeding.core.payout import (
    ROUTE,
    Held,
    PaidLine,
    Selection,
    override_problem,
    payout_number,
)
from vergoeding.core.period import Period, parse_period, period_text
from vergoeding.core.sepa_rules import execution_date_problem, next_business_day
from vergoeding.documents.payout import held_from_snapshot
from vergoeding.errors import ConfigError, InputError, RuleViolation
from vergoeding.render.files import write_atomic
from vergoeding.render.outputs import check_output
from vergoeding.store.db import now_utc
from vergoeding.store.payouts import (
    Repriced,
    already_paid_message,
    follow_up,
    listed_before,
    load_snapshots,
    mark_written,
    record_payout,
    record_reprint,
    unfinished_elsewhere,
    unfinished_payout,
)

if TYPE_CHECKING:
    from vergoeding.api.payout_plan import PayoutPlan

Progress = Callable[[int, int], None]
SEPA_DEFAULT = "pain.001.001.03"
REPRICE_ATTEMPTS = 3  # a payout priced again after an engagement changed under it (store.payouts.Repriced)


@dataclass(frozen=True)
class PayoutResult:
    period: str
    number: str
    files: tuple[Path, ...]
    total: Decimal
    transfers: int
    settled: int
    late: int
    held: tuple[Held, ...]
    findings: tuple[Finding, ...]
    reprint: bool
    override_reason: str | None
    completed: bool = False  # this run wrote the files of a payout whose earlier run was killed
    execution_date: date | None = None  # of the SEPA batch
    sepa_version: str = SEPA_DEFAULT


SEPA_ZONE = "Europe/Amsterdam"


def sepa_timestamp(created_utc: datetime, today: date) -> str:
    """``CreDtTm`` of the SEPA batch: the product's clock (``today``, pinned by
    ``VERGOEDING_TODAY``) at the time of day it was made, in Dutch local time WITH its offset
    (``2026-11-05T14:03:12+01:00``). Banks read a time without offset as local time; the UTC
    time written without one was an hour (in summer two) off."""
    from zoneinfo import ZoneInfo

    local = created_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(SEPA_ZONE))
    return datetime.combine(today, local.time().replace(microsecond=0), ZoneInfo(SEPA_ZONE)).isoformat()


def build_snapshot(ws: Workspace, period: Period, today: date, *, expert: str | None = None,
                   override_reason: str | None = None, override_experts: Sequence[str] = (),
                   execution_date: date | None = None, sepa_version: str | None = None,
                   ) -> tuple[dict[str, Any], list[PaidLine], list[Finding], tuple[Held, ...], tuple[str, ...]]:
    """Everything the documents need in the stored snapshot format, and the lines to record
    (see :func:`plan_payout`)."""
    plan = plan_payout(ws, period, today, expert=expert, override_reason=override_reason,
                       override_experts=override_experts, execution_date=execution_date, sepa_version=sepa_version)
    return plan.snapshot(), list(plan.paid_lines), list(plan.findings), plan.held, plan.override_experts


def plan_payout(ws: Workspace, period: Period, today: date, *, expert: str | None = None,
                override_reason: str | None = None, override_experts: Sequence[str] = (),
                execution_date: date | None = None, sepa_version: str | None = None) -> PayoutPlan:
    """The plan of a payout of ``period``: the decision (:func:`decide`), refused when nothing
    can be paid, then the typed plan (:func:`vergoeding.api.payout_plan.make_plan`).
    ``execution_date`` defaults to the next SEPA business day after ``today``."""
    d = decide(ws, period, today, expert=expert, override_experts=override_experts)
    label, expert, sel, findings, priced, ci = d.label, d.expert, d.selection, d.findings, d.priced, d.ci
    names, experts, own, existing, earlier = d.names, d.experts, d.own, d.existing, d.earlier
    paid_this_year, decl = d.paid_this_year, d.decl
    findings = [*findings, *_override_unused(sel, names, label)]
    if not sel.paid and not d.invoices:
        _refuse_nothing_paid(sel, earlier, period, label)
    # zzp and payroll lines, listed for information once: not again by a quarter or a
    # follow-up whose period an earlier payout (of everyone, or of that expert) covered
    with ws.engine.connect() as conn:
        listed = listed_before(conn, period)
    info = [p for p in priced if ROUTE[p.regime] != "sepa" and p.entry.work_date in period
            and not any(p.entry.work_date in span and who in (None, p.engagement.expert_code) for span, who in listed)]
    held_findings = [Finding(Severity.WARNING, "payout.held", f"{h.name} is aangehouden: {h.reason}",
                             "De regels blijven open en gaan mee met de volgende uitbetaling zodra het is opgelost.",
                             expert=h.expert, period=label) for h in sel.held]
    # the plan's typed values, imported here: a check's decision needs none of them
    from vergoeding.api.payout_plan import make_plan

    plan = make_plan(ws, number=payout_number(label, existing), label=label, period=period, created=now_utc(),
                     execution_date=execution_date or next_business_day(today),
                     sepa_version=sepa_version or SEPA_DEFAULT, override_reason=override_reason,
                     overridden=tuple(sel.overridden), expert_only=expert, own=own, experts=experts, names=names,
                     paid=sel.paid, other_route=info, held=sel.held, findings=[*findings, *held_findings],
                     paid_this_year=paid_this_year, priced_year=ci.priced, declarations=decl,
                     invoices=d.invoices, follow=follow_up(earlier))
    plan = replace(plan, sepa_created=sepa_timestamp(plan.created, today))
    from vergoeding.documents.sepa import name_findings

    shortened = name_findings(plan.snapshot())  # names the EPC limit of 70 characters cuts in the batch
    return replace(plan, findings=(*plan.findings, *shortened)) if shortened else plan


def _override_unused(sel: Selection, names: dict[str, str], label: str) -> list[Finding]:
    """An override that does nothing is said out loud (on screen and on the overview), never
    silently dropped: the finance employee may have meant someone else."""
    held_by = {h.expert: h for h in sel.held}
    return [Finding(Severity.WARNING, "payout.override_unused",
                    (f"--override-expert {code}: {names.get(code, code)} blijft aangehouden, want "
                     f"{held_by[code].reason.rstrip('.')}" if code in held_by else text)
                    + "; de override geldt hier niet.",
                    "Bedoelde u een ander? Kijk bij 'Aangehouden' wie niet is betaald, en betaal die met "
                    f"een vervolgbetaling: 'vergoeding payout --period {label} --out MAP --override-expert CODE "
                    "--override-reason \"...\"'.", period=label)
            for code, text in sel.override_unused]


def _refuse_nothing_paid(sel: Selection, earlier: Any, period: Period, label: str) -> None:
    """Nothing to pay: why, in the finance employee's words (everyone held, already paid, or no lines)."""
    if sel.held:
        raise RuleViolation(
            f"er is niets betaald voor {period_text(period)}: iedereen met open regels "
            f"({whole(len(sel.held))} {'deskundige' if len(sel.held) == 1 else 'deskundigen'}) is aangehouden: "
            + few([f"{h.name} ({h.expert}): {h.reason.rstrip('.')}" for h in sel.held], sep="; ")
            + f". Los het op en betaal opnieuw; wie er is aangehouden en waarom staat in "
            f"'vergoeding check --period {label}'.")
    if earlier:
        raise RuleViolation(already_paid_message(label, earlier))
    raise RuleViolation(
        f"er is niets te betalen voor {period_text(period)}: geen goedgekeurde, nog niet betaalde regels "
        "(of alleen regels die via een factuur of de salarisadministratie lopen). Er is niets "
        f"vastgelegd. Keur eerst uren goed met 'vergoeding approve --period {label}'.")


def _write(ws: Workspace, snap: dict[str, Any], out: Path, progress: Progress | None) -> tuple[Path, ...]:
    from vergoeding.render.payout import render_files

    with render_files(ws.settings.templates_dir, ws.settings.shipped_templates, snap, progress) as files:
        return tuple(write_atomic(out / n, files[n]) for n in sorted(files))


def payout(ws: Workspace, period: Period | str, out_dir: Path | str, today: date, *,
           expert: str | None = None, override_reason: str | None = None, override_experts: Sequence[str] = (),
           reprint: bool = False, progress: Progress | None = None, execution_date: date | None = None,
           sepa_version: str | None = None) -> PayoutResult:
    """Pay the approved, unpaid lines up to the end of ``period`` (or, with ``reprint``,
    write the files of its payouts again from the stored snapshots).

    ``execution_date``: the requested execution date of the SEPA batch; a business day, not
    before ``today`` (default: the next business day, see :mod:`vergoeding.core.sepa_rules`).
    ``sepa_version``: ``pain.001.001.03`` (default) or ``pain.001.001.09``."""
    p = parse_period(period) if isinstance(period, str) else period
    if reprint and (execution_date is not None or sepa_version is not None):
        raise InputError("--execution-date en --sepa-version horen bij een nieuwe uitbetaling; een herdruk "
                         "(--reprint) maakt dezelfde bestanden opnieuw, met de vastgelegde datum en versie")
    if sepa_version is not None:
        from vergoeding.documents.sepa import sepa_version as full_version

        try:
            sepa_version = full_version(sepa_version)
        except ConfigError as exc:
            raise InputError(exc.message) from None
    if execution_date is not None and (problem := execution_date_problem(execution_date, today)):
        raise InputError(problem)
    label = p.label or str(p)
    if problem := override_problem(override_reason, override_experts):
        field = "override-expert" if override_reason and override_reason.strip() and not override_experts else "override-reason"
        raise InputError(problem, field=field)
    reason = " ".join(override_reason.split()) if override_reason else None
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is een bestand; geef met --out een map voor de uitbetaling")
    if reprint:
        snaps = load_snapshots(ws.engine, label)
        out.mkdir(parents=True, exist_ok=True)
        written: tuple[Path, ...] = ()
        for snap in snaps:
            written += _write(ws, snap, out, progress)
            record_reprint(ws.engine, number=snap.get("number", label), at=now_utc(), actor=ws.actor)
            mark_written(ws.engine, number=snap.get("number", label), at=now_utc(), actor=ws.actor, completed=False)
        return replace(_result(snaps[-1], written, 0, True), total=money_sum(Decimal(s["total"]) for s in snaps))
    unfinished = unfinished_payout(ws.engine, label)
    if unfinished is not None:
        # The previous run committed the payment and died before writing its files: write
        # them now from the stored snapshot. Nothing is paid a second time.
        out.mkdir(parents=True, exist_ok=True)
        written = _write(ws, unfinished, out, progress)
        mark_written(ws.engine, number=unfinished.get("number", label), at=now_utc(), actor=ws.actor, completed=True)
        return replace(_result(unfinished, written, 0, False), completed=True)
    if (other := unfinished_elsewhere(ws.engine, label)) is not None:
        raise RuleViolation(
            f"uitbetaling {other.number} is vastgelegd, maar de bestanden (met de SEPA-batch) zijn nooit gemaakt: "
            f"de uitvoering is afgebroken. Maak ze eerst: 'vergoeding payout --period {other.period} --out MAP'. "
            f"Daarna kunt u {label} betalen; er is nu niets betaald.")
    from vergoeding.render.payout import render_files

    for attempt in range(1, REPRICE_ATTEMPTS + 1):
        snap, lines, _, held, overridden = build_snapshot(ws, p, today, expert=expert, override_reason=reason,
                                                          override_experts=override_experts,
                                                          execution_date=execution_date, sepa_version=sepa_version)
        files = render_files(ws.settings.templates_dir, ws.settings.shipped_templates, snap, progress)
        try:
            for name in files:  # a path that may not be written is refused before anything is paid
                check_output(out / name, files[name])
            faults.point("payout.priced")
            record_payout(ws.engine, number=snap["number"], period=label, expert_code=snap["expert_only"],
                          created=datetime.fromisoformat(snap["created"]),
                          execution_date=date.fromisoformat(snap["execution_date"]),
                          total_cents=to_cents(Decimal(snap["total"])), msg_id=snap["msg_id"], snapshot=snap,
                          lines=lines, override_reason=reason if overridden else None, overridden=overridden,
                          held=[h.expert for h in held], actor=ws.actor,
                          invoices_paid=[int(i["id"]) for i in snap.get("invoices", ())])
            break
        except Repriced:
            # an engagement edit committed while these lines were priced: price them again
            # (the edit was not refused, so the new terms hold for these unpaid lines)
            files.close()
            if attempt == REPRICE_ATTEMPTS:
                raise
        except BaseException:
            files.close()
            raise
    with files:  # staged on disk (render.staged): written one by one, never all in memory
        faults.point("payout.after_commit")
        out.mkdir(parents=True, exist_ok=True)
        written = tuple(write_atomic(out / n, files[n]) for n in sorted(files))
    mark_written(ws.engine, number=snap["number"], at=now_utc(), actor=ws.actor, completed=False)
    return _result(snap, written, len(lines), False)


def _result(snap: dict[str, Any], files: tuple[Path, ...], settled: int, reprint: bool) -> PayoutResult:
    findings = tuple(Finding(Severity(f["severity"]), f["rule"], f["message"], f.get("advice") or "",
                             expert=f.get("expert"), engagement=f.get("engagement"), period=f.get("period"))
                     for f in snap["findings"])
    held = held_from_snapshot(snap)
    late = sum(1 for ln in snap["lines"] if ln.get("late"))
    return PayoutResult(snap["period"], snap.get("number", snap["period"]), files, Decimal(snap["total"]),
                        len(snap["transfers"]), settled, late, held, findings, reprint,
                        snap.get("override_reason"), execution_date=date.fromisoformat(snap["execution_date"]),
                        sepa_version=snap.get("sepa_version") or SEPA_DEFAULT)
