"""``vergoeding demo --out DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from vergoeding.commands._common import workspace


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"),
              show_default=True, help="Map voor de demo-database en de documenten.")
@click.pass_context
def demo_command(ctx: click.Context, out_dir: Path) -> None:
    """Bouw een voorbeeldadministratie (fictief) en laat zien wat er is gemaakt.

    Maakt in MAP een NIEUWE database MAP/vergoeding.db: een bestaande demo-database daar
    wordt eerst verwijderd (--db wordt voor de demo niet gebruikt). Daarin: de eigen
    stichting, opdrachtgevers (gemeenten, een zorgstichting, een jeugdhulpregio),
    ervaringsdeskundigen in elk regime en elke rol, drie maanden uren (augustus tot en met
    oktober 2026, goedgekeurd) met randgevallen, en een urenoverzicht als pdf.

    \b
    Voorbeeld:
      vergoeding demo --out demo
      vergoeding --db demo/vergoeding.db hours --expert E002 --period 2026-10
    """
    from vergoeding.demo.run import STEPS, run_demo
    from vergoeding.web.demo import step_portal

    report = run_demo(workspace(ctx), out_dir, [*STEPS, ("Portaal", step_portal)])
    for line in report.lines():
        click.echo(line)
