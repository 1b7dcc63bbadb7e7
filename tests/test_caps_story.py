"""One story about the volunteer caps (issue 21, item 2): core/caps_story.py decides what an
expert is told; the statement, the year statement, 'room', 'check' and the portal read it.
The letters themselves are checked in test_verify11_payout.py and test_reports_year.py."""

from __future__ import annotations

from decimal import Decimal

from vergoeding.core.caps_story import CapsFigures, EarlierOver, crossed_name, tell, tell_year

D = Decimal


def figures(month_total: str, year_total: str, *, earlier: tuple[EarlierOver, ...] = (),
            labels: tuple[str, ...] = ("Vrijwilligersvergoeding",), confirmed: bool = True) -> CapsFigures:
    return CapsFigures("2026-11", D("220.00"), D(month_total), "2026", D("2200.00"), D(year_total), earlier,
                       confirmed, labels)


def test_within_the_caps_tells_the_room_of_month_and_year() -> None:
    s = tell(figures("48.66", "158.22"))
    assert not s.crossed and (s.month_left, s.year_left) == (D("171.34"), D("2041.78"))
    assert s.lines == (
        "Uw vrijwilligersvergoeding blijft binnen de grens. Dan is het belastingvrij.",
        "Voor de grens telt in 2026 tot nu toe € 158,22 mee.",
        "In november 2026 kan er nog € 171,34 bij. De grens is € 220,00 per maand.",
        "In 2026 kan er nog € 2.041,78 bij. De grens is € 2.200,00 per jaar.",
        "Gaat het over de grens, dan is uw hele vrijwilligersvergoeding van 2026 belast. Wij letten daarop.")
    assert s.name_of("Vrijwilligersvergoeding") == "Vrijwilligersvergoeding"


def test_exactly_at_the_month_cap_nothing_more_this_month() -> None:
    s = tell(figures("220.00", "900.00"))
    assert not s.crossed
    assert "In november 2026 kan er niets meer bij. De grens is € 220,00 per maand." in s.sentences


def test_a_month_over_the_cap_leaves_no_room_in_the_year() -> None:
    """The January letter said "In 2026 kan er nog € 1.957,90 bij" above the red box."""
    s = tell(figures("281.06", "664.01"))
    assert s.crossed and s.crossed_in == ("november 2026",) and (s.month_left, s.year_left) == (0, 0)
    assert not any("kan er nog" in x for x in s.lines), s.lines
    assert s.headline == "Uw vrijwilligersvergoeding ging in 2026 over de grens."
    assert "Daarom is uw hele vrijwilligersvergoeding van 2026 belast, niet alleen het stuk erboven." in s.sentences
    assert s.allowance_name == "vergoeding als vrijwilliger, belast als loon"
    assert s.name_of("Vrijwilligersvergoeding") == "Vergoeding als vrijwilliger, belast als loon"
    assert s.next_steps.startswith("Wat nu? Wij houden over uw vergoeding van 2026 loonheffing in.")


def test_an_earlier_month_over_stays_crossed_in_a_quiet_month() -> None:
    s = tell(figures("0.00", "300.00", earlier=(EarlierOver("2026-03", D("220.00"), D("15.00")),)))
    assert s.crossed and s.crossed_in == ("maart 2026",)
    assert s.sentences[0] == "In maart 2026 ging het € 15,00 over de grens van € 220,00 per maand."
    assert not any("kan er" in x and "niets" not in x for x in s.lines)


def test_the_year_cap_crossed() -> None:
    s = tell(figures("200.00", "2210.00"))
    assert s.crossed and s.crossed_in == ("2026",)
    assert "In 2026 telt € 2.210,00 mee. De grens is € 2.200,00 per jaar." in s.sentences


def test_vacatiegeld_is_called_by_its_own_name() -> None:
    s = tell(figures("60.00", "420.00", labels=("Vacatiegeld",)))
    assert s.headline.startswith("Uw vacatiegeld blijft binnen de grens") and "vrijwilligers" not in s.text
    over = tell(figures("300.00", "600.00", labels=("Vacatiegeld",)))
    assert over.allowance_name == "vacatiegeld, belast als loon" and "vrijwilligers" not in over.text
    assert crossed_name("Vacatiegeld") == "Vacatiegeld, belast als loon"
    assert over.name_of("Zzp / freelance") == "Zzp / freelance"


def test_unconfirmed_figures_are_said() -> None:
    assert tell(figures("1", "1", confirmed=False)).note == "De grensbedragen zijn nog niet door de Belastingdienst bevestigd."


def test_year_statement_story() -> None:
    within = tell_year(2026, total=D("57.50"), limit=D("2200.00"), crossed=False, confirmed=True,
                       regime_labels=("Vrijwilligersvergoeding",))
    assert within.headline == "Uw vrijwilligersvergoeding bleef in 2026 binnen de grens. Dan is het belastingvrij."
    assert not any("kan er nog" in x for x in within.lines)
    over = tell_year(2026, total=D("250.00"), limit=D("2200.00"), crossed=True, confirmed=True,
                     regime_labels=("Vacatiegeld",))
    assert over.crossed and over.headline == "Uw vacatiegeld ging in 2026 over een grens."
    assert over.as_dict()["allowance_name"] == "vacatiegeld, belast als loon"
