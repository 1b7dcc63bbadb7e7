"""The click wrapper: ``vergoeding [OPTIONS] COMMAND``.

The root group holds the options every command shares (database, rates, templates); the
commands live in ``vergoeding/commands/`` (one module per area) and call
``vergoeding.api``. A ``VergoedingError`` becomes a message on stderr and exit 1 (domain
error, check failed) or 2 (bad input); click's own usage errors exit 2. Never a traceback
for user error.
"""

from __future__ import annotations

from typing import Any

import click

from vergoeding import __version__
from vergoeding.api.workspace import Workspace
from vergoeding.config import load_settings
from vergoeding.errors import VergoedingError


class _Root(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VergoedingError as exc:
            click.echo(f"fout: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("afgebroken; er is niets half opgeslagen.", err=True)
            ctx.exit(130)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="vergoeding")
@click.option("--db", envvar="VERGOEDING_DB", help="Database: pad naar een SQLite-bestand of een URL "
              "(postgresql+psycopg://...). Standaard ./vergoeding.db. [env: VERGOEDING_DB]")
@click.option("--rates", "rates", envvar="VERGOEDING_RATES", type=click.Path(file_okay=False),
              help="Map met limits/ en ratecard.toml (standaard de meegeleverde). [env: VERGOEDING_RATES]")
@click.option("--rate-card", "rate_card", envvar="VERGOEDING_RATE_CARD", type=click.Path(dir_okay=False),
              help="Eigen tariefkaart (TOML). [env: VERGOEDING_RATE_CARD]")
@click.option("--templates", "templates", envvar="VERGOEDING_TEMPLATES", type=click.Path(file_okay=False),
              help="Map met eigen sjablonen; ontbrekende komen uit de meegeleverde. [env: VERGOEDING_TEMPLATES]")
@click.option("--config", "config", envvar="VERGOEDING_CONFIG", type=click.Path(dir_okay=False),
              help="Configuratiebestand (standaard ./vergoeding.toml als dat er is). [env: VERGOEDING_CONFIG]")
@click.pass_context
def cli(ctx: click.Context, db: str | None, rates: str | None, rate_card: str | None,
        templates: str | None, config: str | None) -> None:
    """Vergoedingen, facturen en contracten voor ervaringsdeskundigen.

    \b
    Voorbeelden:
      vergoeding demo --out demo            # een voorbeeldadministratie, van uren tot betaling
      vergoeding limits show --year 2026    # de fiscale grenzen met bron
      vergoeding rates show --role trainer  # de tarieven van een rol
    """
    try:
        settings = load_settings(db=db, rates=rates, rate_card=rate_card, templates=templates, config=config)
    except VergoedingError as exc:
        click.echo(f"fout: {exc.message}", err=True)
        ctx.exit(2)
    ws = Workspace(settings)
    ctx.obj = ws
    ctx.call_on_close(ws.close)


def _register() -> None:
    from vergoeding.commands import limits

    cli.add_command(limits.limits_group)
    cli.add_command(limits.rates_group)

    from vergoeding.commands import checks, payout, reports

    cli.add_command(checks.check_cmd)
    cli.add_command(checks.room_cmd)
    cli.add_command(payout.payout_cmd)
    cli.add_command(reports.statement_cmd)
    cli.add_command(reports.report_group)

    from vergoeding.commands import ledger

    for command in ledger.COMMANDS:
        cli.add_command(command)

    from vergoeding.commands import importing

    cli.add_command(importing.import_command)

    from vergoeding.commands import demo

    cli.add_command(demo.demo_command)

    from vergoeding.commands import contracts, invoices

    cli.add_command(invoices.invoice_group)
    cli.add_command(contracts.contract_cmd)
    cli.add_command(contracts.contracts_cmd)


_register()


def main() -> None:
    cli.main(prog_name="vergoeding")


if __name__ == "__main__":
    main()
