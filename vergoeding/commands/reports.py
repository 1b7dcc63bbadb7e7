"""``vergoeding statement`` (jaaropgave) and ``vergoeding report derden``."""

from __future__ import annotations

from pathlib import Path

import click

from vergoeding.commands._common import (
    EXPERT_CODE,
    emit,
    emit_findings,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._table import breed_option


@reads_only
@click.command("statement")
@click.option("--expert", "expert", type=EXPERT_CODE, required=True, help="Code van de deskundige.")
@click.option("--year", "year", type=click.IntRange(1900, 2200), required=True, help="Jaar.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="PDF-bestand (met --format pdf).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "pdf"]), default=None,
              help="table, json of pdf (standaard pdf met -o, anders table).")
@breed_option
@click.pass_context
def statement_cmd(ctx: click.Context, expert: str, year: int, output: str | None, fmt: str | None) -> None:
    """Jaaropgave voor een deskundige: per maand wat er is betaald en onder welk regime,
    om aan de gemeente of UWV te geven.

    \b
    Voorbeeld:
      vergoeding statement --expert E001 --year 2026 -o jaaropgave-E001-2026.pdf
      vergoeding statement --expert E001 --year 2026 --format json
    """
    from vergoeding.api.reports import year_statement, year_statement_pdf

    fmt = fmt or ("pdf" if output else "table")
    ws = workspace(ctx)
    ys = year_statement(ws, expert, year, today())
    if fmt == "pdf":
        if not output:
            raise click.UsageError("--format pdf heeft -o BESTAND.pdf nodig")
        from vergoeding.render.files import write_atomic

        write_atomic(Path(output), year_statement_pdf(ws, ys))
        click.echo(f"Jaaropgave geschreven: {output}")
        return
    rows = [{"month": f"{year}-{r.month:02d}", "regime": r.regime_label, "minutes": r.minutes,
             "paid": r.paid, "inkind": r.inkind, "paid_on": r.paid_on} for r in ys.rows]
    from vergoeding.render.formatting import euro

    emit(rows, fmt, columns=["month", "regime", "paid", "inkind", "paid_on"], money=("paid", "inkind"),
         headers={"month": "maand", "regime": "regime", "paid": "betaald", "inkind": "in natura",
                  "paid_on": "betaald op"},
         payload=ys.as_dict(), title=f"Jaaropgave {year} voor {ys.name}: totaal {euro(ys.total)}" if fmt == "table" else None)
    if fmt == "table" and ys.corrections:
        click.echo("Correcties (zitten in de bedragen hierboven):")
        for c in ys.corrections:
            paid = f", betaald op {c.paid_on:%d-%m-%Y}" if c.paid_on else ""
            click.echo(f"  {c.what}: {euro(c.amount)}{paid}")


@click.group("report")
def report_group() -> None:
    """Jaarlijkse rapporten.

    \b
    Voorbeeld:
      vergoeding report derden --year 2026 -o opgave-derden-2026.xlsx
    """


@reads_only
@report_group.command("derden")
@click.option("--year", "year", type=click.IntRange(1900, 2200), required=True, help="Jaar van betaling.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True,
              help="Bestand: .xlsx of .csv.")
@click.pass_context
def derden_cmd(ctx: click.Context, year: int, output: str) -> None:
    """Opgave uitbetaalde bedragen aan derden (vóór 1 februari bij de Belastingdienst).

    Alleen meldingsplichtige betalingen: particulieren, zzp-facturen zonder btw (KOR,
    vrijgesteld) en vrijwilligers-/vacatiegeld boven de grenzen. Dit is het enige bestand
    met het volledige BSN. Ontbreekt een BSN, adres of geboortedatum, dan wordt er niets
    geschreven en is de code 1.

    Gebruik bij voorkeur .xlsx: daarin blijven BSN en postcode tekst. Een .csv volgt de
    afspraak voor Nederlandse Excel (puntkomma, decimale komma, UTF-8 met BOM), maar een
    spreadsheet die de .csv opent haalt de voorloopnul van een BSN weg (012345672 wordt
    12345672).

    \b
    Voorbeeld:
      vergoeding report derden --year 2026 -o opgave-derden-2026.xlsx
    """
    from vergoeding.api.reports import write_derden

    out = Path(output)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("-o moet eindigen op .xlsx of .csv")
    rows, findings = write_derden(workspace(ctx), year, out)
    from vergoeding.core.checks_report import deadline_text

    if findings:
        emit_findings(findings, "table")
        click.echo(f"Er is niets geschreven. De opgave over {year} moet {deadline_text(year)} binnen zijn.", err=True)
        ctx.exit(1)
    click.echo(f"{len(rows)} betaling(en) gemeld in {output}.")
    click.echo(f"Lever de opgave over {year} in bij de Belastingdienst {deadline_text(year)}.", err=True)
