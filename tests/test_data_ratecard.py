from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import RATES

from vergoeding.core.findings import Severity
from vergoeding.core.rates import Override, RateCard, resolve_rate
from vergoeding.core.regimes import PRICED_REGIMES, Regime, Unit
from vergoeding.data.limits import load_limits
from vergoeding.data.ratecard import check_ratecard, load_ratecard
from vergoeding.errors import DataFileError, NotFoundError

CARD = RATES / "ratecard.toml"
ROLES = {"adviseur", "trainer", "voorlichter", "buddy", "adviesraad", "co-onderzoeker",
         "intervisiebegeleider", "toegangsteam"}


@pytest.fixture(scope="module")
def card() -> RateCard:
    return load_ratecard(CARD, load_limits(RATES / "limits"))


def test_shipped_card_checks_clean() -> None:
    card, findings = check_ratecard(CARD, load_limits(RATES / "limits"))
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert card is not None


def test_shipped_card_is_an_example_with_the_eight_roles(card: RateCard) -> None:
    assert card.example is True
    assert ROLES <= set(card.roles)
    assert "fictief" in card.organisation


def test_every_role_prices_every_regime_it_offers(card: RateCard) -> None:
    for role in card.roles.values():
        assert role.regimes
        assert set(role.regimes) <= set(PRICED_REGIMES)
        for regime in role.regimes:
            assert any(r.regime == regime for r in role.rates), (role.key, regime)


def test_shipped_rates_are_plausible(card: RateCard) -> None:
    limits = load_limits(RATES / "limits")
    for rate in (r for role in card.roles.values() for r in role.rates):
        assert rate.client >= rate.expert, rate.where
        if rate.regime is Regime.VRIJWILLIGER and rate.unit is Unit.UUR:
            cap = limits.for_year(rate.valid_from.year).volunteer_hour(21).amount
            assert rate.expert <= cap, rate.where
        if rate.regime is Regime.ZZP and rate.unit is Unit.UUR:
            assert Decimal("45") <= rate.expert <= Decimal("100"), rate.where


@pytest.mark.parametrize(
    ("role", "regime", "level", "day", "expert", "client", "unit"),
    [
        # the 2025 -> 2026 change: the last day of 2025 and the first of 2026
        ("trainer", Regime.ZZP, "standaard", date(2025, 12, 31), "70.00", "95.00", Unit.UUR),
        ("trainer", Regime.ZZP, "standaard", date(2026, 1, 1), "72.50", "97.50", Unit.UUR),
        ("adviseur", Regime.VRIJWILLIGER, "standaard", date(2025, 6, 1), "5.50", "35.00", Unit.UUR),
        ("adviseur", Regime.VRIJWILLIGER, "standaard", date(2026, 6, 1), "5.75", "37.50", Unit.UUR),
        ("adviseur", Regime.ZZP, "senior", date(2026, 3, 1), "95.00", "120.00", Unit.UUR),
        ("adviesraad", Regime.VACATIEGELD, "voorzitter", date(2026, 3, 1), "100.00", "100.00", Unit.BIJEENKOMST),
        ("adviesraad", Regime.VACATIEGELD, "standaard", date(2026, 3, 1), "60.00", "60.00", Unit.BIJEENKOMST),
        ("buddy", Regime.VRIJWILLIGER, "junior", date(2026, 3, 1), "3.00", "24.00", Unit.UUR),
        ("toegangsteam", Regime.ZZP, "senior", date(2026, 3, 1), "540.00", "720.00", Unit.DAG),
    ],
)
def test_resolve_rate(card: RateCard, role: str, regime: Regime, level: str, day: date,
                      expert: str, client: str, unit: Unit) -> None:
    r = resolve_rate(card, role, regime, day, level=level)
    assert (r.expert, r.client, r.unit) == (Decimal(expert), Decimal(client), unit)
    assert str(r.expert) == expert  # two decimals, as written on the card
    assert r.rate is not None and r.rate.valid_on(day)
    assert len(r.trace) == 1
    assert f"rol {role}, regime {regime.value}, niveau {level}" in r.trace[0]
    assert f"deskundige {expert} / opdrachtgever {client} per {unit.value}" in r.trace[0]


def test_trace_names_the_card_validity_and_line(card: RateCard) -> None:
    r = resolve_rate(card, "trainer", Regime.ZZP, date(2026, 1, 1))
    (line,) = r.trace
    assert line.startswith("tariefkaart 'Voorbeeldkaart Netwerk Ervaringskracht Midden 2025-2026': ")
    assert "geldig vanaf 01-01-2026" in line
    assert f"{CARD}:146 [roles.trainer.rates[5]]" in line
    assert CARD.read_text(encoding="utf-8").splitlines()[145] == "[[roles.trainer.rates]]"
    before = resolve_rate(card, "trainer", Regime.ZZP, date(2025, 12, 31))
    assert "geldig 01-01-2025 t/m 31-12-2025" in before.trace[0]


def test_unknown_level_falls_back_to_standard_and_says_so(card: RateCard) -> None:
    r = resolve_rate(card, "adviseur", Regime.ZZP, date(2026, 3, 1), level="expert")
    assert (r.expert, r.client) == (Decimal("67.50"), Decimal("88.00"))
    assert r.trace[0] == "geen tarief voor niveau 'expert'; niveau 'standaard' gebruikt"
    assert "niveau standaard" in r.trace[1]


def test_engagement_override_wins(card: RateCard) -> None:
    r = resolve_rate(card, "trainer", Regime.ZZP, date(2026, 3, 1), override=Override(expert=Decimal("80.00")))
    assert (r.expert, r.client, r.unit) == (Decimal("80.00"), Decimal("97.50"), Unit.UUR)
    assert "deskundige 72.50 / opdrachtgever 97.50" in r.trace[0]  # what the card said
    assert r.trace[1] == "afspraak in de opdracht gaat voor: deskundige 80.00"


def test_full_override_does_not_need_the_card(card: RateCard) -> None:
    o = Override(expert=Decimal("80.00"), client=Decimal("100.00"), unit=Unit.DAG)
    r = resolve_rate(card, "trainer", Regime.ZZP, date(2026, 3, 1), override=o)
    assert (r.expert, r.client, r.unit, r.rate) == (Decimal("80.00"), Decimal("100.00"), Unit.DAG, None)
    assert r.trace == (
        "afspraak in de opdracht gaat voor: deskundige 80.00",
        "afspraak in de opdracht gaat voor: opdrachtgever 100.00",
        "eenheid volgens de opdracht: dag",
    )


def test_no_rate_is_an_error_not_a_guess(card: RateCard) -> None:
    with pytest.raises(NotFoundError, match="geen tarief voor rol 'trainer', regime 'vacatiegeld'"):
        resolve_rate(card, "trainer", Regime.VACATIEGELD, date(2026, 3, 1))
    with pytest.raises(NotFoundError, match="op 31-12-2024"):
        resolve_rate(card, "trainer", Regime.ZZP, date(2024, 12, 31))
    with pytest.raises(NotFoundError, match="rol 'kok' staat niet op de tariefkaart"):
        resolve_rate(card, "kok", Regime.ZZP, date(2026, 3, 1))


def test_rates_on_a_day(card: RateCard) -> None:
    rates = card.rates_on(date(2026, 3, 1), "trainer")
    assert {(r.regime, r.level) for r in rates} == {
        (Regime.VRIJWILLIGER, "standaard"), (Regime.ZZP, "junior"), (Regime.ZZP, "standaard"),
        (Regime.ZZP, "senior"), (Regime.PARTICULIER, "standaard"),
    }
    assert all(r.valid_on(date(2026, 3, 1)) for r in card.rates_on(date(2026, 3, 1)))


def test_load_refuses_a_broken_card(tmp_path: Path) -> None:
    path = tmp_path / "kaart.toml"
    path.write_text(CARD.read_text(encoding="utf-8").replace('expert = "5.50"', "expert = 5.5", 1), encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load_ratecard(path)
    assert "vergoeding rates check" in exc.value.message
    line = path.read_text(encoding="utf-8").splitlines().index("expert = 5.5") + 1
    assert line == 27
    assert f"{path}:{line} [roles.adviseur.rates[0].expert]" in exc.value.message
