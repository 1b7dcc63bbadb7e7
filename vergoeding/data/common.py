"""Shared pieces for reading data files: amounts written as text, TOML reading, and the
translation of pydantic errors into messages with file, key and line."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError

from vergoeding.core.money import D
from vergoeding.data.tomlpos import key_lines, line_of, toml_problem
from vergoeding.errors import DataFileError

_AMOUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")
_RATE = re.compile(r"^\d+(\.\d{1,6})?$")


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("een bedrag, geen ja/nee")
    if isinstance(value, float):
        raise ValueError(
            f"bedrag {value!r} is als getal geschreven; schrijf het als tekst tussen "
            f'aanhalingstekens, bijvoorbeeld "{value:.2f}" (getallen met een punt zijn niet exact)'
        )
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
        raise ValueError(f"{value!r} is geen bedrag (verwacht tekst zoals \"5.75\", hooguit 2 decimalen)")
    d = D(value)
    if d < 0:
        raise ValueError(f"negatief bedrag {value!r}")
    return d


def _fraction(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f'{value!r} is als getal geschreven; schrijf het als tekst, bijvoorbeeld "0.21"')
    if not isinstance(value, str) or not _RATE.match(value.strip()):
        raise ValueError(f"{value!r} is geen tarief (verwacht tekst zoals \"0.21\")")
    d = D(value)
    if d > 1:  # "2.1" for 21 %: 210 % btw (issue 20, item 10)
        raise ValueError(f"{value!r} is meer dan 1, dus meer dan 100%; een tarief is een deel van 1: 21% schrijft u "
                         "als \"0.21\"")
    return d


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Fraction = Annotated[Decimal, BeforeValidator(_fraction)]


def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    from vergoeding.inputs import UnreadableInput, read_input

    try:
        text = read_input(path, what="gegevensbestand").decode("utf-8")
    except FileNotFoundError:
        raise DataFileError("bestand niet gevonden", file=str(path)) from None
    except IsADirectoryError:
        raise DataFileError("dit is een map, geen bestand", file=str(path)) from None
    except UnreadableInput as exc:
        raise DataFileError(exc.reason, file=str(path)) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise DataFileError(f"bestand is geen UTF-8-tekst (regel {line}); sla het op als UTF-8",
                            file=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"geen geldige TOML: {toml_problem(exc)}", file=str(path)) from None
    return data, key_lines(text)


def loc_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def pydantic_problems(
    exc: ValidationError, path: Path, lines: dict[str, int], prefix: str = ""
) -> list[tuple[str, int | None, str]]:
    """(key path, line, message) for each problem pydantic found."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        key = loc_path(loc)
        if prefix:
            key = f"{prefix}.{key}" if key else prefix
        out.append((key, line_of(lines, key), dutch_problem(err)))
    return out


# pydantic's English messages ("Input should be a valid string") by error type, in Dutch.
_PYDANTIC_NL = {
    "extra_forbidden": "onbekende sleutel (tikfout? zie de documentatie voor de toegestane sleutels)",
    "missing": "verplichte sleutel ontbreekt",
    "string_type": "verwacht tekst tussen aanhalingstekens",
    "string_too_short": "de tekst is te kort",
    "string_too_long": "de tekst is te lang",
    "int_type": "verwacht een geheel getal",
    "int_parsing": "verwacht een geheel getal",
    "int_from_float": "verwacht een geheel getal, zonder decimalen",
    "float_type": "verwacht een getal",
    "float_parsing": "verwacht een getal",
    "decimal_type": "verwacht een getal als tekst, bijvoorbeeld \"5.75\"",
    "decimal_parsing": "verwacht een getal als tekst, bijvoorbeeld \"5.75\"",
    "bool_type": "verwacht true of false",
    "bool_parsing": "verwacht true of false",
    "date_type": "verwacht een datum, bijvoorbeeld 2026-01-01",
    "date_parsing": "verwacht een datum, bijvoorbeeld 2026-01-01",
    "date_from_datetime_parsing": "verwacht een datum, bijvoorbeeld 2026-01-01",
    "date_from_datetime_inexact": "verwacht een datum zonder tijd, bijvoorbeeld 2026-01-01",
    "datetime_type": "verwacht een datum en tijd",
    "list_type": "verwacht een lijst ([...]) of een herhaalde tabel ([[...]])",
    "tuple_type": "verwacht een lijst ([...])",
    "dict_type": "verwacht een tabel ([...] met sleutels)",
    "model_type": "verwacht een tabel ([...] met sleutels)",
    "model_attributes_type": "verwacht een tabel ([...] met sleutels)",
    "too_short": "te weinig elementen",
    "too_long": "te veel elementen",
}


def dutch_problem(err: Any) -> str:
    """One pydantic error as a Dutch message (our own validators already speak Dutch)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("literal_error", "enum"):
        return f"verwacht een van: {ctx.get('expected', '')}".replace(" or ", " of ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        word = {"greater_than": "groter dan", "greater_than_equal": "minstens", "less_than": "kleiner dan",
                "less_than_equal": "hoogstens"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"moet {word} {bound} zijn"
    return _PYDANTIC_NL.get(kind, f"ongeldige waarde ({kind or 'onbekend'})")


def where(path: Path, line: int | None, key: str) -> str:
    return f"{path}:{line}" + (f" [{key}]" if key else "") if line else f"{path} [{key}]"
