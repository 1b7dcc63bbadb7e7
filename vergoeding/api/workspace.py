"""A workspace bundles settings with the lazily loaded limits, rate card and database.

Creating one is cheap: SQLAlchemy, the limits loader (pydantic) and the rate card are
imported when first used, so that ``vergoeding --help`` and friends start fast. The loaded
limits and rate card come from a cache keyed on the files' bytes and the code
(:mod:`vergoeding.data.cache`), so that a command that only reads skips pydantic too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vergoeding.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from vergoeding.core.limits import LimitsBook
    from vergoeding.core.rates import RateCard


@dataclass
class Workspace:
    settings: Settings
    _cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def limits(self) -> LimitsBook:
        from vergoeding.data.cache import cached

        def load() -> LimitsBook:
            from vergoeding.data.limits import load_limits

            return load_limits(self.settings.limits_dir, self.settings.limits_fallback,
                               own=self.settings.own_rates)

        return cached("limits", self._limit_files(), load, extra=f"{self.settings.limits_dir}|{self.settings.own_rates}".encode())

    @cached_property
    def ratecard(self) -> RateCard:
        from vergoeding.data.cache import cached, digest

        def load() -> RateCard:
            from vergoeding.data.ratecard import load_ratecard

            return load_ratecard(self.settings.rate_card_path, self.limits)

        self.limits  # noqa: B018 - loaded first (as before); the card is checked against them
        try:
            extra = digest(self._limit_files())
        except OSError:
            return load()
        return cached("ratecard", [self.settings.rate_card_path], load, extra=extra)

    def _limit_files(self) -> list[Path]:
        from vergoeding.data.locate import limit_files

        return limit_files(self.settings.limits_dir, self.settings.limits_fallback)

    @cached_property
    def engine(self) -> Engine:
        """The database: a SQLite file is migrated to the newest schema on first use; a
        PostgreSQL database must be at this program's version (``vergoeding db upgrade``)."""
        from sqlalchemy.exc import DBAPIError

        from vergoeding.store import db as store_db
        from vergoeding.store.db import connection_error, make_engine, open_checked
        from vergoeding.store.identity import refuse_special

        refuse_special(str(self.settings.db))  # ':memory:', 'file:v.db?mode=ro': never a file of that name
        url = store_db.db_url(self.settings.db)  # (module attribute: the tests map paths to PostgreSQL)
        engine = make_engine(url)
        try:
            open_checked(engine)
        except DBAPIError as exc:
            engine.dispose()
            if engine.dialect.name == "sqlite":
                raise  # a file's failures are explained by vergoeding.failures (the CLI wrapper)
            raise connection_error(url, exc) from None
        except BaseException:
            engine.dispose()
            raise
        return engine

    def require_database(self) -> None:
        """A command that only reads refuses a SQLite file that does not exist, instead of
        creating an empty database and reporting that nothing is there."""
        value = str(self.settings.db)
        from vergoeding.store.identity import refuse_special

        refuse_special(value)
        if value.startswith("sqlite:///"):
            value = value.removeprefix("sqlite:///")
        elif "://" in value or value in ("", ":memory:") or value.endswith(("/", "\\")):
            return  # a URL, or a path ending in '/': the database layer names that problem itself
        from vergoeding.store import db as store_db

        if not store_db.db_url(value).startswith("sqlite:"):
            return  # the path names a server database (the test suite maps paths to PostgreSQL)
        path = Path(value).expanduser()
        if not path.exists():
            from vergoeding.errors import ConfigError

            raise ConfigError(
                f"database {path} bestaat niet. Controleer --db (of VERGOEDING_DB), of maak een nieuwe "
                f"database met 'vergoeding --db {path} db init' (of een voorbeeld met 'vergoeding demo')."
            )

    @property
    def actor(self) -> str:
        return self.settings.actor

    def as_actor(self, actor: str) -> Workspace:
        """The same administration (engine, limits and rate card shared, not reopened) with
        another actor for the audit log: the portal's request on behalf of an account. Close
        only the original."""
        from dataclasses import replace

        other = Workspace(replace(self.settings, actor=actor), self._cache)
        for name in ("engine", "limits", "ratecard"):
            if name in self.__dict__:
                other.__dict__[name] = self.__dict__[name]
        return other

    def reading(self) -> Workspace:
        """The same administration for reading only: its engine is
        :func:`vergoeding.store.db.reader` of this one (on SQLite no lock, so readers never
        wait for each other). The portal's pages read through it; never write through it."""
        from vergoeding.store.db import reader

        known = self.__dict__.get("_reading")
        if known is not None:
            return known  # type: ignore[no-any-return]
        other = self.as_actor(self.actor)
        base, eng = self._cache.get("reader", (None, None))
        if base is not self.engine:
            base, eng = self._cache["reader"] = (self.engine, reader(self.engine))
        other.__dict__["engine"] = eng
        other.__dict__["_reading"] = other
        self.__dict__["_reading"] = other
        return other

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.__dict__["engine"].dispose()


def open_workspace(**kwargs: Any) -> Workspace:
    """``open_workspace(db=..., rates=..., rate_card=..., templates=..., config=...)``."""
    return Workspace(load_settings(**kwargs))
