"""``vergoeding bank ...``: read the bank's statement (CAMT.053) and reconcile it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from vergoeding.commands._common import emit, format_option, reads_only, workspace
from vergoeding.commands._lazy import lazy_module

if TYPE_CHECKING:
    from vergoeding.bank import reconcile as api
else:
    api = lazy_module("vergoeding.bank.reconcile")

COLUMNS = ["booking_date", "amount", "counterparty", "kind", "ref", "text"]
HEADERS = {"booking_date": "datum", "amount": "bedrag", "counterparty": "tegenpartij", "kind": "soort",
           "ref": "factuur/uitbetaling", "text": "wat er is gebeurd"}
KINDS = {"invoice": "factuur", "payout": "uitbetaling", "expert_invoice": "factuur zzp'er", None: "niet herkend"}


@click.group("bank")
def bank_group() -> None:
    """Afstemmen met de bank: het bankafschrift (CAMT.053) inlezen.

    \b
    Voorbeeld:
      vergoeding bank import afschrift-2026-11.xml
      vergoeding bank list
    """


def _rows(outcomes: list[api.Outcome]) -> list[dict[str, object]]:
    return [{"booking_date": o.booking_date, "amount": o.amount, "counterparty": o.counterparty,
             "kind": KINDS.get(o.kind, o.kind), "ref": o.ref, "text": o.text} for o in outcomes]


@bank_group.command("import")
@click.argument("file", metavar="BESTAND", type=click.Path(dir_okay=False, path_type=Path))
@format_option()
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, fmt: str) -> None:
    """Lees een bankafschrift (CAMT.053, zoals Nederlandse banken het exporteren) en stem het af:
    betalingen van opdrachtgevers op factuurnummer en bedrag (ook deelbetalingen, te veel en
    dubbel betaald), onze overboekingen op hun end-to-end-id (uitbetaling uitgevoerd, factuur van
    een zzp'er betaald op de datum van de bank), terugboekingen en storno's. Wat niet herkend
    wordt, staat in de lijst. Hetzelfde afschrift nog eens inlezen verandert niets.

    \b
    Voorbeeld:
      vergoeding bank import afschrift-2026-11.xml
    """
    outcomes = api.import_statement(workspace(ctx), file)
    emit(_rows(outcomes), fmt, columns=COLUMNS, headers=HEADERS)
    if fmt == "table":
        new = [o for o in outcomes if o.new]
        click.echo(f"{len(outcomes)} post(en): {sum(1 for o in new if o.kind)} herkend, "
                   f"{sum(1 for o in new if not o.kind)} niet herkend, {len(outcomes) - len(new)} al eerder ingelezen.",
                   err=True)


@reads_only
@bank_group.command("list")
@format_option()
@click.pass_context
def list_cmd(ctx: click.Context, fmt: str) -> None:
    """Toon alle ingelezen posten van de bank en waarmee ze zijn afgestemd.

    \b
    Voorbeeld:
      vergoeding bank list --format csv
    """
    emit(_rows(api.entries(workspace(ctx))), fmt, columns=COLUMNS, headers=HEADERS)
