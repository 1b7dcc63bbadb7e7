"""How a command shows its result: a table for people (Dutch column names and words, euros,
periods in words), JSON stable for scripts, CSV for Excel; findings as blocks; a progress bar
on a terminal only. Commands import these through :mod:`vergoeding.commands._common`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import click

from vergoeding.core.findings import Finding, Severity
from vergoeding.core.money import unsigned_zero
from vergoeding.core.period import Period
from vergoeding.core.text import printable
from vergoeding.errors import mask_bsns


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(unsigned_zero(value))  # never "-0.00"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, Finding):
        return value.as_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


# Words a person reads in a table; JSON and CSV keep the stable codes.
WORDS: dict[str, str] = {
    # invoice status and kind
    "concept": "concept", "issued": "uitgereikt", "paid": "betaald", "credited": "gecrediteerd",
    "client": "opdrachtgever", "expert": "deskundige", "credit": "creditnota", "own": "eigen",
    # where an invoice comes from (core.invoice.ORIGIN_WORDS, not imported here: start-up cost);
    # "issued" reads "uitgereikt" above
    "received": "ontvangen", "self_billed": "zelffacturering", "prepared": "door ons opgemaakt",
    # entry status
    "entered": "ingevoerd", "approved": "goedgekeurd", "locked": "afgesloten",
    # audit actions and kinds of data
    "add": "toegevoegd", "edit": "gewijzigd", "approve": "goedgekeurd", "lock": "afgesloten",
    "unlock": "heropend", "correct": "gecorrigeerd", "invoice.issue": "factuur uitgereikt",
    "invoice.paid": "factuur betaald", "invoice.discard": "concept weggegooid",
    "invoice.credited": "factuur gecrediteerd", "invoice.credit": "creditnota uitgereikt",
    "invoice.concept": "conceptfactuur", "payout.override": "uitbetaling ondanks bevinding",
    "organisation": "organisatie", "declaration": "verklaring", "engagement": "opdracht", "entry": "urenregel",
    "locked_period": "afgesloten periode", "invoice": "factuur", "payout": "uitbetaling",
}

# Columns that hold an amount of money: shown as "€ 1.234,56" in a table.
MONEY_COLUMNS = frozenset({
    "amount", "excl", "vat", "total", "expense", "expert_rate", "client_rate", "budget_amount", "km_rate",
    "unit_price", "inkind", "paid", "gross", "net", "limit", "room", "used", "fee", "allowance", "travel_amount", "received", "open",
})


# Columns that hold a period label ("2026-11"): shown as "november 2026" in a table.
PERIOD_COLUMNS = frozenset({"period", "month"})


def period_label(value: Any) -> str:
    """A period label as a person reads it: "2026-11" -> "november 2026"; other text as it is."""
    from vergoeding.core.nl import period

    if isinstance(value, Period):
        return period(value)
    if isinstance(value, str) and value:
        shown = period(value)
        start, dots, end = value.partition("..")  # an unnamed period of a finding: 2026-11-03..2026-11-30
        if shown == value and dots:
            try:
                return period(Period(date.fromisoformat(start), date.fromisoformat(end) + timedelta(days=1)))
            except ValueError:
                pass
        return shown
    return show_value(value)


def word(value: str | None) -> str:
    """The Dutch word for a stored code (status, kind, action); unknown codes as they are."""
    return "" if value is None else WORDS.get(value, value)


def _cell(value: Any) -> str:
    """A value as text for CSV (stable, machine-readable: ISO dates, 1234.56)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    v = jsonable(value)
    return mask_bsns(printable(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)))


def _csv_value(value: Any) -> Any:
    """A value for :func:`vergoeding.render.csvtext.to_csv`: numbers, dates and booleans keep
    their type (the CSV convention formats them), anything else becomes text."""
    if value is None or isinstance(value, bool | int | Decimal | date):
        return value
    v = jsonable(value)
    return mask_bsns(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))  # listings never show a BSN


def show_value(value: Any, *, money: bool = False) -> str:
    """A value as a person reads it: € 1.234,56, 23-11-2026, november 2026, 2,5, ja/nee."""
    from vergoeding.core.period import period_text
    from vergoeding.render.formatting import euro, number

    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal | int) and money:
        return euro(value)
    if isinstance(value, Decimal):
        return number(value, 4)
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d-%m-%Y %H:%M") if value.tzinfo else value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Period):
        return period_text(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return mask_bsns(printable(value))  # stored text: printable, a BSN in free text masked
    v = jsonable(value)
    return mask_bsns(printable(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)))


# The Dutch name of a column, in a table and as a CSV header, when the command gives none
# (JSON keeps the keys). A key missing here is shown with its underscores as spaces.
COLUMN_NAMES: dict[str, str] = {
    "code": "code", "name": "naam", "city": "plaats", "kind": "soort", "kvk": "KvK", "oin": "OIN",
    "date_of_birth": "geboortedatum", "benefit": "uitkering", "email": "e-mail", "iban": "IBAN",
    "expert": "deskundige", "client": "opdrachtgever", "role": "rol", "regime": "regime", "start": "begin",
    "end": "eind (t/m)", "engagement": "opdracht", "organisation": "organisatie", "number": "nummer",
    "status": "status", "issue_date": "factuurdatum", "due_date": "vervaldatum", "period": "periode",
    "month": "maand", "year": "jaar", "date": "datum", "work_date": "datum", "activity": "activiteit",
    "hours": "uren", "minutes": "minuten", "quantity": "aantal", "unit": "eenheid", "km": "km",
    "expense": "onkosten", "amount": "bedrag", "excl": "excl. btw", "vat": "btw", "total": "totaal",
    "paid": "betaald", "paid_at": "betaald op", "paid_on": "betaald op", "inkind": "in natura",
    "limit": "grens", "limit_year": "jaar grens", "limit_source": "bron grens", "room": "ruimte",
    "used": "gebruikt", "left": "over", "over": "erboven", "counted": "geteld", "fee": "vergoeding",
    "travel": "reiskosten", "allowance": "vergoeding", "gross": "bruto", "net": "netto",
    "label": "omschrijving", "description": "omschrijving", "source": "bron", "valid_from": "vanaf",
    "valid": "geldig", "confirmed": "bevestigd", "key": "sleutel", "id": "nr", "at": "wanneer",
    "actor": "wie", "action": "actie", "entity": "gegevens", "entity_id": "nummer gegevens",
    "detail": "wat", "where": "waar", "message": "uitleg", "advice": "wat u kunt doen",
    "severity": "ernst (code)", "severity_label": "ernst", "rule": "regel (code)", "rule_label": "regel",
    "note": "notitie", "reason": "reden", "what": "wat", "from": "van", "to": "t/m",
    "unit_price": "prijs", "expert_rate": "tarief deskundige", "client_rate": "tarief opdrachtgever",
    "budget_amount": "budget", "km_rate": "km-tarief", "travel_amount": "reiskosten",
    "level": "niveau", "street": "straat", "postcode": "postcode", "vat_id": "btw-id", "kor": "KOR",
    "crkbo": "CRKBO", "bsn": "BSN", "employed_by_us": "bij ons in dienst", "engagements": "opdrachten",
    "declarations": "verklaringen", "budget_hours": "budget uren", "self_billing": "zelffacturering",
    "vat_exemption": "btw-vrijstelling", "order_number": "ordernummer", "billable": "te factureren",
    "corrections_billed": "correcties gefactureerd", "rate_history": "tariefgeschiedenis",
    "correction_of": "correctie op", "bic": "BIC", "contact_name": "contactpersoon",
    "contact_email": "e-mail contactpersoon", "phone": "telefoon", "is_anbi": "ANBI",
    "corporate_tax_liable": "vennootschapsbelastingplichtig", "may_pay_volunteers": "mag vrijwilligers betalen",
    "has_payroll_tax_number": "loonheffingennummer", "payment_term_days": "betaaltermijn (dagen)",
    "einvoice_format": "e-factuurformaat", "buyer_reference": "referentie koper",
    "einvoice_required": "e-factuur verplicht", "volunteer_eligibility": "vrijwilligersvergoeding toegestaan",
}


def column_name(key: str, headers: Mapping[str, str] | None = None) -> str:
    """The name a person reads above column ``key``: the command's own, else :data:`COLUMN_NAMES`."""
    return (headers or {}).get(key) or COLUMN_NAMES.get(key) or key.replace("_", " ")


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    payload: Any = None,
    title: str | None = None,
    money: Iterable[str] = MONEY_COLUMNS,
    words: Iterable[str] = (),
    total: int | None = None,
) -> None:
    """Write rows to stdout as a table, JSON or CSV. ``payload`` replaces the row list in
    JSON output when a command has a richer structure to give scripts.

    In a table, columns named in ``money`` are written as euros, dates as dd-mm-jjjj and the
    codes in ``words`` columns as Dutch words. ``total`` is the number of rows there are when
    ``rows`` was cut short by ``--limit``: the table says so on stderr, and JSON becomes
    ``{"total": N, "shown": n, "rows": [...]}``."""
    cols = list(columns or (rows[0].keys() if rows else []))
    names = [printable(column_name(c, headers)) for c in cols]
    if fmt == "json":
        data = payload if payload is not None else list(rows)
        if total is not None and payload is None:
            data = {"total": total, "shown": len(rows), "rows": data}
        click.echo(json.dumps(jsonable(data), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":  # the spreadsheet convention: see vergoeding.render.csvtext
        from vergoeding.render.csvtext import to_csv

        click.echo(to_csv(names, ([_csv_value(r.get(c)) for c in cols] for r in rows)), nl=False)
        return
    money_cols, word_cols = set(money), set(words)
    table = [[word(r.get(c)) if c in word_cols else period_label(r.get(c)) if c in PERIOD_COLUMNS
              else show_value(r.get(c), money=c in money_cols) for c in cols] for r in rows]
    from vergoeding.commands._table import WIDTH, is_breed, table_lines, wrap

    width = None if is_breed() else WIDTH  # fits 100 columns; --breed: one line a record
    if title:
        click.echo("\n".join(wrap(printable(title), width=width)))
    click.echo("\n".join(table_lines(names, table, width=width)))
    if not rows:
        click.echo("(geen regels)")
    if total is not None and total > len(rows):
        click.echo(f"{len(rows)} van {total} regels getoond; gebruik --limit voor meer.", err=True)


_EURO_TEXT = re.compile(r"^€\s?(-?\d{1,3}(?:\.\d{3})*(?:,\d+)?)$")


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding for scripts: its figures as they are for people ("€ 281,06") become decimal
    strings ("281.06"), like every other amount in JSON; other figures stay as they are."""
    d = f.as_dict()
    figures = d.get("figures")
    if isinstance(figures, dict):
        out = {}
        for k, v in figures.items():
            m = _EURO_TEXT.match(v.replace("\u00a0", " ")) if isinstance(v, str) else None
            out[k] = m.group(1).replace(".", "").replace(",", ".") if m else v
        d["figures"] = out
    return d


def emit_findings(findings: Iterable[Finding], fmt: str, *, ok_message: str = "Geen bevindingen.",
                  shown: int | None = None, where: str = "") -> None:
    """Findings for people (a block each), JSON or CSV. With ``shown``, a table shows that many
    and counts the rest, naming ``where`` the full list is (``core/listing.py``)."""
    items = list(findings)
    if fmt == "json":
        click.echo(json.dumps([finding_json(f) for f in items], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":  # for people in a spreadsheet: Dutch words first, the stable ids at the end
        emit([f.as_dict() for f in items], "csv",
             columns=["severity_label", "rule_label", "expert", "engagement", "period", "limit", "limit_year", "where",
                      "message", "advice", "severity", "rule"])
        return
    if not items:
        click.echo(ok_message)
        return
    from vergoeding.commands._table import WIDTH, is_breed, wrap
    from vergoeding.core.listing import cut, rest_text

    width = None if is_breed() else WIDTH  # a finding is a block of lines of at most 100 characters

    def say(text: str, indent: str = "") -> None:
        click.echo("\n".join(wrap(printable(text), indent=indent, width=width)))

    head_items, rest = cut(items, shown) if shown is not None else (items, 0)
    for f in head_items:
        month = period_label(f.period or "")
        who = " ".join(x for x in (f.expert or "", f.engagement or "", month) if x)
        at = "" if month and f.where.endswith(month) else f.where  # "maand oktober 2026" says it again
        head = f"{f.severity.label} [{f.label}]" + (f" {who}" if who else "") + (f" {at}" if at else "")
        click.echo(printable(head))  # the head stays one line: what one greps for (a long file path makes it long)
        say(f.message, "    ")
        if f.advice:
            say(f"Wat u kunt doen: {f.advice}", "    ")
        if f.limit is not None:
            mark = "" if f.limit_confirmed is not False else " (NIET BEVESTIGD)"
            from vergoeding.render.formatting import euro

            say(f"Grens {euro(f.limit)} ({f.limit_year}){mark}: {f.limit_source}", "    ")
    if rest:
        say(rest_text(rest, others="bevindingen", where=where) + ".")
    n_err = sum(f.severity is Severity.ERROR for f in items)
    n_warn = sum(f.severity is Severity.WARNING for f in items)
    click.echo(f"{n_err} fout(en), {n_warn} waarschuwing(en), {len(items) - n_err - n_warn} keer let op.", err=True)


def progress(items: Sequence[Any], label: str) -> Any:
    """A progress bar on a terminal; silent in a pipe."""
    return click.progressbar(items, label=label, file=sys.stderr,
                             show_pos=True) if sys.stderr.isatty() else _Quiet(items)


class _Quiet:
    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def __enter__(self) -> Sequence[Any]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None
