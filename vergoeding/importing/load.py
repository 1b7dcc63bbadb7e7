"""From raw tables to the ledger: parse every cell, then add every row through the same
validated ledger functions as the command line. Every problem is collected (file, sheet,
row, column, what was expected); the caller rolls the transaction back when there is any.

Rows that already exist: an organisation, expert or engagement with the same code and the
same data is left as it is ("ongewijzigd"); with different data it is an error (change it
with ``edit``). An hour entry that is already stored is skipped (dedupe key).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, select

from vergoeding.core.bounds import BOUNDS, check_bound
from vergoeding.core.dates import parse_date
from vergoeding.core.duration import parse_duration
from vergoeding.core.money import D, parse_amount
from vergoeding.core.rates import RateCard
from vergoeding.errors import InputError, VergoedingError
from vergoeding.importing.fields import KIND_VALUES, Field, Sheet, normalise_header
from vergoeding.importing.headers import is_name_column, misspelt
from vergoeding.importing.readers import RawTable
from vergoeding.store import entries, entries_bulk, ledger
from vergoeding.store import schema as s
from vergoeding.store.base import LABELS
from vergoeding.store.codes import code_is

_TRUE = {"ja", "j", "yes", "y", "waar", "true", "1", "x", "wel"}
_FALSE = {"nee", "n", "no", "onwaar", "false", "0", "niet"}


@dataclass
class Outcome:
    added: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0  # hour entries already stored
    errors: list[InputError] = field(default_factory=list)


# ---------------------------------------------------------------------------- cells


MAX_TEXT = 1000  # characters in a text cell (a name, a note, an activity)
MAX_VALUE_TEXT = 100  # characters in a cell that holds a number, date, code or choice
MAX_AMOUNT = Decimal(1_000_000_000)  # euro (or km) in one cell
MAX_INT = 1_000_000
_INT = re.compile(r"-?[0-9]{1,9}")
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})")
MONTHS = {"januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4,
          "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9,
          "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _show(value: Any, limit: int = 40) -> str:
    """A cell value for a message: quoted, and never longer than ``limit``."""
    text = repr(value) if isinstance(value, str) else _number_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_cell(f: Field, value: Any) -> Any:
    """One cell -> a typed value; raises InputError (without location) when it cannot.

    Kinds: text, choice, digits, date, lastday (a last day, stored as the day after),
    bool, money, decimal, duration, int. Only InputError comes out, whatever the value."""
    if isinstance(value, str):
        limit = MAX_TEXT if f.kind == "text" else MAX_VALUE_TEXT
        if len(value) > limit:
            raise InputError(f"tekst van {len(value):,} tekens is te lang (hoogstens {limit})".replace(",", "."))
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{value!r}: verwacht een getal")
    if f.kind in ("text", "choice"):
        text = _number_text(value).strip()
        if f.kind == "choice":
            low = text.lower()
            if f.attr == "kind":
                if low not in KIND_VALUES:
                    raise InputError(f"{_show(text)}: verwacht eigen of opdrachtgever")
                return KIND_VALUES[low]
            if f.choices and low not in f.choices:
                raise InputError(f"{_show(text)}: verwacht een van {', '.join(f.choices)}")
            return low if f.choices else text
        return text
    if f.kind == "digits":
        if isinstance(value, float) and not value.is_integer():
            raise InputError(f"{value!r}: verwacht alleen cijfers")
        text = _number_text(value).strip()
        if isinstance(value, int | float) and f.attr == "bsn":
            text = text.zfill(9)  # Excel drops a leading zero
        return text
    if f.kind in ("date", "lastday"):
        day = _parse_day(value)
        if f.kind == "lastday":
            if day == dt.date.max:
                raise InputError(f"{_show(value)}: verwacht een einddatum vóór het jaar 9999")
            return day + dt.timedelta(days=1)
        return day
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        text = _number_text(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise InputError(f"{_show(value)}: verwacht ja of nee")
    if f.kind in ("money", "decimal"):
        amount = _parse_amount(value)
        if f.attr in BOUNDS:  # the same bound and message as on the command line
            check_bound(f.attr, amount)
        if abs(amount) >= MAX_AMOUNT:
            raise InputError(f"{_show(value)}: bedrag is te groot")
        return amount
    if f.kind == "duration":
        if isinstance(value, dt.time):
            return value.hour * 60 + value.minute
        if isinstance(value, dt.timedelta):
            return int(value.total_seconds() // 60)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not -MAX_INT < value < MAX_INT:
                raise InputError(f"{_show(value)}: verwacht een duur, bijvoorbeeld 2,5 of 2:30")
            return parse_duration(_number_text(value))
        return parse_duration(str(value))
    if f.kind == "int":
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not _INT.fullmatch(text):
                raise InputError(f"{_show(value)}: verwacht een heel getal")
            number = int(text)
        if f.attr in BOUNDS:
            check_bound(f.attr, number)
        if abs(number) > MAX_INT:
            raise InputError(f"{_show(value)}: getal is te groot")
        return number
    raise ValueError(f"unknown field kind {f.kind}")  # pragma: no cover - a programming error


def _parse_day(value: Any) -> dt.date:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and not 1 <= value <= 2958465:
        raise InputError(f"{_show(value)} is geen Excel-datum")
    if isinstance(value, str) and (m := _NAMED_DATE.fullmatch(value.strip().lower())):
        month = MONTHS.get(m.group(2))
        if month is None:
            raise InputError(f"{_show(value)}: onbekende maand {m.group(2)!r} (verwacht bijvoorbeeld 3 oktober 2026)")
        try:
            return dt.date(int(m.group(3)), month, int(m.group(1)))
        except ValueError:
            raise InputError(f"{_show(value)}: deze datum bestaat niet") from None
    return parse_date(value)


def _parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InputError(f"{value!r}: verwacht een bedrag")
    if isinstance(value, int | Decimal):
        return D(value)
    if isinstance(value, float):
        try:
            d = Decimal(repr(value))
        except InvalidOperation:
            raise InputError(f"{value!r}: verwacht een getal") from None
        exponent = d.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise InputError(f"{value!r} heeft meer dan twee decimalen")
        return d
    return parse_amount(str(value))


# ---------------------------------------------------------------------------- rows


@dataclass
class ParsedRow:
    table: RawTable
    row: int
    values: Any  # dict of typed cells by attribute; for an hour entry already its EntryData
    expert_name: str | None = None  # from a name column next to the code: cross-checked in apply_rows


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column (CSV columns are counted the same way)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _where(table: RawTable, row: int | None, header: str | None, message: str) -> InputError:
    return InputError(message, file=table.file, sheet=table.sheet, row=row, field=header)


def parse_table(table: RawTable, errors: list[InputError]) -> list[ParsedRow]:
    spec = table.spec
    by_header = spec.field_by_header()
    columns: list[Field | None] = []
    first_of: dict[str, int] = {}
    name_col: int | None = None
    for i, h in enumerate(table.headers):
        f = by_header.get(normalise_header(h)) if h else None
        if h and f is None:
            if name_col is None and is_name_column(spec, h):
                name_col = i  # the expert's name next to a code: cross-checked (apply_rows)
            elif (meant := misspelt(spec, h)) is not None:
                errors.append(_where(table, None, h, f"onbekende kolom; bedoelt u {meant!r}? Noem de kolom zo, of "
                                     "anders (een kolom die niet bij het blad hoort wordt dan overgeslagen)"))
            else:
                table.notices.append(f"{table.file}{f', blad {table.sheet}' if table.sheet else ''}: kolom {h!r} "
                                     "wordt niet ingelezen (geen kolom van " + spec.name + ")")
        if f is not None and f.attr in first_of:
            errors.append(_where(table, None, h, f"deze kolom staat er twee keer in (kolom {_letter(first_of[f.attr])} "
                                                 f"en kolom {_letter(i)}); welke geldt is niet te zeggen. Verwijder "
                                                 "of hernoem een van beide"))
        elif f is not None:
            first_of[f.attr] = i
        columns.append(f)
    present = {f.attr for f in columns if f is not None}
    for f in spec.fields:
        if f.required and f.attr not in present:
            errors.append(_where(table, None, f.title, "verplichte kolom ontbreekt"))
    if any(e.file == table.file and e.sheet == table.sheet and e.row is None for e in errors):
        return []
    errors.extend(table.problems)
    flagged = {(e.row, e.field) for e in table.problems}  # a formula or merged cell is not also "empty"
    flagged_rows = {r for r, _ in flagged}
    is_entry = spec.entity == "entry"
    required = [f for f in spec.fields if f.required]
    out = []
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        ok = True
        for i, raw in enumerate(cells):
            if (i >= len(columns) or (columns[i] is None and not table.headers[i])) and not _empty(raw):
                # a value under no header would be dropped without a word
                errors.append(_where(table, number, f"kolom {_letter(i)}", f"waarde {_show(raw)} staat in een kolom "
                                     "zonder kop; zet hem in de juiste kolom of geef de kolom een kop"))
                ok = False
                break
        for f, raw in zip(columns, cells, strict=False):
            if f is None or raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                values[f.attr] = parse_cell(f, raw)
            except InputError as exc:
                errors.append(_where(table, number, f.title, exc.reason))
                ok = False
        for f in required:
            if f.attr not in values and (number, f.title) not in flagged:
                if not any(f.attr == c.attr for c, raw in zip(columns, cells, strict=False) if c is not None
                           and raw is not None and not (isinstance(raw, str) and not raw.strip())):
                    errors.append(_where(table, number, f.title, "verplicht veld is leeg"))
                ok = False
        if ok and number not in flagged_rows:
            # an hour entry becomes its ledger value at once (no second copy of 100,000 dicts)
            name = cells[name_col] if name_col is not None and name_col < len(cells) else None
            out.append(ParsedRow(table, number, entries.EntryData(**values) if is_entry else values,
                                 None if _empty(name) else str(name).strip()))
    return out


def _header_for(spec: Sheet, label: str | None) -> str | None:
    if label is None:
        return None
    for f in spec.fields:
        if LABELS.get(f.attr) == label or f.title == label:
            return f.title
    return label


def _existing(conn: Connection, entity: str, code: str) -> Any:
    loader: dict[str, Callable[[Connection, str], Any]] = {
        "organisation": ledger.organisation_data, "expert": ledger.expert_data, "engagement": ledger.engagement_data}
    table = {"organisation": s.organisations, "expert": s.experts, "engagement": s.engagements}[entity]
    if conn.execute(select(table.c.id).where(code_is(table.c.code, code))).first() is None:
        return None
    return loader[entity](conn, code)


_NORMALISE: dict[str, Callable[..., Any]] = {
    "organisation": ledger.normalise_organisation, "expert": ledger.normalise_expert}


def apply_rows(conn: Connection, actor: str, rows: Iterable[ParsedRow], card: RateCard, outcome: Outcome) -> None:
    """Organisations, experts, declarations and engagements row by row (they are few); hour
    entries, which may be 100,000, in one batch through :func:`entries_bulk.add_entries`."""
    hours: list[ParsedRow] = []
    named: list[ParsedRow] = []
    for pr in rows:
        spec = pr.table.spec
        if pr.expert_name is not None:
            named.append(pr)
        if spec.entity == "entry":
            hours.append(pr)
            continue
        try:
            _apply(conn, actor, spec, pr.values, card, outcome)
        except VergoedingError as exc:
            outcome.errors.append(_located(pr, exc))
    if named:
        from vergoeding.importing.names import check_names

        outcome.errors.extend(check_names(conn, named))
    if hours:
        items = [pr.values for pr in hours]
        result = entries_bulk.add_entries(conn, actor, items, card)
        outcome.errors.extend(_located(hours[n], exc) for n, exc in result.errors)
        if result.added:
            outcome.added["entry"] = outcome.added.get("entry", 0) + result.added
        outcome.duplicates += result.duplicates


def _located(pr: ParsedRow, exc: VergoedingError) -> InputError:
    header = _header_for(pr.table.spec, getattr(exc, "field", None))
    reason = getattr(exc, "reason", exc.message)
    return _where(pr.table, pr.row, header, reason)


# Without their column (or with the cell empty) the stored value stands on a second import: the
# billing settings (migration 12, no import column) and the mail settings (columns added later,
# so an older file does not suddenly differ).
_NOT_IMPORTED = frozenset({"billable", "corrections_billed", "einvoice_required", "invoice_email", "invoice_mail",
                           "mail_opt_out"})


def _apply(conn: Connection, actor: str, spec: Sheet, v: dict[str, Any], card: RateCard, outcome: Outcome) -> None:
    entity = spec.entity
    if entity in ("organisation", "expert", "engagement"):
        cls = {"organisation": ledger.OrganisationData, "expert": ledger.ExpertData,
               "engagement": ledger.EngagementData}[entity]
        data = cls(**v)
        old = _existing(conn, entity, str(v["code"]).strip())
        if old is not None:
            new = (ledger.normalise_engagement(data, card) if entity == "engagement"
                   else _NORMALISE[entity](data))
            diff = [f.name for f in fields(old) if getattr(old, f.name) != getattr(new, f.name)
                    and not (f.name in _NOT_IMPORTED and f.name not in v)]
            if diff:
                cols = ", ".join(_header_for(spec, LABELS.get(d, d)) or d for d in diff)
                raise InputError(f"{new.code} bestaat al met andere gegevens (kolom {cols}); "
                                 f"wijzig het met 'vergoeding {entity if entity != 'organisation' else 'org'} edit'",
                                 field=LABELS["code"])
            outcome.unchanged[entity] = outcome.unchanged.get(entity, 0) + 1
            return
        if entity == "organisation":
            ledger.add_organisation(conn, actor, data)
        elif entity == "expert":
            ledger.add_expert(conn, actor, data)
        else:
            ledger.add_engagement(conn, actor, data, card)
        outcome.added[entity] = outcome.added.get(entity, 0) + 1
        return
    if entity == "declaration":
        d = ledger.DeclarationData(**v)
        dd = s.declarations
        xid = conn.execute(select(s.experts.c.id).where(code_is(s.experts.c.code, d.expert))).scalar()
        if xid is not None and conn.execute(select(dd.c.id).where(
                dd.c.expert_id == xid, dd.c.year == d.year,
                dd.c.month.is_(None) if d.month is None else dd.c.month == d.month,
                dd.c.amount_cents == int(d.amount * 100), dd.c.organisation == d.organisation.strip())).first():
            outcome.unchanged[entity] = outcome.unchanged.get(entity, 0) + 1
            return
        ledger.add_declaration(conn, actor, d)
        outcome.added[entity] = outcome.added.get(entity, 0) + 1
        return
    raise ValueError(f"unknown entity {entity}")  # pragma: no cover - entries go through add_entries
