"""Operating the database on both backends (issue 12): ``db init`` / ``db upgrade``, the
schema-newer-than-program refusal, one transaction per migration, connection errors without
the password, the audit log's database user, long self-billing numbers, and ``db copy`` of
the demo administration (on the PostgreSQL run: SQLite -> PostgreSQL) with matching counts
and money totals."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import pytest
from builders import engagement, entry, expert, new_engine, org
from conftest import BACKEND, PG, db_engine
from invoicing_data import ISSUE, workspace
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.engine import make_url

from vergoeding.api import database as dbapi
from vergoeding.core.money import from_cents
from vergoeding.core.period import parse_period
from vergoeding.errors import RuleViolation
from vergoeding.render.formatting import euro
from vergoeding.store import db as store_db
from vergoeding.store import schema as s
from vergoeding.store.db import current_version, migrate, now_utc
from vergoeding.store.migrations import LATEST, MIGRATIONS, Migration


def _version(path: Path) -> int:
    engine = db_engine(path)
    with engine.connect() as c:
        v = current_version(c)
    engine.dispose()
    return v


# --- init / upgrade / newer schema -----------------------------------------------------------


@pytest.mark.pg_empty
def test_db_init_creates_every_table_once(runner, cli, tmp_db: Path) -> None:
    r = runner.invoke(cli, ["db", "init"])
    assert r.exit_code == 0, r.output
    assert f"tabellen aangemaakt (schemaversie {LATEST})" in r.stdout
    assert _version(tmp_db) == LATEST
    again = runner.invoke(cli, ["db", "init"])
    assert again.exit_code == 1
    assert f"heeft al tabellen (schemaversie {LATEST}); gebruik 'vergoeding db upgrade'" in again.stderr


@pytest.mark.pg_empty
def test_upgrade_dry_run_lists_pending_steps_and_changes_nothing(runner, cli, tmp_db: Path) -> None:
    engine = new_engine_at(tmp_db, MIGRATIONS[:4])
    engine.dispose()
    r = runner.invoke(cli, ["db", "upgrade", "--dry-run"])
    assert r.exit_code == 0, r.output
    assert f"schemaversie 4 -> {LATEST}. Nog uit te voeren:" in r.stdout
    assert ". invoice numbers and series keys up to 120 characters\n" in r.stdout
    assert "  9. audit rows record the database user\n" in r.stdout
    for number, description, _ in MIGRATIONS[4:]:
        assert f"  {number}. {description}\n" in r.stdout
    assert "Er is niets gewijzigd (--dry-run)." in r.stdout
    assert _version(tmp_db) == 4
    r = runner.invoke(cli, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    assert "Uitgevoerd:" in r.stdout and _version(tmp_db) == LATEST
    r = runner.invoke(cli, ["db", "upgrade"])
    assert f"is bij (schemaversie {LATEST}); er is niets te doen." in r.stdout


def new_engine_at(path: Path, steps: list[Migration]):  # noqa: ANN201
    engine = store_db.make_engine(store_db.db_url(path))
    assert migrate(engine, steps) == steps[-1][0]
    return engine


@pytest.mark.pg_empty
def test_shared_database_is_not_upgraded_behind_the_administrators_back(runner, cli, tmp_db: Path) -> None:
    """PostgreSQL: a command on an empty or older database refuses and names the command to
    run; SQLite (one user's file) is upgraded on first use, as before."""
    new_engine_at(tmp_db, MIGRATIONS[:3]).dispose()
    r = runner.invoke(cli, ["org", "list"])
    if BACKEND == "sqlite":
        assert r.exit_code == 0, r.output
        assert _version(tmp_db) == LATEST
    else:
        assert r.exit_code == 1
        assert f"heeft schemaversie 3, dit programma versie {LATEST}" in r.stderr
        assert "'vergoeding db upgrade'" in r.stderr and "Traceback" not in r.output
        assert _version(tmp_db) == 3


def test_database_newer_than_program_is_refused(runner, cli, tmp_db: Path) -> None:
    engine = new_engine(tmp_db)
    with engine.begin() as c:
        c.execute(s.schema_version.insert().values(version=LATEST + 1, applied_at=now_utc(),
                                                   description="from the future"))
        org(c, "EIGEN", kind="own")
    engine.dispose()
    for args in (["org", "list"], ["db", "upgrade"], ["db", "upgrade", "--dry-run"]):
        r = runner.invoke(cli, args)
        assert r.exit_code == 1, (args, r.output)
        assert f"heeft schemaversie {LATEST + 1}, dit programma kent tot versie {LATEST}" in r.stderr
        assert "Werk vergoeding bij" in r.stderr and "Traceback" not in r.output
    assert _version(tmp_db) == LATEST + 1


@pytest.mark.pg_empty
def test_a_failing_migration_leaves_the_previous_version(tmp_db: Path) -> None:
    def broken(conn: Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")

    engine = store_db.make_engine(store_db.db_url(tmp_db))
    with pytest.raises(Exception, match="no_such_table"):
        migrate(engine, [*MIGRATIONS[:2], (3, "broken", broken)])
    with engine.connect() as c:
        assert current_version(c) == 2
        assert "half_done" not in inspect(c).get_table_names()
    assert migrate(engine) == LATEST
    engine.dispose()


# --- connection errors -----------------------------------------------------------------------


def test_unreachable_server_is_a_clear_message_without_the_password(runner, cli) -> None:
    url = "postgresql+psycopg://anna:Geheim-4711@127.0.0.1:1/vergoeding"
    r = runner.invoke(cli, ["--db", url, "org", "list"])
    assert r.exit_code == 1
    assert r.stderr == ("fout: database postgresql+psycopg://anna:***@127.0.0.1:1/vergoeding: de databaseserver "
                        "is niet bereikbaar; controleer host, poort en of de server draait. Er is niets gewijzigd.\n")
    assert "Geheim-4711" not in r.output
    r = runner.invoke(cli, ["--db", url, "db", "upgrade", "--dry-run"])
    assert r.exit_code == 1 and "niet bereikbaar" in r.stderr and "Geheim-4711" not in r.output


@pytest.mark.skipif(not PG or not make_url(PG or "sqlite://").password,
                    reason="needs a PostgreSQL server with password authentication")
def test_wrong_password_is_a_clear_message_without_the_password(runner, cli) -> None:
    url = make_url(PG).set(password="Fout-wachtwoord-99").render_as_string(hide_password=False)
    r = runner.invoke(cli, ["--db", url, "org", "list"])
    assert r.exit_code == 1
    assert "gebruikersnaam of wachtwoord onjuist" in r.stderr, r.stderr
    assert "Fout-wachtwoord-99" not in r.output and "***" in r.stderr


# --- who did what ----------------------------------------------------------------------------


def test_audit_log_records_the_database_user_and_vergoeding_user(runner, cli, tmp_db: Path) -> None:
    r = runner.invoke(cli, ["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Ervaring Werkt"],
                      env={"VERGOEDING_USER": "Anna de Vries"})
    assert r.exit_code == 0, r.output
    engine = db_engine(tmp_db)
    with engine.connect() as c:
        row = c.execute(select(s.audit_log.c.actor, s.audit_log.c.db_user)).one()
        expected = getpass.getuser() if BACKEND == "sqlite" else c.execute(text("SELECT session_user")).scalar()
    engine.dispose()
    assert row.actor == "Anna de Vries"
    assert row.db_user == expected and row.db_user
    shown = runner.invoke(cli, ["audit", "--format", "json"])
    assert '"db_user": "' + str(expected) + '"' in shown.stdout.replace(": \"", ": \"")


# --- column sizes ----------------------------------------------------------------------------


def test_self_billing_number_for_a_long_expert_code_is_stored_whole(tmp_path: Path) -> None:
    """``ZF{year}-{expert}-{seq:03d}`` with a 40-character expert code is 51 characters: more
    than the old varchar(40) (PostgreSQL refused it, SQLite stored it silently)."""
    from vergoeding.api import invoices as api

    code = "E" + "X" * 39
    engine = new_engine(tmp_path / "db.sqlite")
    with engine.begin() as c:
        org(c, "EIGEN", kind="own", name="Stichting Ervaring Werkt")
        org(c, "GEM")
        expert(c, code, kvk="87654321", vat_id="NL001234567B01", email="lang@example.nl")
        engagement(c, "G1", code, "GEM", role="trainer", regime="zzp", unit="uur", expert_rate="60.00",
                   client_rate="80.00", self_billing=True)
        entry(c, "G1", date(2026, 10, 6), minutes=60)
    engine.dispose()
    inv = api.create_expert_invoice(workspace(tmp_path / "db.sqlite"), code, parse_period("2026-10"),
                                    issue_date=ISSUE, self_billing=True)
    assert inv.number == f"ZF2026-{code}-001" and len(inv.number) == 51
    engine = db_engine(tmp_path / "db.sqlite")
    with engine.connect() as c:
        assert c.execute(select(s.invoices.c.number).where(s.invoices.c.id == inv.id)).scalar_one() == inv.number
    engine.dispose()


def test_a_number_longer_than_the_column_is_refused_before_the_database(tmp_path: Path) -> None:
    from vergoeding.store import invoices as store

    engine = new_engine(tmp_path / "db.sqlite")
    with pytest.raises(RuleViolation, match="langer dan 120 tekens"), engine.begin() as c:
        store.take_number(c, "factuur", "{expert}{expert}{expert}-{seq:04d}", year=2026, expert="E" + "X" * 39)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(s.invoice_series)).scalar_one() == 0
    engine.dispose()


# --- copy ------------------------------------------------------------------------------------


def _totals(path_or_url: str) -> dict[str, tuple[int, dict[str, int]]]:
    engine = store_db.make_engine(path_or_url)
    out = {}
    with engine.connect() as c:
        for t in s.metadata.sorted_tables:
            cols = [col for col in t.columns if col.name.endswith("_cents")]
            row = c.execute(select(func.count(), *(func.coalesce(func.sum(col), 0) for col in cols))
                            .select_from(t)).one()
            out[t.name] = (int(row[0]), {col.name: int(v) for col, v in zip(cols, row[1:], strict=True)})
    engine.dispose()
    return out


def test_copy_demo_administration_keeps_counts_and_money(tmp_path: Path, runner, cli, demo_run,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo is built in a SQLite FILE (also on the PostgreSQL run) and copied to the test's
    database: SQLite -> PostgreSQL on the PostgreSQL run, SQLite -> SQLite otherwise. On the
    SQLite run the session's demo (conftest.demo_run) is that file: the copy only reads it."""
    if PG:
        mapped = store_db.db_url
        monkeypatch.setattr(store_db, "db_url", conftest_original_db_url())
        demo = runner.invoke(cli, ["demo", "--out", str(tmp_path / "demo")], env={"VERGOEDING_TODAY": "2026-11-02"})
        assert demo.exit_code == 0, demo.output
        monkeypatch.setattr(store_db, "db_url", mapped)
        demo_dir = tmp_path / "demo"
    else:
        demo_dir = demo_run[0]
    source = f"sqlite:///{demo_dir / 'vergoeding.db'}"
    target = store_db.db_url(tmp_path / "copy.db")
    assert target.startswith("postgresql" if PG else "sqlite")

    r = runner.invoke(cli, ["db", "copy", "--from", source, "--to", target])
    assert r.exit_code == 0, r.output
    before, after = _totals(source), _totals(target)
    del before["schema_version"], after["schema_version"]
    assert after == before
    assert before["invoices"][0] >= 10 and before["entries"][0] >= 300 and before["invoices"][1]["total_cents"] > 0
    assert f"invoices: {before['invoices'][0]} rijen" in r.stdout
    assert "Alle aantallen en bedragen kloppen." in r.stdout
    total = euro(from_cents(before["invoices"][1]["total_cents"]))
    assert f"total_cents {total}" in r.stdout  # e.g. "€ 24.865,83"

    # the copy is a working administration: same listing, and new rows get new ids
    listing = [runner.invoke(cli, ["--db", db, "invoice", "list", "--format", "json"]).stdout
               for db in (source, target)]
    assert listing[0] == listing[1] and "2026-0006" in listing[0]
    add = runner.invoke(cli, ["--db", target, "org", "add", "--code", "NIEUW", "--name", "Nieuwe klant"])
    assert add.exit_code == 0, add.output

    # a second copy into the now non-empty target is refused and changes nothing
    again = runner.invoke(cli, ["db", "copy", "--from", source, "--to", target])
    assert again.exit_code == 1 and "is niet leeg" in again.stderr
    assert _totals(target)["invoices"] == after["invoices"]


def conftest_original_db_url():  # noqa: ANN201
    import conftest

    return conftest._ORIGINAL_DB_URL


def test_copy_refuses_the_same_database(tmp_path: Path) -> None:
    new_engine(tmp_path / "a.db").dispose()
    with pytest.raises(RuleViolation, match="dezelfde database"):
        dbapi.copy(str(tmp_path / "a.db"), str(tmp_path / "a.db"))


# --- least privilege (docs/SHARED-DATABASE.md, section 1) ------------------------------------


@pytest.mark.skipif(not PG, reason="PostgreSQL roles")
def test_the_documented_roles_work_with_least_privilege(runner, cli) -> None:
    """The recipe of docs/SHARED-DATABASE.md: the administrator creates the tables as the
    owner; the everyday role writes rows (and is named in the audit log) but cannot change or
    drop tables."""
    import os

    import psycopg
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ProgrammingError

    server = make_url(PG)
    tag = f"t{os.getpid()}"
    owner, beheer, app, dbname = f"vg_owner_{tag}", f"vg_beheer_{tag}", f"vg_app_{tag}", f"vg_roles_{tag}"
    admin = psycopg.connect(server.set(drivername="postgresql").render_as_string(hide_password=False),
                            autocommit=True)

    def url(user: str, password: str, **query: str) -> str:
        return server.set(username=user, password=password, database=dbname, query=query).render_as_string(
            hide_password=False)

    try:
        admin.execute(f"CREATE ROLE {owner} NOLOGIN")
        admin.execute(f"CREATE ROLE {beheer} LOGIN PASSWORD 'beheer-pw' IN ROLE {owner}")
        admin.execute(f"CREATE ROLE {app} LOGIN PASSWORD 'app-pw'")
        admin.execute(f"CREATE DATABASE {dbname} OWNER {owner}")
        with psycopg.connect(server.set(drivername="postgresql", database=dbname).render_as_string(
                hide_password=False), autocommit=True) as c:
            for sql in ("REVOKE ALL ON SCHEMA public FROM PUBLIC", f"ALTER SCHEMA public OWNER TO {owner}",
                        f"GRANT USAGE ON SCHEMA public TO {app}",
                        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
                        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                        f"GRANT USAGE, SELECT ON SEQUENCES TO {app}"):
                c.execute(sql)
        as_beheer = url(beheer, "beheer-pw", options=f"-c role={owner}")
        as_app = url(app, "app-pw")
        r = runner.invoke(cli, ["--db", as_app, "org", "list"])
        assert r.exit_code == 1 and "is nog leeg: maak de tabellen met 'vergoeding db init'" in r.stderr
        r = runner.invoke(cli, ["--db", as_beheer, "db", "init"])
        assert r.exit_code == 0, r.output
        r = runner.invoke(cli, ["--db", as_app, "org", "add", "--own", "--code", "EIGEN", "--name", "Stichting"],
                          env={"VERGOEDING_USER": "Anna"})
        assert r.exit_code == 0, r.output
        engine = create_engine(as_app)
        with engine.connect() as c:
            assert tuple(c.execute(select(s.audit_log.c.actor, s.audit_log.c.db_user)).one()) == ("Anna", app)
        with pytest.raises(ProgrammingError, match="must be owner|permission denied"), engine.begin() as c:
            c.execute(text("DROP TABLE entries"))
        engine.dispose()
        # the app role cannot upgrade a schema: the message says so instead of a traceback
        r = runner.invoke(cli, ["--db", as_app, "db", "init"])
        assert r.exit_code == 1 and "heeft al tabellen" in r.stderr and "app-pw" not in r.output
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        for role in (app, beheer, owner):
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def test_text_longer_than_its_column_is_refused_with_the_field(runner, cli, tmp_db: Path) -> None:
    """A level of 41 characters: PostgreSQL would fail mid-transaction on varchar(40), SQLite
    would store it; both refuse it first, naming the field, and store nothing."""
    ok = [runner.invoke(cli, args) for args in (
        ["org", "add", "--code", "GEM", "--name", "Gemeente Utrecht"],
        ["expert", "add", "--code", "E001", "--name", "Anna de Vries"])]
    assert all(r.exit_code == 0 for r in ok), [r.output for r in ok]
    r = runner.invoke(cli, ["engagement", "add", "--code", "G1", "--expert", "E001", "--client", "GEM", "--role",
                            "adviseur", "--regime", "vrijwilliger", "--start", "1-1-2026", "--level", "L" * 41])
    assert r.exit_code == 2, r.output
    # a level must be on the rate card (issue 20), which refuses this one before the length rule
    assert "kolom/veld niveau: niveau 'LLLL" in r.stderr and "bestaat niet voor rol adviseur" in r.stderr
    assert "Traceback" not in r.output
    from vergoeding.errors import InputError
    from vergoeding.store.base import fits

    with pytest.raises(InputError, match="te lang: hoogstens 40 tekens, nu 41 \\(LLLL"):
        fits(s.engagements, {"level": "L" * 41})  # a card that has such a level still meets the column rule
    engine = db_engine(tmp_db)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(s.engagements)).scalar_one() == 0
    engine.dispose()
