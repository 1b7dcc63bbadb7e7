from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import RATES

from vergoeding.core.limits import REQUIRED_FIGURES
from vergoeding.data.limits import load_limits, load_limits_file
from vergoeding.errors import DataFileError, MissingYearError

LIMITS = RATES / "limits"
SHIPPED = sorted(LIMITS.glob("*.toml"))

# DOMAIN.md: per hour 21+, per hour <21, per month, per year.
VOLUNTEER = {
    2022: ("5.00", "2.75", "180", "1800"),
    2023: ("5.00", "2.75", "190", "1900"),
    2024: ("5.50", "3.25", "210", "2100"),
    2025: ("5.60", "3.30", "210", "2100"),
    2026: ("5.75", "3.40", "220", "2200"),
}
KM = {2022: "0.19", 2023: "0.21", 2024: "0.23", 2025: "0.23"}


def test_the_shipped_years_are_2022_to_2026_at_least() -> None:
    years = {int(p.stem) for p in SHIPPED}
    assert set(range(2022, 2027)) <= years
    assert load_limits(LIMITS).years == sorted(years)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_loads_with_every_figure_sourced(path: Path) -> None:
    lim = load_limits_file(path)
    assert lim.year == int(path.stem)
    assert set(REQUIRED_FIGURES) <= set(lim.figures)
    for f in lim.all_figures():
        assert f.source.strip(), f"{path.name}: {f.key} has no source"
        assert f.label.strip() and f.unit.strip()
        assert isinstance(f.amount, Decimal)
        assert isinstance(f.confirmed, bool)
    for f in lim.figures.values():
        assert f.valid_from.year == lim.year
    if 2024 <= lim.year <= 2026:
        assert lim.minimum_wage, f"{path.name}: minimum wage per hour missing"


@pytest.mark.parametrize("year", sorted(VOLUNTEER))
def test_volunteer_figures_match_the_domain(year: int) -> None:
    lim = load_limits(LIMITS).for_year(year)
    got = tuple(str(lim.figure(k).amount) for k in
                ("volunteer_hour_21_plus", "volunteer_hour_under_21", "volunteer_month", "volunteer_year"))
    assert tuple(Decimal(x) for x in got) == tuple(Decimal(x) for x in VOLUNTEER[year])
    assert lim.figure("vat_standard").amount == Decimal("0.21")
    assert lim.figure("kor_threshold").amount == Decimal("20000")
    if year in KM:
        assert lim.figure("km_allowance").amount == Decimal(KM[year])


def test_2026_confirmed_flags_follow_the_sources() -> None:
    """DOMAIN.md, changed 2026-12-01: month and year caps and the gift disregard are in the law
    text (Wet LB 1964 art. 2 lid 6; Participatiewet art. 31 lid 2 m); the hourly figures and the
    2026 km figure remain secondary."""
    lim = load_limits(LIMITS).for_year(2026)
    assert lim.volunteer_hour(21).amount == Decimal("5.75")
    assert lim.volunteer_hour(20).amount == Decimal("3.40")
    assert lim.volunteer_month.amount == Decimal("220")
    assert lim.volunteer_year.amount == Decimal("2200")
    for f in (lim.volunteer_hour(21), lim.volunteer_hour(20)):
        assert f.confirmed is False and "Secundaire" in f.source
    for f in (lim.volunteer_month, lim.volunteer_year):
        assert f.confirmed is True and "Wet LB 1964 art. 2 lid 6" in f.source
    assert lim.figure("bijstand_gift_disregard").confirmed is True
    assert "art. 31 lid 2 onder m" in lim.figure("bijstand_gift_disregard").source
    km = lim.figure("km_allowance")  # DOMAIN.md, changed 2026-12-07: confirmed by the law text
    assert km.confirmed is True and km.amount == Decimal("0.23") and "art. 31a lid 2 onder a, 3°" in km.source
    earn = lim.figure("bijstand_earnings_disregard")
    assert earn.confirmed is True and earn.amount == Decimal("285")
    assert "art. 31 lid 2 onder n en lid 5" in earn.source and "niet onder 27" in earn.source
    assert "25a" in lim.figure("kor_threshold").source


def test_2025_caps_confirmed_hourly_secondary_and_2024_confirmed() -> None:
    book = load_limits(LIMITS)
    assert book.for_year(2025).volunteer_month.confirmed is True  # law text 2025: € 210
    assert book.for_year(2025).volunteer_hour(21).confirmed is False
    assert book.for_year(2024).volunteer_month.confirmed is True
    assert "Belastingdienst" in book.for_year(2024).volunteer_month.source


def test_minimum_wage_changes_mid_year() -> None:
    book = load_limits(LIMITS)
    lim = book.for_year(2024)
    before, after = lim.minimum_wage_on(date(2024, 6, 30)), lim.minimum_wage_on(date(2024, 7, 1))
    assert before is not None and after is not None
    assert before.amount == Decimal("13.27")
    assert after.amount == Decimal("13.68")
    assert after.valid_from == date(2024, 7, 1)
    wage_2025 = book.for_year(2025)
    assert wage_2025.minimum_wage_on(date(2025, 6, 30)).amount == Decimal("14.06")  # type: ignore[union-attr]
    assert wage_2025.minimum_wage_on(date(2025, 7, 1)).amount == Decimal("14.40")  # type: ignore[union-attr]
    assert book.for_year(2026).minimum_wage_on(date(2026, 1, 1)).amount == Decimal("14.71")  # type: ignore[union-attr]


def test_missing_year_names_the_file_to_add() -> None:
    book = load_limits(LIMITS)
    with pytest.raises(MissingYearError) as exc:
        book.for_year(2028)
    assert "2028.toml" in exc.value.message and "vergoeding limits draft 2028" in exc.value.message
    assert "2026" in exc.value.message  # lists what is there
    with pytest.raises(MissingYearError, match="2021.toml"):
        book.for_day(date(2021, 12, 31))


def test_missing_limits_folder() -> None:
    with pytest.raises(MissingYearError, match="niet gevonden"):
        load_limits(Path("/nonexistent/limits"))


# --- broken files ----------------------------------------------------------------------


def _broken(tmp_path: Path, old: str, new: str, *, year: int = 2026) -> Path:
    text = (LIMITS / f"{year}.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{year}.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return no
    raise AssertionError(needle)


def test_float_amount_is_refused_with_file_line_and_key(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'amount = "5.75"', "amount = 5.75")
    with pytest.raises(DataFileError) as exc:
        load_limits_file(path)
    msg = exc.value.message
    line = _line_of(path, "amount = 5.75")
    assert f"{path}:{line} [volunteer_hour_21_plus.amount]" in msg
    assert "als getal geschreven" in msg
    assert '"5.75"' in msg


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "[volunteer_month]\n", "[volunteer_month]\nbedrag = \"220\"\n")
    with pytest.raises(DataFileError) as exc:
        load_limits_file(path)
    assert str(path) in exc.value.message
    assert "volunteer_month.bedrag" in exc.value.message
    assert "onbekende sleutel" in exc.value.message


def test_missing_figure_is_refused(tmp_path: Path) -> None:
    text = (LIMITS / "2026.toml").read_text(encoding="utf-8")
    kept = re.sub(r"\[kor_threshold\].*?(?=\n\[)", "", text, flags=re.S)
    assert "kor_threshold" not in kept
    path = tmp_path / "2026.toml"
    path.write_text(kept, encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load_limits_file(path)
    assert str(path) in exc.value.message
    assert "kor_threshold" in exc.value.message
    assert "verplichte sleutel ontbreekt" in exc.value.message


def test_missing_source_is_refused(tmp_path: Path) -> None:
    text = (LIMITS / "2026.toml").read_text(encoding="utf-8")
    start = text.index("[vat_standard]")
    src = text.index("source =", start)
    end = text.index("\n", src) + 1
    path = tmp_path / "2026.toml"
    path.write_text(text[:src] + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"vat_standard\.source.*verplichte sleutel ontbreekt"):
        load_limits_file(path)


def test_year_must_match_the_file_name(tmp_path: Path) -> None:
    path = _broken(tmp_path, "year = 2026", "year = 2025")
    with pytest.raises(DataFileError, match="bestandsnaam zegt 2026"):
        load_limits_file(path)


def test_valid_from_outside_the_year(tmp_path: Path) -> None:
    path = _broken(tmp_path, "valid_from = 2026-01-01", "valid_from = 2025-01-01")
    with pytest.raises(DataFileError, match=r"volunteer_hour_21_plus\.valid_from.*ligt niet in 2026"):
        load_limits_file(path)


def test_bad_toml(tmp_path: Path) -> None:
    path = _broken(tmp_path, "year = 2026", "year = = 2026")
    with pytest.raises(DataFileError, match="geen geldige TOML") as exc:
        load_limits_file(path)
    assert str(path) in exc.value.message
