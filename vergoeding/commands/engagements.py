"""``vergoeding engagement ...``: engagements, their rates and recorded exceptions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import (
    DATE,
    DURATION,
    ENGAGEMENT_CODE,
    EXPERT_CODE,
    MONEY,
    ORG_CODE,
    emit,
    format_option,
    reads_only,
    workspace,
)
from vergoeding.commands._forms import _given, _options, _show
from vergoeding.commands._lazy import lazy_module
from vergoeding.commands.exceptions import exception_cmd
from vergoeding.core.regimes import Regime, TravelPolicy, Unit

if TYPE_CHECKING:
    from vergoeding.api import ledger as api
else:
    api = lazy_module("vergoeding.api.ledger")


ENG_OPTIONS: list[tuple[Any, ...]] = [
    (("--expert",), {"type": EXPERT_CODE, "required": True, "help": "Code van de deskundige."}),
    (("--client",), {"type": ORG_CODE, "required": True, "help": "Code van de opdrachtgever (organisatie)."}),
    (("--role",), {"required": True, "help": "Rol op de tariefkaart, bv. trainer (zie 'vergoeding rates show')."}),
    (("--regime",), {"type": click.Choice([r.value for r in Regime]), "required": True, "help": "Regime."}),
    (("--level",), {"help": "Niveau op de tariefkaart (standaard, junior, senior, voorzitter)."}),
    (("--description",), {"help": "Omschrijving."}),
    (("--start", "start_date"), {"type": DATE, "required": True, "help": "Eerste dag, bv. 1-9-2026."}),
    (("--end", "last_day"), {"type": DATE, "help": "Laatste dag (leeg: doorlopend)."}),
    (("--unit",), {"type": click.Choice([u.value for u in Unit]), "help": "Eenheid, als die afwijkt van de tariefkaart."}),
    (("--expert-rate", "expert_rate"), {"type": MONEY, "help": "Eigen tarief voor de deskundige per eenheid."}),
    (("--client-rate", "client_rate"), {"type": MONEY, "help": "Eigen tarief voor de opdrachtgever per eenheid."}),
    (("--budget-hours", "budget_minutes"), {"type": DURATION, "help": "Budget in uren, bv. 40."}),
    (("--budget-amount", "budget_amount"), {"type": MONEY, "help": "Budget in euro."}),
    (("--travel", "travel_policy"), {"type": click.Choice([t.value for t in TravelPolicy]), "default": "geen",
                                     "help": "Reiskosten: geen, km (vast tarief per km) of werkelijk (met bonnen)."}),
    (("--km-rate", "km_rate"), {"type": MONEY, "help": "Tarief per km (leeg: de fiscale km-vergoeding van het jaar)."}),
    (("--justification", "hourly_justification"), {"help": "Waarom een vrijwilligerstarief boven het uurvermoeden "
                                                           "niet marktconform is."}),
    (("--self-billing/--no-self-billing", "self_billing"), {"default": False,
                                                            "help": "Wij maken de factuur namens de zzp'er."}),
    (("--vat-exemption", "vat_exemption"), {"type": click.Choice(["kor", "crkbo", ""]),
                                            "help": "Btw-vrijstelling (zzp): kor of crkbo."}),
    (("--order-number", "order_number"), {"help": "Inkoopnummer van de opdrachtgever voor deze opdracht "
                                                  "(komt op de factuur); '' wist."}),
    (("--billable/--not-billable", "billable"), {"default": None,
                                                 "help": "Worden de uren gefactureerd aan de opdrachtgever (ook bij "
                                                         "loondienst)? Standaard ja, behalve als de opdrachtgever de "
                                                         "eigen organisatie is."}),
    (("--corrections-billed/--corrections-not-billed", "corrections_billed"),
     {"default": True, "help": "Verandert een correctie van de uren ook wat de opdrachtgever betaalt (een "
                               "correctieregel op de volgende factuur of een creditnota)? Standaard ja."}),
]
ENG_KEYS = ["expert", "client", "role", "regime", "level", "description", "start_date", "unit", "expert_rate",
            "client_rate", "budget_minutes", "budget_amount", "travel_policy", "km_rate", "hourly_justification",
            "self_billing", "vat_exemption", "order_number", "billable", "corrections_billed"]


def _eng_values(params: dict[str, Any]) -> dict[str, Any]:
    values = _given(params, ENG_KEYS)
    if params.get("last_day") is not None:
        values["end_date"] = params["last_day"] + timedelta(days=1)  # stored exclusive
    return values


@click.group("engagement")
def engagement_group() -> None:
    """Opdrachten: deskundige, opdrachtgever, rol, regime, periode, tarieven en budget.

    \b
    Voorbeeld:
      vergoeding engagement add --code G001 --expert E001 --client UTR --role trainer \\
        --regime vrijwilliger --start 1-9-2026 --end 31-12-2026
      vergoeding engagement list --expert E001
    """


engagement_group.add_command(exception_cmd)  # recorded exceptions to a rule (fictitious employment)


@engagement_group.command("add")
@click.option("--code", help="Korte code (standaard: G001, G002, ...).")
@_options(ENG_OPTIONS, edit=False)
@click.pass_context
def engagement_add(ctx: click.Context, /, code: str | None, **params: Any) -> None:
    """Voeg een opdracht toe.

    \b
    Voorbeeld:
      vergoeding engagement add --code G001 --expert E001 --client UTR --role trainer \\
        --regime vrijwilliger --start 1-9-2026 --end 31-12-2026 --travel km
    """
    d = api.add_engagement(workspace(ctx), api.EngagementData(code=code or "", **_eng_values(params)))
    click.echo(f"Opdracht {d.code} toegevoegd: {d.expert} bij {d.client} als {d.role} ({d.regime}).")
    _rule_warnings(ctx, d.code)


@engagement_group.command("edit")
@click.argument("code", type=ENGAGEMENT_CODE)
@_options(ENG_OPTIONS, edit=True)
@click.option("--from", "rate_from", type=DATE, help="Het nieuwe tarief (--expert-rate/--client-rate) geldt "
              "vanaf deze dag, bv. 1-12-2026; werk ervoor houdt het oude tarief. Zonder --from: vanaf de start.")
@click.option("--reason", "rate_reason", help="Waarom het tarief verandert (komt in de tariefgeschiedenis).")
@click.pass_context
def engagement_edit(ctx: click.Context, /, code: str, rate_from: Any, rate_reason: str | None,
                    **params: Any) -> None:
    """Wijzig een opdracht. Staan er al uren op, dan blijven deskundige en opdrachtgever gelijk
    en moet de periode die uren blijven omvatten. Is er al werk betaald of gefactureerd, dan
    blijven ook regime, rol, niveau, eenheid, reiskosten en zzp-afspraken gelijk (geweigerd,
    er verandert niets): begin dan een nieuwe opdracht vanaf de dag na dat werk.

    Een tarief wijzigen vanaf een datum: --expert-rate en/of --client-rate met --from. Werk
    vóór die dag houdt het oude tarief. Goedgekeurde, nog niet betaalde regels die het nieuwe
    tarief krijgen, worden genoemd (oud en nieuw bedrag). Geweigerd (er verandert niets): een
    nieuw tarief voor de deskundige op dagen met betaald werk, of voor de opdrachtgever op
    dagen met gefactureerd werk; kies dan een latere --from, of corrigeer betaald werk met
    'vergoeding correct REGEL --amount'.

    \b
    Voorbeeld:
      vergoeding engagement edit G001 --end 31-3-2027 --budget-hours 60
      vergoeding engagement edit G001 --expert-rate 9 --from 1-12-2026 --reason "nieuwe afspraak"
    """
    from vergoeding.api.rate_change import edit_engagement, repriced_lines

    r = edit_engagement(workspace(ctx), code, _eng_values(params), rate_from=rate_from, reason=rate_reason)
    if r.rate_from is not None:
        click.echo(f"Opdracht {r.data.code} bijgewerkt: nieuw tarief vanaf {r.rate_from:%d-%m-%Y}.")
    else:
        click.echo(f"Opdracht {r.data.code} bijgewerkt.")
    if r.approved:
        click.echo(f"Let op: {len(r.approved)} goedgekeurde, nog niet betaalde regel(s) krijgen het nieuwe "
                   "tarief:", err=True)
        for line in repriced_lines(r):
            click.echo(line, err=True)
    if r.logged:
        click.echo(f"{r.logged} ingevoerde (nog niet goedgekeurde) regel(s) krijgen het nieuwe tarief.", err=True)
    _rule_warnings(ctx, r.data.code)


def _rule_warnings(ctx: click.Context, code: str) -> None:
    """The rules' view of the engagement as entered (a volunteer rate above the hourly
    presumption for the expert's age): on stderr, never a refusal."""
    from vergoeding.api.checks import engagement_warnings

    for f in engagement_warnings(workspace(ctx), code):
        click.echo(f"{f.severity.label}: {f.message}" + (f" {f.advice}" if f.advice else ""), err=True)


def _eng_row(g: Any) -> dict[str, Any]:
    return {"code": g.code, "expert": g.expert_code, "client": g.client_code, "role": g.role, "level": g.level,
            "regime": g.regime.value, "start": g.start, "end": g.end - timedelta(days=1) if g.end else None,
            "unit": g.unit.value if g.unit else None, "expert_rate": g.expert_rate, "client_rate": g.client_rate,
            "budget_hours": None if g.budget_minutes is None else Decimal(g.budget_minutes) / 60,
            "budget_amount": g.budget_amount, "travel": g.travel_policy.value, "km_rate": g.km_rate,
            "self_billing": g.self_billing, "vat_exemption": g.vat_exemption, "description": g.description,
            "order_number": g.order_number, "billable": g.billable, "corrections_billed": g.corrections_billed}


@reads_only
@engagement_group.command("list")
@click.option("--expert", "expert_code", type=EXPERT_CODE, help="Alleen van deze deskundige.")
@click.option("--client", "client_code", type=ORG_CODE, help="Alleen voor deze opdrachtgever.")
@format_option()
@click.pass_context
def engagement_list(ctx: click.Context, expert_code: str | None, client_code: str | None, fmt: str) -> None:
    """Toon de opdrachten (einddatum = laatste dag).

    \b
    Voorbeeld:
      vergoeding engagement list --client UTR
    """
    rows = [_eng_row(g) for g in api.engagements(workspace(ctx), expert_code, client_code)]
    emit(rows, fmt, columns=["code", "expert", "client", "role", "regime", "start", "end"] if fmt == "table" else None,
         headers={"expert": "deskundige", "client": "opdrachtgever", "role": "rol", "end": "eind (t/m)"})


@reads_only
@engagement_group.command("show")
@click.argument("code", type=ENGAGEMENT_CODE)
@format_option()
@click.pass_context
def engagement_show(ctx: click.Context, code: str, fmt: str) -> None:
    """Toon één opdracht.

    \b
    Voorbeeld:
      vergoeding engagement show G001
    """
    from vergoeding.api.rate_change import history

    ws = workspace(ctx)
    row = _eng_row(api.engagement(ws, code))
    rates = history(ws, code)
    if fmt == "table":
        _show(row, fmt)
        if rates:
            click.echo("tariefgeschiedenis (de tarieven hierboven gelden vanaf de start):")
        for h in rates:
            click.echo(f"tarief vanaf {h.valid_from:%d-%m-%Y}: deskundige {_rate_text(h.expert_rate)}, "
                       f"opdrachtgever {_rate_text(h.client_rate)}" + (f" (reden: {h.reason})" if h.reason else ""))
        return
    row["rate_history"] = [{"from": h.valid_from, "expert_rate": h.expert_rate, "client_rate": h.client_rate,
                            "reason": h.reason, "by": h.created_by} for h in rates]
    if fmt == "csv":
        row["rate_history"] = "; ".join(f"vanaf {h.valid_from:%d-%m-%Y}: {_rate_text(h.expert_rate)} / "
                                        f"{_rate_text(h.client_rate)}" for h in rates)
    _show(row, fmt)


def _rate_text(v: Decimal | None) -> str:
    from vergoeding.render.formatting import euro

    return "volgens de tariefkaart" if v is None else euro(v)
