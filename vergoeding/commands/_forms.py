"""What the administration commands share: option tables for add/edit, the number type and
the ``show`` layout (used by ``orgs.py``, ``experts.py``, ``engagements.py`` and ``ledger.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from vergoeding.commands._common import COLUMN_NAMES, _Parsed, emit
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


# Field names in `show` output (table); JSON and CSV keep the keys. A record shown one field a
# line has room for a longer name than a table column: these differ from (or add to) the
# column names of every table (COLUMN_NAMES, commands/_common.py), which give the rest.
SHOW_NAMES: dict[str, str] = {
    "street": "straat en huisnummer", "kvk": "KvK-nummer", "vat_id": "btw-nummer",
    "employed_by_us": "bij ons in loondienst", "volunteer_eligibility": "onbelaste vergoeding",
    "start": "eerste dag", "end": "laatste dag", "budget_hours": "budget (uren)", "budget_amount": "budget (bedrag)",
    "buyer_reference": "referentie opdrachtgever", "order_number": "inkoopnummer", "order_reference": "inkoopnummer",
    "billable": "factureren", "corrections_billed": "correctie factureren", "invoice_email": "e-mail voor facturen",
    "invoice_mail": "facturen per mail", "mail_opt_out": "geen mail",
}
FIELD_NAMES: dict[str, str] = {**COLUMN_NAMES, **SHOW_NAMES}
SHOW_MONEY = frozenset({"expert_rate", "client_rate", "budget_amount", "km_rate"})


def _show(row: dict[str, Any], fmt: str) -> None:
    if fmt == "table":
        from vergoeding.commands._common import show_value, word
        from vergoeding.errors import FIELD_LABELS

        # a key without a name here gets the ledger's Dutch field name; the key itself only as a last resort
        names = {k: FIELD_NAMES.get(k) or FIELD_LABELS.get(k) or k.replace("_", " ") for k in row}
        from vergoeding.commands._table import WIDTH, block_lines, is_breed

        pairs = [(names[k], word(v) if k == "kind" else show_value(v, money=k in SHOW_MONEY)) for k, v in row.items()]
        for line in block_lines(pairs, width=None if is_breed() else WIDTH, skip_empty=False):
            click.echo(line)
    else:
        emit([row], fmt, payload=row)
