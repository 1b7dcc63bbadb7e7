"""Where the shipped rates and templates are, in a checkout and in an installed wheel.

In the repository they sit at the top (``rates/``, ``templates/``, next to ``cli.py``). The
wheel moves them inside the package as ``vergoeding/_rates`` and ``vergoeding/_templates``
(pyproject.toml, ``force-include``) so that nothing installed claims a top-level name.
"""

from __future__ import annotations

from pathlib import Path

from vergoeding.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_dir(name: str) -> Path:
    """``rates`` or ``templates``: inside the installed package, else in the checkout."""
    inside = PACKAGE_DIR / f"_{name}"
    if inside.is_dir():
        return inside
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir() and (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return checkout
    raise ConfigError(f"de meegeleverde map {name!r} is niet gevonden (gezocht: {inside}, {checkout})")


def shipped_rates_dir() -> Path:
    return shipped_dir("rates")


def shipped_templates_dir() -> Path:
    return shipped_dir("templates")


def limit_files(limits_dir: Path, fallback: Path | None = None) -> list[Path]:
    """The files :func:`load_limits` reads (for the cache key)."""
    files = sorted(limits_dir.glob("*.toml")) if limits_dir.is_dir() else []
    own = {p.name for p in files}
    if fallback is not None and fallback.is_dir():
        files += [p for p in sorted(fallback.glob("*.toml")) if p.name not in own]
    return files
