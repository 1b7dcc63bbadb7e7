"""``vergoeding limits ...`` and ``vergoeding rates ...``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vergoeding.commands._common import DATE, emit, emit_findings, format_option, today, workspace
from vergoeding.commands._lazy import lazy_module
from vergoeding.core.findings import has_errors

if TYPE_CHECKING:
    from vergoeding.api import limits as api
else:
    api = lazy_module("vergoeding.api.limits")


@click.group("limits")
def limits_group() -> None:
    """Fiscale grenzen per jaar (vrijwilligersvergoeding, km, btw, KOR, minimumloon).

    \b
    Voorbeeld:
      vergoeding limits show --year 2026
    """


@limits_group.command("show")
@click.option("--year", "year", type=click.IntRange(1900, 2200), help="Jaar (standaard: dit jaar).")
@format_option()
@click.pass_context
def limits_show(ctx: click.Context, year: int | None, fmt: str) -> None:
    """Toon de bedragen van een jaar met bron en of ze bevestigd zijn.

    \b
    Voorbeeld:
      vergoeding limits show --year 2026
      vergoeding limits show --year 2026 --format json
    """
    y = year or today().year
    ws = workspace(ctx)
    figures = api.limits_for_year(ws, y)
    missing = api.missing_for_year(ws, y)
    rows = [
        {
            "key": f.key, "label": f.label, "amount": f.amount, "unit": f.unit,
            "valid_from": f.valid_from, "confirmed": f.confirmed, "source": f.source,
        }
        for f in figures
    ]
    if fmt == "table":
        from vergoeding.render.formatting import euro, number, percent

        for r in rows:
            r["confirmed"] = "ja" if r["confirmed"] else "NEE - niet bevestigd"
            unit, amount = str(r["unit"]), str(r["amount"])
            r["amount"] = (euro(amount) if unit.startswith("EUR") else percent(amount)
                           if unit == "fractie" else number(amount, 4))
            r["unit"] = {"fractie": "percentage"}.get(unit, unit)
    emit(rows, fmt, columns=["key", "amount", "unit", "valid_from", "confirmed", "label", "source"], money=(),
         headers={"key": "sleutel", "amount": "bedrag", "unit": "eenheid", "valid_from": "vanaf",
                  "confirmed": "bevestigd", "label": "omschrijving", "source": "bron"},
         payload={"year": y, "figures": rows, "missing": [{"key": k, "label": lb} for k, lb in missing]}, title=f"Fiscale grenzen {y}" if fmt == "table" else None)
    if fmt == "table":
        n_ok = sum(f.confirmed for f in figures)
        click.echo(f"Bevestigd door wettekst of Belastingdienst: {n_ok} van {len(figures)} bedragen. "
                   "Een bedrag met een latere 'vanaf' geldt voor werk vanaf die datum.", err=True)
    if fmt == "table" and missing:
        click.echo(f"Nog niet bekend voor {y} (staat niet in het bestand; de toets die het nodig heeft, wordt "
                   "overgeslagen met een waarschuwing): " + "; ".join(f"{k} ({lb})" for k, lb in missing) + ".",
                   err=True)
    if fmt == "table" and any(not f.confirmed for f in figures):
        click.echo("Let op: bedragen met 'NEE' komen alleen uit secundaire bronnen; "
                   "controleer ze voordat u erop vertrouwt.", err=True)


@limits_group.command("check")
@click.argument("path", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path))
@format_option()
@click.pass_context
def limits_check(ctx: click.Context, path: Path, fmt: str) -> None:
    """Controleer een jaarbestand met fiscale grenzen en vergelijk het met wat nu geldt.

    Meldt een jaar dat niet klopt met de bestandsnaam, een 'vanaf'-datum in een ander jaar,
    een bron die een ander jaar noemt, en een overgenomen (concept)bedrag dat op bevestigd
    staat. Daarna: welke bedragen veranderen ten opzichte van het bestand dat nu geldt.
    Exit 1 bij een fout.

    \b
    Voorbeeld:
      vergoeding limits check tarieven/limits/2027.toml
    """
    findings = api.check_limits(workspace(ctx), path)
    emit_findings(findings, fmt, ok_message=f"{path}: in orde.")
    if has_errors(findings):
        ctx.exit(1)


@limits_group.command("draft")
@click.argument("year", metavar="JAAR", type=click.IntRange(1900, 2200))
@click.pass_context
def limits_draft(ctx: click.Context, year: int) -> None:
    """Maak een concept voor een nieuw jaar in de eigen map met tarieven (--rates).

    Bedragen die het programma voor dat jaar al met bron meelevert, blijven staan; alle
    andere worden overgenomen uit het laatste jaar, met als bron "nog niet gepubliceerd;
    overgenomen uit <jaar>". Alles staat op confirmed = false. Een bestaand bestand wordt
    nooit overschreven.

    \b
    Voorbeeld:
      vergoeding --rates tarieven limits draft 2027
    """
    target, base = api.draft_limits(workspace(ctx), year)
    click.echo(f"Concept gemaakt: {target} (bedragen overgenomen uit {base}, niets bevestigd).")
    click.echo(f"Vul de gepubliceerde bedragen voor {year} in met hun bron, zet dan confirmed = true en controleer "
               f"met 'vergoeding limits check {target}'.", err=True)


@click.group("rates")
def rates_group() -> None:
    """Tariefkaart per rol: wat de deskundige krijgt en wat de opdrachtgever betaalt.

    \b
    Voorbeeld:
      vergoeding rates show --on 2026-03-01
      vergoeding rates check mijn-tariefkaart.toml
    """


@rates_group.command("show")
@click.option("--on", "on", type=DATE, help="Peildatum (standaard: vandaag), bv. 2026-03-01 of 1-3-2026.")
@click.option("--role", help="Alleen deze rol, bv. trainer.")
@format_option()
@click.pass_context
def rates_show(ctx: click.Context, on: date | None, role: str | None, fmt: str) -> None:
    """Toon de tarieven die op een datum gelden.

    \b
    Voorbeeld:
      vergoeding rates show --on 2026-03-01 --role trainer
    """
    day = on or today()
    card, rates = api.rates_on(workspace(ctx), day, role)
    rows = [
        {"role": r.role, "regime": r.regime.value, "level": r.level, "unit": r.unit.value,
         "expert": r.expert, "client": r.client, "valid": r.validity}
        for r in rates
    ]
    title = f"{card.name} - {card.organisation}" + (" [VOORBEELD]" if card.example else "") + f" - geldig op {day:%d-%m-%Y}"
    emit(rows, fmt, columns=["role", "regime", "level", "unit", "expert", "client", "valid"], money=("expert", "client"),
         headers={"role": "rol", "regime": "regime", "level": "niveau", "unit": "eenheid",
                  "expert": "deskundige", "client": "opdrachtgever", "valid": "geldig"},
         payload={"card": card.name, "organisation": card.organisation, "example": card.example,
                  "on": day, "rates": rows},
         title=title if fmt == "table" else None)


@rates_group.command("check")
@click.argument("path", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path))
@format_option()
@click.pass_context
def rates_check(ctx: click.Context, path: Path, fmt: str) -> None:
    """Controleer een tariefkaart: onbekende sleutels, overlap of gaten in de geldigheid,
    bedragen als getal in plaats van tekst, negatieve bedragen, ontbrekende regimes.

    Geeft elk probleem met bestand en regel; exit 1 bij een fout.

    \b
    Voorbeeld:
      vergoeding rates check mijn-tariefkaart.toml
    """
    findings = api.check_rate_card(workspace(ctx), path)
    emit_findings(findings, fmt, ok_message=f"{path}: in orde.")
    if has_errors(findings):
        ctx.exit(1)
