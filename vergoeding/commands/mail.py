"""``vergoeding mail ...``: the outbox (docs/MAIL.md)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import (
    DateType,
    PeriodType,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._lazy import lazy_module

if TYPE_CHECKING:
    from vergoeding.mail import batches
    from vergoeding.mail import outbox as api
else:
    api = lazy_module("vergoeding.mail.outbox")
    batches = lazy_module("vergoeding.mail.batches")

STATES = ("queued", "sent", "failed")
STATE_WORDS = {"queued": "in de wachtrij", "sent": "verzonden", "failed": "mislukt"}


@click.group("mail")
def mail_group() -> None:
    """Mails versturen via de wachtrij (outbox): specificaties, facturen, herinneringen.

    Elke mail komt eerst in de wachtrij; 'mail send' verstuurt. Een onderbroken verzending
    opnieuw starten is veilig: geen mail gaat verloren of gaat twee keer.

    \b
    Voorbeelden:
      vergoeding mail list --state queued
      vergoeding mail send --dry-run
      vergoeding mail send
    """


def _bar(label: str) -> tuple[Any, Any]:
    """(progress callback, closer): a bar on a terminal, nothing in a pipe."""
    state: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not sys.stderr.isatty() or total == 0:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    def close() -> None:
        if "bar" in state:
            state.pop("bar").__exit__(None, None, None)

    return progress, close


def _dry_run_line(ctx: click.Context) -> str:
    """This command as typed, with --dry-run: the place where every skipped person is listed."""
    from datetime import date

    parts = ["vergoeding", "mail", str(ctx.info_name)]
    for p in ctx.command.params:
        value = ctx.params.get(p.name or "")
        if not isinstance(p, click.Option) or p.name == "dry_run" or value in (None, (), False):
            continue
        for v in value if isinstance(value, tuple) else (value,):
            parts += [max(p.opts, key=len), f"{v:%d-%m-%Y}" if isinstance(v, date) else str(v)]
    return "'" + " ".join([*parts, "--dry-run"]) + "'"


def _show_plan(plan: Any, dry_run: bool) -> None:
    ctx = click.get_current_context()
    if dry_run:
        for m in plan.mails:
            if m.queued:
                continue
            extra = f" [{', '.join(m.files)}]" if m.files else (f" [link: {m.link}]" if m.link else "")
            click.echo(f"{m.who} {m.name} <{m.to}>: {m.subject}{extra}")
    for line in plan.summary(dry_run, rest_at=_dry_run_line(ctx)):
        click.echo(line)


DRY_RUN = click.option("--dry-run", is_flag=True, help="Laat zien wie welke mail zou krijgen; zet niets klaar.")


@mail_group.command("statements")
@click.option("--period", required=True, type=PeriodType(), help="De uitbetaalde periode, bv. 2026-11.")
@DRY_RUN
@click.pass_context
def statements_cmd(ctx: click.Context, period: Any, dry_run: bool) -> None:
    """Zet de specificaties van een uitbetaling klaar: elke betaalde deskundige met een
    e-mailadres krijgt de eigen specificatie (als PDF, of met VERGOEDING_WEB_URL een link naar
    het portaal). Alleen naar het adres in de eigen gegevens; wie --no-mail koos, niet.
    Twee keer draaien zet niets dubbel klaar. Versturen: 'vergoeding mail send'.

    \b
    Voorbeelden:
      vergoeding mail statements --period 2026-11 --dry-run
      vergoeding mail statements --period 2026-11
      vergoeding mail send
    """
    progress, close = _bar("Specificaties maken")
    try:
        plan = batches.plan_statements(workspace(ctx), period, dry_run=dry_run, progress=progress)
    finally:
        close()
    _show_plan(plan, dry_run)


@mail_group.command("year-statements")
@click.option("--year", required=True, type=click.IntRange(2000, 2200), help="Het jaar van betaling, bv. 2026.")
@DRY_RUN
@click.pass_context
def year_statements_cmd(ctx: click.Context, year: int, dry_run: bool) -> None:
    """Zet de jaaropgaven klaar: elke deskundige die in het jaar is betaald, krijgt de eigen
    jaaropgave (als PDF, of met VERGOEDING_WEB_URL een link naar het portaal), alleen op het
    adres in de eigen gegevens. Versturen: 'vergoeding mail send'.

    \b
    Voorbeelden:
      vergoeding mail year-statements --year 2026 --dry-run
      vergoeding mail year-statements --year 2026
    """
    progress, close = _bar("Jaaropgaven maken")
    try:
        plan = batches.plan_year_statements(workspace(ctx), year, today(), dry_run=dry_run, progress=progress)
    finally:
        close()
    _show_plan(plan, dry_run)


@mail_group.command("invoices")
@click.option("--period", type=PeriodType(), help="Alleen facturen van deze periode, bv. 2026-11.")
@click.option("--number", "numbers", multiple=True, help="Alleen deze factuur (mag vaker).")
@DRY_RUN
@click.pass_context
def invoices_cmd(ctx: click.Context, period: Any, numbers: tuple[str, ...], dry_run: bool) -> None:
    """Zet uitgereikte facturen en creditnota's klaar voor de opdrachtgevers: naar het
    factuuradres (org edit --invoice-email; anders de contactpersoon), met de PDF en de
    e-factuur (XML), of alleen de XML voor wie daarom vraagt (org edit --invoice-mail xml).
    Elke factuur één keer. Versturen: 'vergoeding mail send'.

    \b
    Voorbeelden:
      vergoeding mail invoices --period 2026-11 --dry-run
      vergoeding mail invoices --number F2026-0012
    """
    progress, close = _bar("Facturen maken")
    try:
        plan = batches.plan_invoices(workspace(ctx), period=period, numbers=numbers, dry_run=dry_run,
                                     progress=progress)
    finally:
        close()
    _show_plan(plan, dry_run)


@mail_group.command("reminders")
@click.option("--period", required=True, type=PeriodType(), help="De periode, bv. 2026-11.")
@click.option("--before", required=True, type=DateType(), help="Uiterste datum voor de uren (dd-mm-jjjj).")
@DRY_RUN
@click.pass_context
def reminders_cmd(ctx: click.Context, period: Any, before: Any, dry_run: bool) -> None:
    """Zet een herinnering klaar voor deskundigen met een opdracht in de periode die nog geen
    uren hebben doorgegeven (eenvoudige tekst, één keer per periode).

    \b
    Voorbeelden:
      vergoeding mail reminders --period 2026-11 --before 05-12-2026 --dry-run
      vergoeding mail reminders --period 2026-11 --before 05-12-2026
    """
    if before < today() and not dry_run:
        raise click.BadParameter(f"{before:%d-%m-%Y} ligt in het verleden", param_hint="--before")
    _show_plan(batches.plan_reminders(workspace(ctx), period, before, dry_run=dry_run), dry_run)


@mail_group.command("send")
@click.option("--id", "ids", type=int, multiple=True, help="Alleen deze mail(s) uit de wachtrij (nummer uit 'mail list').")
@click.option("--dry-run", is_flag=True, help="Laat zien wat verzonden zou worden; verstuurt niets.")
@click.pass_context
def send_cmd(ctx: click.Context, ids: tuple[int, ...], dry_run: bool) -> None:
    """Verstuur de mails in de wachtrij die aan de beurt zijn.

    Op een terminal ziet u een voortgangsbalk. Tijdelijke fouten van de server worden later
    opnieuw geprobeerd; blijvende fouten staan per ontvanger in het overzicht.

    \b
    Voorbeelden:
      vergoeding mail send
      vergoeding mail send --id 17
    """
    ws = workspace(ctx)
    if dry_run:
        rows, _ = api.list_outbox(ws, state="queued", ids=list(ids) or None)
        for r in reversed(rows):
            files = f" [{', '.join(r.attachments)}]" if r.attachments else ""
            click.echo(f"#{r.id} {r.kind} aan {r.to}: {r.subject}{files}")
        click.echo(f"Zou verzenden: {len(rows)} mail(s). Er is niets verzonden (--dry-run).")
        return
    progress, close = _bar("Mails verzenden")
    try:
        report = api.send_queued(ws, ids=list(ids) or None, progress=progress)
    finally:
        close()
    for line in report.summary():
        click.echo(line)
    if not report.ok:
        ctx.exit(1)


@mail_group.command("retry")
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--to", help="Een nieuw adres (niet voor specificaties: die gaan naar het adres in de gegevens "
                           "van de deskundige).")
@click.pass_context
def retry_cmd(ctx: click.Context, ids: tuple[int, ...], to: str | None) -> None:
    """Zet mislukte mails opnieuw in de wachtrij (nummers uit 'mail list --state failed').
    Een specificatie of herinnering gaat naar het adres dat nu in de gegevens van de
    deskundige staat. Versturen: 'vergoeding mail send'.

    \b
    Voorbeelden:
      vergoeding mail list --state failed
      vergoeding expert edit E002 --email bram@voorbeeld.nl
      vergoeding mail retry 812
      vergoeding mail retry 1734 --to crediteuren@gemeente.nl
    """
    ws = workspace(ctx)
    for mail_id in ids:
        r = api.requeue(ws, mail_id, to=to)
        click.echo(f"#{r.id} {r.kind} aan {r.to}: weer in de wachtrij.")


@reads_only
@mail_group.command("list")
@click.option("--state", type=click.Choice(STATES), help="Alleen mails in deze toestand.")
@click.option("--kind", help="Alleen deze soort (statement, invoice, reminder, invitation, login).")
@click.option("--ref", help="Alleen mails bij dit document (bijvoorbeeld invoice:F2026-0001).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Hoogstens zoveel regels.")
@format_option()
@click.pass_context
def list_cmd(ctx: click.Context, state: str | None, kind: str | None, ref: str | None, limit: int,
             fmt: str) -> None:
    """De wachtrij (outbox): wie kreeg of krijgt welke mail, met de toestand.

    \b
    Voorbeelden:
      vergoeding mail list
      vergoeding mail list --state failed
      vergoeding mail list --format json
    """
    ws = workspace(ctx)
    rows, total = api.list_outbox(ws, state=state, kind=kind, ref=ref, limit=limit)
    data = [{"id": r.id, "kind": r.kind, "to": r.to, "subject": r.subject, "state": r.state,
             "state_text": STATE_WORDS.get(r.state, r.state), "attempts": r.attempts, "ref": r.ref,
             "created_at": r.created_at, "sent_at": r.sent_at, "next_attempt_at": r.next_attempt_at,
             "error": r.last_error, "message_id": r.message_id, "attachments": list(r.attachments),
             "pruned": r.pruned} for r in rows]
    if fmt == "json":
        emit(data, fmt, total=total)
        return
    table = [{**d, "when": d["sent_at"] or d["next_attempt_at"] or d["created_at"],
              "note": d["error"] or ""} for d in data]
    emit(table, fmt, columns=["id", "kind", "to", "subject", "state_text", "when", "note"],
         headers={"id": "nr", "kind": "soort", "to": "aan", "subject": "onderwerp", "state_text": "toestand",
                  "when": "moment", "note": "opmerking"}, total=total)
