"""Load and check a role rate card (``rates/ratecard.toml`` or the organisation's own).

``check_ratecard`` returns findings with file and line for everything wrong with an edit;
``load_ratecard`` refuses a card with errors.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from vergoeding.core.findings import Finding, Severity, has_errors
from vergoeding.core.limits import LimitsBook
from vergoeding.core.nl import eur
from vergoeding.core.rates import DEFAULT_LEVEL, RateCard, Role, RoleRate
from vergoeding.core.regimes import PRICED_REGIMES, Regime, Unit
from vergoeding.data.common import Amount, pydantic_problems, read_toml, where
from vergoeding.data.tomlpos import line_of
from vergoeding.errors import DataFileError, MissingYearError

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class _Rate(BaseModel):
    model_config = _FROZEN
    regime: Regime
    unit: Unit
    expert: Amount
    client: Amount
    valid_from: date
    valid_to: date | None = None
    level: str = DEFAULT_LEVEL
    note: str = ""


class _Role(BaseModel):
    model_config = _FROZEN
    label: str
    description: str = ""
    regimes: list[Regime] = list(PRICED_REGIMES)
    rates: list[_Rate]

    @field_validator("regimes")
    @classmethod
    def _no_payroll(cls, v: list[Regime]) -> list[Regime]:
        if Regime.LOONDIENST in v:
            raise ValueError("loondienst wordt niet geprijsd op de tariefkaart (uren gaan naar de salarisadministratie)")
        return v


class _Card(BaseModel):
    model_config = _FROZEN
    name: str
    organisation: str
    example: bool = False
    note: str = ""


class _File(BaseModel):
    model_config = _FROZEN
    card: _Card
    roles: dict[str, _Role]


def _err(rule: str, msg: str, path: Path, lines: dict[str, int], key: str, sev: Severity = Severity.ERROR) -> Finding:
    return Finding(severity=sev, rule=rule, message=msg, where=where(path, line_of(lines, key), key))


def check_ratecard(path: Path, limits: LimitsBook | None = None) -> tuple[RateCard | None, list[Finding]]:
    """Validate a rate card. Returns the card (None when it has errors) and the findings."""
    try:
        data, lines = read_toml(path)
    except DataFileError as exc:
        return None, [Finding(Severity.ERROR, "ratecard.syntax", exc.reason, where=str(path))]
    try:
        model = _File.model_validate(data)
    except ValidationError as exc:
        fields_ = [
            Finding(Severity.ERROR, "ratecard.field", msg, where=where(path, ln, key))
            for key, ln, msg in pydantic_problems(exc, path, lines)
        ]
        return None, fields_ + _validity_of_valid_rates(data, path, lines)
    findings: list[Finding] = []
    roles: dict[str, Role] = {}
    for rkey, role in model.roles.items():
        base = f"roles.{rkey}"
        rates: list[RoleRate] = []
        for i, r in enumerate(role.rates):
            key = f"{base}.rates[{i}]"
            loc = where(path, line_of(lines, key), key)
            if r.regime not in role.regimes:
                findings.append(_err("ratecard.regime_not_offered",
                    f"rol {rkey} biedt regime {r.regime.value} niet aan (regimes = {[x.value for x in role.regimes]}), maar heeft er wel een tarief voor",
                    path, lines, f"{key}.regime"))
            if r.valid_to is not None and r.valid_to <= r.valid_from:
                findings.append(_err("ratecard.validity_empty",
                    f"valid_to {r.valid_to:%d-%m-%Y} ligt niet na valid_from {r.valid_from:%d-%m-%Y}", path, lines, f"{key}.valid_to"))
                continue
            rates.append(RoleRate(rkey, r.regime, r.unit, r.expert, r.client, r.valid_from, r.valid_to, r.level, loc))
        findings += _validity_findings(rkey, rates, path, lines, base)
        present = {r.regime for r in rates}
        for regime in role.regimes:
            if regime not in present:
                findings.append(_err("ratecard.regime_missing",
                    f"rol {rkey} mist een tarief voor regime {regime.value}; voeg een [[{base}.rates]] toe "
                    f"met regime = \"{regime.value}\", of haal het regime uit regimes = [...]",
                    path, lines, base))
        findings += _plausibility_findings(rkey, rates, limits, path, lines, base)
        roles[rkey] = Role(rkey, role.label, tuple(role.regimes), tuple(rates), role.description)
    card = RateCard(model.card.name, model.card.organisation, model.card.example, roles, str(path), model.card.note)
    return (None if has_errors(findings) else card), findings


def _validity_of_valid_rates(data: Any, path: Path, lines: dict[str, int]) -> list[Finding]:
    """Overlaps and gaps among the rates that are themselves valid, for a card with field
    errors elsewhere: one run of ``rates check`` then reports every problem, not the field
    errors first and the overlaps only after those are fixed."""
    out: list[Finding] = []
    roles = data.get("roles") if isinstance(data, dict) else None
    for rkey, role in (roles.items() if isinstance(roles, dict) else ()):
        raw = role.get("rates") if isinstance(role, dict) else None
        rates: list[RoleRate] = []
        for i, item in enumerate(raw if isinstance(raw, list) else ()):
            try:
                r = _Rate.model_validate(item)
            except ValidationError:
                continue  # reported as a field error already
            if r.valid_to is not None and r.valid_to <= r.valid_from:
                continue
            key = f"roles.{rkey}.rates[{i}]"
            rates.append(RoleRate(rkey, r.regime, r.unit, r.expert, r.client, r.valid_from, r.valid_to, r.level,
                                  where(path, line_of(lines, key), key)))
        out += _validity_findings(str(rkey), rates, path, lines, f"roles.{rkey}")
    return out


def _validity_findings(rkey: str, rates: list[RoleRate], path: Path, lines: dict[str, int], base: str) -> list[Finding]:
    out: list[Finding] = []
    groups: dict[tuple[Regime, str], list[RoleRate]] = defaultdict(list)
    for r in rates:
        groups[(r.regime, r.level)].append(r)
    for (regime, level), group in groups.items():
        group.sort(key=lambda r: r.valid_from)
        for a, b in zip(group, group[1:], strict=False):
            what = f"rol {rkey}, regime {regime.value}, niveau {level}"
            if a.valid_to is None or a.valid_to > b.valid_from:
                out.append(Finding(Severity.ERROR, "ratecard.overlap",
                    f"{what}: geldigheid {a.validity} overlapt met het tarief {b.validity} ({b.where}); "
                    f"zet valid_to van het eerste tarief op {b.valid_from:%d-%m-%Y} (valid_to = {b.valid_from.isoformat()})", where=a.where))
            elif a.valid_to < b.valid_from:
                out.append(Finding(Severity.ERROR, "ratecard.gap",
                    f"{what}: gat tussen {a.validity} en {b.validity}: van {a.valid_to:%d-%m-%Y} tot {b.valid_from:%d-%m-%Y} "
                    f"geldt geen tarief; laat het volgende tarief op {a.valid_to:%d-%m-%Y} beginnen "
                    f"(valid_from = {a.valid_to.isoformat()})", where=a.where))
    return out


def _plausibility_findings(rkey: str, rates: list[RoleRate], limits: LimitsBook | None,
                           path: Path, lines: dict[str, int], base: str) -> list[Finding]:
    out: list[Finding] = []
    for r in rates:
        if r.client < r.expert:
            out.append(Finding(Severity.WARNING, "ratecard.client_below_expert",
                f"rol {rkey}, regime {r.regime.value}: opdrachtgever betaalt {eur(r.client)}, minder dan de deskundige krijgt ({eur(r.expert)})",
                where=r.where))
        if limits is None:
            continue
        for year in _years(r, limits):
            try:
                lim = limits.for_year(year)
            except MissingYearError:
                continue
            if r.regime is Regime.VRIJWILLIGER and r.unit is Unit.UUR:
                cap = lim.get("volunteer_hour_21_plus")
                if cap is not None and r.expert > cap.amount:
                    out.append(Finding(Severity.WARNING, "ratecard.volunteer_hour_above_presumption",
                        f"rol {rkey}: vrijwilligersvergoeding {eur(r.expert)} per uur ligt boven het vermoeden van "
                        f"{eur(cap.amount)} voor {year}; alleen toegestaan met een onderbouwing per opdracht",
                        where=r.where, limit=cap.amount, limit_source=cap.source, limit_year=year,
                        limit_confirmed=cap.confirmed))
            if r.regime is Regime.ZZP and r.unit is Unit.UUR:
                wage = lim.minimum_wage_on(max(r.valid_from, date(year, 1, 1)))
                if wage and r.expert <= wage.amount:
                    out.append(Finding(Severity.WARNING, "ratecard.freelance_at_minimum_wage",
                        f"rol {rkey}: zzp-tarief {eur(r.expert)} per uur ligt op of onder het minimumloon {eur(wage.amount)}: "
                        f"signaal van schijnzelfstandigheid", where=r.where, limit=wage.amount,
                        limit_source=wage.source, limit_year=year, limit_confirmed=wage.confirmed))
    return out


def _years(r: RoleRate, limits: LimitsBook) -> list[int]:
    last = (r.valid_to.year if r.valid_to and (r.valid_to.month, r.valid_to.day) != (1, 1)
            else (r.valid_to.year - 1 if r.valid_to else max(limits.years or [r.valid_from.year])))
    return list(range(r.valid_from.year, max(last, r.valid_from.year) + 1))


def load_ratecard(path: Path, limits: LimitsBook | None = None) -> RateCard:
    card, findings = check_ratecard(path, limits)
    if card is None:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        raise DataFileError(
            "de tariefkaart heeft fouten (controleer met 'vergoeding rates check'):\n"
            + "\n".join(f"{f.where}: {f.message}" for f in errors)
        )
    return card


def ratecard_as_dict(card: RateCard) -> dict[str, Any]:
    return {"name": card.name, "organisation": card.organisation, "example": card.example}
