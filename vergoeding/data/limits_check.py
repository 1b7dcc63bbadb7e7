"""``vergoeding limits check FILE`` and ``vergoeding limits draft YEAR``: a year file whose
year, dates and sources disagree, compared with the figures in force; and a draft of a new
year that can never pass as confirmed.

Checks (rule ids, stable):

* ``limits.file`` (error): the file cannot be read or loaded (the loader's own message)
* ``limits.year_mismatch`` (error): ``year`` and the file name disagree
* ``limits.date_mismatch`` (error): a ``valid_from`` outside the file's year
* ``limits.draft_confirmed`` (error): a figure copied by ``limits draft`` marked confirmed
* ``limits.source_year`` (error when confirmed, else warning): a source that names another
  year and not the file's own (a lazy copy of last year's file); years before 2000 are law
  names (Wet LB 1964) and do not count
* ``limits.draft`` (warning): figures still copied from an earlier year
* ``limits.not_in_file`` (info): an optional figure left out (checks that need it warn)
* ``limits.changed`` (info, warning when a cap or threshold goes down): the difference with
  the file in force for that year
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import (
    DRAFT_SOURCE,
    FIGURE_LABELS,
    OPTIONAL_FIGURES,
    Figure,
    FiscalLimits,
    LimitsBook,
    is_draft_source,
)
from vergoeding.core.nl import eur
from vergoeding.data.common import read_toml
from vergoeding.errors import ConfigError, DataFileError, VergoedingError

_YEAR = re.compile(r"(?<!\d)(2\d{3})(?!\d)")
# figures whose lower value makes earlier payments fail a check ("check --year" lists them)
_CAPS = ("volunteer_month", "volunteer_year", "volunteer_hour_21_plus", "volunteer_hour_under_21",
         "bijstand_earnings_disregard", "kor_threshold")


def _versions(data: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    value = data.get(key)
    if isinstance(value, dict):
        return [(key, value)]
    if isinstance(value, list):
        return [(f"{key}[{i}]", v) for i, v in enumerate(value) if isinstance(v, dict)]
    return []


def check_limits_file(path: Path, against: Callable[[int], FiscalLimits | None] | None = None) -> list[Finding]:
    """Everything that disagrees in the year file ``path``, and its difference with
    ``against(year)``: the figures in force for that year (or, when ``path`` is the file in
    force, the shipped file it replaces)."""
    try:
        data, lines = read_toml(path)
    except DataFileError as exc:
        return [Finding(Severity.ERROR, "limits.file", exc.message, where=str(path))]
    out: list[Finding] = []
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        return [Finding(Severity.ERROR, "limits.file", f"{path}: 'year = JJJJ' ontbreekt of is geen jaartal",
                        where=str(path))]

    def at(key: str) -> str:
        ln = lines.get(key)
        return f"{path}:{ln}" if ln else str(path)

    if path.stem.isdigit() and int(path.stem) != year:
        out.append(Finding(Severity.ERROR, "limits.year_mismatch",
                           f"year = {year}, maar de bestandsnaam zegt {path.stem}.",
                           f"Noem het bestand {year}.toml, of zet year = {path.stem} en controleer alle bedragen.",
                           where=at("year"), limit_year=year))
    drafted: list[str] = []
    for key in (*FIGURE_LABELS,):
        for name, v in _versions(data, key):
            vf, source, confirmed = v.get("valid_from"), str(v.get("source", "")), v.get("confirmed") is True
            if isinstance(vf, date) and vf.year != year:
                out.append(Finding(
                    Severity.ERROR, "limits.date_mismatch",
                    f"{name}: geldig vanaf {vf:%d-%m-%Y}, maar dit is het bestand voor {year}.",
                    f"Zet valid_from op een datum in {year} (meestal {year}-01-01) en controleer of het bedrag voor "
                    f"{year} geldt.", where=at(f"{name}.valid_from"), limit_year=year))
            if is_draft_source(source):
                drafted.append(name)
                if confirmed:
                    out.append(Finding(
                        Severity.ERROR, "limits.draft_confirmed",
                        f"{name}: staat op confirmed = true, maar de bron zegt '{source}': een overgenomen bedrag "
                        "is niet bevestigd. Het programma behandelt het als onbevestigd.",
                        f"Vul het bedrag en de bron van de publicatie voor {year} in (bijvoorbeeld de Staatscourant "
                        "of de wettekst met artikel), en zet pas dan confirmed = true.",
                        where=at(f"{name}.confirmed"), limit_year=year))
                continue
            others = sorted({int(y) for y in _YEAR.findall(source)} - {year})
            if others and str(year) not in source:
                named = ", ".join(str(y) for y in others)
                out.append(Finding(
                    Severity.ERROR if confirmed else Severity.WARNING, "limits.source_year",
                    f"{name}: de bron noemt {named} en niet {year}: '{source}'."
                    + (" Toch staat het bedrag op confirmed = true." if confirmed else ""),
                    f"Geef de bron die het bedrag voor {year} vastlegt (met het jaar erin), of zet confirmed = false "
                    "zolang die er niet is.", where=at(f"{name}.source"), limit_year=year))
    if drafted:
        out.append(Finding(
            Severity.WARNING, "limits.draft",
            f"{len(drafted)} bedrag(en) zijn nog overgenomen uit een eerder jaar en niet gepubliceerd voor {year}: "
            f"{', '.join(drafted)}.",
            "Vervang ze door de gepubliceerde bedragen met hun bron zodra die er zijn; tot dan wordt er onder "
            "voorbehoud mee gerekend.", where=str(path), limit_year=year))
    for key in OPTIONAL_FIGURES:
        if key not in data and key in ("volunteer_hour_21_plus", "volunteer_hour_under_21",
                                       "bijstand_earnings_disregard"):
            out.append(Finding(Severity.INFO, "limits.not_in_file",
                               f"{key} ({OPTIONAL_FIGURES[key]}) staat niet in het bestand: de toets die het nodig "
                               "heeft, wordt overgeslagen met een waarschuwing.", where=str(path), limit_year=year))
    if "minimum_wage_hour" not in data and year >= 2024:
        out.append(Finding(Severity.INFO, "limits.not_in_file",
                           "minimum_wage_hour (minimumuurloon) staat niet in het bestand: de toetsen van zzp-tarief "
                           "en fictieve dienstbetrekking worden overgeslagen met een waarschuwing.",
                           where=str(path), limit_year=year))
    from vergoeding.data.limits import load_limits_file

    try:
        new = load_limits_file(path)
    except VergoedingError as exc:
        if not any(f.severity is Severity.ERROR for f in out):
            out.append(Finding(Severity.ERROR, "limits.file", exc.message, where=str(path), limit_year=year))
        return out
    old = against(new.year) if against is not None else None
    if old is not None:
        out += compare(old, new)
    return out


def _by_version(lim: FiscalLimits) -> dict[tuple[str, date], Figure]:
    return {(f.key, f.valid_from): f for f in lim.all_figures()}


def compare(old: FiscalLimits, new: FiscalLimits) -> list[Finding]:
    """What changes when ``new`` replaces ``old`` (the file in force for the year)."""
    if old.version == new.version:
        return [Finding(Severity.INFO, "limits.changed",
                        f"Zelfde bedragen als het bestand dat nu geldt ({old.origin}).",
                        where=new.origin, limit_year=new.year)]
    a, b = _by_version(old), _by_version(new)
    out: list[Finding] = []
    lowered = False
    for k in sorted(set(a) | set(b), key=lambda kv: (list(FIGURE_LABELS).index(kv[0])
                                                     if kv[0] in FIGURE_LABELS else 99, kv[1])):
        f, g = a.get(k), b.get(k)
        key, day = k
        label = f"{key} vanaf {day:%d-%m-%Y}"
        if f is None and g is not None:
            text = f"{label}: nieuw, {_amount(g)}" + (" (bevestigd)" if g.confirmed else " (onbevestigd)")
        elif g is None and f is not None:
            text = f"{label}: valt weg (was {_amount(f)})"
        elif f is not None and g is not None:
            parts = []
            if f.amount != g.amount:
                parts.append(f"{_amount(f)} wordt {_amount(g)}")
                lowered = lowered or (key in _CAPS and g.amount < f.amount)
            if f.confirmed != g.confirmed:
                parts.append("nu bevestigd" if g.confirmed else "niet meer bevestigd")
            if f.source != g.source and not parts:
                parts.append("andere bron")
            if not parts:
                continue
            text = f"{label}: {', '.join(parts)}"
        else:  # pragma: no cover
            continue
        down = f is not None and g is not None and key in _CAPS and g.amount < f.amount
        out.append(Finding(Severity.WARNING if down else Severity.INFO, "limits.changed",
                           f"Ten opzichte van het bestand dat nu geldt ({old.origin}): {text}.",
                           where=new.origin, limit_year=new.year,
                           figures={"bedrag": key, "vanaf": day.isoformat(),
                                    "was": "" if f is None else str(f.amount),
                                    "wordt": "" if g is None else str(g.amount)}))
    if not out:
        out.append(Finding(Severity.INFO, "limits.changed",
                           f"Geen verschil met het bestand dat nu geldt ({old.origin}).",
                           where=new.origin, limit_year=new.year))
    elif lowered:
        out.append(Finding(Severity.WARNING, "limits.changed",
                           "Een grens gaat omlaag: eerder betaalde regels kunnen er nu boven uitkomen.",
                           f"Zet het bestand in de eigen map en kijk met 'vergoeding check --year {new.year}' welke "
                           "betaalde regels anders uitvallen.", where=new.origin, limit_year=new.year))
    return out


def _amount(f: Figure) -> str:
    if f.unit == "fractie":
        return f"{(f.amount * 100).normalize():f}%"
    return eur(f.amount)


# --- draft ------------------------------------------------------------------------------------


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def draft_text(year: int, book: LimitsBook) -> tuple[str, int]:
    """The text of a draft year file and the year it copies from. Figures the year's own
    (shipped) file already gives keep that file's source, marked unconfirmed; every other
    figure is the latest version of the latest earlier year, marked unconfirmed with the
    source "nog niet gepubliceerd; overgenomen uit <year>"."""
    earlier = [y for y in book.years if y < year]
    if not earlier:
        raise ConfigError(f"er is geen eerder jaar dan {year} om een concept van te maken "
                          f"(aanwezig: {', '.join(map(str, book.years)) or 'geen'})")
    base_year = earlier[-1]
    base = book.for_year(base_year)
    own = book.for_year(year) if year in book.years else None
    end = date(base_year, 12, 31)
    lines = [
        f"# Fiscale grenzen {year}: CONCEPT, gemaakt met 'vergoeding limits draft {year}'.",
        f"# Bedragen met de bron '{DRAFT_SOURCE} {base_year}' zijn die van {base_year}: vervang ze door de",
        f"# gepubliceerde bedragen voor {year} met hun bron, en zet dan pas confirmed = true. Controleer",
        f"# daarna met 'vergoeding limits check' en 'vergoeding check --year {year}'.",
        "",
        f"year = {year}",
    ]
    keys: Sequence[str] = [*FIGURE_LABELS]
    for key in keys:
        own_f = own.get(key) if own is not None and key != "minimum_wage_hour" else None
        if own_f is not None and own is not None:
            source_note = [(f, f.source, f.note) for f in own.versions(key)]
        else:
            if key == "minimum_wage_hour":
                latest = base.minimum_wage_on(end)
            else:
                latest = base.get(key, end)
            if latest is None:
                continue
            source_note = [(replace_year(latest, year), f"{DRAFT_SOURCE} {base_year}",
                            f"Bron in {base_year}: {latest.source}" + (f" {latest.note}" if latest.note else ""))]
        many = key == "minimum_wage_hour" or len(source_note) > 1
        for f, source, note in source_note:
            lines += ["", f"[[{key}]]" if many else f"[{key}]",
                      f"label = {_toml_str(f.label)}", f"amount = {_toml_str(str(f.amount))}",
                      f"unit = {_toml_str(f.unit)}", f"valid_from = {f.valid_from.isoformat()}",
                      f"source = {_toml_str(source)}", "confirmed = false"]
            if note:
                lines.append(f"note = {_toml_str(note)}")
    return "\n".join(lines) + "\n", base_year


def replace_year(f: Figure, year: int) -> Figure:
    from dataclasses import replace

    return replace(f, valid_from=date(year, 1, 1))


__all__ = ["check_limits_file", "compare", "draft_text"]
