"""``vergoeding engagement exception``: record an exception to a rule for one engagement."""

from __future__ import annotations

from datetime import date

import click

from vergoeding.commands._common import DATE, emit, today, workspace
from vergoeding.commands._table import breed_option


@click.command("exception")
@click.argument("code")
@click.option("--kind", type=click.Choice(["intellectueel", "overeenkomst"]),
              help="Welke uitzondering (art. 2e lid 2 Uitv.besl. LB 1965): intellectueel (werk van overwegend "
                   "intellectuele aard) of overeenkomst (vóór de eerste betaling schriftelijk afgesproken dat "
                   "art. 2c niet geldt).")
@click.option("--decided-by", "decided_by", help="Wie besliste (naam en functie).")
@click.option("--reason", help="Waarom de uitzondering geldt.")
@click.option("--agreed-on", "agreed_on", type=DATE, help="Datum van de schriftelijke afspraak (bij overeenkomst).")
@click.option("--on", "decided_on", type=DATE, help="Datum van het besluit (standaard vandaag).")
@click.option("--list", "show", is_flag=True, help="Toon de vastgelegde uitzonderingen van deze opdracht.")
@breed_option
@click.pass_context
def exception_cmd(ctx: click.Context, code: str, kind: str | None, decided_by: str | None, reason: str | None,
                  agreed_on: date | None, decided_on: date | None, show: bool) -> None:
    """Leg vast dat een betaling aan een particulier GEEN fictieve dienstbetrekking is, met wie
    besliste en waarom. De waarschuwing van 'vergoeding check' wordt dan een mededeling die de
    uitzondering noemt.

    \b
    Voorbeeld:
      vergoeding engagement exception G007 --kind intellectueel --decided-by "A. de Vries, controller" --reason "schrijft adviesrapporten"
      vergoeding engagement exception G007 --list
    """
    from vergoeding.api import exceptions as api

    ws = workspace(ctx)
    if not show:
        missing = [name for name, v in (("--kind", kind), ("--decided-by", decided_by), ("--reason", reason)) if not v]
        if missing:
            raise click.UsageError(f"geef {', '.join(missing)} (of --list om te bekijken)")
        api.add_exception(ws, code, kind=kind or "", decided_by=decided_by or "", reason=reason or "",
                          decided_on=decided_on or today(), agreed_on=agreed_on)
        click.echo(f"Uitzondering vastgelegd voor opdracht {code}: {kind}.")
        return
    rows = [{"rule": e.rule, "kind": e.label, "decided_by": e.decided_by, "decided_on": e.decided_on,
             "agreed_on": e.agreed_on, "reason": e.reason} for e in api.exceptions(ws, code)]
    emit(rows, "table", columns=["rule", "kind", "decided_by", "decided_on", "agreed_on", "reason"],
         headers={"rule": "regel", "kind": "uitzondering", "decided_by": "besloten door", "decided_on": "op",
                  "agreed_on": "afspraak van", "reason": "reden"},
         payload={"engagement": code, "exceptions": rows}, title=f"Uitzonderingen voor opdracht {code}")
