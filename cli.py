"""The click wrapper: ``vergoeding [OPTIONS] COMMAND``.

The root group holds the options every command shares (database, rates, templates); the
commands live in ``vergoeding/commands/`` (one module per area) and call
``vergoeding.api``. A ``VergoedingError`` becomes a message on stderr and exit 1 (domain
error, check failed) or 2 (bad input); click's own usage errors exit 2. Never a traceback
for user error.

Start-up is cheap (``tests/test_startup.py``, ``make bench`` case ``startup``): a command's
module is imported only when that command is looked up (``_LAZY`` below; ``--help`` of the
root looks up every one of them, which imports click and the core parsers but no database,
pydantic, openpyxl, WeasyPrint, babel or Jinja2), and the command modules import the api
lazily (``vergoeding/commands/_lazy.py``).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from vergoeding import __version__
from vergoeding.api.workspace import Workspace
from vergoeding.commands import _nl
from vergoeding.config import load_settings
from vergoeding.errors import VergoedingError

_nl.install()  # before any command is defined: click.Path names its metavar when built

# Command name -> (module in vergoeding.commands, attribute). Commands added with
# ``cli.add_command`` work as well (they are simply imported up front).
_LAZY: dict[str, tuple[str, str]] = {
    "limits": ("limits", "limits_group"),
    "rates": ("limits", "rates_group"),
    "check": ("checks", "check_cmd"),
    "room": ("checks", "room_cmd"),
    "payout": ("payout", "payout_cmd"),
    "statement": ("reports", "statement_cmd"),
    "report": ("reports", "report_group"),
    "org": ("orgs", "org_group"),
    "expert": ("experts", "expert_group"),
    "engagement": ("engagements", "engagement_group"),
    "log": ("ledger", "log_command"),
    "approve": ("ledger", "approve_command"),
    "lock": ("ledger", "lock_command"),
    "unlock": ("ledger", "unlock_command"),
    "correct": ("ledger", "correct_command"),
    "audit": ("ledger", "audit_command"),
    "hours": ("ledger", "hours_command"),
    "import": ("importing", "import_command"),
    "demo": ("demo", "demo_command"),
    "invoice": ("invoices", "invoice_group"),
    "bank": ("bank", "bank_group"),
    "contract": ("contracts", "contract_cmd"),
    "contracts": ("contracts", "contracts_cmd"),
    "db": ("database", "db_group"),
    "mail": ("mail", "mail_group"),
    "web": ("web", "web_cmd"),
    "user": ("web", "user_group"),
}


class _Root(click.Group):
    """The root group: loads a command's module on first look-up (click's lazy-group pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LAZY:
            module, attr = _LAZY[cmd_name]
            command = getattr(importlib.import_module(f"vergoeding.commands.{module}"), attr)
            if not isinstance(command, click.Command) or command.name != cmd_name:
                raise RuntimeError(f"vergoeding.commands.{module}.{attr} is not the command {cmd_name!r}")
            self.add_command(command)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VergoedingError as exc:
            from vergoeding.core.text import printable

            click.echo(f"fout: {printable(exc.message, multiline=True)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("afgebroken; er is niets half opgeslagen.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader stopped ('| head'): no message, nothing more to write
            import os
            import sys

            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            ctx.exit(1)
        except Exception as exc:  # noqa: BLE001 - the machine's failures (db file, full disk) as messages
            from vergoeding.failures import explain

            ws = ctx.obj if isinstance(ctx.obj, Workspace) else None
            message = explain(exc, ws.settings.db if ws is not None else None)
            if message is None:
                raise
            click.echo(f"fout: {message.message}", err=True)
            ctx.exit(message.exit_code)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="vergoeding")
@click.option("--db", envvar="VERGOEDING_DB", help="Database: pad naar een SQLite-bestand of een URL "
              "(postgresql+psycopg://...). Standaard ./vergoeding.db. [omgeving: VERGOEDING_DB]")
@click.option("--rates", "rates", envvar="VERGOEDING_RATES", type=click.Path(file_okay=False),
              help="Map met limits/ en ratecard.toml (standaard de meegeleverde). [omgeving: VERGOEDING_RATES]")
@click.option("--rate-card", "rate_card", envvar="VERGOEDING_RATE_CARD", type=click.Path(dir_okay=False),
              help="Eigen tariefkaart (TOML). [omgeving: VERGOEDING_RATE_CARD]")
@click.option("--templates", "templates", envvar="VERGOEDING_TEMPLATES", type=click.Path(file_okay=False),
              help="Map met eigen sjablonen; ontbrekende komen uit de meegeleverde. [omgeving: VERGOEDING_TEMPLATES]")
@click.option("--config", "config", envvar="VERGOEDING_CONFIG", type=click.Path(dir_okay=False),
              help="Configuratiebestand (standaard ./vergoeding.toml als dat er is). [omgeving: VERGOEDING_CONFIG]")
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


def main() -> None:
    cli.main(prog_name="vergoeding")


if __name__ == "__main__":
    main()
