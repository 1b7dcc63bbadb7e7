"""``vergoeding import FILE...`` and ``vergoeding import --template -o FILE.xlsx``."""

from __future__ import annotations

from pathlib import Path

import click

from vergoeding.commands._common import today, workspace


@click.command("import")
@click.argument("files", metavar="BESTAND...", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Alleen controleren: toon wat er zou gebeuren, sla niets op.")
@click.option("--template", "template", is_flag=True, help="Schrijf het lege invulbestand (met -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Bestand voor --template.")
@click.option("--alle-fouten", "all_errors", is_flag=True,
              help="Toon bij een geweigerd bestand elke fout (standaard de eerste 10 en het aantal).")
@click.pass_context
def import_command(ctx: click.Context, files: tuple[Path, ...], dry_run: bool, template: bool,
                   output: Path | None, all_errors: bool) -> None:
    """Lees organisaties, deskundigen, verklaringen, opdrachten en uren in uit een werkmap
    (.xlsx, .ods of .xls; een blad per soort, herkend aan de kolomkoppen, ook onder een
    titel) of uit CSV-bestanden (organisaties.csv, deskundigen.csv, verklaringen.csv,
    opdrachten.csv, uren.csv). Een kolom met de naam van de deskundige naast de code wordt
    met de code vergeleken; andere extra kolommen (opmerking) worden overgeslagen en genoemd.

    Alles of niets: is er één fout, dan wordt niets opgeslagen en ziet u de fouten met
    bestand, blad, rij en kolom (exit 1): de eerste 10 en het aantal, elke fout met
    --alle-fouten. Dezelfde uren twee keer inlezen slaat ze één keer op. Komma of punt als decimaalteken, puntkomma- of komma-CSV, datums als 3-11-2026 of
    echte Excel-datums.

    \b
    Voorbeeld:
      vergoeding import --template -o invullen.xlsx
      vergoeding import invullen.xlsx --dry-run
      vergoeding import invullen.xlsx
      vergoeding import deskundigen.csv opdrachten.csv uren.csv
    """
    ws = workspace(ctx)
    if template:
        if files:
            raise click.UsageError("--template schrijft een leeg bestand; geef dan geen bestanden om in te lezen")
        if output is None:
            raise click.UsageError("--template heeft -o BESTAND.xlsx nodig")
        from vergoeding.api.importing import template as make_template
        from vergoeding.render.files import write_atomic

        write_atomic(output, make_template(ws))
        click.echo(f"Invulbestand geschreven: {output}")
        return
    if not files:
        raise click.UsageError("geef een of meer bestanden om in te lezen (of --template -o BESTAND.xlsx)")
    import shlex

    from vergoeding.api.importing import import_files
    from vergoeding.errors import ManyInputErrors

    try:
        report = import_files(ws, list(files), dry_run=dry_run, today=today())
    except ManyInputErrors as exc:
        if not all_errors:  # the first ten and the count; every error with --alle-fouten
            exc.bounded("'" + " ".join(["vergoeding", "import", *(shlex.quote(str(f)) for f in files), "--dry-run",
                                        "--alle-fouten"]) + "'")
        raise
    for notice in report.notices:
        click.echo(f"let op: {notice}", err=True)
    if dry_run:
        click.echo("Controle (--dry-run): er is niets opgeslagen.")
    for line in report.lines():
        click.echo(line)
