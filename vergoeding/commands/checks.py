"""``vergoeding check`` and ``vergoeding room``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from vergoeding.commands._common import (
    DATE,
    EXPERT_CODE,
    PERIOD,
    emit,
    emit_findings,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._lazy import lazy_module
from vergoeding.commands._table import breed_option
from vergoeding.core.findings import has_errors
from vergoeding.core.money import ZERO
from vergoeding.core.period import Period

if TYPE_CHECKING:
    from vergoeding.api import checks as api
    from vergoeding.api import room as room_api
else:
    api = lazy_module("vergoeding.api.checks")
    room_api = lazy_module("vergoeding.api.room")


@reads_only
@click.command("check")
@click.option("--period", "period", type=PERIOD, help="Maand (2026-11, 11-2026 of 'november 2026'), kwartaal (2026-Q4) of jaar; "
              "standaard deze maand.")
@click.option("--year", "year", type=click.IntRange(1900, 2200), help="Een heel jaar.")
@click.option("--expert", "expert", type=EXPERT_CODE, help="Alleen deze deskundige (code).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Uitvoer: table (voor mensen) of json (stabiel, voor scripts).")
@breed_option
@click.pass_context
def check_cmd(ctx: click.Context, period: Period | None, year: int | None, expert: str | None, fmt: str) -> None:
    """Controleer vergoedingen: vrijwilligersgrenzen, uitkeringen, budget, minimumloon en
    ontbrekende betaalgegevens. Sluit af met code 1 als er een fout is.

    \b
    Voorbeeld:
      vergoeding check --period 2026-11
      vergoeding check --year 2026 --expert E001 --format json
    """
    findings = api.check(workspace(ctx), period=period, year=year, expert=expert, today=today())
    emit_findings(findings, fmt)
    if has_errors(findings):
        ctx.exit(1)


@reads_only
@click.command("room")
@click.option("--expert", "expert", type=EXPERT_CODE, required=True, help="Code van de deskundige.")
@click.option("--on", "on", type=DATE, help="Datum (standaard vandaag).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="Uitvoer: table, json of csv.")
@breed_option
@click.pass_context
def room_cmd(ctx: click.Context, expert: str, on: date | None, fmt: str) -> None:
    """Hoeveel belastingvrije vrijwilligersvergoeding er deze maand en dit jaar nog over is.

    Telt mee: de vergoeding, vaste reiskosten per km, forfaitaire onkosten en giften in
    natura, plus wat de deskundige opgaf van andere organisaties. Werkelijke kosten met
    bonnetjes tellen mee zodra de deskundige dat jaar bij ons ook een vergoeding voor het werk
    krijgt; alleen wie uitsluitend kosten vergoed krijgt, heeft geen maximum. Er telt werk
    tot en met de datum van --on.

    \b
    Voorbeeld:
      vergoeding room --expert E001 --on 2026-11-23
    """
    r, story = room_api.room_and_story(workspace(ctx), expert, on or today())
    rows = []
    for c in (*r.earlier, r.month, r.year):  # the period: "2026-10" for scripts, "oktober 2026" in the table (emit)
        # once a cap is crossed this year nothing is left, in any period (core/caps_story.py)
        rows.append({"period": c.label, "limit": c.limit.amount, "counted": c.counted, "receipts": c.receipts,
                     "declared": c.declared, "left": ZERO if story.crossed else c.left, "over": c.over,
                     "confirmed": c.limit.confirmed})
    emit(rows, fmt, columns=["period", "limit", "counted", "receipts", "declared", "left", "over", "confirmed"],
         money=("limit", "counted", "receipts", "declared", "left", "over"),
         headers={"period": "periode", "limit": "grens", "counted": "geteld bij ons",
                  "receipts": "waarvan bonnetjes",
                  "declared": "opgegeven elders", "left": "nog over", "over": "erboven", "confirmed": "bevestigd"},
         payload={"expert": expert, "on": r.on, "left": r.left, "periods": rows, "story": story.as_dict()},
         title=f"Belastingvrije ruimte voor {expert} op {r.on:%d-%m-%Y}" if fmt == "table" else None)
    if fmt == "table":
        from vergoeding.commands._table import echo

        click.echo("")
        receipts = ("Werkelijke kosten met bonnetjes tellen mee, omdat de deskundige dit jaar ook een "
                    "vergoeding voor het werk krijgt." if r.year.receipts else "")
        for sentence in (story.headline, *story.sentences, story.next_steps, story.note, receipts):
            if sentence:
                echo(sentence)
