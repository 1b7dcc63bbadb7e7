"""``vergoeding org|expert|engagement ...``, ``log``, ``approve``, ``lock``, ``unlock``,
``correct``, ``audit`` and ``hours``: the administration on the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import (
    DATE,
    DURATION,
    ENGAGEMENT_CODE,
    EXPERT_CODE,
    MONEY,
    ORG_CODE,
    PERIOD,
    _Parsed,
    emit,
    format_option,
    reads_only,
    today,
    workspace,
)
from vergoeding.commands._lazy import lazy_module
from vergoeding.commands.exceptions import exception_cmd
from vergoeding.core.money import parse_amount
from vergoeding.core.period import Period, period_text, year
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.errors import InputError

if TYPE_CHECKING:
    from vergoeding.api import ledger as api
else:
    api = lazy_module("vergoeding.api.ledger")

F = Callable[..., Any]


class DecimalType(_Parsed):
    name = "getal"
    parser = staticmethod(parse_amount)


DECIMAL = DecimalType()


def _options(specs: list[tuple[Any, ...]], *, edit: bool) -> Callable[[F], F]:
    """Shared option sets for add and edit: on edit nothing has a default (None = unchanged)."""
    def deco(f: F) -> F:
        for spec in reversed(specs):
            names, kw = spec[0], dict(spec[1])
            if edit:
                kw.pop("required", None)
                kw["default"] = None
            f = click.option(*names, **kw)(f)
        return f
    return deco


def _given(params: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: params[k] for k in keys if params.get(k) is not None}


# ---------------------------------------------------------------------------- organisations

ORG_OPTIONS: list[tuple[Any, ...]] = [
    (("--name",), {"required": True, "help": "Naam, bv. 'Gemeente Utrecht'."}),
    (("--street",), {"help": "Straat en huisnummer."}),
    (("--postcode",), {"help": "Postcode, bv. 3511 AB."}),
    (("--city",), {"help": "Plaats."}),
    (("--kvk",), {"help": "KvK-nummer (8 cijfers)."}),
    (("--vat-id", "vat_id"), {"help": "Btw-nummer, bv. NL000099998B57."}),
    (("--iban",), {"help": "IBAN."}),
    (("--bic",), {"help": "BIC, bv. ABNANL2A."}),
    (("--oin",), {"help": "OIN (20 cijfers; overheid, Peppol 0190)."}),
    (("--contact-name", "contact_name"), {"help": "Contactpersoon."}),
    (("--contact-email", "contact_email"), {"help": "E-mail van de contactpersoon."}),
    (("--phone",), {"help": "Telefoonnummer, bv. 030 123 4567 of 06 12345678 (eigen organisatie: staat op de "
                            "uitbetalingsbrief bij 'bel of mail ons'); '' wist."}),
    (("--anbi/--no-anbi", "is_anbi"), {"default": False, "help": "ANBI-status."}),
    (("--corporate-tax/--no-corporate-tax", "corporate_tax_liable"), {"default": False,
                                                                      "help": "Plichtig voor vennootschapsbelasting."}),
    (("--may-pay-volunteers/--no-may-pay-volunteers", "may_pay_volunteers"),
     {"default": False, "help": "Alleen voor een vpb-plichtige organisatie zonder ANBI-status die toch "
      "vrijwilligersvergoedingen mag betalen (een sportclub). Een ANBI of een organisatie die geen "
      "vennootschapsbelasting betaalt, mag dat altijd; dan is deze vlag niet nodig."}),
    (("--payroll-tax-number/--no-payroll-tax-number", "has_payroll_tax_number"),
     {"default": False, "help": "Heeft een loonheffingennummer (meldplicht uitbetaalde bedragen aan derden)."}),
    (("--payment-term", "payment_term_days"), {"type": click.IntRange(0, 365), "default": 30,
                                               "help": "Betaaltermijn in dagen."}),
    (("--e-invoice", "einvoice_format"), {"type": click.Choice(["peppol", "si-ubl"], case_sensitive=False),
                                          "help": "E-factuur: peppol (Peppol BIS Billing 3.0, standaard) of si-ubl "
                                                  "(SI-UBL 2.0, NLCIUS; vraagt KvK of OIN)."}),
    (("--buyer-reference", "buyer_reference"), {"help": "Referentie van de opdrachtgever die op elke factuur "
                                                        "moet staan (bv. kostenplaats); '' wist."}),
    (("--public-body/--no-public-body", "einvoice_required"),
     {"default": None, "help": "Overheid of een opdrachtgever die e-facturen moet ontvangen (ook gezet door "
                               "--e-invoice): zonder KvK of OIN wordt de factuur dan geweigerd. Zonder deze "
                               "markering krijgt een opdrachtgever zonder KvK/OIN een pdf-factuur zonder e-factuur."}),
]
ORG_KEYS = ["name", "street", "postcode", "city", "kvk", "vat_id", "iban", "bic", "oin", "contact_name",
            "contact_email", "phone", "is_anbi", "corporate_tax_liable", "may_pay_volunteers", "has_payroll_tax_number",
            "payment_term_days", "einvoice_format", "buyer_reference", "einvoice_required"]


@click.group("org")
def org_group() -> None:
    """Organisaties: de eigen organisatie (--own) en opdrachtgevers.

    \b
    Voorbeeld:
      vergoeding org add --own --code EIGEN --name "Stichting Ervaringskracht" --kvk 12345678
      vergoeding org add --code UTR --name "Gemeente Utrecht" --oin 00000001002220647000
      vergoeding org list
    """


@org_group.command("add")
@click.option("--own", is_flag=True, help="Dit is de eigen organisatie (de uitgever van facturen); er is er één.")
@click.option("--code", help="Korte code (standaard: ORG001, ORG002, ...).")
@_options(ORG_OPTIONS, edit=False)
@click.pass_context
def org_add(ctx: click.Context, /, own: bool, code: str | None, **params: Any) -> None:
    """Voeg een organisatie toe.

    \b
    Voorbeeld:
      vergoeding org add --code UTR --name "Gemeente Utrecht" --street "Stadsplateau 1" \\
        --postcode 3521AZ --city Utrecht --oin 00000001002220647000 --anbi --e-invoice si-ubl
    """
    if params.get("einvoice_format") is not None and params.get("einvoice_required") is None:
        params["einvoice_required"] = True  # a chosen format: this client receives e-invoices
    data = api.OrganisationData(code=code or "", kind="own" if own else "client", **_given(params, ORG_KEYS))
    d = api.add_organisation(workspace(ctx), data)
    click.echo(f"Organisatie {d.code} toegevoegd: {d.name}" + (" (eigen organisatie)" if own else ""))
    if own:
        click.echo(_eligibility_line(d), err=True)


@org_group.command("edit")
@click.argument("code", type=ORG_CODE)
@_options(ORG_OPTIONS, edit=True)
@click.pass_context
def org_edit(ctx: click.Context, /, code: str, **params: Any) -> None:
    """Wijzig een organisatie; alleen wat u opgeeft verandert. Een lege waarde ('') wist een veld.

    \b
    Voorbeeld:
      vergoeding org edit UTR --contact-name "J. de Vries" --payment-term 14
    """
    if params.get("einvoice_format") is not None and params.get("einvoice_required") is None:
        params["einvoice_required"] = True  # a chosen format: this client receives e-invoices
    d = api.edit_organisation(workspace(ctx), code, _given(params, ORG_KEYS))
    click.echo(f"Organisatie {d.code} bijgewerkt.")
    if d.kind == "own":
        click.echo(_eligibility_line(d), err=True)


def _eligibility_line(d: Any) -> str:
    from vergoeding.core.checks_volunteer import eligibility

    ok, why = eligibility(bool(d.is_anbi), bool(d.corporate_tax_liable), bool(d.may_pay_volunteers))
    return f"Onbelaste vrijwilligersvergoeding: {'ja' if ok else 'nee'}, {why}."


def _org_row(o: Any) -> dict[str, Any]:
    return {"code": o.code, "kind": "eigen" if o.kind == "own" else "opdrachtgever", "name": o.name,
            "street": o.address.street, "postcode": o.address.postcode, "city": o.address.city, "kvk": o.kvk,
            "vat_id": o.vat_id, "iban": o.iban, "bic": o.bic, "oin": o.oin, "contact_name": o.contact_name,
            "contact_email": o.contact_email, "phone": o.phone, "is_anbi": o.is_anbi, "corporate_tax_liable": o.corporate_tax_liable,
            "may_pay_volunteers": o.may_pay_volunteers, "has_payroll_tax_number": o.has_payroll_tax_number,
            "payment_term_days": o.payment_term_days, "einvoice_format": o.einvoice_format,
            "buyer_reference": o.buyer_reference, "einvoice_required": o.einvoice_required,
            "volunteer_eligibility": _eligibility_line(o)}


@reads_only
@org_group.command("list")
@click.option("--kind", type=click.Choice(["own", "client"]), help="Alleen eigen (own) of opdrachtgevers (client).")
@format_option()
@click.pass_context
def org_list(ctx: click.Context, kind: str | None, fmt: str) -> None:
    """Toon de organisaties.

    \b
    Voorbeeld:
      vergoeding org list --kind client --format csv
    """
    rows = [_org_row(o) for o in api.organisations(workspace(ctx), kind)]
    emit(rows, fmt, columns=["code", "kind", "name", "city", "kvk", "oin"] if fmt == "table" else None,
         headers={"code": "code", "kind": "soort", "name": "naam", "city": "plaats"})


# Field names in `show` output (table); JSON and CSV keep the keys.
FIELD_NAMES: dict[str, str] = {
    "code": "code", "kind": "soort", "name": "naam", "street": "straat en huisnummer", "postcode": "postcode",
    "city": "plaats", "kvk": "KvK-nummer", "vat_id": "btw-nummer", "iban": "IBAN", "bic": "BIC", "oin": "OIN",
    "contact_name": "contactpersoon", "contact_email": "e-mail contactpersoon", "is_anbi": "ANBI",
    "corporate_tax_liable": "vennootschapsbelastingplichtig", "may_pay_volunteers": "mag vrijwilligers betalen",
    "has_payroll_tax_number": "loonheffingennummer", "payment_term_days": "betaaltermijn (dagen)",
    "date_of_birth": "geboortedatum", "email": "e-mail", "kor": "KOR", "crkbo": "CRKBO", "bsn": "BSN",
    "benefit": "uitkering", "employed_by_us": "bij ons in loondienst", "engagements": "opdrachten",
    "declarations": "verklaringen", "expert": "deskundige", "client": "opdrachtgever", "role": "rol",
    "level": "niveau", "regime": "regime", "start": "eerste dag", "end": "laatste dag", "unit": "eenheid",
    "expert_rate": "tarief deskundige", "client_rate": "tarief opdrachtgever", "budget_hours": "budget (uren)",
    "budget_amount": "budget (bedrag)", "travel": "reiskosten", "km_rate": "km-tarief",
    "self_billing": "zelffacturering", "vat_exemption": "btw-vrijstelling", "description": "omschrijving",
    "phone": "telefoon", "einvoice_format": "e-factuurformaat", "buyer_reference": "referentie opdrachtgever",
    "order_number": "inkoopnummer", "order_reference": "inkoopnummer", "billable": "factureren",
    "corrections_billed": "correctie factureren", "einvoice_required": "e-factuur verplicht",
}
SHOW_MONEY = frozenset({"expert_rate", "client_rate", "budget_amount", "km_rate"})


def _show(row: dict[str, Any], fmt: str) -> None:
    if fmt == "table":
        from vergoeding.commands._common import show_value, word

        names = {k: FIELD_NAMES.get(k, k.replace("_", " ")) for k in row}
        width = max(len(n) for n in names.values())
        for k, v in row.items():
            shown = word(v) if k == "kind" else show_value(v, money=k in SHOW_MONEY)
            click.echo(f"{names[k].ljust(width)}  {shown}")
    else:
        emit([row], fmt, payload=row)


@reads_only
@org_group.command("show")
@click.argument("code", type=ORG_CODE)
@format_option()
@click.pass_context
def org_show(ctx: click.Context, code: str, fmt: str) -> None:
    """Toon alle gegevens van één organisatie.

    \b
    Voorbeeld:
      vergoeding org show UTR
    """
    _show(_org_row(api.organisation(workspace(ctx), code)), fmt)


# ---------------------------------------------------------------------------- experts

EXPERT_OPTIONS: list[tuple[Any, ...]] = [
    (("--name",), {"required": True, "help": "Naam."}),
    (("--street",), {"help": "Straat en huisnummer."}),
    (("--postcode",), {"help": "Postcode."}),
    (("--city",), {"help": "Plaats."}),
    (("--birth-date", "date_of_birth"), {"type": DATE, "help": "Geboortedatum, bv. 17-5-1980 (voor de leeftijdsgrens)."}),
    (("--email",), {"help": "E-mailadres."}),
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
               "crkbo", "bsn", "benefit", "employed_by_us"]


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
    d = api.add_expert(workspace(ctx), api.ExpertData(code=code or "", **_given(params, EXPERT_KEYS)))
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
    d = api.edit_expert(workspace(ctx), code, _given(params, EXPERT_KEYS))
    click.echo(f"Ervaringsdeskundige {d.code} bijgewerkt.")


def _expert_row(x: Any) -> dict[str, Any]:
    return {"code": x.code, "name": x.name, "street": x.address.street, "postcode": x.address.postcode,
            "city": x.address.city, "date_of_birth": x.date_of_birth, "email": x.email, "iban": x.iban,
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


# ---------------------------------------------------------------------------- engagements

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
    en moet de periode die uren blijven omvatten.

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


# ---------------------------------------------------------------------------- hours


@click.command("log")
@click.option("--engagement", type=ENGAGEMENT_CODE, required=True, help="Code van de opdracht.")
@click.option("--date", "work_date", type=DATE, required=True, help="Datum van het werk, bv. 3-11-2026.")
@click.option("--hours", "minutes", type=DURATION, default=0, help="Gewerkte tijd: 2,5 of 2:30 of 150m.")
@click.option("--quantity", type=click.IntRange(min=0), help="Aantal bijeenkomsten/sessies/dagen (standaard 1 "
              "bij een opdracht per bijeenkomst, sessie of dag).")
@click.option("--activity", default="", help="Wat er is gedaan.")
@click.option("--km", type=DECIMAL, default="0", help="Gereden kilometers, bv. 12,5.")
@click.option("--expense", type=MONEY, default="0", help="Onkosten, bv. 4,50.")
@click.option("--receipt", "expense_receipt", is_flag=True, help="De onkosten zijn werkelijke kosten met bonnetje.")
@click.option("--expense-note", default="", help="Toelichting op de onkosten.")
@click.option("--inkind", type=MONEY, default="0", help="Waarde van bonnen/cadeaus in natura, bv. 25.")
@click.option("--inkind-note", default="", help="Wat in natura is gegeven, bv. VVV-bon.")
@click.option("--amount", type=MONEY, help="Vast bedrag voor deze regel (in plaats van tarief x tijd). 0 alleen met "
              "tijd, aantal of onkosten: werk zonder vergoeding.")
@click.option("--allow-duplicate", is_flag=True, help="Een tweede, gelijke sessie op dezelfde dag: sla hem toch op "
              "als eigen regel (zonder deze optie wordt een gelijke regel geweigerd).")
@click.pass_context
def log_command(ctx: click.Context, /, allow_duplicate: bool, **params: Any) -> None:
    """Schrijf uren (en km, onkosten, in natura) op een opdracht.

    Geweigerd: 0 of negatieve tijd, meer dan 24 uur op één dag, een datum na vandaag, buiten
    de opdracht of in een afgesloten periode. Staat precies dezelfde regel er al, dan vraagt de
    opdracht om --allow-duplicate (een tweede sessie op dezelfde dag) in plaats van hem stil samen
    te voegen.

    \b
    Voorbeeld:
      vergoeding log --engagement G001 --date 3-11-2026 --hours 2,5 --activity training --km 12,5
      vergoeding log --engagement G002 --date 4-11-2026 --hours 2 --inkind 25 --inkind-note VVV-bon
    """
    result = api.log(workspace(ctx), api.EntryData(engagement=params.pop("engagement"), **params), today=today(),
                     allow_duplicate=allow_duplicate)
    click.echo(f"Regel {result.id} opgeslagen.")


@click.command("approve")
@click.option("--period", type=PERIOD, required=True, help="Periode: 2026-10, 10-2026, 'oktober 2026', 2026-Q4 of 2026.")
@click.option("--expert", "expert_code", type=EXPERT_CODE, help="Alleen deze deskundige.")
@click.pass_context
def approve_command(ctx: click.Context, period: Period, expert_code: str | None) -> None:
    """Keur de ingevoerde uren van een periode goed (ingevoerd -> goedgekeurd).

    \b
    Voorbeeld:
      vergoeding approve --period 2026-10
      vergoeding approve --period 2026-10 --expert E001
    """
    ids_ = api.approve(workspace(ctx), period, expert_code)
    who = f" van {expert_code}" if expert_code else ""
    click.echo(f"{len(ids_)} regel(s){who} in {period_text(period)} goedgekeurd." if ids_
               else f"Geen ingevoerde regels{who} in {period_text(period)}; niets goedgekeurd.")


@click.command("lock")
@click.option("--period", type=PERIOD, required=True, help="Periode: 2026-10, 2026-Q4 of 2026.")
@click.option("--reason", required=True, help="Waarom de periode dicht gaat.")
@click.pass_context
def lock_command(ctx: click.Context, period: Period, reason: str) -> None:
    """Sluit een periode af: daarna geen nieuwe of gewijzigde uren meer, alleen correcties.

    \b
    Voorbeeld:
      vergoeding lock --period 2026-10 --reason "uitbetaald en verantwoord"
    """
    api.lock(workspace(ctx), period, reason)
    click.echo(f"Periode {period_text(period)} afgesloten.")


@click.command("unlock")
@click.option("--period", type=PERIOD, required=True, help="Dezelfde periode als bij lock.")
@click.option("--reason", required=True, help="Waarom de periode weer open gaat.")
@click.pass_context
def unlock_command(ctx: click.Context, period: Period, reason: str) -> None:
    """Heropen een afgesloten periode (komt in het auditlog).

    \b
    Voorbeeld:
      vergoeding unlock --period 2026-10 --reason "regel vergeten"
    """
    api.unlock(workspace(ctx), period, reason)
    click.echo(f"Periode {period_text(period)} heropend.")


@click.command("correct")
@click.argument("entry_id", metavar="REGEL", type=int)
@click.option("--hours", "minutes", type=DURATION, help="De juiste tijd voor deze regel, bv. 2 (0 schrapt).")
@click.option("--quantity", type=click.IntRange(min=0), help="Het juiste aantal.")
@click.option("--km", type=DECIMAL, help="Het juiste aantal km.")
@click.option("--expense", type=MONEY, help="Het juiste bedrag aan onkosten.")
@click.option("--amount", type=MONEY, help="De juiste vergoeding voor het werk van deze regel, bv. 45 "
              "(ook voor betaald werk: de volgende uitbetaling verrekent het verschil).")
@click.option("--reason", required=True, help="Waarom (verplicht).")
@click.pass_context
def correct_command(ctx: click.Context, entry_id: int, minutes: int | None, quantity: int | None,
                    km: Decimal | None, expense: Decimal | None, amount: Decimal | None, reason: str) -> None:
    """Corrigeer een regel met een correctieregel (het verschil); de oorspronkelijke regel blijft.

    Geef de JUISTE waarde, niet het verschil. Met --amount geeft u de juiste vergoeding voor
    het werk van de regel (zonder reiskosten en onkosten); de correctieregel houdt het verschil
    met wat betaald is (of nu geldt), plus of min. De volgende uitbetaling verrekent het en
    noemt de regel, de datum en de reden op de specificatie.

    \b
    Voorbeeld:
      vergoeding correct 42 --hours 2 --reason "was 2,5 uur, training duurde 2 uur"
      vergoeding correct 42 --amount 45 --reason "tarief was vanaf 1-11 al € 45 per uur"
    """
    if minutes is None and quantity is None and km is None and expense is None and amount is None:
        raise InputError("geef minstens één van --hours, --quantity, --km, --expense, --amount", field="correct")
    new_id = api.correct(workspace(ctx), entry_id, reason=reason, minutes=minutes, quantity=quantity, km=km,
                         expense=expense, amount=amount)
    click.echo(f"Correctieregel {new_id} opgeslagen voor regel {entry_id}.")


@reads_only
@click.command("audit")
@click.option("--entity", type=click.Choice(["organisation", "expert", "declaration", "engagement", "entry",
                                             "locked_period"]), help="Alleen dit soort gegevens.")
@click.option("--id", "entity_id", type=int, help="Alleen dit nummer (bij --entity).")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True, help="Hoogstens zoveel regels.")
@format_option()
@click.pass_context
def audit_command(ctx: click.Context, entity: str | None, entity_id: int | None, limit: int, fmt: str) -> None:
    """Toon het auditlog: wie, wanneer, wat.

    \b
    Voorbeeld:
      vergoeding audit --entity entry --id 42
    """
    ws = workspace(ctx)
    rows = [{"id": r.id, "at": r.at, "actor": r.actor, "db_user": r.db_user, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "detail": r.detail} for r in api.audit_log(ws, entity, entity_id, limit)]
    emit(rows, fmt, headers={"at": "wanneer", "actor": "wie", "db_user": "databasegebruiker", "action": "actie",
                             "entity": "soort", "entity_id": "nr", "detail": "wat"}, words=("action", "entity"),
         total=api.audit_count(ws, entity, entity_id))


@reads_only
@click.command("hours")
@click.option("--expert", "expert_code", type=EXPERT_CODE, required=True, help="Code van de deskundige.")
@click.option("--period", type=PERIOD, help="Periode: 2026-10, 2026-Q4 of 2026.")
@click.option("--year", "year_", type=click.IntRange(2000, 2100), help="Jaar (standaard: dit jaar).")
@format_option("xlsx", "pdf")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Bestand (nodig bij xlsx en pdf).")
@click.pass_context
def hours_command(ctx: click.Context, expert_code: str, period: Period | None, year_: int | None, fmt: str,
                  output: Path | None) -> None:
    """Urenoverzicht van één deskundige: totalen, per maand, per opdracht, alle regels met hun stand.

    De pdf is een kort overzicht in eenvoudig Nederlands, met grote letters en de totalen eerst.

    \b
    Voorbeeld:
      vergoeding hours --expert E001 --period 2026-10
      vergoeding hours --expert E001 --year 2026 --format pdf -o uren-E001.pdf
    """
    if period is not None and year_ is not None:
        raise click.UsageError("geef --period of --year, niet allebei")
    if fmt in ("xlsx", "pdf") and output is None:
        raise click.UsageError(f"--format {fmt} heeft -o BESTAND nodig")
    ws = workspace(ctx)
    p = period or year(year_ or today().year)
    doc = api.hours(ws, expert_code, p, made_on=today())
    if fmt in ("xlsx", "pdf"):
        from vergoeding.render.files import write_atomic

        data = api.hours_pdf(ws, doc) if fmt == "pdf" else api.hours_xlsx(doc)
        write_atomic(output or Path("uren"), data)
        click.echo(f"Urenoverzicht geschreven: {output}")
        return
    rows = api.hours_rows(doc)
    if fmt == "table":
        from vergoeding.render.formatting import euro, number

        t = doc.total
        extra = ", ".join(t.count_texts)
        click.echo(f"Urenoverzicht {doc.expert_name} ({doc.expert_code}), {doc.period_text}")
        click.echo(f"Totaal: {_hm(t.minutes)} uur" + (f", {extra}" if extra else "")
                   + (f", {number(t.km)} km" if t.km else "") + (f", onkosten {euro(t.expense)}" if t.expense else ""))
        rows = [{**r, "km": number(r["km"]), "expense": euro(r["expense"]), "status": line.status_text}
                for r, line in zip(rows, doc.lines, strict=True)]
        for m in doc.months:
            click.echo(f"  {m.label}: {_hm(m.minutes)} uur" + (f", {', '.join(m.count_texts)}" if m.count_texts else ""))
        for g in doc.engagements:
            click.echo(f"  {g.key} {g.label}: {_hm(g.minutes)} uur")
        click.echo("")
    emit(rows, fmt, columns=["id", "date", "engagement", "activity", "hours", "quantity", "km", "expense", "status"]
         if fmt == "table" else None,
         headers={"id": "regel", "date": "datum", "engagement": "opdracht", "activity": "activiteit", "hours": "uren",
                  "quantity": "aantal", "expense": "onkosten", "status": "stand"},
         payload=doc if fmt == "json" else None)


def _mask_bsn(bsn: str | None) -> str:
    from vergoeding.render.formatting import mask_bsn

    return mask_bsn(bsn)


def _hm(minutes: int) -> str:
    from vergoeding.core.duration import format_minutes

    return format_minutes(minutes)


COMMANDS = [org_group, expert_group, engagement_group, log_command, approve_command, lock_command, unlock_command,
            correct_command, audit_command, hours_command]

