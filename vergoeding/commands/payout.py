"""``vergoeding payout``: the month-end payout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from vergoeding.commands._common import DATE, PERIOD, emit_findings, today, workspace
from vergoeding.commands._table import breed_option
from vergoeding.core.listing import SHOWN, few_lines
from vergoeding.core.period import Period


@click.command("payout")
@click.option("--period", "period", type=PERIOD, required=True,
              help="Betaal alle goedgekeurde, nog niet betaalde regels tot en met deze periode, bv. 2026-11.")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True, help="Map voor de bestanden.")
@click.option("--expert", "expert", help="Betaal alleen deze deskundige (code).")
@click.option("--override-expert", "override_experts", multiple=True,
              help="Betaal deze deskundige ondanks een fout (meer keren mag); vraagt --override-reason.")
@click.option("--override-reason", "override_reason",
              help="Waarom u ondanks de fout betaalt (minstens 20 tekens); komt in het auditlog.")
@click.option("--reprint", is_flag=True, help="Maak de bestanden van de uitbetaling(en) van deze periode opnieuw (byte-gelijk).")
@click.option("--execution-date", "execution_date", type=DATE,
              help="Uitvoerdatum van de SEPA-batch (dd-mm-jjjj of jjjj-mm-dd): een werkdag, niet in het verleden. "
                   "Standaard de eerstvolgende werkdag na vandaag.")
@click.option("--sepa-version", "sepa_version", type=click.Choice(["pain.001.001.03", "pain.001.001.09", "03", "09"]),
              help="SEPA-formaat dat uw bank vraagt: pain.001.001.03 (standaard) of pain.001.001.09.")
@breed_option
@click.pass_context
def payout_cmd(ctx: click.Context, period: Period, out: str, expert: str | None, override_experts: tuple[str, ...],
               override_reason: str | None, reprint: bool, execution_date: date | None, sepa_version: str | None) -> None:
    """Betaal de goedgekeurde regels uit, tot en met het einde van een periode.

    Betaalt ook regels van eerdere maanden die later zijn goedgekeurd of verbeterd (als
    'te laat' gemarkeerd). Wie een fout heeft (bv. over de grens, geen IBAN) wordt
    aangehouden en met de reden genoemd; de anderen worden betaald. Schrijft het
    betaaloverzicht (xlsx en pdf), per deskundige een specificatie (pdf) en een SEPA-batch
    (pain.001). Een tweede uitbetaling van dezelfde periode (vervolgbetaling) krijgt een
    eigen nummer, bv. 2026-11.2. Zonder iets te betalen wordt niets vastgelegd.

    De SEPA-batch volgt de EPC-tekenset: é wordt e, & wordt 'en'; een naam langer dan 70
    tekens wordt ingekort, met een waarschuwing. Zonder BIC van de organisatie staat er
    NOTPROVIDED, zoals de banken vragen. Weekend- en TARGET2-sluitingsdagen (Nieuwjaar,
    Goede Vrijdag, Tweede Paasdag, 1 mei, Kerst) zijn geen uitvoerdatum.

    \b
    Voorbeeld:
      vergoeding payout --period 2026-11 --out betalingen/2026-11
      vergoeding payout --period 2026-11 --out betalingen/2026-11 --expert E001
      vergoeding payout --period 2026-11 --out betalingen/2026-11 --execution-date 01-12-2026
      vergoeding payout --period 2026-11 --out betalingen/2026-11 --sepa-version pain.001.001.09
      vergoeding payout --period 2026-11 --out betalingen/2026-11 --override-expert E004 \\
          --override-reason "grens in overleg met de Belastingdienst, zie brief 12-11"
      vergoeding payout --period 2026-11 --out betalingen/2026-11 --reprint
    """
    from vergoeding.api.payout import payout
    from vergoeding.commands._common import progress

    state: dict[str, object] = {}

    def on_progress(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = progress(range(total), "Documenten maken").__enter__()
            state["bar"] = bar
        if hasattr(bar, "update"):
            bar.update(1)
        if done == total and hasattr(bar, "render_finish"):
            bar.render_finish()

    r = payout(workspace(ctx), period, Path(out), today(), expert=expert, override_reason=override_reason,
               override_experts=override_experts, reprint=reprint, progress=on_progress,
               execution_date=execution_date, sepa_version=sepa_version)
    # the full lists are in the overview the payout wrote (sheets Bevindingen, Aangehouden) and
    # in 'vergoeding check'; the terminal names a few (core/listing.py)
    overview = next((f for f in r.files if f.suffix == ".xlsx"), None)
    check = f"'vergoeding check --period {r.period}'"

    def sheet(name: str) -> str:
        return f"het blad {name} van {overview} of {check}" if overview else check

    if not reprint and not r.completed:
        emit_findings(r.findings, "table", shown=SHOWN, where=sheet("Bevindingen"))
    from vergoeding.render.formatting import euro
    from vergoeding.render.formatting import period as period_words

    if r.completed:
        click.echo(f"De vorige uitvoering voor {period_words(r.period)} is afgebroken nadat de betaling was vastgelegd. "
                   "De bestanden zijn nu alsnog gemaakt; er is niets opnieuw betaald.")
    verb = "Opnieuw gemaakt" if reprint or r.completed else "Betaald"
    click.echo(f"{verb}: {r.number}, {r.transfers} overboeking(en), totaal {euro(r.total)}, "
               f"{r.settled} regel(s) afgerekend.")
    if r.transfers and r.execution_date:
        click.echo(f"SEPA-batch ({r.sepa_version}): uitvoerdatum {r.execution_date:%d-%m-%Y}.")
    if r.late and not reprint:
        click.echo(f"Daarvan {r.late} regel(s) van vóór {period_words(r.period)} "
                   "(later goedgekeurd of verbeterd).")
    if r.held and not reprint:
        click.echo(f"Aangehouden ({len(r.held)}): hun regels blijven open voor een volgende uitbetaling.")
        from vergoeding.commands._table import echo

        for line in few_lines([f"{h.expert} {h.name}: {h.reason}" for h in r.held], where=sheet("Aangehouden"),
                              indent=""):
            echo(line, indent="  ", more="    ")
    for f in r.files:
        click.echo(f"  {f}")
