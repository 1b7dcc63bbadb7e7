"""``vergoeding org ...``: the own organisation and clients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from vergoeding.commands._common import ORG_CODE, emit, format_option, reads_only, workspace
from vergoeding.commands._forms import _given, _options, _show
from vergoeding.commands._lazy import lazy_module

if TYPE_CHECKING:
    from vergoeding.api import ledger as api
else:
    api = lazy_module("vergoeding.api.ledger")


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
    (("--invoice-email", "invoice_email"), {"help": "E-mailadres voor facturen ('vergoeding mail invoices'; "
                                                    "zonder: dat van de contactpersoon); '' wist."}),
    (("--invoice-mail", "invoice_mail"), {"type": click.Choice(["pdf", "xml"]),
                                          "help": "Facturen per mail: pdf (PDF met de e-factuur als XML erbij, "
                                                  "standaard) of xml (alleen de e-factuur)."}),
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
            "payment_term_days", "einvoice_format", "buyer_reference", "einvoice_required",
            "invoice_email", "invoice_mail"]


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
            "contact_email": o.contact_email, "invoice_email": o.invoice_email, "invoice_mail": o.invoice_mail,
            "phone": o.phone, "is_anbi": o.is_anbi, "corporate_tax_liable": o.corporate_tax_liable,
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
