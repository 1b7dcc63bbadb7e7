"""``vergoeding expert ...``: experts and their declarations of volunteer allowances elsewhere."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import (
    DATE,
    EXPERT_CODE,
    MONEY,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._forms import _given, _options, _show
from vergoeding.commands._lazy import lazy_module
from vergoeding.core.regimes import Benefit

if TYPE_CHECKING:
    from vergoeding.api import ledger as api
else:
    api = lazy_module("vergoeding.api.ledger")


EXPERT_OPTIONS: list[tuple[Any, ...]] = [
    (("--name",), {"required": True, "help": "Naam."}),
    (("--street",), {"help": "Straat en huisnummer."}),
    (("--postcode",), {"help": "Postcode."}),
    (("--city",), {"help": "Plaats."}),
    (("--birth-date", "date_of_birth"), {"type": DATE, "help": "Geboortedatum, bv. 17-5-1980 (voor de leeftijdsgrens)."}),
    (("--email",), {"help": "E-mailadres (specificaties en jaaropgaven gaan alleen naar dit adres; een wijziging "
                            "staat in het auditlog)."}),
    (("--no-mail/--mail", "mail_opt_out"), {"default": False, "help": "Wil geen mail van ons (specificaties, "
                                                                      "herinneringen): --no-mail; weer wel: --mail."}),
    (("--iban",), {"help": "IBAN voor de uitbetaling."}),
    (("--kvk",), {"help": "KvK-nummer (zzp)."}),
    (("--vat-id", "vat_id"), {"help": "Btw-nummer (zzp)."}),
    (("--kor/--no-kor", "kor"), {"default": False, "help": "Valt onder de kleineondernemersregeling (KOR)."}),
    (("--crkbo/--no-crkbo", "crkbo"), {"default": False, "help": "CRKBO-geregistreerd docent (btw-vrij onderwijs)."}),
    (("--bsn",), {"help": "BSN, alleen als de meldplicht het vraagt; wordt nergens volledig getoond."}),
    (("--benefit",), {"type": click.Choice([b.value for b in Benefit]), "default": "geen",
                      "help": "Soort uitkering (vrijwillig, alleen de soort)."}),
    (("--employed/--not-employed", "employed_by_us"), {"default": False, "help": "Dit jaar bij ons in loondienst."}),
]
EXPERT_KEYS = ["name", "street", "postcode", "city", "date_of_birth", "email", "iban", "kvk", "vat_id", "kor",
               "crkbo", "bsn", "benefit", "employed_by_us", "mail_opt_out"]


@click.group("expert")
def expert_group() -> None:
    """Ervaringsdeskundigen: gegevens, en verklaarde vergoedingen van andere organisaties.

    \b
    Voorbeeld:
      vergoeding expert add --code E001 --name "Fatima el Amrani" --birth-date 12-3-1985 \\
        --iban NL44RABO0123456789
      vergoeding expert declare --expert E001 --year 2026 --amount 300 --organisation "Voedselbank"
    """


@expert_group.command("add")
@click.option("--code", help="Korte code (standaard: E001, E002, ...).")
@_options(EXPERT_OPTIONS, edit=False)
@click.pass_context
def expert_add(ctx: click.Context, /, code: str | None, **params: Any) -> None:
    """Voeg een ervaringsdeskundige toe.

    \b
    Voorbeeld:
      vergoeding expert add --code E001 --name "Fatima el Amrani" --birth-date 12-3-1985 \\
        --street "Kerkstraat 5" --postcode 3511BB --city Utrecht --iban NL44RABO0123456789
    """
    d = api.add_expert(workspace(ctx), api.ExpertData(code=code or "", **_given(params, EXPERT_KEYS)), today())
    click.echo(f"Ervaringsdeskundige {d.code} toegevoegd: {d.name}")


@expert_group.command("edit")
@click.argument("code", type=EXPERT_CODE)
@_options(EXPERT_OPTIONS, edit=True)
@click.pass_context
def expert_edit(ctx: click.Context, /, code: str, **params: Any) -> None:
    """Wijzig een ervaringsdeskundige; alleen wat u opgeeft verandert.

    \b
    Voorbeeld:
      vergoeding expert edit E001 --benefit bijstand --email fatima@example.nl
    """
    d = api.edit_expert(workspace(ctx), code, _given(params, EXPERT_KEYS), today())
    click.echo(f"Ervaringsdeskundige {d.code} bijgewerkt.")


def _expert_row(x: Any) -> dict[str, Any]:
    return {"code": x.code, "name": x.name, "street": x.address.street, "postcode": x.address.postcode,
            "city": x.address.city, "date_of_birth": x.date_of_birth, "email": x.email,
            "mail_opt_out": x.mail_opt_out, "iban": x.iban,
            "kvk": x.kvk, "vat_id": x.vat_id, "kor": x.kor, "crkbo": x.crkbo, "bsn": _mask_bsn(x.bsn),
            "benefit": x.benefit.value, "employed_by_us": x.employed_by_us}


@reads_only
@expert_group.command("list")
@format_option()
@click.pass_context
def expert_list(ctx: click.Context, fmt: str) -> None:
    """Toon de ervaringsdeskundigen (BSN gemaskeerd).

    \b
    Voorbeeld:
      vergoeding expert list --format json
    """
    rows = [_expert_row(x) for x in api.experts(workspace(ctx))]
    emit(rows, fmt, columns=["code", "name", "city", "date_of_birth", "benefit"] if fmt == "table" else None,
         headers={"code": "code", "name": "naam", "city": "plaats", "date_of_birth": "geboortedatum",
                  "benefit": "uitkering"})


@reads_only
@expert_group.command("show")
@click.argument("code", type=EXPERT_CODE)
@format_option()
@click.pass_context
def expert_show(ctx: click.Context, code: str, fmt: str) -> None:
    """Toon één ervaringsdeskundige met opdrachten en verklaringen (BSN gemaskeerd).

    \b
    Voorbeeld:
      vergoeding expert show E001
    """
    from vergoeding.render.formatting import euro, month_name

    ws = workspace(ctx)
    row = _expert_row(api.expert(ws, code))
    engagements = [g.code for g in api.engagements(ws, expert_code=code)]
    row["engagements"] = engagements if fmt == "json" else ", ".join(engagements)
    declarations = api.declarations(ws, code)
    row["declarations"] = [{"year": d.year, "month": d.month, "organisation": d.organisation, "amount": d.amount}
                           for d in declarations] if fmt == "json" else "; ".join(
        f"{month_name(d.year, d.month) if d.month else d.year} {d.organisation}: {euro(d.amount)}"
        for d in declarations)
    _show(row, fmt)


@expert_group.command("declare")
@click.option("--expert", "expert_code", type=EXPERT_CODE, required=True, help="Code van de deskundige.")
@click.option("--year", "year_", type=click.IntRange(2000, 2100), required=True, help="Jaar.")
@click.option("--month", type=click.IntRange(1, 12), help="Maand (leeg: voor het hele jaar).")
@click.option("--amount", type=MONEY, required=True, help="Bedrag aan vrijwilligersvergoeding, bv. 150,00.")
@click.option("--organisation", required=True, help="Naam van de andere organisatie.")
@click.option("--note", default="", help="Toelichting.")
@click.pass_context
def expert_declare(ctx: click.Context, expert_code: str, year_: int, month: int | None, amount: Decimal,
                   organisation: str, note: str) -> None:
    """Leg vast wat de deskundige zelf verklaart aan vrijwilligersvergoeding van andere organisaties
    (telt mee in de toets op de maand- en jaargrens).

    \b
    Voorbeeld:
      vergoeding expert declare --expert E001 --year 2026 --month 9 --amount 60 --organisation "Buurthuis De Pijl"
    """
    api.declare(workspace(ctx), api.DeclarationData(expert=expert_code, year=year_, month=month, amount=amount,
                                                    organisation=organisation, note=note))
    from vergoeding.render.formatting import euro

    click.echo(f"Verklaring vastgelegd voor {expert_code}: {euro(amount)} van {organisation}.")


def _mask_bsn(bsn: str | None) -> str:
    from vergoeding.render.formatting import mask_bsn

    return mask_bsn(bsn)
