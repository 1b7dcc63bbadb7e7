"""The month-end payout: check, pay approved entries, write the overview (xlsx + PDF), one
statement PDF per expert and the SEPA batch.

Atomicity: every file is rendered to bytes from the snapshot BEFORE the database changes;
the payouts row (with the JSON snapshot), the settled entries and the audit row are one
transaction; the files are written (each with ``write_atomic``) after the commit, and then
``files_written_at`` is set. A crash before the commit leaves nothing; a crash after it
leaves the payout recorded without ``files_written_at``, and the next run of the same
command writes the files from the snapshot (nothing is paid twice). ``--reprint`` writes the
same files again, byte for byte (the SEPA message id and creation time, the workbook's dates
and every PDF input are pinned in the snapshot).

Routes: vrijwilliger, vacatiegeld and particulier are paid in the SEPA batch; zzp is paid
against the expert's invoice (listed "via factuur", not settled here); loondienst goes to
the payroll system (listed, not settled here). In-kind items are never transferred.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from vergoeding import faults
from vergoeding.api.checks import check_input, price_all
from vergoeding.api.workspace import Workspace
from vergoeding.core.checks import run_checks
from vergoeding.core.compensation import PricedEntry, apply_cost_rule
from vergoeding.core.findings import Finding, Severity, has_errors
from vergoeding.core.money import ZERO, money_sum, to_cents
from vergoeding.core.period import Period, parse_period
from vergoeding.core.regimes import Regime
from vergoeding.core.room import room_on
from vergoeding.core.sepa_rules import execution_date_problem, next_business_day
from vergoeding.errors import ConfigError, InputError, RuleViolation
from vergoeding.render.files import write_atomic
from vergoeding.render.pool import worker_pool
from vergoeding.store import queries
from vergoeding.store.db import now_utc
from vergoeding.store.declarations import load_declarations
from vergoeding.store.payouts import (
    already_paid_message,
    find_payout,
    load_snapshot,
    mark_written,
    record_payout,
    record_reprint,
    unfinished_payout,
)

Progress = Callable[[int, int], None]
SEPA_DEFAULT = "pain.001.001.03"

ROUTE = {Regime.VRIJWILLIGER: "sepa", Regime.VACATIEGELD: "sepa", Regime.PARTICULIER: "sepa",
         Regime.ZZP: "factuur", Regime.LOONDIENST: "salaris"}


@dataclass(frozen=True)
class PayoutResult:
    period: str
    files: tuple[Path, ...]
    total: Decimal
    transfers: int
    settled: int
    findings: tuple[Finding, ...]
    reprint: bool
    override_reason: str | None
    completed: bool = False  # this run wrote the files of a payout whose earlier run was killed
    execution_date: date | None = None  # of the SEPA batch
    sepa_version: str = SEPA_DEFAULT


def _line(p: PricedEntry, names: dict[str, str]) -> dict[str, Any]:
    e = p.entry
    return {
        "entry_id": e.id, "expert": p.engagement.expert_code, "expert_name": names[p.engagement.expert_code],
        "engagement": p.engagement.code, "role": p.engagement.role, "regime": p.regime.value,
        "regime_label": p.regime.label, "route": ROUTE[p.regime], "work_date": e.work_date.isoformat(),
        "activity": e.activity, "unit": p.unit.value, "quantity": str(p.quantity.quantize(Decimal("0.01"))),
        "minutes": e.minutes, "unit_price": str(p.expert_unit_price), "fee": str(p.fee), "travel": str(p.travel),
        "expenses_fixed": str(p.expenses_fixed), "expenses_receipt": str(p.expenses_receipt),
        "inkind": str(p.inkind), "payable": str(p.payable), "cap_amount": str(p.cap_amount),
    }


def build_snapshot(ws: Workspace, period: Period, today: date, override_reason: str | None,
                   execution_date: date | None = None, sepa_version: str | None = None,
                   ) -> tuple[dict[str, Any], list[int], list[Finding]]:
    """Everything the documents need, as JSON-able data, plus the entry ids to settle.
    ``execution_date`` defaults to the next SEPA business day after ``today``."""
    with ws.engine.connect() as conn:
        if find_payout(conn, period.label or str(period)) is not None:
            raise RuleViolation(already_paid_message(str(period)))
        ci = check_input(ws, conn, period, expert=None, today=today)
        findings = run_checks(ci)
        own = ci.own
        engs = {e.code: e for e in ci.engagements}
        experts = {e.code: e for e in ci.experts}
        to_pay = price_all(ws, queries.load_entries(conn, period=period, statuses=["approved"]), engs)
        in_payout = _in_payout(conn, [p.entry.id for p in to_pay])
        to_pay = [p for p in to_pay if p.entry.id not in in_payout]
        # receipts count towards the caps once an allowance is paid in the year (core rule)
        to_pay = apply_cost_rule(to_pay, [*ci.priced, *to_pay])
        year_start = date(period.start.year, 1, 1)  # a period from 1 January has nothing before it
        settled_before = (queries.load_entries(conn, period=Period(year_start, period.start), statuses=["settled"])
                          if period.start > year_start else [])
        decl = load_declarations(conn, years=(period.last_day.year,))
    if has_errors(findings) and not override_reason:
        n = sum(f.severity is Severity.ERROR for f in findings)
        raise RuleViolation(
            f"er zijn {n} fout(en) voor {period}: er is niets betaald. Bekijk ze met "
            f"'vergoeding check --period {period}' en los ze op, of betaal bewust toch met "
            "--override-reason \"...\" (de reden wordt vastgelegd).")
    names = {c: e.name for c, e in experts.items()}
    created = now_utc()
    digest = hashlib.sha256(f"{period}|{created.isoformat()}".encode()).hexdigest()[:10]
    msg_id = f"VERG-{period}-{digest}"
    # Settle per expert only when the expert's net SEPA amount is not negative. Everything
    # below is grouped by expert once: a network of thousands of experts stays linear.
    settle: list[int] = []
    transfers = []
    net_sepa: dict[str, Decimal] = {}
    sepa_of: dict[str, list[PricedEntry]] = {}
    for p in to_pay:
        if ROUTE[p.regime] == "sepa":
            net_sepa[p.engagement.expert_code] = net_sepa.get(p.engagement.expert_code, ZERO) + p.payable
            sepa_of.setdefault(p.engagement.expert_code, []).append(p)
    extra: list[Finding] = []
    from stdnum import iban as stdnum_iban

    unpaid: set[str] = set()
    for code, amount in sorted(net_sepa.items()):
        if amount > ZERO and not stdnum_iban.is_valid(experts[code].iban or ""):
            unpaid.add(code)
            extra.append(Finding(Severity.WARNING, "payout.no_iban",
                                 f"{names[code]} heeft geen geldig IBAN: niets overgemaakt, de regels blijven open "
                                 "voor de volgende uitbetaling.", expert=code, period=str(period)))
            continue
        if amount < ZERO:
            unpaid.add(code)
            extra.append(Finding(Severity.WARNING, "payout.negative_balance",
                                 f"Het saldo van {names[code]} is negatief ({amount}): niets betaald, de regels "
                                 "blijven open voor de volgende uitbetaling.", expert=code, period=str(period)))
            continue
        settle += [p.entry.id for p in sepa_of[code]]
        if amount > ZERO:
            ex = experts[code]
            transfers.append({"expert": code, "name": ex.name, "iban": (ex.iban or "").replace(" ", "").upper(),
                              "amount": str(amount), "description": f"Vergoeding {period} {own.name}"[:140],
                              "endtoend_id": f"{period}-{code}"[:35]})
    year_of: dict[str, list[PricedEntry]] = {}
    for p in ci.priced:
        year_of.setdefault(p.engagement.expert_code, []).append(p)
    expert_rows = []
    paid_ids = {e.id for e in settled_before} | set(settle)
    for code in sorted(set(net_sepa) - unpaid):
        ex = experts[code]
        ytd: dict[str, Decimal] = {}
        for p in year_of.get(code, ()):
            if p.entry.id in paid_ids:
                ytd[p.regime.label] = ytd.get(p.regime.label, ZERO) + p.payable
        room = None
        if any(p.regime in (Regime.VRIJWILLIGER, Regime.VACATIEGELD) for p in sepa_of[code]):
            r = room_on(code, year_of.get(code, []), decl, ws.limits, period.last_day)
            room = {"month_label": r.month.label, "month_limit": str(r.month.limit.amount),
                    "month_left": str(r.month.left), "month_over": str(r.month.over), "year_label": r.year.label,
                    "year_limit": str(r.year.limit.amount), "year_left": str(r.year.left),
                    "year_over": str(r.year.over), "confirmed": r.month.limit.confirmed and r.year.limit.confirmed}
        expert_rows.append({"code": code, "name": ex.name, "address": ex.address.lines(),
                            "iban_tail": (ex.iban or "")[-4:], "year": period.last_day.year,
                            "ytd": [{"regime_label": k, "amount": str(v)} for k, v in sorted(ytd.items())],
                            "room": room})
    if not settle:
        raise RuleViolation(
            f"er is niets te betalen voor {period}: geen goedgekeurde, nog niet betaalde regels "
            "(of alleen regels die via een factuur of de salarisadministratie lopen). Er is niets "
            f"vastgelegd. Keur eerst uren goed met 'vergoeding approve --period {period}'.")
    all_findings = [*findings, *extra]
    snap: dict[str, Any] = {
        "version": 1, "period": str(period), "created": created.isoformat(), "execution_date": (execution_date or next_business_day(today)).isoformat(),
        "sepa_version": sepa_version or SEPA_DEFAULT,
        "msg_id": msg_id, "override_reason": override_reason,
        "organisation": {"name": own.name, "address": own.address.lines(), "iban": (own.iban or "").replace(" ", ""),
                         "bic": own.bic or ""},
        "lines": [_line(p, names) for p in to_pay
                  if not (ROUTE[p.regime] == "sepa" and p.engagement.expert_code in unpaid)], "experts": expert_rows, "transfers": transfers,
        "findings": [f.as_dict() for f in all_findings],
        "total": str(money_sum(D_(t["amount"]) for t in transfers)),
    }
    from vergoeding.documents.sepa import name_findings

    shortened = name_findings(snap)  # names the EPC limit of 70 characters cuts in the batch
    snap["findings"] += [f.as_dict() for f in shortened]
    return snap, settle, [*all_findings, *shortened]


def D_(s: str) -> Decimal:  # noqa: N802
    return Decimal(s)


def _in_payout(conn: Any, ids: list[int]) -> set[int]:
    from sqlalchemy import select

    from vergoeding.store.schema import entries

    out: set[int] = set()
    for i in range(0, len(ids), 500):  # bounded IN lists: a month of a large network has ~80,000
        rows = conn.execute(select(entries.c.id).where(entries.c.id.in_(ids[i:i + 500]),
                                                       entries.c.payout_id.is_not(None)))
        out.update(int(r.id) for r in rows)
    return out


# --- rendering -----------------------------------------------------------------------------


_BASE_URL = ""


def _pdf_init(base: str) -> None:
    """Worker start: the base URL is sent once, and WeasyPrint is imported before the first job."""
    global _BASE_URL
    _BASE_URL = base
    import vergoeding.render.pdf  # noqa: F401


def _pdf_worker(html: str) -> bytes:
    from vergoeding.render.pdf import html_to_pdf

    return html_to_pdf(html, base_url=Path(_BASE_URL), accessible=True)


def render_pdfs(htmls: Sequence[str], base_url: Path, progress: Progress | None = None,
                workers: int | None = None) -> list[bytes]:
    """HTML -> PDF bytes, in order, on ``workers`` processes (default: up to two, both cores);
    ``progress(done, total)`` after each document. With one worker, or one document, it is
    rendered in this process. Jobs go to the workers in small chunks (less traffic between
    the processes; the chunks stay small so both workers finish at about the same time)."""
    n = len(htmls)
    workers = min(workers or min(2, os.cpu_count() or 1), n)
    out: list[bytes] = []
    if workers <= 1:
        from vergoeding.render.pdf import html_to_pdf

        for i, h in enumerate(htmls, start=1):
            out.append(html_to_pdf(h, base_url=base_url, accessible=True))
            if progress:
                progress(i, n)
        return out
    chunk = max(1, min(8, n // (workers * 8)))
    with worker_pool(workers, _pdf_init, (str(base_url),)) as pool:
        for i, pdf in enumerate(pool.map(_pdf_worker, htmls, chunksize=chunk), start=1):
            out.append(pdf)
            if progress:
                progress(i, n)
    return out


def statement_htmls(ws: Workspace, snap: dict[str, Any]) -> list[tuple[str, str]]:
    """(file name, HTML) of every expert's statement of the payout ``snap``."""
    from vergoeding.documents.statement import statements_from_snapshot
    from vergoeding.render.templating import render_html

    period = snap["period"]
    return [(st.filename, render_html("statement.html", {"st": st, "title": f"Uw vergoeding {period}"},
                                      user_dir=ws.settings.templates_dir, shipped_dir=ws.settings.shipped_templates))
            for st in statements_from_snapshot(snap)]


def pdf_base_url(ws: Workspace) -> Path:
    """Where templates' stylesheets and images resolve."""
    return ws.settings.templates_dir or ws.settings.shipped_templates


def render_files(ws: Workspace, snap: dict[str, Any], progress: Progress | None = None) -> dict[str, bytes]:
    """Every payout file as bytes, from the snapshot alone."""
    from vergoeding.documents.payout import overview_context, overview_from_snapshot, overview_xlsx
    from vergoeding.documents.sepa import sepa_xml
    from vergoeding.render.templating import render_html

    def html(template: str, context: dict[str, Any]) -> str:
        return render_html(template, context, user_dir=ws.settings.templates_dir,
                           shipped_dir=ws.settings.shipped_templates)

    ov = overview_from_snapshot(snap)
    period = snap["period"]
    files: dict[str, bytes] = {f"uitbetaling-{period}.xlsx": overview_xlsx(ov)}
    names = [f"uitbetaling-{period}.pdf"]
    htmls = [html("overview.html", overview_context(ov))]
    for name, h in statement_htmls(ws, snap):
        names.append(name)
        htmls.append(h)
    for name, pdf in zip(names, render_pdfs(htmls, pdf_base_url(ws), progress), strict=True):
        files[name] = pdf
    if snap["transfers"]:
        files[f"sepa-{period}.xml"] = sepa_xml(snap)
    return files


def payout(ws: Workspace, period: Period | str, out_dir: Path | str, today: date,
           override_reason: str | None = None, reprint: bool = False,
           progress: Progress | None = None, execution_date: date | None = None,
           sepa_version: str | None = None) -> PayoutResult:
    """Pay ``period`` (or, with ``reprint``, write its files again from the stored snapshot).

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
    out = Path(out_dir)
    if not out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
    if override_reason is not None and not override_reason.strip():
        raise RuleViolation("--override-reason mag niet leeg zijn: leg vast waarom u ondanks fouten betaalt")
    if reprint:
        snap = load_snapshot(ws.engine, str(p))
        files = render_files(ws, snap, progress)
        written = tuple(write_atomic(out / n, b) for n, b in sorted(files.items()))
        record_reprint(ws.engine, period=str(p), at=now_utc(), actor=ws.actor)
        mark_written(ws.engine, period=str(p), at=now_utc(), actor=ws.actor, completed=False)
        return _result(snap, written, 0, True)
    unfinished = unfinished_payout(ws.engine, str(p))
    if unfinished is not None:
        # The previous run committed the payment and died before writing its files: write
        # them now from the stored snapshot. Nothing is paid a second time.
        files = render_files(ws, unfinished, progress)
        written = tuple(write_atomic(out / n, b) for n, b in sorted(files.items()))
        mark_written(ws.engine, period=str(p), at=now_utc(), actor=ws.actor, completed=True)
        return replace(_result(unfinished, written, 0, False), completed=True)
    snap, settle, findings = build_snapshot(ws, p, today, override_reason, execution_date, sepa_version)
    files = render_files(ws, snap, progress)  # before the commit: a rendering error changes nothing
    from datetime import datetime

    record_payout(ws.engine, period=str(p), created=datetime.fromisoformat(snap["created"]), execution_date=date.fromisoformat(snap["execution_date"]),
                  total_cents=to_cents(Decimal(snap["total"])), msg_id=snap["msg_id"], snapshot=snap,
                  settle_ids=settle, override_reason=override_reason, actor=ws.actor,
                  n_errors=sum(f.severity is Severity.ERROR for f in findings))
    faults.point("payout.after_commit")
    written = tuple(write_atomic(out / n, b) for n, b in sorted(files.items()))
    mark_written(ws.engine, period=str(p), at=now_utc(), actor=ws.actor, completed=False)
    return _result(snap, written, len(settle), False)


def _result(snap: dict[str, Any], files: tuple[Path, ...], settled: int, reprint: bool) -> PayoutResult:
    from vergoeding.core.findings import Severity as S

    findings = tuple(Finding(S(f["severity"]), f["rule"], f["message"], f.get("advice") or "",
                             expert=f.get("expert"), engagement=f.get("engagement"), period=f.get("period"))
                     for f in snap["findings"])
    return PayoutResult(snap["period"], files, Decimal(snap["total"]), len(snap["transfers"]), settled,
                        findings, reprint, snap.get("override_reason"),
                        execution_date=date.fromisoformat(snap["execution_date"]),
                        sepa_version=snap.get("sepa_version") or SEPA_DEFAULT)
