"""What an expert is told about the volunteer caps: ONE place for the words.

The payout statement, the year statement, ``vergoeding room``, ``check`` and the web portal
all tell the same story from the same figures (:class:`CapsFigures`, made from a live
:class:`vergoeding.core.room.Room` or from what a payout kept in its snapshot):

* **within the caps**: how much can still be paid tax-free this month and this year, and
  what the allowance is called (its own regime's name: "vrijwilligersvergoeding",
  "vacatiegeld");
* **a cap crossed** (a month of the year over the month cap, or the year over the year cap):
  there is no "kan er nog bij" any more, for the rest of the year. The whole allowance of the
  year is taxed as wages (Wet LB 1964 art. 2 lid 6: above a cap nothing is a tax-free
  volunteer allowance), so the allowance is called what it now is, and the letter says what
  happens next.

Pure: standard library and core only. The sentences are short (B1): one fact a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from vergoeding.core.money import ZERO
from vergoeding.core.nl import eur
from vergoeding.core.period import parse_period, period_text

# For finance staff (check findings): what a crossed cap means, and what they can still do.
CONSEQUENCE = (
    "Boven een harde grens is de HELE vrijwilligersvergoeding van {year} belast, niet alleen het "
    "deel erboven: het is dan loon. De organisatie moet er normaal loonheffing over inhouden en "
    "afdragen (via de loonadministratie); alleen opgeven aan de Belastingdienst is niet genoeg. "
    "De vrijwilliger mag dan nog wel werkelijke kosten met bonnetjes aantonen; die zijn niet belast."
)

CAP_ADVICE = (
    "Vóór de betaling: verlaag het bedrag zodat het totaal op of onder de "
    "grens blijft; schuif werk alleen naar een volgende maand als het werk ook echt in die maand "
    "is gedaan; of betaal deze opdracht onder een ander regime (loondienst via de "
    "salarisadministratie, of zzp met een factuur). Is er al betaald, neem de vergoeding dan op in "
    "de loonadministratie en houd loonheffing in. Een vast bedrag voor meerdere maanden werk "
    "boekt u als één regel per maand waarin het werk is gedaan."
)

# The regimes the caps apply to, by the label the documents use (core.regimes.REGIME_LABELS).
_OWN_NAMES = {"vrijwilligersvergoeding": "vrijwilligersvergoeding", "vacatiegeld": "vacatiegeld"}


@dataclass(frozen=True)
class EarlierOver:
    label: str  # "2026-03"
    limit: Decimal
    over: Decimal


@dataclass(frozen=True)
class CapsFigures:
    """The figures the story is told from. ``*_total`` is everything that counts (ours and
    what the expert declared from other organisations); ``regime_labels`` the capped regimes
    the expert is paid under this year ("Vrijwilligersvergoeding", "Vacatiegeld")."""

    month_label: str  # "2026-11"
    month_limit: Decimal
    month_total: Decimal
    year_label: str  # "2026"
    year_limit: Decimal
    year_total: Decimal
    earlier: tuple[EarlierOver, ...] = ()
    confirmed: bool = True
    regime_labels: tuple[str, ...] = ("Vrijwilligersvergoeding",)


@dataclass(frozen=True)
class CapsStory:
    """What the expert is told. ``crossed``: a cap is crossed this year, nothing of the year's
    allowance is tax-free; then ``month_left`` and ``year_left`` are zero and no sentence says
    that something can still be added."""

    figures: CapsFigures
    crossed: bool
    crossed_in: tuple[str, ...]  # where: "maart 2026", "2026" (words)
    month_left: Decimal
    year_left: Decimal
    allowance_name: str  # what the allowance is called now, lower case, for in a sentence
    headline: str  # one sentence: the situation
    counted: str  # what counts towards the caps so far (one sentence)
    sentences: tuple[str, ...]  # the story, in order, after the headline and ``counted``
    next_steps: str  # what happens next ("" when nothing needs to happen)
    note: str = ""  # the figures are not confirmed yet

    @property
    def text(self) -> str:
        """Everything as one paragraph (for a terminal or a message)."""
        return " ".join(self.lines)

    @property
    def lines(self) -> tuple[str, ...]:
        """The sentences in the order they are told."""
        return tuple(s for s in (self.headline, self.counted, *self.sentences, self.next_steps, self.note) if s)

    def name_of(self, regime_label: str) -> str:
        """The name a document gives to a regime's amounts now: a capped regime after a
        crossed cap is taxed as wages, and is not called "vrijwilligersvergoeding" any more."""
        if self.crossed and regime_label.lower() in _OWN_NAMES:
            return crossed_name(regime_label)
        return regime_label

    def as_dict(self) -> dict[str, object]:
        """For JSON (the portal, ``room --format json``): amounts as decimal strings."""
        return {"crossed": self.crossed, "crossed_in": list(self.crossed_in),
                "month_left": str(self.month_left), "year_left": str(self.year_left),
                "allowance_name": self.allowance_name, "headline": self.headline, "counted": self.counted,
                "sentences": list(self.sentences), "next_steps": self.next_steps, "note": self.note,
                "confirmed": self.figures.confirmed}


def crossed_name(regime_label: str) -> str:
    """"Vrijwilligersvergoeding" -> "Vergoeding als vrijwilliger, belast als loon";
    "Vacatiegeld" -> "Vacatiegeld, belast als loon"."""
    if regime_label.lower() == "vrijwilligersvergoeding":
        return "Vergoeding als vrijwilliger, belast als loon"
    return f"{regime_label}, belast als loon"


def _allowance(labels: Sequence[str]) -> str:
    names = [_OWN_NAMES.get(label.lower(), label.lower()) for label in labels] or ["vrijwilligersvergoeding"]
    return " en ".join(dict.fromkeys(names))


def _crossed_own(own: str) -> str:
    """The allowance's name after a crossed cap, for in a sentence."""
    return f"{own}, belast als loon" if " en " in own else crossed_name(own).lower()


def _words(label: str) -> str:
    return period_text(parse_period(label))


def tell(f: CapsFigures) -> CapsStory:
    """The story of ``f``. The one rule: a cap crossed in the year (an earlier month, this
    month, or the year) means no room at all for the rest of the year."""
    year = f.year_label
    own = _allowance(f.regime_labels)
    crossed_in = [_words(m.label) for m in f.earlier]
    if f.month_total > f.month_limit:
        crossed_in.append(_words(f.month_label))
    if f.year_total > f.year_limit:
        crossed_in.append(year)
    note = "" if f.confirmed else "De grensbedragen zijn nog niet door de Belastingdienst bevestigd."
    counted = f"Voor de grens telt in {year} tot nu toe {eur(f.year_total)} mee."
    if crossed_in:
        name = _crossed_own(own)
        sentences = []
        for m in f.earlier:
            sentences.append(f"In {_words(m.label)} ging het {eur(m.over)} over de grens van "
                             f"{eur(m.limit)} per maand.")
        if f.month_total > f.month_limit:
            sentences.append(f"In {_words(f.month_label)} telt {eur(f.month_total)} mee. De grens is "
                             f"{eur(f.month_limit)} per maand.")
        if f.year_total > f.year_limit:
            sentences.append(f"In {year} telt {eur(f.year_total)} mee. De grens is {eur(f.year_limit)} per jaar.")
        sentences.append(f"Daarom is uw hele {own} van {year} belast, niet alleen het stuk erboven.")
        sentences.append(f"Het is nu loon. Op uw papieren heet het: {name}.")
        sentences.append(f"Er kan in {year} dus niets meer belastingvrij bij.")
        return CapsStory(
            f, True, tuple(dict.fromkeys(crossed_in)), ZERO, ZERO, name,
            f"Uw {own} ging in {year} over de grens.", counted, tuple(sentences),
            f"Wat nu? Wij houden over uw vergoeding van {year} loonheffing in. Wij nemen daarvoor "
            "contact met u op. Krijgt u een uitkering? Vertel het dan aan de gemeente of het UWV.",
            note)
    month_left = max(ZERO, f.month_limit - f.month_total)
    year_left = max(ZERO, f.year_limit - f.year_total)
    month = _words(f.month_label)
    sentences = []
    if month_left > ZERO:
        sentences.append(f"In {month} kan er nog {eur(month_left)} bij. De grens is {eur(f.month_limit)} "
                         "per maand.")
    else:
        sentences.append(f"In {month} kan er niets meer bij. De grens is {eur(f.month_limit)} per maand.")
    if year_left > ZERO:
        sentences.append(f"In {year} kan er nog {eur(year_left)} bij. De grens is {eur(f.year_limit)} per jaar.")
    else:
        sentences.append(f"In {year} kan er niets meer bij. De grens is {eur(f.year_limit)} per jaar.")
    return CapsStory(
        f, False, (), month_left, year_left, own,
        f"Uw {own} blijft binnen de grens. Dan is het belastingvrij.", counted, tuple(sentences),
        "Gaat het over de grens, dan is uw hele " + own + f" van {year} belast. Wij letten daarop.",
        note)


def tell_year(year: int, *, total: Decimal, limit: Decimal, crossed: bool, confirmed: bool,
              regime_labels: Sequence[str]) -> CapsStory:
    """The story at the end of a year (the year statement): crossed or not, no room sentences
    (the year is over: nothing "kan er nog bij")."""
    f = CapsFigures(f"{year}-12", limit / 10, ZERO, str(year), limit, total, (), confirmed,
                    tuple(regime_labels))
    own = _allowance(regime_labels)
    note = "" if confirmed else f"De grensbedragen van {year} zijn nog niet door de Belastingdienst bevestigd."
    if crossed:
        name = _crossed_own(own)
        return CapsStory(
            f, True, (str(year),), ZERO, ZERO, name,
            f"Uw {own} ging in {year} over een grens.", f"Voor de grens telt {eur(total)} mee.",
            (f"Daarom is uw hele {own} van {year} belast, niet alleen het stuk erboven.",
             f"Het is loon. Op deze opgave heet het: {name}.",
             "Kosten die u met bonnetjes kunt laten zien, zijn niet belast."),
            "Wat nu? Wij houden er loonheffing over in, of hebben dat al gedaan. Heeft u vragen? "
            "Neem dan contact met ons op.",
            note)
    return CapsStory(
        f, False, (), ZERO, ZERO, own,
        f"Uw {own} bleef in {year} binnen de grens. Dan is het belastingvrij.",
        f"Voor de grens telt {eur(total)} mee.",
        (f"De grens is {eur(limit)} per jaar.",
         "Kreeg u ook kosten terug met een bonnetje? Die tellen in dit bedrag mee."),
        "", note)
