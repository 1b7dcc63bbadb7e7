"""``vergoeding contract OPDRACHT`` and ``vergoeding contracts`` (the register)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from vergoeding.api.choices import CONTRACT_KINDS
from vergoeding.commands._common import (
    ENGAGEMENT_CODE,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._lazy import lazy_module
from vergoeding.errors import InputError

if TYPE_CHECKING:
    from vergoeding.api import contracts as api
else:
    api = lazy_module("vergoeding.api.contracts")


@reads_only
@click.command("contract")
@click.argument("engagement", metavar="OPDRACHT", type=ENGAGEMENT_CODE)
@click.option("--kind", type=click.Choice(CONTRACT_KINDS), default="expert", show_default=True,
              help="expert: het contract met de deskundige (sjabloon volgens het regime); "
                   "client: de overeenkomst met de opdrachtgever.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="PDF-bestand.")
@click.pass_context
def contract_cmd(ctx: click.Context, engagement: str, kind: str, output: Path) -> None:
    """Maak het contract van een opdracht als PDF: vrijwilligersovereenkomst, overeenkomst van
    opdracht (zzp, met de Wet DBA-afspraken), regeling vacatiegeld of incidentele opdracht;
    met --kind client de overeenkomst met de opdrachtgever.

    \b
    Voorbeeld:
      vergoeding contract G001 -o contract-G001.pdf
      vergoeding contract G001 --kind client -o overeenkomst-G001.pdf
    """
    from vergoeding.render.files import write_atomic

    data = api.render_pdf(workspace(ctx), engagement, kind=kind, today=today())
    write_atomic(output, data)
    click.echo(f"geschreven: {output}")


@reads_only
@click.command("contracts")
@format_option("xlsx")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Uitvoerbestand (nodig bij xlsx).")
@click.pass_context
def contracts_cmd(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Register van alle opdrachten en hun contracten.

    \b
    Voorbeeld:
      vergoeding contracts --format xlsx -o contracten.xlsx
    """
    rows = api.register(workspace(ctx))
    if fmt == "xlsx":
        if output is None:
            raise InputError("--format xlsx heeft -o BESTAND nodig", field="output")
        from vergoeding.render.files import write_atomic

        write_atomic(output, api.register_xlsx(rows))
        click.echo(f"geschreven: {output} ({len(rows)} opdrachten)")
        return
    if output is not None:
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            emit(rows, fmt, columns=api.REGISTER_COLUMNS, headers=api.REGISTER_HEADERS)
        from vergoeding.render.files import write_atomic

        write_atomic(output, buf.getvalue().encode("utf-8"))
        click.echo(f"geschreven: {output}")
        return
    emit(rows, fmt, columns=api.REGISTER_COLUMNS, headers=api.REGISTER_HEADERS)
