"""``vergoeding log``, ``approve``, ``lock``, ``unlock``, ``correct``, ``audit`` and ``hours``:
hours on the command line (organisations, experts and engagements have modules of their own:
``orgs.py``, ``experts.py``, ``engagements.py``; their shared option tables in ``_forms.py``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import (
    DATE,
    DURATION,
    ENGAGEMENT_CODE,
    EXPERT_CODE,
    MONEY,
    PERIOD,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._forms import DECIMAL
from vergoeding.commands._lazy import lazy_module
from vergoeding.core.period import Period, period_text, year
from vergoeding.errors import InputError

if TYPE_CHECKING:
    from vergoeding.api import hours as hours_api
    from vergoeding.api import ledger as api
else:
    api = lazy_module("vergoeding.api.ledger")
    hours_api = lazy_module("vergoeding.api.hours")  # not the ledger's write code: hours only reads


@click.command("log")
@click.option("--engagement", type=ENGAGEMENT_CODE, required=True, help="Code van de opdracht.")
@click.option("--date", "work_date", type=DATE, required=True, help="Datum van het werk, bv. 3-11-2026.")
@click.option("--hours", "minutes", type=DURATION, default=0, help="Gewerkte tijd: 2,5 of 2:30 of 150m.")
@click.option("--quantity", type=click.IntRange(min=0), help="Aantal bijeenkomsten/sessies/dagen (standaard 1 "
              "bij een opdracht per bijeenkomst, sessie of dag).")
@click.option("--activity", default="", help="Wat er is gedaan.")
@click.option("--km", type=DECIMAL, default="0", help="Gereden kilometers, bv. 12,5.")
@click.option("--expense", type=MONEY, default="0", help="Onkosten, bv. 4,50.")
@click.option("--receipt", "expense_receipt", is_flag=True, help="De onkosten zijn werkelijke kosten met bonnetje.")
@click.option("--expense-note", default="", help="Toelichting op de onkosten.")
@click.option("--inkind", type=MONEY, default="0", help="Waarde van bonnen/cadeaus in natura, bv. 25.")
@click.option("--inkind-note", default="", help="Wat in natura is gegeven, bv. VVV-bon.")
@click.option("--amount", type=MONEY, help="Vast bedrag voor deze regel (in plaats van tarief x tijd). 0 alleen met "
              "tijd, aantal of onkosten: werk zonder vergoeding.")
@click.option("--allow-duplicate", is_flag=True, help="Een tweede, gelijke sessie op dezelfde dag: sla hem toch op "
              "als eigen regel (zonder deze optie wordt een gelijke regel geweigerd).")
@click.pass_context
def log_command(ctx: click.Context, /, allow_duplicate: bool, **params: Any) -> None:
    """Schrijf uren (en km, onkosten, in natura) op een opdracht.

    Geweigerd: 0 of negatieve tijd, meer dan 24 uur op één dag, een datum na vandaag, buiten
    de opdracht of in een afgesloten periode. Staat precies dezelfde regel er al, dan vraagt de
    opdracht om --allow-duplicate (een tweede sessie op dezelfde dag) in plaats van hem stil samen
    te voegen.

    \b
    Voorbeeld:
      vergoeding log --engagement G001 --date 3-11-2026 --hours 2,5 --activity training --km 12,5
      vergoeding log --engagement G002 --date 4-11-2026 --hours 2 --inkind 25 --inkind-note VVV-bon
    """
    result = api.log(workspace(ctx), api.EntryData(engagement=params.pop("engagement"), **params), today=today(),
                     allow_duplicate=allow_duplicate)
    click.echo(f"Regel {result.id} opgeslagen.")


@click.command("approve")
@click.option("--period", type=PERIOD, required=True, help="Periode: 2026-10, 10-2026, 'oktober 2026', 2026-Q4 of 2026.")
@click.option("--expert", "expert_code", type=EXPERT_CODE, help="Alleen deze deskundige.")
@click.pass_context
def approve_command(ctx: click.Context, period: Period, expert_code: str | None) -> None:
    """Keur de ingevoerde uren van een periode goed (ingevoerd -> goedgekeurd).

    \b
    Voorbeeld:
      vergoeding approve --period 2026-10
      vergoeding approve --period 2026-10 --expert E001
    """
    ids_ = api.approve(workspace(ctx), period, expert_code)
    who = f" van {expert_code}" if expert_code else ""
    click.echo(f"{len(ids_)} regel(s){who} in {period_text(period)} goedgekeurd." if ids_
               else f"Geen ingevoerde regels{who} in {period_text(period)}; niets goedgekeurd.")


def _period_switch(name: str, *, period_help: str, reason_help: str, done: str, doc: str) -> click.Command:
    """``lock`` and ``unlock``: a period and a reason, the api function of the same name, one
    line back."""

    @click.command(name, help=doc)
    @click.option("--period", type=PERIOD, required=True, help=period_help)
    @click.option("--reason", required=True, help=reason_help)
    @click.pass_context
    def command(ctx: click.Context, period: Period, reason: str) -> None:
        getattr(api, name)(workspace(ctx), period, reason)  # api.lock / api.unlock, imported when run
        click.echo(f"Periode {period_text(period)} {done}.")

    return command


lock_command = _period_switch(
    "lock", period_help="Periode: 2026-10, 2026-Q4 of 2026.", reason_help="Waarom de periode dicht gaat.",
    done="afgesloten", doc="""Sluit een periode af: daarna geen nieuwe of gewijzigde uren meer, alleen correcties.

    \b
    Voorbeeld:
      vergoeding lock --period 2026-10 --reason "uitbetaald en verantwoord"
    """)

unlock_command = _period_switch(
    "unlock", period_help="Dezelfde periode als bij lock.", reason_help="Waarom de periode weer open gaat.",
    done="heropend", doc="""Heropen een afgesloten periode (komt in het auditlog).

    \b
    Voorbeeld:
      vergoeding unlock --period 2026-10 --reason "regel vergeten"
    """)


@click.command("correct")
@click.argument("entry_id", metavar="REGEL", type=int)
@click.option("--hours", "minutes", type=DURATION, help="De juiste tijd voor deze regel, bv. 2 (0 schrapt).")
@click.option("--quantity", type=click.IntRange(min=0), help="Het juiste aantal.")
@click.option("--km", type=DECIMAL, help="Het juiste aantal km.")
@click.option("--expense", type=MONEY, help="Het juiste bedrag aan onkosten.")
@click.option("--amount", type=MONEY, help="De juiste vergoeding voor het werk van deze regel, bv. 45 "
              "(ook voor betaald werk: de volgende uitbetaling verrekent het verschil).")
@click.option("--reason", required=True, help="Waarom (verplicht).")
@click.pass_context
def correct_command(ctx: click.Context, entry_id: int, minutes: int | None, quantity: int | None,
                    km: Decimal | None, expense: Decimal | None, amount: Decimal | None, reason: str) -> None:
    """Corrigeer een regel met een correctieregel (het verschil); de oorspronkelijke regel blijft.

    Geef de JUISTE waarde, niet het verschil. Met --amount geeft u de juiste vergoeding voor
    het werk van de regel (zonder reiskosten en onkosten); de correctieregel houdt het verschil
    met wat betaald is (of nu geldt), plus of min. De volgende uitbetaling verrekent het en
    noemt de regel, de datum en de reden op de specificatie.

    \b
    Voorbeeld:
      vergoeding correct 42 --hours 2 --reason "was 2,5 uur, training duurde 2 uur"
      vergoeding correct 42 --amount 45 --reason "tarief was vanaf 1-11 al € 45 per uur"
    """
    if minutes is None and quantity is None and km is None and expense is None and amount is None:
        raise InputError("geef minstens één van --hours, --quantity, --km, --expense, --amount", field="correct")
    new_id = api.correct(workspace(ctx), entry_id, reason=reason, minutes=minutes, quantity=quantity, km=km,
                         expense=expense, amount=amount)
    click.echo(f"Correctieregel {new_id} opgeslagen voor regel {entry_id}.")


@reads_only
@click.command("audit")
@click.option("--entity", type=click.Choice(["organisation", "expert", "declaration", "engagement", "entry",
                                             "locked_period", "invoice", "payout"]), help="Alleen dit soort gegevens.")
@click.option("--id", "entity_id", type=int, help="Alleen dit nummer (bij --entity).")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True, help="Hoogstens zoveel regels.")
@format_option()
@click.pass_context
def audit_command(ctx: click.Context, entity: str | None, entity_id: int | None, limit: int, fmt: str) -> None:
    """Toon het auditlog: wie, wanneer, wat.

    \b
    Voorbeeld:
      vergoeding audit --entity entry --id 42
    """
    ws = workspace(ctx)
    rows = [{"id": r.id, "at": r.at, "actor": r.actor, "db_user": r.db_user, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "detail": r.detail} for r in api.audit_log(ws, entity, entity_id, limit)]
    if fmt == "table":  # for people: one sentence a change; --format json keeps the raw detail
        from vergoeding.commands._audit_text import audit_lines

        for row in rows:
            click.echo(audit_lines(row))
        if not rows:
            click.echo("(geen regels)")
        total = api.audit_count(ws, entity, entity_id)
        if total > len(rows):
            click.echo(f"{len(rows)} van {total} regels getoond; gebruik --limit voor meer.", err=True)
        return
    emit(rows, fmt, columns=["id", "at", "actor", "db_user", "action", "entity", "entity_id", "detail"],
         headers={"at": "wanneer", "actor": "wie", "db_user": "databasegebruiker", "action": "actie",
                             "entity": "soort", "entity_id": "nr gegevens", "detail": "wat"}, words=("action", "entity"),
         total=api.audit_count(ws, entity, entity_id))


@reads_only
@click.command("hours")
@click.option("--expert", "expert_code", type=EXPERT_CODE, required=True, help="Code van de deskundige.")
@click.option("--period", type=PERIOD, help="Periode: 2026-10, 2026-Q4 of 2026.")
@click.option("--year", "year_", type=click.IntRange(2000, 2100), help="Jaar (standaard: dit jaar).")
@format_option("xlsx", "pdf")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Bestand (nodig bij xlsx en pdf).")
@click.pass_context
def hours_command(ctx: click.Context, expert_code: str, period: Period | None, year_: int | None, fmt: str,
                  output: Path | None) -> None:
    """Urenoverzicht van één deskundige: totalen, per maand, per opdracht, alle regels met hun stand.

    De pdf is een kort overzicht in eenvoudig Nederlands, met grote letters en de totalen eerst.

    \b
    Voorbeeld:
      vergoeding hours --expert E001 --period 2026-10
      vergoeding hours --expert E001 --year 2026 --format pdf -o uren-E001.pdf
    """
    if period is not None and year_ is not None:
        raise click.UsageError("geef --period of --year, niet allebei")
    if fmt in ("xlsx", "pdf") and output is None:
        raise click.UsageError(f"--format {fmt} heeft -o BESTAND nodig")
    ws = workspace(ctx)
    p = period or year(year_ or today().year)
    doc = hours_api.hours(ws, expert_code, p, made_on=today())
    if fmt in ("xlsx", "pdf"):
        from vergoeding.render.files import write_atomic

        data = hours_api.hours_pdf(ws, doc) if fmt == "pdf" else hours_api.hours_xlsx(doc)
        write_atomic(output or Path("uren"), data)
        click.echo(f"Urenoverzicht geschreven: {output}")
        return
    rows = hours_api.hours_rows(doc)
    if fmt == "table":
        from vergoeding.render.formatting import euro, number

        t = doc.total
        extra = ", ".join(t.count_texts)
        from vergoeding.commands._table import echo

        echo(f"Urenoverzicht {doc.expert_name} ({doc.expert_code}), {doc.period_text}")
        echo(f"Totaal: {_hm(t.minutes)} uur" + (f", {extra}" if extra else "")
             + (f", {number(t.km)} km" if t.km else "") + (f", onkosten {euro(t.expense)}" if t.expense else ""))
        rows = [{**r, "km": number(r["km"]), "expense": euro(r["expense"]), "status": line.status_text}
                for r, line in zip(rows, doc.lines, strict=True)]
        for m in doc.months:
            echo(f"{m.label}: {_hm(m.minutes)} uur" + (f", {', '.join(m.count_texts)}" if m.count_texts else ""),
                 indent="  ", more="    ")
        for g in doc.engagements:
            echo(f"{g.key} {g.label}: {_hm(g.minutes)} uur", indent="  ", more="    ")
        click.echo("")
    emit(rows, fmt, columns=["id", "date", "engagement", "activity", "hours", "quantity", "km", "expense", "status"]
         if fmt == "table" else None,
         headers={"id": "regel", "date": "datum", "engagement": "opdracht", "activity": "activiteit", "hours": "uren",
                  "quantity": "aantal", "expense": "onkosten", "status": "stand"},
         payload=doc if fmt == "json" else None)


def _hm(minutes: int) -> str:
    from vergoeding.core.duration import format_minutes

    return format_minutes(minutes)
