"""What every command shares: parameter types, the output option and the renderer."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import click

from vergoeding.api.workspace import Workspace
from vergoeding.core.dates import parse_date
from vergoeding.core.duration import parse_duration
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.money import parse_amount
from vergoeding.core.period import Period, parse_period
from vergoeding.core.text import printable
from vergoeding.errors import InputError, mask_bsns

F = TypeVar("F", bound=Callable[..., Any])


def today() -> date:
    """The CLI's notion of today: the only place that asks the clock. ``VERGOEDING_TODAY``
    (ISO date) pins it, for reproducible demos, reprints and tests."""
    pinned = os.environ.get("VERGOEDING_TODAY")
    if pinned:
        return parse_date(pinned, field="VERGOEDING_TODAY")
    return datetime.now().astimezone().date()


class _Parsed(click.ParamType):  # type: ignore[type-arg]
    """A click type backed by one of the core parsers; its error is the parser's message."""

    parser: Callable[..., Any] = staticmethod(lambda v: v)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return type(self).parser(value)
        except InputError as exc:
            self.fail(exc.reason, param, ctx)


class MoneyType(_Parsed):
    name = "bedrag"
    parser = staticmethod(parse_amount)


class DurationType(_Parsed):
    name = "duur"
    parser = staticmethod(parse_duration)


class DateType(_Parsed):
    name = "datum"
    parser = staticmethod(parse_date)


class PeriodType(_Parsed):
    name = "periode"
    parser = staticmethod(parse_period)


MONEY, DURATION, DATE, PERIOD = MoneyType(), DurationType(), DateType(), PeriodType()

FORMATS = ("table", "json", "csv")


def format_option(*extra: str) -> Callable[[F], F]:
    """The shared ``--format`` option (table for people, json stable for scripts, csv)."""
    choices = (*FORMATS, *extra)
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
        help="Uitvoer: table (voor mensen), json (stabiel, voor scripts), csv (voor Excel: puntkomma, "
        "decimale komma, UTF-8 met BOM; zie docs/CSV.md)"
        + (", " + ", ".join(extra) if extra else "") + ".",
    )


def workspace(ctx: click.Context) -> Workspace:
    ws = ctx.find_object(Workspace)
    if ws is None:  # pragma: no cover - the root group always sets it
        raise click.UsageError("geen werkruimte")
    return ws


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
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


def _cell(value: Any) -> str:
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


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    payload: Any = None,
    title: str | None = None,
) -> None:
    """Write rows to stdout as a table, JSON or CSV. ``payload`` replaces the row list in
    JSON output when a command has a richer structure to give scripts."""
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        click.echo(json.dumps(jsonable(payload if payload is not None else list(rows)),
                              ensure_ascii=False, indent=2))
        return
    if fmt == "csv":  # the spreadsheet convention: see vergoeding.render.csvtext
        from vergoeding.render.csvtext import to_csv

        click.echo(to_csv(cols, ([_csv_value(r.get(c)) for c in cols] for r in rows)), nl=False)
        return
    names = [printable((headers or {}).get(c, c)) for c in cols]
    table = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(n), *(len(line) for row in table for line in [row[i]])]) for i, n in enumerate(names)]
    if title:
        click.echo(printable(title))
    click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    if not rows:
        click.echo("(geen regels)")


def emit_findings(findings: Iterable[Finding], fmt: str, *, ok_message: str = "Geen bevindingen.") -> None:
    items = list(findings)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in items], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit([f.as_dict() for f in items], "csv",
             columns=["severity", "rule", "expert", "engagement", "period", "limit", "limit_year", "where", "message", "advice"])
        return
    if not items:
        click.echo(ok_message)
        return
    for f in items:
        who = " ".join(x for x in (f.expert or "", f.engagement or "", f.period or "") if x)
        head = f"{f.severity.label} [{f.rule}]" + (f" {who}" if who else "") + (f" {f.where}" if f.where else "")
        click.echo(printable(head))
        click.echo(f"    {printable(f.message)}")
        if f.advice:
            click.echo(f"    Wat u kunt doen: {printable(f.advice)}")
        if f.limit is not None:
            mark = "" if f.limit_confirmed is not False else " (NIET BEVESTIGD)"
            click.echo(f"    Grens {f.limit} ({f.limit_year}){mark}: {f.limit_source}")
    n_err = sum(f.severity is Severity.ERROR for f in items)
    n_warn = sum(f.severity is Severity.WARNING for f in items)
    click.echo(f"{n_err} fout(en), {n_warn} waarschuwing(en), {len(items) - n_err - n_warn} info.", err=True)


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
