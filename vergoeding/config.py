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
        if (path or env) and candidate.exists():
            raise ConfigError(f"configuratiebestand {candidate} is geen gewoon bestand (een map, apparaat of pipe)")
        if path or env:
            raise ConfigError(f"configuratiebestand niet gevonden: {candidate}")
        return {}, None
    import tomllib  # only when there is a config file to read (start-up: see cli.py)

    from vergoeding.inputs import read_input

    try:
        raw = read_input(candidate, what="configuratiebestand")
    except OSError as exc:
        from vergoeding.failures import os_reason

        raise ConfigError(f"configuratiebestand {candidate}: {os_reason(exc)}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{candidate}, regel {line}: geen UTF-8-tekst; sla het bestand op als UTF-8") from None
    try:
        return tomllib.loads(text), candidate
    except tomllib.TOMLDecodeError as exc:
        from vergoeding.data.tomlpos import toml_problem

        raise ConfigError(f"{candidate}: geen geldige TOML ({toml_problem(exc)})") from None


_PATH_KEYS = ("db", "rates", "rate_card", "templates")


def _paths_table(cfg: dict[str, Any], source: Path | None) -> dict[str, str]:
    """``[paths]``: a table of texts (``paths = "db"`` or ``paths = ["db"]`` was a traceback)."""
    paths = cfg.get("paths", {})
    if not isinstance(paths, dict):
        raise ConfigError(f"{source}: 'paths' moet een tabel zijn, bijvoorbeeld\n[paths]\ndb = \"vergoeding.db\"")
    for key, value in paths.items():
        if key not in _PATH_KEYS:
            raise ConfigError(f"{source}: [paths] {key}: onbekende sleutel (toegestaan: {', '.join(_PATH_KEYS)})")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: [paths] {key} moet een pad als tekst zijn, bijvoorbeeld {key} = "
                              f"\"{'vergoeding.db' if key == 'db' else 'map'}\"")
    return paths


def load_settings(
    *,
    db: str | None = None,
    rates: str | Path | None = None,
    rate_card: str | Path | None = None,
    templates: str | Path | None = None,
    config: str | Path | None = None,
) -> Settings:
    cfg, cfg_path = _read_config(Path(config) if config else None)
    paths = _paths_table(cfg, cfg_path)
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
