"""What the administration commands share: option tables for add/edit, the number type and
the ``show`` layout (used by ``orgs.py``, ``experts.py``, ``engagements.py`` and ``ledger.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from vergoeding.commands._common import _Parsed, emit
from vergoeding.core.money import parse_amount

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


# Field names in `show` output (table); JSON and CSV keep the keys.
FIELD_NAMES: dict[str, str] = {
    "code": "code", "kind": "soort", "name": "naam", "street": "straat en huisnummer", "postcode": "postcode",
    "city": "plaats", "kvk": "KvK-nummer", "vat_id": "btw-nummer", "iban": "IBAN", "bic": "BIC", "oin": "OIN",
    "contact_name": "contactpersoon", "contact_email": "e-mail contactpersoon", "is_anbi": "ANBI",
    "corporate_tax_liable": "vennootschapsbelastingplichtig", "may_pay_volunteers": "mag vrijwilligers betalen",
    "has_payroll_tax_number": "loonheffingennummer", "payment_term_days": "betaaltermijn (dagen)",
    "date_of_birth": "geboortedatum", "email": "e-mail", "kor": "KOR", "crkbo": "CRKBO", "bsn": "BSN",
    "benefit": "uitkering", "employed_by_us": "bij ons in loondienst", "engagements": "opdrachten",
    "volunteer_eligibility": "onbelaste vergoeding",
    "declarations": "verklaringen", "expert": "deskundige", "client": "opdrachtgever", "role": "rol",
    "level": "niveau", "regime": "regime", "start": "eerste dag", "end": "laatste dag", "unit": "eenheid",
    "expert_rate": "tarief deskundige", "client_rate": "tarief opdrachtgever", "budget_hours": "budget (uren)",
    "budget_amount": "budget (bedrag)", "travel": "reiskosten", "km_rate": "km-tarief",
    "self_billing": "zelffacturering", "vat_exemption": "btw-vrijstelling", "description": "omschrijving",
    "phone": "telefoon", "einvoice_format": "e-factuurformaat", "buyer_reference": "referentie opdrachtgever",
    "order_number": "inkoopnummer", "order_reference": "inkoopnummer", "billable": "factureren",
    "corrections_billed": "correctie factureren", "einvoice_required": "e-factuur verplicht",
    "invoice_email": "e-mail voor facturen", "invoice_mail": "facturen per mail", "mail_opt_out": "geen mail",
}
SHOW_MONEY = frozenset({"expert_rate", "client_rate", "budget_amount", "km_rate"})


def _show(row: dict[str, Any], fmt: str) -> None:
    if fmt == "table":
        from vergoeding.commands._common import show_value, word
        from vergoeding.errors import FIELD_LABELS

        # a key without a name here gets the ledger's Dutch field name; the key itself only as a last resort
        names = {k: FIELD_NAMES.get(k) or FIELD_LABELS.get(k) or k.replace("_", " ") for k in row}
        width = max(len(n) for n in names.values())
        for k, v in row.items():
            shown = word(v) if k == "kind" else show_value(v, money=k in SHOW_MONEY)
            click.echo(f"{names[k].ljust(width)}  {shown}")
    else:
        emit([row], fmt, payload=row)
