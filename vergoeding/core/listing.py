"""A message about many people, lines or invoices names a few, counts the rest and says where
the rest is: "Anne de Vries (E001), Bram Jansen (E002), ... en nog 312 anderen; zie 'vergoeding
check --period 2026-10'".

Every message that lists an open-ended number of things goes through :func:`few` (one line)
or :func:`few_lines` (one line a thing), so no message grows with the administration: a payout
where all 300 experts are held used to print one message of 100,000 characters. The full
list stays where it belongs (the overview the command wrote, ``vergoeding check``, a
``--dry-run``); the message names that place. Decisions: docs/LANGUAGE-AND-INPUT.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from vergoeding.core.nl import whole

SHOWN = 5  # names in a message; the rest is counted
T = TypeVar("T")


def cut(items: Sequence[T], shown: int) -> tuple[Sequence[T], int]:
    """The items to show and how many are left. One more than ``shown`` is shown in full:
    "en nog 1 andere" says no less than the name itself."""
    if len(items) <= shown + 1:
        return items, 0
    return items[:shown], len(items) - shown


def rest_text(rest: int, *, others: str = "anderen", where: str = "") -> str:
    """'en nog 312 anderen; zie ...' (the tail of a cut listing)."""
    return f"en nog {whole(rest)} {others}" + (f"; zie {where}" if where else "")


def few(items: Sequence[str], *, where: str = "", others: str = "anderen", shown: int = SHOWN,
        sep: str = ", ") -> str:
    """At most ``shown`` of ``items`` and the count of the rest, with where to see it:
    ``few(names, where="'vergoeding check --period 2026-10'")`` ->
    "A, B, C, D, E en nog 312 anderen; zie 'vergoeding check --period 2026-10'".
    ``others`` is the word for the rest ("anderen" for people, "andere" for lines, "fouten").
    A short list is returned whole, without ``where``."""
    head, rest = cut(items, shown)
    text = sep.join(head)
    if not rest:
        return text
    joint = ";" if sep.strip() == ";" else ""  # "A, B en nog 3" but "A; B; en nog 3"
    return f"{text}{joint} {rest_text(rest, others=others, where=where)}"


def few_lines(items: Sequence[str], *, where: str = "", others: str = "anderen", shown: int = SHOWN,
              indent: str = "  ") -> list[str]:
    """One line a thing for at most ``shown`` things, then "en nog 312 anderen; zie ...."."""
    head, rest = cut(items, shown)
    lines = [f"{indent}{item}" for item in head]
    if rest:
        lines.append(f"{indent}{rest_text(rest, others=others, where=where)}.")
    return lines
