"""What every command shares: the product's day, parameter types, codes, the ``--format``
option and the workspace (the command's input side). The renderer (tables, JSON, CSV,
findings, progress) is :mod:`vergoeding.commands._output`, re-exported here so that a command
imports all it shares from one place."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from vergoeding.api.workspace import Workspace
from vergoeding.commands._output import (
    COLUMN_NAMES,
    MONEY_COLUMNS,
    PERIOD_COLUMNS,
    WORDS,
    _cell,
    column_name,
    emit,
    emit_findings,
    finding_json,
    jsonable,
    period_label,
    progress,
    show_value,
    word,
)
from vergoeding.core.dates import parse_date
from vergoeding.core.duration import parse_duration
from vergoeding.core.money import parse_amount
from vergoeding.core.period import parse_period
from vergoeding.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


def today() -> date:
    """The CLI's notion of today: the only place that asks the clock. ``VERGOEDING_TODAY``
    (ISO date) pins it, for reproducible demos, reprints and tests."""
    pinned = os.environ.get("VERGOEDING_TODAY")
    if pinned:
        from vergoeding.core.dates import in_calendar

        return in_calendar(parse_date(pinned, field="VERGOEDING_TODAY"), field="VERGOEDING_TODAY")
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


def _calendar_date(value: str) -> date:
    from vergoeding.core.dates import in_calendar

    return in_calendar(parse_date(value))


class DateType(_Parsed):
    name = "datum"
    parser = staticmethod(_calendar_date)


class PeriodType(_Parsed):
    name = "periode"
    parser = staticmethod(parse_period)


MONEY, DURATION, DATE, PERIOD = MoneyType(), DurationType(), DateType(), PeriodType()


class CodeType(click.ParamType):  # type: ignore[type-arg]
    """A code of an organisation, expert or engagement, typed in any case (``e001``): becomes
    the code as stored (``E001``) before the command runs, so every later comparison holds."""

    name = "code"

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str) or ctx is None or ctx.find_object(Workspace) is None:
            return value
        from vergoeding.api.codes import stored_code

        return stored_code(workspace(ctx), self.kind, value.strip())


ORG_CODE, EXPERT_CODE, ENGAGEMENT_CODE = CodeType("organisation"), CodeType("expert"), CodeType("engagement")

FORMATS = ("table", "json", "csv")


def format_option(*extra: str) -> Callable[[F], F]:
    """The shared ``--format`` option (table for people, json stable for scripts, csv)."""
    from vergoeding.commands._table import breed_option

    choices = (*FORMATS, *extra)
    fmt = click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
        help="Uitvoer: table (voor mensen), json (stabiel, voor scripts), csv (voor Excel: puntkomma, "
        "decimale komma, UTF-8 met BOM; zie docs/CSV.md)"
        + (", " + ", ".join(extra) if extra else "") + ".",
    )

    def both(f: F) -> F:  # every command with a table has --breed next to --format
        return fmt(breed_option(f))

    return both


def workspace(ctx: click.Context) -> Workspace:
    """The command's workspace; for a command that only reads (:func:`reads_only`) the
    lock-free reader of it (``Workspace.reading()``: on SQLite no ``BEGIN IMMEDIATE``, so a
    long ``check`` never keeps a writer waiting; a write through it is refused)."""
    ws = ctx.find_object(Workspace)
    if ws is None:  # pragma: no cover - the root group always sets it
        raise click.UsageError("geen werkruimte")
    if getattr(ctx.command, "reads_only", False):
        ws.require_database()
        return ws.reading()
    return ws


C = TypeVar("C", bound=click.Command)


def reads_only(command: C) -> C:
    """Mark a command that only reads the database: it refuses a database file that does not
    exist (a typo in --db would otherwise create an empty one and show nothing), and reads
    through the lock-free reader (:func:`workspace`)."""
    command.reads_only = True  # type: ignore[attr-defined]
    return command


__all__ = [
    "COLUMN_NAMES", "DATE", "DURATION", "ENGAGEMENT_CODE", "EXPERT_CODE", "FORMATS", "MONEY", "MONEY_COLUMNS",
    "ORG_CODE", "PERIOD", "PERIOD_COLUMNS", "WORDS", "CodeType", "DateType", "DurationType", "MoneyType",
    "PeriodType", "_Parsed", "_cell", "column_name", "emit", "emit_findings", "finding_json", "format_option",
    "jsonable", "period_label", "progress", "reads_only", "show_value", "today", "word", "workspace",
]
