"""Cell references as Excel writes them (``B12``), without openpyxl."""

from __future__ import annotations


def column_letter(n: int) -> str:
    """1 -> ``A``, 28 -> ``AB``, 16384 -> ``XFD``."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"
