"""Shared fixtures. Tests never depend on the developer's environment: every
``VERGOEDING_*`` variable is removed for each CliRunner invocation.

Two backends. By default every test's database is a SQLite file under ``tmp_path``. With
``VERGOEDING_TEST_PG`` set to a PostgreSQL server URL with a role that may create databases
(``postgresql+psycopg://postgres@127.0.0.1:5433/postgres``; ``make test`` starts a
throwaway server and sets it), the same tests run against PostgreSQL: every database path a
test uses (a ``tmp_path`` file, ``VERGOEDING_DB``, the demo's ``vergoeding.db``) is mapped to
a database of its own on that server, cloned from a migrated template (``CREATE DATABASE ...
TEMPLATE``, a few milliseconds) and dropped after the test. The mapping replaces
``vergoeding.store.db.db_url`` for the test; a test that hands a database to another process
passes :func:`db_target` (the URL) instead of the path.

Markers: ``sqlite_only`` (query plans, PRAGMA, file errors: skipped on PostgreSQL),
``pg_empty`` (the test's databases start EMPTY instead of migrated, for migration tests),
``no_database`` (the test never opens a database: it would run the same twice, so it runs in
the SQLite suite only; there it fails when it opens one after all, see
:func:`_no_database_guard`).
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine

from vergoeding.__main__ import load_cli
from vergoeding.store import db as store_db

REPO = Path(__file__).resolve().parent.parent
RATES = REPO / "rates"
PG = os.environ.get("VERGOEDING_TEST_PG", "").strip()
BACKEND = "postgresql" if PG else "sqlite"
if PG:
    # A hang guard for PostgreSQL lock waits (the tool itself waits as long as another holds
    # a lock; so does a user's shell): a test whose connections wait on each other fails with
    # "lock timeout" after 2 minutes instead of waiting until pytest-timeout ends the run.
    # libpq reads PGOPTIONS, so the commands a test starts as subprocesses get it too.
    os.environ["PGOPTIONS"] = (os.environ.get("PGOPTIONS", "") + " -c lock_timeout=120s").strip()
_ORIGINAL_DB_URL = store_db.db_url


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_database: opens no database (subprocesses get clean_env): runs in the "
                                       "SQLite suite only")


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {BACKEND}" + (f" ({store_db.safe_url(PG)})" if PG else "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG:
        return
    skip = pytest.mark.skip(reason="SQLite-specifiek (query plan, PRAGMA of bestandsfout)")
    once = pytest.mark.skip(reason="opent geen database: draait alleen in de SQLite-suite")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)
        elif "no_database" in item.keywords:
            item.add_marker(once)


@pytest.fixture(autouse=True)
def _no_database_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked ``no_database`` (skipped on PostgreSQL) fails when it opens a database
    connection in this process after all (any SQLAlchemy engine, or sqlite3 directly): it
    would then need its PostgreSQL run. Its subprocesses get ``clean_env()``, which names no
    PostgreSQL database."""
    if request.node.get_closest_marker("no_database") is None:
        yield
        return
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    opened: list[str] = []

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        opened.append(type(dbapi_connection).__module__)

    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        opened.append(f"sqlite3.connect{args[:1]}")
        return real_connect(*args, **kwargs)

    event.listen(Pool, "connect", on_connect)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sqlite3, "connect", connect)
        try:
            yield
        finally:
            event.remove(Pool, "connect", on_connect)
    assert not opened, f"{request.node.nodeid} is marked no_database but opened a database: {opened}"


class _Ahead(threading.Thread):
    """Clones of the template made AHEAD and databases of finished tests dropped, on a
    connection of its own, while the tests run: a clone costs the server two checkpoints
    and a copy of the template's files, which the test would otherwise wait for, and so
    does a drop (one checkpoint). Up to ``ahead`` clones wait ready; a drop goes first."""

    def __init__(self, server: _Server, ahead: int = 2) -> None:
        super().__init__(name="pg-clones-ahead", daemon=True)
        self.server = server
        self.ready: queue.Queue[str] = queue.Queue(maxsize=ahead)
        self.drops: queue.Queue[str] = queue.Queue()
        self.wake = threading.Event()
        self.stopping = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.server.connect() as conn:
                while True:
                    self.wake.wait()
                    self.wake.clear()
                    while not self.drops.empty():
                        conn.execute(f'DROP DATABASE IF EXISTS "{self.drops.get()}" WITH (FORCE)')
                    if self.stopping:
                        return
                    while not self.ready.full() and self.drops.empty():
                        name = self.server.new_name()
                        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.server.template}" STRATEGY FILE_COPY')
                        self.ready.put(name)
        except BaseException as exc:  # noqa: BLE001 - reported by take(); the tests go on without it
            self.error = exc

    def take(self) -> str | None:
        """A ready clone, or None when this thread has stopped (the caller clones itself)."""
        while self.error is None and self.is_alive():
            self.wake.set()
            try:
                name = self.ready.get(timeout=1)
            except queue.Empty:
                continue
            self.wake.set()
            return name
        return None

    def drop(self, name: str) -> bool:
        if self.error is not None or not self.is_alive():
            return False
        self.drops.put(name)
        self.wake.set()
        return True

    def finish(self) -> list[str]:
        """Stop after the pending drops; the clones that were never used (the caller drops them)."""
        self.stopping = True
        self.wake.set()
        self.join(timeout=HANG_GUARD)
        left = []
        while not self.ready.empty():
            left.append(self.ready.get())
        while not self.drops.empty():
            left.append(self.drops.get())
        return left


class _Server:
    """The PostgreSQL server of the test run: a template database with the newest schema,
    and fresh databases cloned from it (or from template0: empty).

    Every database path is mapped to a database of its own for the whole session (a
    module-scoped fixture and its tests see the same one). A database first used inside a
    test is dropped after that test; one made by a wider fixture at the end of the session.
    Clones of the template are made ahead and drops done behind the tests (:class:`_Ahead`)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.prefix = f"vgt{os.getpid()}"
        self.counter = itertools.count(1)
        self.template = f"{self.prefix}_tpl"
        self._admin: Any = None
        self.mapped: dict[str, str] = {}
        self.session_made: list[str] = []
        self.test_made: list[str] | None = None  # paths first used by the running test
        self.empty = False
        self.ahead: _Ahead | None = None

    def connect(self) -> Any:
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(conninfo, autocommit=True)

    def admin(self) -> Any:
        if self._admin is None:
            self._admin = self.connect()
        return self._admin

    def new_name(self) -> str:
        return f"{self.prefix}_{next(self.counter)}"

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def db_url(self, value: str | Path) -> str:
        """The replacement of ``vergoeding.store.db.db_url``: a path -> its own database."""
        s = str(value)
        if "://" in s:
            return s
        key = str(Path(s).expanduser().resolve())
        if key not in self.mapped:
            name = None if self.empty or self.ahead is None else self.ahead.take()
            if name is None:
                name = self.new_name()
                template = "template0" if self.empty else self.template
                # FILE_COPY: a plain copy of the small template, 2-3x faster than WAL_LOG here
                self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
            self.mapped[key] = name
            (self.session_made if self.test_made is None else self.test_made).append(key)
        return self.url_of(self.mapped[key])

    def drop(self, name: str) -> None:
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_paths(self, keys: list[str]) -> None:
        for key in keys:
            name = self.mapped.pop(key)
            if self.ahead is None or not self.ahead.drop(name):
                self.drop(name)

    def start(self) -> None:
        self.drop(self.template)
        self.admin().execute(f'CREATE DATABASE "{self.template}" TEMPLATE template0')
        engine = store_db.make_engine(self.url_of(self.template))
        store_db.migrate(engine)
        engine.dispose()
        self.ahead = _Ahead(self)
        self.ahead.start()

    def stop(self) -> None:
        if self.ahead is not None:
            for name in self.ahead.finish():
                self.drop(name)
            self.ahead = None
        self.drop_paths(list(self.mapped))
        self.drop(self.template)
        if self._admin is not None:
            self._admin.close()


@pytest.fixture(scope="session", autouse=True)
def _pg_server() -> Iterator[_Server | None]:
    if not PG:
        yield None
        return
    server = _Server(PG)
    server.start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_db, "db_url", server.db_url)
        yield server
    server.stop()


@pytest.fixture(autouse=True)
def _database_backend(request: pytest.FixtureRequest, _pg_server: _Server | None) -> Iterator[None]:
    """On PostgreSQL: the databases this test is the first to use are fresh and dropped after."""
    if _pg_server is None:
        yield
        return
    server = _pg_server
    server.empty = request.node.get_closest_marker("pg_empty") is not None
    server.test_made = []
    try:
        yield
    finally:
        made, server.test_made, server.empty = server.test_made, None, False
        server.drop_paths(made)


def db_target(path: Path | str) -> str:
    """What to give another process (``VERGOEDING_DB``, a worker) for the database at
    ``path``: the path itself on SQLite, the test's own PostgreSQL URL on PostgreSQL."""
    return store_db.db_url(path) if PG else str(path)


def db_engine(path: Path | str) -> Engine:
    """A plain engine (no migration) on the test database at ``path`` (either backend)."""
    return create_engine(store_db.db_url(path))

# A hang guard for subprocesses and queues, not a speed requirement: far beyond anything a
# busy machine needs (the slowest single step, building the wheel, takes ~10 s on an idle
# machine), it only turns a deadlock into a failure instead of a CI run that never ends. It
# stays below pytest-timeout's limit (pyproject.toml, 600 s): a stuck child fails its own
# test by name and the suite goes on, instead of pytest-timeout ending the whole run. Tests
# assert behaviour, never time (timing lives in `make bench`, as ratios).
HANG_GUARD = 300  # seconds


def clean_env(**extra: str) -> dict[str, str]:
    """``os.environ`` without any ``VERGOEDING_*`` variable, plus ``extra`` (for subprocesses)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERGOEDING_")}
    env.update(extra)
    return env


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a fresh SQLite database (the file does not exist yet)."""
    return tmp_path / "vergoeding.db"


@pytest.fixture
def cli() -> click.Group:
    """The root click group, loaded the way the console script loads it."""
    group = load_cli().cli
    assert isinstance(group, click.Group)
    return group


@pytest.fixture
def runner(tmp_db: Path) -> CliRunner:
    """A CliRunner with separate ``result.stdout`` / ``result.stderr`` (click 8.2+), the
    ``VERGOEDING_*`` environment cleared and the database pointed at ``tmp_db``."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    return CliRunner(env={**unset, "VERGOEDING_DB": str(tmp_db)})


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """``vergoeding demo --out DIR`` run ONCE per test session (VERGOEDING_TODAY 2026-11-15;
    the demo pins its own dates): (DIR, the click result). Its output is what
    tests/test_demo.py checks, its database what tests/test_plain_dutch.py reads. Read only:
    a test that changes the demo's database builds its own (a demo build is ~15 s of CPU)."""
    out = tmp_path_factory.mktemp("demo") / "d"
    r = CliRunner().invoke(load_cli().cli, ["demo", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-11-15"})
    assert r.exit_code == 0, r.output
    return out, r


@pytest.fixture(scope="session")
def ubl_rules():  # type: ignore[no-untyped-def]
    """The UBL 2.1 XSD and the official e-invoice rule sets (CEN, Peppol, NLCIUS), compiled
    once per test session (a few seconds) and shared by every test that validates UBL."""
    from einvoice_rules import UblRules

    rules = UblRules()
    yield rules
    rules.close()
