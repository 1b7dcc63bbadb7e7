"""The hostile corpus of issue 20 (round 3): output paths, databases that are not the
administration, limits, tracebacks and silently accepted input, each through the real
command on SQLite and PostgreSQL. Every case asserts the exit code, the Dutch message, no
traceback, the administration unchanged (every table, row by row, before and after) and no
stray or overwritten file in the working folder (names, kinds and bytes before and after).

One administration for the whole module (every case is refused, or only reads); each case
gets its own working folder. ``{db}`` in a case is the administration's path, ``{out}`` the
working folder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PG, db_engine
from dutch_only import assert_dutch
from hostile_files import CSV_HEADER, CSV_ROWS, csv_bytes, xlsx
from sqlalchemy import select
from test_hostile_corpus import SETUP  # the same small administration

from vergoeding.__main__ import load_cli
from vergoeding.store import schema as s

TODAY = "2026-11-02"


def env(db: str | Path, **extra: str | None) -> dict[str, str | None]:
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    return {**unset, "VERGOEDING_DB": str(db), "VERGOEDING_TODAY": TODAY, "VERGOEDING_CACHE_DIR": "off", **extra}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("round3") / "vergoeding.db"
    runner = CliRunner(env=env(db))
    cli = load_cli().cli
    for args in SETUP:
        r = runner.invoke(cli, args, catch_exceptions=False)
        assert r.exit_code == 0, (args, r.stderr)
    return db


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    engine = db_engine(db)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in s.metadata.sorted_tables}
    finally:
        engine.dispose()


def snapshot(folder: Path) -> dict[str, str]:
    """Every name under ``folder`` with its kind and content (a link by its target)."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = f"link:{os.readlink(p)}"
        elif p.is_dir():
            out[rel] = "dir"
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "special"
    return out


@dataclass
class Case:
    args: list[str]
    exit: int
    message: list[str]
    prepare: Callable[[Path, Path], None] | None = None  # (work folder, database)
    db: str | None = None  # another --db than the administration ({out} allowed)
    env: dict[str, str] = field(default_factory=dict)
    sqlite_only: bool = False
    limits: dict[str, float] = field(default_factory=dict)  # render.templating (or "pdf.X") limits, smaller


def _sqlite_file(path: Path, *tables: str) -> None:
    con = sqlite3.connect(path)
    for t in tables:
        con.execute(f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, naam TEXT)")
        con.execute(f"INSERT INTO {t} (naam) VALUES ('x')")  # noqa: S608 - test names
    con.commit()
    con.close()


def _own_pdf(out: Path, _db: Path) -> None:
    (out / "brief.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def _own_xlsx(out: Path, _db: Path) -> None:
    with zipfile.ZipFile(out / "begroting.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", '<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Jan Jansen'
                                        '</dc:creator></cp:coreProperties>')


def _link_to_db(out: Path, db: Path) -> None:
    os.symlink(db, out / "link.pdf")


def _hardlink(out: Path, _db: Path) -> None:
    _sqlite_file(out / "andere.sqlite", "klanten")
    os.link(out / "andere.sqlite", out / "hard.pdf")


def _renamed_db(out: Path, _db: Path) -> None:
    _sqlite_file(out / "kopie.pdf", "klanten")


def _folder(out: Path, _db: Path) -> None:
    (out / "map.xlsx").mkdir()


def _sepa_folder(out: Path, _db: Path) -> None:
    (out / "sepa-2026-10.xml").mkdir()


def _fifo(out: Path, _db: Path) -> None:
    os.mkfifo(out / "pijp.pdf")


def _foreign_sepa(out: Path, _db: Path) -> None:
    (out / "betaling").mkdir()
    (out / "betaling" / "sepa-2026-10.xml").write_text("<?xml version='1.0'?><notities>mijn lijstje</notities>")


def _other_program(out: Path, _db: Path) -> None:
    _sqlite_file(out / "ander.sqlite", "klanten", "orders")


def _empty_sqlite(out: Path, _db: Path) -> None:
    con = sqlite3.connect(out / "leeg.sqlite")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()


def _zero_bytes(out: Path, _db: Path) -> None:
    (out / "nul.db").write_bytes(b"")


def _template(text: str | bytes, name: str = "invoice.html") -> Callable[[Path, Path], None]:
    def prepare(out: Path, _db: Path) -> None:
        folder = out / "sjablonen"
        folder.mkdir()
        if text == "fifo":
            os.mkfifo(folder / name)
        else:
            (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return prepare


def _config(text: str | bytes) -> Callable[[Path, Path], None]:
    def prepare(out: Path, _db: Path) -> None:
        (out / "vergoeding.toml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return prepare


def _rates(old: str, new: str) -> Callable[[Path, Path], None]:
    """A copy of the shipped rates with one line of the 2026 limits changed."""
    def prepare(out: Path, _db: Path) -> None:
        import shutil

        from conftest import RATES

        shutil.copytree(RATES, out / "tarieven")
        f = out / "tarieven" / "limits" / "2026.toml"
        text = f.read_text(encoding="utf-8")
        assert old in text
        f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return prepare


def _fifo_card(out: Path, _db: Path) -> None:
    os.mkfifo(out / "kaart.toml")


def _huge_card(out: Path, _db: Path) -> None:
    (out / "kaart.toml").write_bytes(b"# " + b"x" * 6_000_000 + b"\n")


INVOICE_PDF = ["--templates", "{out}/sjablonen", "invoice", "render", "2026-0001", "-o", "{out}/f.pdf"]
TEMPLATE_LIMIT = "pas het sjabloon aan (een lus of bewerking zonder grens). Er is niets geschreven."
HUGE = "x" * 100_000

IMPORT_X, UREN_X = ["import", "{out}/uren.xlsx"], "uren.xlsx"
IMPORT_C, UREN_C = ["import", "{out}/uren.csv"], "uren.csv"
NOTHING_STORED = "er is niets opgeslagen"
HEADER_WIDE = ["opdracht", "datum", "uren", "activiteit", *[None] * 996, "x", "y"]  # a cell in column ALN (1002)
ROWS_X = [["G001", "7-10-2026", 1, "training"], ["G001", "8-10-2026", 2, "voorbereiding"]]

HOURS_PDF = ["hours", "--expert", "E001", "--period", "2026-10", "--format", "pdf", "-o"]
NOTHING = "Er is niets geschreven."
NOT_OURS = "vergoeding overschrijft alleen bestanden die het zelf zo gemaakt heeft"

CASES: dict[str, Case] = {
    # --- item 3: output paths
    "pdf-over-the-database": Case([*HOURS_PDF, "{db}"], 1, ["heeft de extensie '.db', maar wat geschreven wordt is een "
                                                          "PDF", NOTHING]),
    "template-over-the-database": Case(["import", "--template", "-o", "{db}"], 1,
                                       ["heeft de extensie '.db', maar wat geschreven wordt is een Excel-werkmap"]),
    "pdf-to-xlsx-name": Case([*HOURS_PDF, "{out}/c.xlsx"], 1, ["c.xlsx heeft de extensie '.xlsx', maar wat geschreven "
                                                             "wordt is een PDF", "bijvoorbeeld c.pdf"]),
    "ubl-to-pdf-name": Case(["invoice", "render", "2026-0001", "--format", "ubl", "-o", "{out}/f.pdf"], 1,
                            ["f.pdf heeft de extensie '.pdf', maar wat geschreven wordt is een XML-bestand"]),
    "xlsx-without-extension": Case(["invoice", "render", "2026-0001", "--format", "xlsx", "-o", "{out}/factuur"], 1,
                                   ["factuur heeft geen extensie, maar wat geschreven wordt is een Excel-werkmap"]),
    "csv-to-xlsx-name": Case(["contracts", "--format", "csv", "-o", "{out}/register.xlsx"], 1,
                             ["register.xlsx heeft de extensie '.xlsx', maar wat geschreven wordt is een CSV-bestand"]),
    "symlink-to-the-database": Case([*HOURS_PDF, "{out}/link.pdf"], 1, ["link.pdf is een snelkoppeling (symbolische "
                                                                       "link)", NOTHING], _link_to_db),
    "hardlink-to-a-database": Case([*HOURS_PDF, "{out}/hard.pdf"], 1, ["hard.pdf heeft nog een andere naam (een harde "
                                                                      "link, 2 namen)"], _hardlink),
    "database-renamed-to-pdf": Case([*HOURS_PDF, "{out}/kopie.pdf"], 1, ["kopie.pdf bestaat al en is een database "
                                                                        "(mogelijk de administratie zelf)", NOT_OURS],
                                    _renamed_db),
    "a-users-own-pdf": Case(["contract", "G001", "-o", "{out}/brief.pdf"], 1,
                            ["brief.pdf bestaat al en is een PDF die niet door vergoeding gemaakt is"], _own_pdf),
    "a-users-own-workbook": Case(["invoice", "render", "2026-0001", "--format", "xlsx", "-o", "{out}/begroting.xlsx"],
                                 1, ["begroting.xlsx bestaat al en is een werkmap die niet door vergoeding gemaakt is"],
                                 _own_xlsx),
    "a-folder-named-like-a-file": Case(["contracts", "--format", "xlsx", "-o", "{out}/map.xlsx"], 2,
                                       ["map.xlsx' is een map"], _folder),
    "a-folder-as-payout-file": Case(["payout", "--period", "2026-10", "--out", "{out}"], 1,
                                    ["sepa-2026-10.xml is een map; geef een bestandsnaam"], _sepa_folder),
    "a-device": Case([*HOURS_PDF, "/dev/null"], 1, ["/dev/null is geen gewoon bestand (een apparaat, pipe of socket)"]),
    "a-fifo": Case([*HOURS_PDF, "{out}/pijp.pdf"], 1, ["pijp.pdf is geen gewoon bestand"], _fifo),
    "a-name-too-long": Case([*HOURS_PDF, "{out}/" + "x" * 300 + ".pdf"], 1,
                            ["de naam is te lang (een bestandsnaam mag hoogstens 255 tekens hebben)"]),
    "payout-over-a-users-file": Case(["payout", "--period", "2026-10", "--out", "{out}/betaling"], 1,
                                     ["sepa-2026-10.xml bestaat al en is een XML-bestand dat geen factuur of "
                                      "SEPA-bestand is", NOT_OURS], _foreign_sepa),
    # --- item 8: a database that is not the administration, refused before anything is written
    "another-programs-sqlite-read": Case(["expert", "list"], 1, ["ander.sqlite is een database van een ander programma "
                                                                "(tabellen klanten, orders)", "Er is niets gewijzigd."],
                                         _other_program, db="{out}/ander.sqlite", sqlite_only=True),
    "another-programs-sqlite-write": Case(["org", "add", "--code", "X1", "--name", "X"], 1,
                                          ["is een database van een ander programma"], _other_program,
                                          db="{out}/ander.sqlite", sqlite_only=True),
    "an-empty-sqlite-database": Case(["expert", "list"], 1, ["leeg.sqlite is een lege SQLite-database die vergoeding "
                                                            "niet gemaakt heeft"], _empty_sqlite, db="{out}/leeg.sqlite", sqlite_only=True),
    "a-zero-byte-file": Case(["expert", "list"], 1, ["nul.db is een leeg bestand (0 bytes), geen administratie"],
                             _zero_bytes, db="{out}/nul.db", sqlite_only=True),
    "a-zero-byte-file-init": Case(["db", "init"], 1, ["nul.db is een leeg bestand (0 bytes)"], _zero_bytes,
                                  db="{out}/nul.db", sqlite_only=True),
    "memory": Case(["expert", "list"], 1, ["--db :memory: is een database in het geheugen"], db=":memory:"),
    "memory-url": Case(["org", "add", "--code", "X1", "--name", "X"], 1, ["is een database in het geheugen"],
                       db="sqlite://"),
    "sqlite-uri-read-only": Case(["expert", "list"], 1, ["vergoeding leest geen SQLite-URI"], db="file:v.db?mode=ro"),
    "sqlite-uri-in-url": Case(["db", "init"], 1, ["vergoeding leest geen SQLite-URI"], db="sqlite:///file:x.db?mode=ro"),
    # --- item 9: the seven tracebacks, and their neighbours
    "today-9999-payout": Case(["payout", "--period", "2026-10", "--out", "{out}/p"], 2,
                              ["VERGOEDING_TODAY: 31-12-9999 ligt buiten de jaren die vergoeding kent (1900 tot en met "
                               "2199)"], env={"VERGOEDING_TODAY": "9999-12-31"}),
    "today-year-1-check": Case(["check", "--period", "2026-10"], 2, ["01-01-0001 ligt buiten de jaren"],
                               env={"VERGOEDING_TODAY": "0001-01-01"}),
    "execution-date-9999": Case(["payout", "--period", "2026-10", "--out", "{out}/p", "--execution-date",
                                 "31-12-9999"], 2, ["31-12-9999 ligt buiten de jaren die vergoeding kent"]),
    "config-paths-text": Case(["expert", "list"], 2, ["'paths' moet een tabel zijn"], _config('paths = "db"\n'),
                              env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "config-paths-list": Case(["expert", "list"], 2, ["'paths' moet een tabel zijn"], _config('paths = ["db"]\n'),
                              env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "config-paths-number": Case(["expert", "list"], 2, ["[paths] db moet een pad als tekst zijn"],
                                _config("[paths]\ndb = 5\n"), env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "config-paths-unknown-key": Case(["expert", "list"], 2, ["[paths] database: onbekende sleutel"],
                                     _config('[paths]\ndatabase = "x.db"\n'),
                                     env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "config-latin-1": Case(["expert", "list"], 2, ["vergoeding.toml, regel 2: geen UTF-8-tekst"],
                           _config(b"[organisation]\nname = 'Caf\xe9'\n"),
                           env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "config-bad-toml-dutch": Case(["expert", "list"], 2, ["geen geldige TOML (ongeldige waarde op regel 1, kolom 5)"],
                                  _config("x = = 1\n"), env={"VERGOEDING_CONFIG": "{out}/vergoeding.toml"}),
    "template-huge-range": Case(INVOICE_PDF, 1, ["gaan samen boven de grens van 1.000.000 herhalingen", TEMPLATE_LIMIT],
                                _template("{% for i in range(10**9) %}x{% endfor %}")),
    "template-nested-ranges": Case(INVOICE_PDF, 1, ["gaan samen boven de grens van 1.000.000 herhalingen"],
                                   _template("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}"
                                             "{% endfor %}")),
    "template-self-include": Case(INVOICE_PDF, 1, ["roept zichzelf steeds opnieuw aan"],
                                  _template('{% include "invoice.html" %}')),
    "template-recursive-macro": Case(INVOICE_PDF, 1, ["roept zichzelf steeds opnieuw aan"],
                                     _template("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}")),
    "template-latin-1": Case(INVOICE_PDF, 1, ["invoice.html, regel 2, teken 7: geen UTF-8-tekst (byte 0xE9"],
                             _template(b"<p>\n<b>Caf\xe9</b>")),
    "template-text-times-a-billion": Case(INVOICE_PDF, 1, ["deze bewerking zou 1.000.000.000 tekens of elementen "
                                                           "maken"], _template('{{ "x" * 10**9 }}')),
    "template-format-width": Case(INVOICE_PDF, 1, ["een opmaak met een breedte van 999999999 tekens is te groot"],
                                  _template('{{ "%999999999s" % 1 }}')),
    "template-str-format-width": Case(INVOICE_PDF, 1, ["een opmaak met een breedte van 999999999"],
                                      _template('{{ "{:>999999999}".format(1) }}')),
    "template-ljust": Case(INVOICE_PDF, 1, ["deze bewerking zou 999.999.999 tekens"],
                           _template('{{ "x".ljust(999999999) }}')),
    "template-center-filter": Case(INVOICE_PDF, 1, ["deze bewerking zou 999.999.999 tekens"],
                                   _template('{{ "x"|center(999999999) }}')),
    "template-power": Case(INVOICE_PDF, 1, ["een macht met exponent 99.999 is te groot"], _template("{{ 9 ** 99999 }}")),
    "template-output-size": Case(INVOICE_PDF, 1, ["het document wordt groter dan 2 miljoen tekens"],
                                 _template('{% for i in range(900000) %}{{ "y" * 900 }}{% endfor %}'),
                                 limits={"MAX_OUTPUT": 2_000_000}),
    "pdf-step-time-limit": Case(INVOICE_PDF, 1, ["het maken van de PDF duurt langer dan 0 seconden en is gestopt",
                                                 "Er is niets geschreven."],
                                _template("<table>" + "<tr><td>x</td></tr>" * 20_000 + "</table>"),
                                limits={"pdf.MAX_PDF_SECONDS": 1e-6}),  # the timer goes off at once: no timing
    "template-fifo": Case(INVOICE_PDF, 1, ["invoice.html is geen gewoon bestand"], _template("fifo")),
    "template-too-large": Case(INVOICE_PDF, 1, ["een sjabloon mag hoogstens 1.000 kB zijn"],
                               _template("<p>" + "x" * 1_100_000)),
    "template-syntax-dutch": Case(INVOICE_PDF, 1, ["regel 1: het sjabloon houdt op terwijl een blok nog open is"],
                                  _template("{% if x %}")),
    "template-unknown-field-dutch": Case(INVOICE_PDF, 1, ["onbekend veld: 'nergens' bestaat niet"],
                                         _template("{{ nergens }}")),
    "template-division-by-zero": Case(INVOICE_PDF, 1, ["kan niet met deze waarde (delen door nul)"],
                                      _template("{{ 1 / 0 }}")),
    # --- item 7: reads from devices and pipes, sizes
    "rate-card-dev-zero": Case(["--rate-card", "/dev/zero", "rates", "show"], 2,
                               ["/dev/zero: geen gewoon bestand (een apparaat, pipe of socket)"]),
    "rate-card-fifo": Case(["--rate-card", "{out}/kaart.toml", "rates", "show"], 2, ["kaart.toml: geen gewoon bestand"],
                           _fifo_card),
    "rate-card-6-mb": Case(["--rate-card", "{out}/kaart.toml", "rates", "show"], 2, ["6 MB, hoogstens 5 MB"],
                           _huge_card),
    "config-dev-zero": Case(["--config", "/dev/zero", "expert", "list"], 2, ["configuratiebestand /dev/zero is "
                                                                             "geen gewoon bestand"]),
    # --- item 10: silently accepted input
    "vat-2.1-in-limits": Case(["--rates", "{out}/tarieven", "limits", "show", "--year", "2026"], 2,
                              ["[vat_standard.amount]: '2.1' is meer dan 1, dus meer dan 100%", '21% schrijft u als '
                               '"0.21"'], _rates('amount = "0.21"', 'amount = "2.1"')),
    "invoice-paid-before-its-date": Case(["invoice", "paid", "2026-0001", "--date", "4-10-2026"], 2,
                                         ["betaald op 04-10-2026 ligt vóór de factuurdatum (05-10-2026) van "
                                          "2026-0001"]),
    "invoice-paid-years-ahead": Case(["invoice", "paid", "2026-0001", "--date", "1-1-2030"], 2,
                                     ["betaald op 01-01-2030 ligt na vandaag (02-11-2026)"]),
    "invoice-paid-year-3000": Case(["invoice", "paid", "2026-0001", "--date", "1-1-3000"], 2,
                                   ["01-01-3000 ligt buiten de jaren die vergoeding kent"]),
    "name-of-100000-characters": Case(["org", "add", "--code", "LANG", "--name", HUGE], 2,
                                      ["naam: tekst van 100.000 tekens is te lang (hoogstens 1000)"]),
    "activity-of-100000-characters": Case(["log", "--engagement", "G001", "--date", "7-10-2026", "--hours", "1",
                                           "--activity", HUGE], 2, ["activiteit: tekst van 100.000 tekens is te lang"]),
    "expert-name-of-1001-characters": Case(["expert", "add", "--code", "E9", "--name", "y" * 1001], 2,
                                           ["tekst van 1.001 tekens is te lang (hoogstens 1000)"]),
    "unknown-level": Case(["engagement", "add", "--code", "G9", "--expert", "E001", "--client", "UTR", "--role",
                           "trainer", "--regime", "vrijwilliger", "--start", "1-1-2026", "--level", "meester"], 2,
                          ["niveau 'meester' bestaat niet voor rol trainer (bekend: junior, senior, standaard)"]),
    "own-organisation-as-client": Case(["engagement", "add", "--code", "G9", "--expert", "E001", "--client", "EIGEN",
                                        "--role", "trainer", "--regime", "vrijwilliger", "--start", "1-1-2026"], 2,
                                       ["EIGEN is de eigen organisatie; een opdrachtgever is een andere organisatie"]),
    "pdf-named-xlsx": Case(["statement", "--expert", "E001", "--year", "2026", "-o", "{out}/c.xlsx"], 1,
                           ["c.xlsx heeft de extensie '.xlsx', maar wat geschreven wordt is een PDF"]),
    "escape-sequence-in-a-path": Case([*HOURS_PDF, "{out}/\x1b[31mrood\x1b]0;titel\x07.pdf"], 1,
                                      ["bevat een onzichtbaar stuurteken"]),
    "escape-sequence-in-rates-path": Case(["--rates", "\x1b]0;titel\x07tarieven", "limits", "show"], 2,
                                          ["map met tarieven niet gevonden: tarieven"]),
    "escape-sequence-in-a-code": Case(["org", "show", "\x1b[2Jweg"], 1, ["organisatie '\\x1b[2Jweg' bestaat niet"]),
    "database-url-dutch": Case(["expert", "list"], 1, ["database mysql://u@h/db:", "niet geïnstalleerd"], db="mysql://u@h/db"),
    # --- item 6: import checks read what Excel reads (files built in tests/hostile_files.py)
    "import-hidden-sheet-at-own-path": Case(IMPORT_X, 1, [f"{UREN_X}, blad meer: blad 'meer' is verborgen", NOTHING_STORED],
                                            xlsx(hidden_sheet="xl/verstopt/blad9.xml")),
    "import-hidden-sheet-outside-xl": Case(IMPORT_X, 1, ["blad 'meer' is verborgen"],
                                           xlsx(hidden_sheet="extra/meer.xml")),
    "import-sheet-at-own-path-hidden-row": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: rij 3 is verborgen"],
                                                xlsx(part="data/uren-blad.xml", row_attrs={3: ' hidden="1"'})),
    "import-part-name-other-case": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: rij 3 is verborgen"],
                                        xlsx(row_attrs={3: ' hidden="1"'}, target=lambda p: "/" + p.upper())),
    "import-part-name-percent-encoded": Case(IMPORT_X, 1, ["rij 3 is verborgen"],
                                             xlsx(row_attrs={3: ' hidden="1"'},
                                                  target=lambda p: "/" + p.replace("1", "%31"))),
    "import-part-relative-target": Case(IMPORT_X, 1, ["rij 2 is verborgen"],
                                        xlsx(row_attrs={2: " hidden='true'"}, target=lambda p: "worksheets/../" + p[3:])),
    "import-sheet-linked-as-external": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: blad 'uren' verwijst niet naar een "
                                                          "deel in het bestand"],
                                            xlsx(row_attrs={3: ' hidden="1"'},
                                                 rels=lambda r: r.replace('Target="/xl/', 'TargetMode="External" '
                                                                                           'Target="/xl/'))),
    "import-sheet-without-relationship": Case(IMPORT_X, 1, ["blad 'uren' verwijst niet naar een deel in het bestand"],
                                              xlsx(rels=lambda r: r.replace('Id="rId1"', 'Id="rId9"'))),
    "import-target-above-the-root": Case(IMPORT_X, 1, ["verwijst naar een deel dat niet in het bestand staat "
                                                       "(../../xl/worksheets/sheet1.xml)"],
                                         xlsx(row_attrs={3: ' hidden="1"'}, target=lambda p: "../../../" + p)),
    "import-rows-without-numbers": Case(IMPORT_X, 1, ["rij 3 is verborgen"],
                                        xlsx(row_attrs={3: ' hidden="TRUE"'}, numbered=False)),
    "import-part-stored-twice": Case(IMPORT_X, 1, ["de werkmap bevat het deel xl/worksheets/sheet1.xml twee keer"],
                                     xlsx(duplicate=True)),
    "import-sheet-part-missing": Case(IMPORT_X, 1, ["blad 'uren' verwijst naar een deel dat niet in het bestand "
                                                    "staat (xl/worksheets/sheet1.xml)"], xlsx(missing_part=True)),
    "import-workbook-at-own-path": Case(IMPORT_X, 1, [f"{UREN_X}: kan het bestand niet lezen als werkmap (het onderdeel "
                                                      "data/_rels/workbook.xml.rels ontbreekt"],
                                        xlsx(book="data/boek.xml", part="data/blad1.xml")),
    "import-merged-single-quotes": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren, rij 2, kolom/veld datum: cellen B2:B3 "
                                                      "zijn samengevoegd"],
                                        xlsx(after="<mergeCells count='1'><mergeCell ref='B2:B3'/></mergeCells>")),
    "import-merged-prefixed": Case(IMPORT_X, 1, ["cellen B3:B4 zijn samengevoegd"],
                                   xlsx(prefix="x", after='<x:mergeCells count="1"><x:mergeCell ref="B3:B4"/>'
                                                          '</x:mergeCells>')),
    "import-merged-entity": Case(IMPORT_X, 1, [f"{UREN_X}: kan het bestand niet lezen als werkmap (het bestand is "
                                               "beschadigd of in een vorm die vergoeding niet kent)"],
                                 xlsx(after='<mergeCells count="1"><mergeCell ref="&#67;2:C&#52;"/></mergeCells>')),
    "import-stale-dimension": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: het bestand zegt dat het blad loopt tot D2, "
                                                 "maar er staan cellen tot D4", "laat rijen weg"],
                                   xlsx(dimension="A1:D2")),
    "import-stale-dimension-columns": Case(IMPORT_X, 1, ["loopt tot B4, maar er staan cellen tot D4"],
                                           xlsx(dimension="A1:B4")),
    "import-huge-dimension": Case(IMPORT_X, 1, ["het bestand zegt dat het blad loopt tot XFD1048576 (1.048.576 rijen, "
                                                "16.384 kolommen), maar er staan cellen tot D4"],
                                  xlsx(dimension="A1:XFD1048576")),
    "import-filtered-rows": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: rijen 2, 4 zijn weggefilterd (een filter staat "
                                              "aan)", "Zet het filter uit"],
                                 xlsx(row_attrs={2: ' hidden="1"', 4: ' hidden="1"'}, after='<autoFilter ref="A1:D4"/>')),
    "import-hidden-row": Case(IMPORT_X, 1, ["rij 3 is verborgen"], xlsx(row_attrs={3: ' hidden="true"'})),
    "import-row-of-height-0": Case(IMPORT_X, 1, ["rij 4 is verborgen"],
                                   xlsx(row_attrs={4: ' ht="0" customHeight="1"'})),
    "import-rows-hidden-by-default": Case(IMPORT_X, 1, ["rijen 3, 4 zijn verborgen"],
                                          xlsx(before='<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>',
                                               row_attrs={1: ' customHeight="1" ht="15"', 2: ' customHeight="1"'})),
    "import-hidden-column": Case(IMPORT_X, 1, [f"{UREN_X}, blad uren: kolom C is verborgen"],
                                 xlsx(before='<cols><col min="3" max="3" hidden="1"/></cols>')),
    "import-column-of-width-0": Case(IMPORT_X, 1, ["kolom D is verborgen"],
                                     xlsx(before='<cols><col min="4" max="9" width="0" customWidth="1"/></cols>')),
    "import-1002-columns": Case(IMPORT_X, 1, ["heeft cellen tot kolom ALN (1.002 kolommen); een importblad heeft "
                                              "hoogstens 1.000 kolommen"],
                                xlsx(dimension="A1:ALN3", rows=[HEADER_WIDE, *ROWS_X])),
    "csv-one-cp1252-byte-in-utf8": Case(IMPORT_C, 1, [f"{UREN_C}, rij 5: deze regel bevat een teken dat geen UTF-8 is "
                                                      "(byte 0xE9)", "het bestand is uit twee bronnen samengesteld"],
                                        csv_bytes(CSV_HEADER + CSV_ROWS.encode() + b"G001;10-10-2026;1;caf\xe9\n")),
    "csv-cp1252-byte-after-bom": Case(IMPORT_C, 1, ["rij 2: deze regel bevat een teken dat geen UTF-8 is (byte 0xE9)"],
                                      csv_bytes(b"\xef\xbb\xbf" + CSV_HEADER + b"G001;7-10-2026;1;caf\xe9\n")),
    "csv-byte-in-neither-encoding": Case(IMPORT_C, 1, ["rij 3: deze regel bevat een teken dat in UTF-8 noch in "
                                                       "Windows-1252 bestaat (byte 0x81)"],
                                         csv_bytes(CSV_HEADER + b"G001;7-10-2026;1;x\nG001;8-10-2026;1;\x81\n")),
    "csv-1204-fields": Case(IMPORT_C, 1, [f"{UREN_C}, rij 1: deze regel heeft 1.204 kolommen; een importbestand heeft "
                                          "er hoogstens 1.000"], csv_bytes(CSV_HEADER[:-1] + b";x" * 1200 + b"\n")),
    # --- item 10: a date of birth in the future, or absurdly far back, on every path that sets one
    "birth-date-in-the-future": Case(["expert", "add", "--code", "E9", "--name", "Kees", "--birth-date", "3-11-2026"],
                                     2, ["geboortedatum: 03-11-2026 ligt na vandaag (02-11-2026)"]),
    "birth-date-edited-into-the-future": Case(["expert", "edit", "E001", "--birth-date", "17-5-2080"], 2,
                                              ["17-05-2080 ligt na vandaag (02-11-2026)"]),
    "birth-date-126-years-ago": Case(["expert", "add", "--code", "E9", "--name", "Kees", "--birth-date", "1-1-1900"],
                                     2, ["01-01-1900: dan is de deskundige 126 jaar (hoogstens 120); controleer het "
                                         "jaar"]),
    "birth-date-of-a-child": Case(["expert", "edit", "E001", "--birth-date", "17-5-2020"], 2,
                                  ["17-05-2020: dan is de deskundige 6 jaar (jonger dan 12)"]),
    "import-birth-dates": Case(["import", "{out}/deskundigen.csv"], 1,
                               ["deskundigen.csv, rij 2, kolom/veld geboortedatum: 03-11-2026 ligt na vandaag",
                                "deskundigen.csv, rij 3, kolom/veld geboortedatum: 01-01-1901: dan is de deskundige "
                                "125 jaar"],
                               csv_bytes(b"code;naam;geboortedatum\nE8;Piet;3-11-2026\nE9;Kees;1-1-1901\n"
                                         b"E10;Anna;2-11-1990\n", "deskundigen.csv")),
    "csv-quote-inside-a-cell": Case(IMPORT_C, 1, [f"{UREN_C}, rij 2: geen geldige CSV (na een afsluitend "
                                                  "aanhalingsteken (\") moet een puntkomma of het einde van de regel "
                                                  "komen"], csv_bytes(CSV_HEADER + b'G001;7-10-2026;1;"training"x\n')),
    "ods-that-is-no-zip": Case(["import", "{out}/uren.ods"], 1, ["uren.ods: dit is geen OpenDocument-werkmap (.ods): "
                                                                "het bestand is onleesbaar of beschadigd (geen geldig "
                                                                "zip-bestand)"],
                               csv_bytes(CSV_HEADER, "uren.ods")),
    "xlsx-that-is-no-zip": Case(["import", "{out}/uren.xlsx"], 1, ["uren.xlsx: dit is geen Excel-werkmap (.xlsx)"],
                                csv_bytes(CSV_HEADER, "uren.xlsx")),
    "csv-utf16-without-bom": Case(IMPORT_C, 1, [f"{UREN_C}: dit is geen tekstbestand (het bevat nul-tekens)"],
                                  csv_bytes((CSV_HEADER.decode() + CSV_ROWS).encode("utf-16-le"))),
    "csv-200000-field-row": Case(IMPORT_C, 1, ["rij 3: deze regel heeft 200.001 kolommen"],
                                 csv_bytes(CSV_HEADER + b"G001;7-10-2026;1;x\n" + b"," * 200_000 + b"\n")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_round3_case(name: str, admin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    for attr, value in case.limits.items():
        from vergoeding.render import pdf, templating

        module, _, name = attr.rpartition(".")
        monkeypatch.setattr(pdf if module == "pdf" else templating, name, value)
    if case.sqlite_only and PG:
        pytest.skip("a SQLite file")
    out = tmp_path / "werk"
    out.mkdir()
    monkeypatch.chdir(out)  # a database named ':memory:' or 'file:...' would appear here
    if case.prepare:
        case.prepare(out, admin)
    before, files = dump(admin), snapshot(out)
    db = case.db.replace("{out}", str(out)) if case.db else str(admin)
    args = [a.replace("{out}", str(out)).replace("{db}", str(admin)) for a in case.args]
    admin_files = snapshot(admin.parent)
    extra = {k: v.replace("{out}", str(out)) for k, v in case.env.items()}
    result = CliRunner(env=env(db, **extra)).invoke(load_cli().cli, args)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case.exit, (result.exit_code, result.stdout, result.stderr)
    for line in case.message:
        assert line in result.stderr, (line, result.stderr)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert_dutch(result.output)
    assert dump(admin) == before
    assert snapshot(out) == files  # no stray, changed or replaced file (nor a hidden temporary one)
    assert snapshot(admin.parent) == admin_files


def test_a_document_vergoeding_made_may_be_written_again(admin: Path, tmp_path: Path) -> None:
    """The other side of the rule: rendering the same invoice twice to the same names works."""
    runner = CliRunner(env=env(admin))
    cli = load_cli().cli
    for fmt, name in (("pdf", "f.pdf"), ("xlsx", "f.xlsx"), ("ubl", "f.xml")):
        for _ in range(2):
            r = runner.invoke(cli, ["invoice", "render", "2026-0001", "--format", fmt, "-o", str(tmp_path / name)])
            assert r.exit_code == 0, r.stderr
    r = runner.invoke(cli, ["contracts", "--format", "csv", "-o", str(tmp_path / "c.csv")])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(cli, ["contracts", "--format", "csv", "-o", str(tmp_path / "c.csv")])
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "f.pdf", "f.xlsx", "f.xml"]


@pytest.mark.sqlite_only
def test_a_new_database_and_its_folder_are_private_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "nieuw.db"
        r = CliRunner(env=env(db)).invoke(load_cli().cli, ["org", "add", "--code", "X1", "--name", "Xenia"])
        assert r.exit_code == 0, r.stderr
        assert db.stat().st_mode & 0o777 == 0o600
        r = CliRunner(env=env(tmp_path / "d" / "x.db")).invoke(load_cli().cli, ["db", "init"])
        assert r.exit_code == 1 and "map voor de database bestaat niet" in r.stderr
    finally:
        os.umask(old)


@pytest.mark.sqlite_only
def test_demo_never_removes_a_real_administration(admin: Path, tmp_path: Path) -> None:
    folder = tmp_path / "hier"
    folder.mkdir()
    (folder / "vergoeding.db").write_bytes(admin.read_bytes())
    before = snapshot(folder)
    r = CliRunner(env=env(folder / "x.db")).invoke(load_cli().cli, ["demo", "--out", str(folder)])
    assert r.exit_code == 1, r.stderr
    assert "staat al een database vergoeding.db die geen voorbeeldadministratie is" in r.stderr
    assert snapshot(folder) == before


@pytest.mark.skipif(not PG, reason="PostgreSQL")
@pytest.mark.pg_empty
def test_postgresql_database_of_another_program_is_refused(tmp_path: Path) -> None:
    engine = db_engine(tmp_path / "ander.db")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE klanten (id integer primary key)")
        conn.exec_driver_sql("CREATE VIEW overzicht AS SELECT id FROM klanten")
    engine.dispose()
    for args in (["expert", "list"], ["db", "init"], ["org", "add", "--code", "X1", "--name", "X"]):
        r = CliRunner(env=env(tmp_path / "ander.db")).invoke(load_cli().cli, args)
        assert r.exit_code == 1, (args, r.stderr)
        assert "bevat tabellen van een ander programma (klanten, overzicht)" in r.stderr, r.stderr
    engine = db_engine(tmp_path / "ander.db")
    with engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT relname FROM pg_class c JOIN pg_namespace n ON "
                                                    "n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind "
                                                    "IN ('r', 'v')")}
    engine.dispose()
    assert names == {"klanten", "overzicht"}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_hostile_files_without_their_trick_import_every_row(kind: str, admin: Path, tmp_path: Path) -> None:
    """The import cases above are refused for what was added to the file, nothing else: the
    same file without it gives its three rows (checked, not stored)."""
    if kind == "xlsx":
        xlsx(clean=True)(tmp_path, admin)
    else:
        csv_bytes(CSV_HEADER + CSV_ROWS.encode("utf-8"))(tmp_path, admin)
    before = dump(admin)
    r = CliRunner(env=env(admin)).invoke(load_cli().cli, ["import", str(tmp_path / f"uren.{kind}"), "--dry-run"])
    assert r.exit_code == 0, r.stderr
    assert "uren: 3 zou worden toegevoegd" in r.stdout
    assert dump(admin) == before
