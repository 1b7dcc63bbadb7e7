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
from vergoeding.data.tomlpos import key_lines, line_of
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
    return D(value)


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Fraction = Annotated[Decimal, BeforeValidator(_fraction)]


def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError("bestand niet gevonden", file=str(path)) from None
    except UnicodeDecodeError:
        raise DataFileError("bestand is geen UTF-8-tekst", file=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"geen geldige TOML: {exc}", file=str(path)) from None
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
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "onbekende sleutel (tikfout? zie de documentatie voor de toegestane sleutels)"
        elif err["type"] == "missing":
            msg = "verplichte sleutel ontbreekt"
        out.append((key, line_of(lines, key), msg))
    return out


def where(path: Path, line: int | None, key: str) -> str:
    return f"{path}:{line}" + (f" [{key}]" if key else "") if line else f"{path} [{key}]"
