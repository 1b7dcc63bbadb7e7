"""``vergoeding db init | upgrade | copy``: the database itself (see docs/SHARED-DATABASE.md)."""

from __future__ import annotations

import click

from vergoeding.commands._common import workspace


@click.group("db")
def db_group() -> None:
    """De database zelf: tabellen aanmaken, bijwerken, overzetten.

    \b
    Voorbeelden:
      vergoeding --db postgresql+psycopg://beheer@db.example.nl/vergoeding db init
      vergoeding db upgrade --dry-run
      vergoeding db copy --from vergoeding.db --to postgresql+psycopg://beheer@db.example.nl/vergoeding
    """


@db_group.command("init")
@click.pass_context
def db_init(ctx: click.Context) -> None:
    """Maak alle tabellen in een LEGE database (--db of VERGOEDING_DB).

    \b
    Voorbeeld:
      vergoeding --db postgresql+psycopg://beheer@db.example.nl/vergoeding db init
    """
    from vergoeding.api import database as api

    r = api.init(workspace(ctx).settings.db)
    click.echo(f"Database {r.database}: tabellen aangemaakt (schemaversie {r.after}).")


@db_group.command("upgrade")
@click.option("--dry-run", is_flag=True, help="Toon alleen welke stappen nog moeten; verander niets.")
@click.pass_context
def db_upgrade(ctx: click.Context, dry_run: bool) -> None:
    """Werk het schema bij naar de versie van dit programma (elke stap in één transactie).

    \b
    Voorbeelden:
      vergoeding db upgrade --dry-run
      vergoeding db upgrade
    """
    from vergoeding.api import database as api

    r = api.upgrade(workspace(ctx).settings.db, dry_run=dry_run)
    if not r.steps:
        click.echo(f"Database {r.database} is bij (schemaversie {r.after}); er is niets te doen.")
        return
    verb = "Nog uit te voeren" if dry_run else "Uitgevoerd"
    click.echo(f"Database {r.database}: schemaversie {r.before} -> {r.steps[-1].version}. {verb}:")
    for s in r.steps:
        click.echo(f"  {s.version}. {s.description}")
    if dry_run:
        click.echo("Er is niets gewijzigd (--dry-run).")


@db_group.command("copy")
@click.option("--from", "source", required=True, metavar="BRON",
              help="De bestaande administratie: pad naar een SQLite-bestand of een URL.")
@click.option("--to", "target", required=True, metavar="DOEL",
              help="Een LEGE database (URL of pad); de tabellen worden aangemaakt.")
def db_copy(source: str, target: str) -> None:
    """Zet een hele administratie over naar een lege database, in één transactie, en
    controleer daarna per tabel het aantal rijen en de geldbedragen.

    \b
    Voorbeeld:
      vergoeding db copy --from sqlite:///vergoeding.db --to postgresql+psycopg://beheer@db.example.nl/vergoeding
    """
    from vergoeding.api import database as api

    r = api.copy(source, target)
    click.echo(f"Gekopieerd: {r.source} -> {r.target}, {r.rows} rijen. Controle (bron = doel):")
    for t in r.tables:
        money = ", ".join(f"{c} {_euro(v)}" for c, v in t.cents_target.items())
        click.echo(f"  {t.table}: {t.rows_target} rijen" + (f"; {money}" if money else ""))
    click.echo("Alle aantallen en bedragen kloppen.")


def _euro(cents: int) -> str:
    from vergoeding.core.money import from_cents
    from vergoeding.render.formatting import euro

    return euro(from_cents(cents))
