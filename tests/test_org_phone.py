# mypy: disable-error-code="no-untyped-def"
"""The organisation's telephone number: checked and written as a letter shows it, stored by
migration 10, imported, copied, and printed on the payout statement ("Bel of mail ons")."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import builders as b
import pytest
from click.testing import CliRunner
from conftest import PG
from sqlalchemy import inspect, select, text

from vergoeding.core import ids
from vergoeding.errors import InputError
from vergoeding.store import db as store_db
from vergoeding.store import schema as s
from vergoeding.store.db import current_version, make_engine, migrate, now_utc
from vergoeding.store.migrations import MIGRATIONS


@pytest.mark.parametrize(("typed", "shown"), [
    ("020 123 4567", "020 123 4567"),
    ("+31 20 123 4567", "020 123 4567"),
    ("0031 (0)30-1234567".replace("(0)", ""), "030 123 4567"),
    ("(030) 123 45 67", "030 123 4567"),
    ("06 12345678", "06 12345678"),
    ("06-1234 5678", "06 12345678"),
    ("0800 1234", "0800 1234"),
    ("+49 30 1234567", "+49 30 1234567"),
])
def test_phone_is_normalised(typed: str, shown: str) -> None:
    assert ids.phone(typed) == shown


@pytest.mark.parametrize(("typed", "why"), [
    ("0800-BELLEN", "alleen cijfers"),
    ("020 123 456a", "alleen cijfers"),
    ("bel me", "alleen cijfers"),
    ("12", "geen geldig telefoonnummer"),
    ("020 123", "geen geldig telefoonnummer"),
    ("+999 123 456 789", "geen geldig telefoonnummer"),
])
def test_garbage_is_refused_naming_the_field(typed: str, why: str) -> None:
    with pytest.raises(InputError) as exc:
        ids.phone(typed)
    assert exc.value.field == "telefoon" and why in exc.value.message and "030 123 4567" in exc.value.message


def test_org_add_edit_show_and_refusal(cli, runner: CliRunner) -> None:
    r = runner.invoke(cli, ["org", "add", "--own", "--code", "EIGEN", "--name", "Stichting Test",
                            "--phone", "+31 30 1234567", "--contact-email", "info@test.example"])
    assert r.exit_code == 0, r.output
    show = runner.invoke(cli, ["org", "show", "EIGEN"])
    assert "telefoon" in show.stdout and "030 123 4567" in show.stdout
    assert json.loads(runner.invoke(cli, ["org", "show", "EIGEN", "--format", "json"]).stdout)["phone"] == "030 123 4567"

    bad = runner.invoke(cli, ["org", "edit", "EIGEN", "--phone", "030 ABC 4567"])
    assert bad.exit_code == 2 and "telefoon" in bad.stderr and "'030 ABC 4567' is geen telefoonnummer" in bad.stderr
    assert "Traceback" not in bad.output
    assert json.loads(runner.invoke(cli, ["org", "show", "EIGEN", "--format", "json"]).stdout)["phone"] == "030 123 4567"

    r = runner.invoke(cli, ["org", "edit", "EIGEN", "--phone", "06-12345678"])
    assert r.exit_code == 0, r.output
    assert json.loads(runner.invoke(cli, ["org", "show", "EIGEN", "--format", "json"]).stdout)["phone"] == "06 12345678"
    r = runner.invoke(cli, ["org", "edit", "EIGEN", "--phone", ""])
    assert r.exit_code == 0, r.output
    assert json.loads(runner.invoke(cli, ["org", "show", "EIGEN", "--format", "json"]).stdout)["phone"] is None
    # a client has the same field
    r = runner.invoke(cli, ["org", "add", "--code", "GEM", "--name", "Gemeente", "--phone", "14 030"])
    assert r.exit_code == 0, r.output
    assert json.loads(runner.invoke(cli, ["org", "show", "GEM", "--format", "json"]).stdout)["phone"] == "14 030"


def test_import_reads_the_phone_column(cli, runner: CliRunner, tmp_path: Path) -> None:
    orgs = tmp_path / "organisaties.csv"
    orgs.write_text("code;soort;naam;telefoon\nEIGEN;eigen;Stichting Eigen;0301234567\nUTR;opdrachtgever;Gemeente;\n",
                    encoding="utf-8")
    r = runner.invoke(cli, ["import", str(orgs)])
    assert r.exit_code == 0, r.output
    assert json.loads(runner.invoke(cli, ["org", "show", "EIGEN", "--format", "json"]).stdout)["phone"] == "030 123 4567"
    (tmp_path / "bad").mkdir()
    bad = tmp_path / "bad" / "organisaties.csv"
    bad.write_text("code;soort;naam;telefoon\nK2;opdrachtgever;Klant;bel ons\n", encoding="utf-8")
    r = runner.invoke(cli, ["import", str(bad)])
    assert r.exit_code != 0 and "rij 2" in r.output and "telefoon" in r.output
    assert runner.invoke(cli, ["org", "show", "K2"]).exit_code != 0


@pytest.mark.pg_empty
def test_migration_10_adds_the_column_to_a_database_with_data(tmp_path: Path) -> None:
    engine = make_engine(store_db.db_url(tmp_path / "v9.db"))
    before = [m for m in MIGRATIONS if m[0] < 10]
    assert migrate(engine, before) == before[-1][0]
    with engine.begin() as conn:
        assert "phone" not in {c["name"] for c in inspect(conn).get_columns("organisations")}
        conn.execute(text("INSERT INTO organisations (code, kind, name, street, postcode, city, is_anbi, "
                          "corporate_tax_liable, may_pay_volunteers, has_payroll_tax_number, payment_term_days, "
                          "created_at, einvoice_format) VALUES ('EIGEN', 'own', 'Stichting', '', '', '', "
                          ":f, :f, :f, :f, 30, :now, 'peppol')"), {"f": False, "now": now_utc()})
    engine.dispose()
    engine = make_engine(store_db.db_url(tmp_path / "v9.db"))
    assert migrate(engine) == MIGRATIONS[-1][0]
    with engine.begin() as conn:
        assert current_version(conn) == MIGRATIONS[-1][0]
        row = conn.execute(select(s.organisations.c.code, s.organisations.c.name, s.organisations.c.phone)).one()
        assert tuple(row) == ("EIGEN", "Stichting", None)
        conn.execute(s.organisations.update().values(phone="030 123 4567"))
        assert conn.execute(select(s.organisations.c.phone)).scalar_one() == "030 123 4567"


def test_db_copy_carries_the_phone(cli, runner: CliRunner, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'src.db'}"
    engine = make_engine(source)
    migrate(engine)
    with engine.begin() as conn:
        b.org(conn, "EIGEN", kind="own", name="Stichting", phone="030 123 4567")
    engine.dispose()
    target = store_db.db_url(tmp_path / "copy.db")
    assert target.startswith("postgresql" if PG else "sqlite")
    r = runner.invoke(cli, ["db", "copy", "--from", source, "--to", target])
    assert r.exit_code == 0, r.output
    shown = runner.invoke(cli, ["--db", target, "org", "show", "EIGEN", "--format", "json"])
    assert json.loads(shown.stdout)["phone"] == "030 123 4567"


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_statement_says_call_or_mail_us(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht", phone="030 123 4567",
              contact_email="administratie@ervaringskracht.example")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E001", name="Anne de Vries", iban="NL20INGB0001234567")
        b.engagement(c, "O1", "E001", "GEM")
        b.entry(c, "O1", date(2026, 11, 3), minutes=120, activity="Adviesgesprek")
    eng.dispose()
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    words = " ".join(_pdf_text(out / "specificatie-2026-11-E001.pdf").split())
    assert "Bel of mail ons: 030 123 4567 of administratie@ervaringskracht.example." in words
    assert "Telefoon 030 123 4567" in words  # the letterhead


def test_statement_without_phone_keeps_the_mail_address(cli, runner: CliRunner, tmp_db: Path,
                                                       tmp_path: Path) -> None:
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht", contact_email="post@ervaringskracht.example")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E001", name="Anne de Vries", iban="NL20INGB0001234567")
        b.engagement(c, "O1", "E001", "GEM")
        b.entry(c, "O1", date(2026, 11, 3), minutes=120)
    eng.dispose()
    out = tmp_path / "out"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)], env={"VERGOEDING_TODAY": "2026-11-27"})
    assert r.exit_code == 0, r.output
    words = " ".join(_pdf_text(out / "specificatie-2026-11-E001.pdf").split())
    assert "Bel of mail ons: post@ervaringskracht.example." in words and "Telefoon" not in words
