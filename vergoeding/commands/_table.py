"""Terminal tables that fit 100 columns (issue 21, item 4).

Every table a command prints goes through :func:`table_lines` (via ``emit`` in ``_output.py``),
every "veld: waarde" block through :func:`block_lines` and every running text through
:func:`wrap`, so no line is wider than :data:`WIDTH` characters unless the user asks for the
wide table with ``--breed``:

1. A table that fits is printed as it always was: one line a record.
2. Otherwise the widest columns give up width, one character at a time, down to their longest
   word; their cells wrap inside the column, between words. A word is never broken: an amount
   ("€ 1.234,56", with its no-break space), a date, an invoice number, an IBAN or a code stays
   whole, so it can still be read and searched; a single word longer than a line (a long path)
   is printed whole rather than cut.
3. When even the longest words do not fit next to each other, each record becomes a block of
   "kolom  waarde" lines, with a blank line between records.

``--breed`` (an option of every command with a table, see :func:`breed_option`) prints the
wide table: one line a record, however long, for ``grep`` and wide screens. ``--format csv``
and ``json`` are never wrapped. The decisions: docs/LANGUAGE-AND-INPUT.md ("Tabellen").
"""

from __future__ import annotations

import bisect
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

WIDTH = 100  # characters a line, unless --breed
GAP = "  "  # between columns
_META = "vergoeding.breed"
_WORDS = re.compile(r"[ \t\n]+")  # the spaces a line may break at: never the no-break space of "€ 1,00"
_AMOUNT = re.compile(r"(?<=€) (?=[-\d])")  # the plain space in "€ 220,00" (running text)
_KEEP = "\ue000"  # holds that space while wrapping (a private-use character, never in our text)

F = TypeVar("F", bound=Callable[..., Any])


def _remember(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[_META] = True
    return value


def breed_option(f: F) -> F:
    """``--breed``: the wide table, one line a record (read back by :func:`is_breed`)."""
    return click.option("--breed", is_flag=True, expose_value=False, is_eager=True, callback=_remember,
                        help="Brede tabel: één regel per record, hoe lang ook (voor grep en brede schermen). "
                             "Standaard past elke regel in 100 tekens.")(f)


def is_breed() -> bool:
    """Whether the running command was given ``--breed``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_META))


def _longest_word(text: str) -> int:
    return max((len(w) for w in _WORDS.split(_AMOUNT.sub(_KEEP, text))), default=0)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken between words; an empty text is one empty line.
    An amount in running text ("€ 220,00", with a plain space) is one word: it stays on one line."""
    lines: list[str] = []
    for part in _AMOUNT.sub(_KEEP, text).split("\n"):
        lines.extend(x.replace(_KEEP, " ") for x in textwrap.wrap(
            part, width, break_long_words=False, break_on_hyphens=False, replace_whitespace=False) or [""])
    return lines


def _widths(names: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths that fit ``width``, or None when even the longest words do not."""
    n = len(names)
    natural = [max([len(names[i]), *(len(r[i]) for r in rows)]) for i in range(n)]
    room = width - len(GAP) * (n - 1)
    if sum(natural) <= room:
        return natural
    # first the headers wrap (a column is as wide as its widest cell), then the cells
    cells = [max([_longest_word(names[i]), *(len(r[i]) for r in rows)]) for i in range(n)]
    words = [max([_longest_word(names[i]), *(_longest_word(r[i]) for r in rows)]) for i in range(n)]
    if sum(words) > room:
        return None
    lengths = [sorted(len(r[i]) for r in rows) for i in range(n)]

    def wrapped(j: int) -> int:  # the cells of column j that wrap when it gives one more character
        return len(lengths[j]) - bisect.bisect_right(lengths[j], widths[j] - 1)

    widths = natural[:]
    for least in (cells, words):
        excess = sum(widths) - room
        while excess > 0 and any(w > m for w, m in zip(widths, least, strict=True)):
            # one character at a time from the column where the fewest cells wrap (the widest of those):
            # a long name or description wraps, a column of dates or "vanaf 01-01-2026" stays whole
            i = min((j for j in range(n) if widths[j] > least[j]), key=lambda j: (wrapped(j), -widths[j]))
            widths[i] -= 1
            excess -= 1
    return widths


def _row(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    parts = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(p) for p in parts)
    return [GAP.join((p[k] if k < len(p) else "").ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip()
            for k in range(height)]


def table_lines(names: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = WIDTH) -> list[str]:
    """A table as lines: header, a rule of dashes, the rows. ``width=None`` is the wide table."""
    if width is None:
        widths = [max([len(names[i]), *(len(r[i]) for r in rows)]) for i in range(len(names))]
        return [GAP.join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
                GAP.join("-" * w for w in widths),
                *(GAP.join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)]
    fitted = _widths(names, rows, width)
    if fitted is None:
        out: list[str] = []
        for r in rows:
            if out:
                out.append("")
            out.extend(block_lines(list(zip(names, r, strict=True)), width=width))
        return out
    return [*_row(names, fitted), GAP.join("-" * w for w in fitted), *(line for r in rows for line in _row(r, fitted))]


def block_lines(pairs: Sequence[tuple[str, str]], *, width: int | None = WIDTH, skip_empty: bool = True) -> list[str]:
    """A record as "naam  waarde" lines, the names in one column; a long value wraps under itself."""
    shown = [(n, v) for n, v in pairs if v or not skip_empty]
    if not shown:
        return []
    label = max(len(n) for n, _ in shown)
    indent = " " * (label + len(GAP))
    out: list[str] = []
    for n, v in shown:
        if width is None:
            out.append(f"{n.ljust(label)}{GAP}{v}".rstrip())
            continue
        lines = _wrap(v, max(width - len(indent), 20))
        out.append(f"{n.ljust(label)}{GAP}{lines[0]}".rstrip())
        out.extend(f"{indent}{x}" for x in lines[1:])
    return out


def wrap(text: str, *, indent: str = "", more: str | None = None, width: int | None = WIDTH) -> list[str]:
    """Running text (a finding's message, a title) in lines of ``width``: the first starts with
    ``indent``, the others with ``more`` (default ``indent``)."""
    if width is None:
        return [f"{indent}{text}"]
    rest = indent if more is None else more
    first, *others = _wrap(text, max(width - max(len(indent), len(rest)), 20))
    return [f"{indent}{first}", *(f"{rest}{x}" for x in others)]


def echo(text: str, *, indent: str = "", more: str | None = None) -> None:
    """Print running text wrapped at :data:`WIDTH` (one line with ``--breed``)."""
    click.echo("\n".join(wrap(text, indent=indent, more=more, width=None if is_breed() else WIDTH)))
