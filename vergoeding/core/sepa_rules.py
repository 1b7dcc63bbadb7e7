"""What a Dutch bank expects of a SEPA credit-transfer batch, as pure functions: the
execution date (a TARGET2 business day, not in the past) and text in the EPC character set.

Execution date
    SEPA transfers are executed on TARGET2 business days: Monday to Friday except New
    Year's Day, Good Friday, Easter Monday, 1 May, Christmas Day and 26 December (the ECB's
    TARGET2 closing days; Dutch national holidays such as King's Day are business days for
    SEPA). A chosen date in the past, on a weekend or on a closing day is refused with the
    next business day as a suggestion. Without a choice the batch gets the **next business
    day after today**: a month-end batch is checked and authorised (often by two people)
    before it is uploaded, and a date of today has then often passed the bank's cut-off
    time; banks reject or shift a date in the past.

EPC character set
    The EPC's SEPA implementation guidelines allow only ``a-z A-Z 0-9 / - ? : ( ) . , ' +``
    and space in names and remittance text. :func:`epc_text` transliterates (é -> e,
    ß -> ss, € -> EUR, ’ -> '), writes ``&`` as ``en`` ("Zorg & Welzijn" -> "Zorg en
    Welzijn": Dutch, and what a person reads on a bank statement), maps a few look-alikes
    (``"`` -> ``'``, ``_`` -> ``-``, ``;`` -> ``,``, brackets -> parentheses), transliterates
    other scripts with ``text_unidecode`` (sepaxml's own dependency) and replaces any other
    character by a space; runs of spaces become one. Names are at most 70
    characters (EPC), remittance text 140; :func:`epc_name` says when it had to shorten.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

NAME_MAX = 70
REMITTANCE_MAX = 140

_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def closing_days(year: int) -> dict[date, str]:
    """TARGET2 closing days of ``year`` (besides weekends), with their Dutch names."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        date(year, 5, 1): "1 mei (Dag van de Arbeid)",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closing_days(day.year)


def next_business_day(day: date) -> date:
    """The first business day strictly after ``day``."""
    d = day + timedelta(days=1)
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


def first_business_day_from(day: date) -> date:
    """``day`` itself when it is a business day, otherwise the next one."""
    return day if is_business_day(day) else next_business_day(day)


def _dutch(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day:%d-%m-%Y}"


def execution_date_problem(day: date, today: date) -> str | None:
    """Why ``day`` cannot be the execution date of a batch made ``today``, or None."""
    suggestion = first_business_day_from(max(day, today))
    if day < today:
        return (f"uitvoerdatum {day:%d-%m-%Y} ligt in het verleden (vandaag is {today:%d-%m-%Y}); de bank weigert "
                f"of verschuift die. Kies vandaag of later, bijvoorbeeld {_dutch(first_business_day_from(today))}.")
    if day.weekday() >= 5:
        return (f"uitvoerdatum {day:%d-%m-%Y} is een {_WEEKDAYS[day.weekday()]}: banken voeren SEPA-overboekingen "
                f"alleen op werkdagen uit. Kies bijvoorbeeld {_dutch(suggestion)}.")
    closed = closing_days(day.year).get(day)
    if closed:
        return (f"uitvoerdatum {day:%d-%m-%Y} is {closed}: dan voeren banken geen SEPA-overboekingen uit "
                f"(TARGET2-sluitingsdag). Kies bijvoorbeeld {_dutch(suggestion)}.")
    return None


# --- EPC character set ---------------------------------------------------------------------

_ALLOWED = re.compile(r"[^a-zA-Z0-9/\-?:().,'+ ]")
_LOOKALIKE = str.maketrans({
    '"': "'", "`": "'", "´": "'", "‘": "'", "’": "'", "‚": "'", "“": "'", "”": "'", "„": "'",
    "_": "-", "–": "-", "—": "-", "‐": "-", ";": ",", "[": "(", "]": ")", "{": "(", "}": ")",
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ı": "i", "€": " EUR ", "&": " en ",
})


def epc_text(value: str) -> str:
    """``value`` in the EPC character set (see the module docstring), trimmed."""
    s = unicodedata.normalize("NFKC", value).translate(_LOOKALIKE)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    if not s.isascii():  # other scripts: transliterated (Дмитрий -> Dmitrii), as sepaxml does
        from text_unidecode import unidecode

        s = "".join(c if c.isascii() else str(unidecode(c)) for c in s)
    s = _ALLOWED.sub(" ", s)
    return " ".join(s.split())


def epc_name(value: str) -> tuple[str, bool]:
    """A name in the EPC set, at most 70 characters; True when it had to be shortened."""
    s = epc_text(value)
    if len(s) <= NAME_MAX:
        return s, False
    return s[:NAME_MAX].rstrip(), True


def epc_remittance(value: str) -> str:
    """Unstructured remittance text in the EPC set, at most 140 characters."""
    return epc_text(value)[:REMITTANCE_MAX].rstrip()


def epc_reference(value: str) -> str:
    """An id (end-to-end id): the EPC set without spaces, no leading, trailing or double
    ``/``, at most 35 characters."""
    s = epc_text(value).replace(" ", "-")
    s = re.sub(r"/{2,}", "/", s).strip("/")
    return s[:35].strip("/") or "NOTPROVIDED"


# --- where a SEPA transfer can come from ----------------------------------------------------
#
# The EPC's list of SEPA scheme countries: the EEA (EU 27 with Iceland, Liechtenstein and
# Norway) and a few others. From an account in the EEA a bank needs no BIC (IBAN only,
# Regulation (EU) 260/2012); for an account in a SEPA country outside the EEA the BIC is still
# required; from an account outside SEPA there is no SEPA transfer at all.
EEA = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
                 "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"})
SEPA_OUTSIDE_EEA = frozenset({"CH", "GB", "GI", "MC", "SM", "VA", "AD", "AL", "ME", "MD", "MK"})


def debtor_account_problem(iban: str, bic: str | None) -> str | None:
    """What stops a SEPA batch from the account ``iban`` (with ``bic``), or None."""
    country = iban.replace(" ", "").upper()[:2]
    if country in EEA:
        return None
    if country in SEPA_OUTSIDE_EEA:
        return None if bic else f"BIC ontbreekt (nodig bij een rekening buiten de EER, hier {country})"
    return f"IBAN staat buiten het SEPA-gebied ({country}, geen SEPA-overboeking mogelijk)"
