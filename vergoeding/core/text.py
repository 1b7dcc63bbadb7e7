"""The one rule for text that people type: names, addresses, descriptions, notes, reasons.

Every input path that stores text (the command line through the ledger functions, the
import through the same functions, invoice credit reasons, period lock reasons) passes it
through :func:`clean_text`; every writer (terminal, CSV, xlsx, UBL, SEPA, PDF templates)
passes what it prints through :func:`printable`, so that text stored before this rule
existed cannot break a document either.

What is refused, and why:

- **control characters**: C0 (U+0000-U+001F, which includes ESC and so every ANSI/OSC
  escape sequence), DEL (U+007F) and C1 (U+0080-U+009F, which includes the 8-bit CSI).
  They are invisible, break xlsx (openpyxl refuses them) and XML (not allowed in XML 1.0),
  move the cursor or change a terminal's title, and split a CSV row (CR). A tab and a line
  break are allowed in multi-line fields (notes) only, where they mean what they say;
  ``\\r\\n`` and ``\\r`` become ``\\n``.
- **bidirectional overrides and isolates** (U+202A-U+202E, U+2066-U+2069): they make a name
  read differently from what is stored (an IBAN or amount shown backwards).
- **line and paragraph separators** (U+2028, U+2029) in one-line fields, as line breaks.
- **surrogates and non-characters** (U+D800-U+DFFF, U+FFFE, U+FFFF): not text; XML and
  UTF-8 refuse them.
- **a BSN** (nine digits passing the 11-test) in a free-text field: a BSN belongs in the
  expert's BSN field only, which is masked wherever it is shown. It is refused, not
  silently masked, so the user sees what happened (:func:`refuse_bsn`).

Refused, not stripped: a name that changes silently between what was typed and what is
printed on an invoice is worse than a clear message. Leading and trailing white space is
removed (as before). Everything else (accents, emoji, CJK, right-to-left scripts, zero-width
joiners inside a word) is legitimate and kept.
"""

from __future__ import annotations

import re
import unicodedata

from vergoeding.errors import InputError, mask_bsns

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ALWAYS = _CONTROL + "\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029]")
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")
# an escape sequence as a whole (CSI ... final byte, OSC ... BEL/ST, or ESC + one char),
# so that printable() removes "\x1b[31m" entirely rather than leaving "[31m"
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b.?",
                     re.DOTALL)
_PRINT_DROP = re.compile(f"[{_ALWAYS}]")


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch == "\x1b":
        return f"een escape-teken ({code}, stuurcode voor de terminal)"
    if ch in "\t":
        return f"een tab ({code})"
    if ch in "\n\r\u2028\u2029":
        return f"een regeleinde ({code})"
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return f"een teken dat de schrijfrichting omdraait ({code})"
    if "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff":
        return f"een ongeldig teken ({code})"
    name = unicodedata.name(ch, "")
    return f"een onzichtbaar stuurteken ({code}{', ' + name if name else ''})"


MAX_TEXT = 1000  # characters in one text field: a name, an activity, a note (the import's cap too)


def clean_text(value: str | None, *, field: str | None = None, multiline: bool = False,
               allow_bsn: bool = False) -> str:
    """``value`` without surrounding white space; :class:`InputError` naming ``field`` and
    the first forbidden character (and its position) when the text breaks the rule.
    ``allow_bsn`` for identifiers (the BSN field itself, IBAN, KvK...), which have their own
    stricter check."""
    text = (value or "").strip()
    if len(text) > MAX_TEXT:  # the import's cap, also on the command line (a 100,000-character name)
        raise InputError(f"tekst van {len(text):,} tekens is te lang (hoogstens {MAX_TEXT})".replace(",", "."),
                         field=field)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = (_MULTI_LINE if multiline else _ONE_LINE).search(text)
    if m is not None:
        raise InputError(f"bevat {_describe(m.group(0))} op positie {m.start() + 1}; "
                         "typ de tekst opnieuw zonder dat teken (geplakte tekst neemt soms onzichtbare "
                         "tekens mee)", field=field)
    if not allow_bsn:
        refuse_bsn(text, field=field)
    return text


def refuse_bsn(text: str, *, field: str | None = None) -> None:
    """:class:`InputError` when ``text`` holds a number that is a valid BSN."""
    masked = mask_bsns(text)
    if masked != text:
        raise InputError("bevat een burgerservicenummer (BSN); een BSN hoort alleen in het BSN-veld van de "
                         "deskundige. Laat het weg, of schrijf een ander nummer anders (bijvoorbeeld met een "
                         "voorvoegsel)", field=field)


def is_clean(value: str, *, multiline: bool = False) -> bool:
    return (_MULTI_LINE if multiline else _ONE_LINE).search(value) is None


def printable(value: str, *, multiline: bool = False) -> str:
    """For writers: ``value`` with escape sequences and forbidden characters removed (line
    breaks become a space unless ``multiline``). For text in the
    database that was stored before :func:`clean_text` existed, and as a second line of
    defence: no writer ever emits a control character."""
    if not value:
        return value
    if _PRINT_DROP.search(value) or "\r" in value or (not multiline and _ONE_LINE.search(value)):
        text = _ESCAPE.sub("", value)
        if multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        else:
            text = re.sub("[\t\n\r\u2028\u2029]+", " ", text)
        value = _PRINT_DROP.sub("", text)
    return value
