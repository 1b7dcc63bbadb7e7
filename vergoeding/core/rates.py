"""Role rate cards and rate resolution, with a trace that explains the outcome.

Resolution order: an engagement's own override wins; otherwise the role's rate for the
engagement's regime and level whose validity ``[valid_from, valid_to)`` contains the day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from vergoeding.core.regimes import Regime, Unit
from vergoeding.errors import NotFoundError

DEFAULT_LEVEL = "standaard"


@dataclass(frozen=True)
class RoleRate:
    role: str
    regime: Regime
    unit: Unit
    expert: Decimal  # what the expert receives per unit
    client: Decimal  # what an intermediary bills the client per unit
    valid_from: date
    valid_to: date | None = None  # exclusive; None = open-ended
    level: str = DEFAULT_LEVEL
    where: str = ""  # file and line, for messages

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def validity(self) -> str:
        """``vanaf 01-01-2026`` or ``01-01-2025 t/m 31-12-2025`` (valid_to is exclusive)."""
        start = self.valid_from.strftime("%d-%m-%Y")
        if self.valid_to is None:
            return f"vanaf {start}"
        return f"{start} t/m {(self.valid_to - timedelta(days=1)).strftime('%d-%m-%Y')}"


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    regimes: tuple[Regime, ...]
    rates: tuple[RoleRate, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RateCard:
    name: str
    organisation: str
    example: bool
    roles: Mapping[str, Role]
    origin: str = ""
    note: str = ""

    def role(self, key: str) -> Role:
        try:
            return self.roles[key]
        except KeyError:
            known = ", ".join(sorted(self.roles))
            raise NotFoundError(
                f"rol {key!r} staat niet op de tariefkaart {self.origin} (bekend: {known})"
            ) from None

    def rates_on(self, day: date, role: str | None = None) -> list[RoleRate]:
        roles = [self.role(role)] if role else list(self.roles.values())
        return [r for ro in roles for r in ro.rates if r.valid_on(day)]


@dataclass(frozen=True)
class Override:
    """An engagement's own price, which wins over the rate card."""

    expert: Decimal | None = None
    client: Decimal | None = None
    unit: Unit | None = None


@dataclass(frozen=True)
class ResolvedRate:
    expert: Decimal
    client: Decimal
    unit: Unit
    trace: tuple[str, ...] = field(default=())
    rate: RoleRate | None = None


def resolve_rate(
    card: RateCard,
    role: str,
    regime: Regime,
    day: date,
    *,
    level: str = DEFAULT_LEVEL,
    override: Override | None = None,
) -> ResolvedRate:
    """The expert and client price per unit on ``day``, with the reasons why."""
    trace: list[str] = []
    base: RoleRate | None = None
    if override is None or override.expert is None or override.client is None or override.unit is None:
        candidates = [
            r for r in card.role(role).rates if r.regime == regime and r.valid_on(day)
        ]
        exact = [r for r in candidates if r.level == level]
        if exact:
            base = exact[0]
        elif level != DEFAULT_LEVEL:
            fallback = [r for r in candidates if r.level == DEFAULT_LEVEL]
            if fallback:
                base = fallback[0]
                trace.append(f"geen tarief voor niveau {level!r}; niveau {DEFAULT_LEVEL!r} gebruikt")
        if base is None:
            raise NotFoundError(
                f"geen tarief voor rol {role!r}, regime {regime.value!r}, niveau {level!r} "
                f"op {day:%d-%m-%Y} in {card.origin or 'de tariefkaart'}"
            )
        trace.append(
            f"tariefkaart {card.name!r}: rol {role}, regime {regime.value}, niveau {base.level}, "
            f"geldig {base.validity}: deskundige {base.expert} / opdrachtgever {base.client} "
            f"per {base.unit.value}" + (f" ({base.where})" if base.where else "")
        )
    expert = base.expert if base else Decimal(0)
    client = base.client if base else Decimal(0)
    unit = base.unit if base else Unit.UUR
    if override is not None:
        if override.expert is not None:
            expert = override.expert
            trace.append(f"afspraak in de opdracht gaat voor: deskundige {override.expert}")
        if override.client is not None:
            client = override.client
            trace.append(f"afspraak in de opdracht gaat voor: opdrachtgever {override.client}")
        if override.unit is not None:
            unit = override.unit
            trace.append(f"eenheid volgens de opdracht: {override.unit.value}")
    return ResolvedRate(expert=expert, client=client, unit=unit, trace=tuple(trace), rate=base)
