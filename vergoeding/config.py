"""Where things are: database, rates, rate card, templates, output settings.

Order of precedence: explicit argument (CLI option) > environment variable > config file
(``vergoeding.toml`` in the working directory, or the file named by
``VERGOEDING_CONFIG``) > the shipped defaults.

Environment: ``VERGOEDING_DB``, ``VERGOEDING_RATES`` (a folder with ``limits/`` and
``ratecard.toml``), ``VERGOEDING_RATE_CARD`` (just the card), ``VERGOEDING_TEMPLATES``,
``VERGOEDING_USER`` (the name written in the audit log).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vergoeding.data.locate import shipped_rates_dir, shipped_templates_dir
from vergoeding.errors import ConfigError

DEFAULT_DB = "vergoeding.db"
CONFIG_FILE = "vergoeding.toml"


@dataclass(frozen=True)
class Settings:
    db: str = DEFAULT_DB  # a path or a SQLAlchemy URL
    rates_dir: Path = field(default_factory=shipped_rates_dir)
    rate_card: Path | None = None  # default: rates_dir / "ratecard.toml"
    templates_dir: Path | None = None  # the organisation's overrides; shipped ones fill gaps
    actor: str = "onbekend"
    extra: dict[str, Any] = field(default_factory=dict)  # [organisation] etc. from the config file
    # True when rates_dir is the organisation's own folder (--rates, VERGOEDING_RATES or
    # [paths] rates); the shipped files then fill in what that folder does not have.
    own_rates: bool = False

    @property
    def limits_dir(self) -> Path:
        """Where the year files are read first, and where a new one belongs."""
        return self.rates_dir / "limits"

    @property
    def limits_fallback(self) -> Path | None:
        """The shipped year files, for the years the organisation's folder does not have."""
        shipped = shipped_rates_dir() / "limits"
        if not self.own_rates or shipped.resolve() == self.limits_dir.resolve():
            return None
        return shipped

    @property
    def rate_card_path(self) -> Path:
        if self.rate_card:
            return self.rate_card
        own = self.rates_dir / "ratecard.toml"
        if self.own_rates and not own.is_file():
            return shipped_rates_dir() / "ratecard.toml"  # the shipped example card as fallback
        return own

    @property
    def shipped_templates(self) -> Path:
        return shipped_templates_dir()


def _read_config(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    env = os.environ.get("VERGOEDING_CONFIG")
    candidate = path or (Path(env) if env else Path.cwd() / CONFIG_FILE)
    if not candidate.is_file():
        if path or env:
            raise ConfigError(f"configuratiebestand niet gevonden: {candidate}")
        return {}, None
    import tomllib  # only when there is a config file to read (start-up: see cli.py)

    try:
        return tomllib.loads(candidate.read_text(encoding="utf-8")), candidate
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{candidate}: geen geldige TOML: {exc}") from None


def load_settings(
    *,
    db: str | None = None,
    rates: str | Path | None = None,
    rate_card: str | Path | None = None,
    templates: str | Path | None = None,
    config: str | Path | None = None,
) -> Settings:
    cfg, cfg_path = _read_config(Path(config) if config else None)
    paths = cfg.get("paths", {})
    base = cfg_path.parent if cfg_path else Path.cwd()

    def pick(arg: Any, env: str, key: str) -> Any:
        if arg not in (None, ""):
            return arg
        if os.environ.get(env):
            return os.environ[env]
        if key in paths:
            v = str(paths[key])
            return v if "://" in v else str((base / v).resolve())
        return None

    rates_v = pick(rates, "VERGOEDING_RATES", "rates")
    card_v = pick(rate_card, "VERGOEDING_RATE_CARD", "rate_card")
    tmpl_v = pick(templates, "VERGOEDING_TEMPLATES", "templates")
    rates_dir = Path(rates_v) if rates_v else shipped_rates_dir()
    if not rates_dir.is_dir():
        raise ConfigError(f"map met tarieven niet gevonden: {rates_dir}")
    if tmpl_v and not Path(tmpl_v).is_dir():
        raise ConfigError(f"map met sjablonen niet gevonden: {tmpl_v}")
    try:
        who = os.environ.get("VERGOEDING_USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        who = "onbekend"
    return Settings(
        db=pick(db, "VERGOEDING_DB", "db") or DEFAULT_DB,
        rates_dir=rates_dir,
        rate_card=Path(card_v) if card_v else None,
        templates_dir=Path(tmpl_v) if tmpl_v else None,
        actor=who,
        extra={k: v for k, v in cfg.items() if k != "paths"},
        own_rates=bool(rates_v),
    )
