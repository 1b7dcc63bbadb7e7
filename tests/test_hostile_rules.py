"""The rules behind issue 13: one number series per kind and year (credit notes across
31 December), the number-format whitelist, the template sandbox, the text rule, the bounds
and the CSV convention read back by Python's csv module."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from builders import entry
from invoicing_data import ISSUE, build, workspace
from sqlalchemy import select

from vergoeding.api import invoices as api
from vergoeding.core.bounds import check_bound
from vergoeding.core.numbering import check_format, format_number
from vergoeding.core.period import parse_period
from vergoeding.core.text import clean_text, printable
from vergoeding.errors import ConfigError, InputError
from vergoeding.render.csvtext import BOM, read_back, to_csv
from vergoeding.store.schema import invoice_series, invoices

OCT = parse_period("2026-10")


# --- number series ---------------------------------------------------------------------------

def test_credit_note_in_january_takes_the_new_years_series(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    with ws.engine.begin() as c:
        entry(c, "G001", date(2025, 12, 12), minutes=60)
        entry(c, "G003", date(2025, 12, 15), minutes=60)
    dec = parse_period("2025-12")
    a = api.create_client_invoice(ws, "GEM-UTR", dec, issue_date=date(2025, 12, 31))
    b = api.create_client_invoice(ws, "ZORG", dec, issue_date=date(2025, 12, 31))
    assert (a.number, b.number) == ("2025-0001", "2025-0002")
    cn = api.credit(ws, "2025-0001", "verkeerd tarief", issue_date=date(2026, 1, 2))
    assert cn.number == "2026-0001" and cn.invoice.credit_of == "2025-0001"
    nxt = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    assert nxt.number == "2026-0002"  # no collision with the credit note, no gap in 2025
    # a credit note dated in the old year stays in the old series, without a gap
    cn2 = api.credit(ws, "2025-0002", "dubbel", issue_date=date(2025, 12, 31))
    assert cn2.number == "2025-0003"
    with ws.engine.connect() as c:
        series = dict(c.execute(select(invoice_series.c.series, invoice_series.c.next_number)).all())
        stored = dict(c.execute(select(invoices.c.number, invoices.c.series)).all())
    assert series == {"factuur:2025": 4, "factuur:2026": 3}
    assert stored["2026-0001"] == "factuur:2026" and stored["2025-0003"] == "factuur:2025"


def test_a_legacy_misnumbered_credit_note_is_skipped_not_collided(tmp_path: Path) -> None:
    """A database in which a January credit note took "2026-0002" from the 2025 counter
    (before the rule): the 2026 series passes over that number instead of failing for ever."""
    ws = build(tmp_path / "db.sqlite")
    with ws.engine.begin() as c:
        entry(c, "G001", date(2025, 12, 12), minutes=60)
    api.create_client_invoice(ws, "GEM-UTR", parse_period("2025-12"), issue_date=date(2025, 12, 31))
    with ws.engine.begin() as c:
        c.execute(invoices.update().where(invoices.c.number == "2025-0001").values(number="2026-0002"))
    ws2 = workspace(tmp_path / "db.sqlite")
    first = api.create_client_invoice(ws2, "GEM-UTR", OCT, issue_date=ISSUE)
    second = api.create_client_invoice(ws2, "ZORG", OCT, issue_date=ISSUE)
    assert (first.number, second.number) == ("2026-0001", "2026-0003")


@pytest.mark.parametrize("fmt", ["{year}/{seq:04d}", "{year.__class__}-{seq}", "{seq[0]}", "{year}-{seq} x",
                                 "{series}-{seq}", "{year}", "{seq:>20}", "..\\{seq}", "{{seq}}", "{seq!r}",
                                 "{seq:04d}{year.real}", ""])
def test_number_format_whitelist_refuses(fmt: str) -> None:
    with pytest.raises(ConfigError) as exc:
        check_format(fmt)
    assert "[invoices] number_format" in str(exc.value)


def test_number_format_whitelist_allows_the_usual() -> None:
    assert format_number("F{year}.{seq:05d}", year=2026, seq=42) == "F2026.00042"
    assert format_number("ZF{year}-{expert}-{seq:03d}", year=2026, seq=7, expert="E002") == "ZF2026-E002-007"
    assert format_number("{seq}_{year}", year=2026, seq=7) == "7_2026"


def test_bad_number_format_in_config_fails_before_any_number(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite")
    ws = workspace(tmp_path / "db.sqlite", invoices={"number_format": "{year}/{seq:04d}"})
    with pytest.raises(ConfigError, match="het teken '/'"):
        api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    with ws.engine.connect() as c:
        assert c.execute(select(invoices.c.id).where(invoices.c.status != "concept")).first() is None


# --- templates ----------------------------------------------------------------------------

def _render(user: Path, name: str) -> str:
    from vergoeding.render.templating import render_html

    shipped = Path(__file__).resolve().parent.parent / "templates"
    return render_html(name, {}, user_dir=user, shipped_dir=shipped)


def test_template_sandbox_blocks_the_cycler_escape(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    with pytest.raises(ConfigError) as exc:
        _render(tmp_path, "x.html")
    assert "sjabloon x.html: niet toegestaan" in str(exc.value) and "uid=" not in str(exc.value)


def test_template_sandbox_blocks_class_walks(tmp_path: Path) -> None:
    (tmp_path / "y.html").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ConfigError, match="niet toegestaan"):
        _render(tmp_path, "y.html")


def test_template_symlink_outside_the_folder_is_refused(tmp_path: Path) -> None:
    user = tmp_path / "sjablonen"
    user.mkdir()
    secret = tmp_path / "geheim.txt"
    secret.write_text("root:x:0:0")
    os.symlink(secret, user / "invoice.html")
    with pytest.raises(ConfigError) as exc:
        _render(user, "invoice.html")
    assert "buiten de sjablonenmap" in str(exc.value) and str(user / "invoice.html") in str(exc.value)
    os.symlink(tmp_path, user / "sub")  # a linked folder is outside as well
    with pytest.raises(ConfigError, match="buiten de sjablonenmap"):
        _render(user, "sub/geheim.txt")


def test_template_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "echt.html").write_text("hallo {{ 'wereld' }}")
    os.symlink(tmp_path / "echt.html", tmp_path / "link.html")
    assert _render(tmp_path, "link.html") == "hallo wereld"


def test_invoice_pdf_with_an_escaping_override_fails_clearly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from vergoeding.__main__ import load_cli

    ws = build(tmp_path / "db.sqlite")
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    user = tmp_path / "eigen"
    user.mkdir()
    (user / "invoice.html").write_text("{{ cycler.__init__.__globals__.os.popen('touch " + str(tmp_path / "pwned")
                                       + "') }}")
    env = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    r = CliRunner(env=env).invoke(load_cli().cli, ["--db", str(tmp_path / "db.sqlite"), "--templates", str(user),
                                                   "invoice", "render", "2026-0001", "--format", "pdf",
                                                   "-o", str(tmp_path / "f.pdf")])
    assert r.exit_code != 0 and "niet toegestaan" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "f.pdf").exists()


# --- text rule and bounds ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Jan\x01", "Jan\x0bJansen", "\x1b[31mrood", "\x1b]0;titel\x07Jan", "A\x85B",
                                  "Jan\u202eesnaJ", "a\rb", "a\nb", "\ud800x", "A\x7fB"])
def test_clean_text_refuses_control_characters(text: str) -> None:
    with pytest.raises(InputError) as exc:
        clean_text(text, field="naam")
    assert str(exc.value).startswith("kolom/veld naam: bevat ")


def test_clean_text_keeps_what_is_legitimate() -> None:
    for text in ("Émile Zoë Çelik", "李小龙", "محمد", "👩‍👩‍👧 gezin", "O'Brien-Smit", "a\u200db"):
        assert clean_text(f"  {text} ") == text
    assert clean_text("regel 1\r\nregel 2\tmet tab", multiline=True) == "regel 1\nregel 2\tmet tab"


def test_clean_text_refuses_a_bsn_in_free_text() -> None:
    with pytest.raises(InputError, match="burgerservicenummer") as exc:
        clean_text("gesprek met 111222333", field="activiteit")
    assert "111222333" not in str(exc.value)
    assert clean_text("factuur 123456789") == "factuur 123456789"  # fails the 11-test: not a BSN


def test_printable_removes_escapes_whole() -> None:
    assert printable("\x1b[31mrood\x1b[0m") == "rood"
    assert printable("\x1b]0;titel\x07Jan") == "Jan"
    assert printable("a\rb\nc") == "a b c" and printable("a\r\nb", multiline=True) == "a\nb"
    assert printable("A\x01\x0bB\x85") == "AB"


@pytest.mark.parametrize("attr,value", [("km", Decimal("99999999999999999999")), ("expense", Decimal("1e23")),
                                        ("expert_rate", Decimal("10000.01")), ("quantity", 1001),
                                        ("inkind", Decimal("Infinity"))])
def test_bounds_refuse(attr: str, value: Decimal | int) -> None:
    with pytest.raises(InputError):
        check_bound(attr, value, field=attr)


def test_bounds_allow_real_values() -> None:
    check_bound("km", Decimal("10000"))
    check_bound("expense", Decimal("99999.99"))
    check_bound("expert_rate", Decimal("10000"))


# --- CSV convention -----------------------------------------------------------------------------

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "\uff1dSUM(A1)", "\uff0b1", "\uff0d1", "\uff20a",
           "\ufeff=1", " =1", "\u200b=1", "\u00a0+1", "a\r=HYPERLINK(\"x\")", "x\n=1", 'met "quotes"; en ;',
           "-", "=", "\x1b[31m=1"]


def test_csv_parsed_back_has_no_live_formula() -> None:
    text = to_csv(["naam", "bedrag"], [[h, Decimal("-3.50")] for h in HOSTILE])
    assert text.startswith(BOM) and "\r\n" in text
    rows = read_back(text)
    assert len(rows) == len(HOSTILE) + 1 and all(len(r) == 2 for r in rows)  # no row split by a CR or LF
    unsafe = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    for row in rows[1:]:
        assert not row[0].startswith(unsafe), row
        assert not row[0].lstrip(" \u00a0\ufeff\u200b").startswith(unsafe), row
        assert row[1] == "-3,50"  # a number is a number


def test_report_derden_csv_follows_the_convention(tmp_path: Path) -> None:
    from vergoeding.api.reports import DERDEN_COLUMNS

    # the header of the derden CSV and its data are written with to_csv: check the header
    text = to_csv([h for _, h in DERDEN_COLUMNS], [])
    assert read_back(text)[0][0] == DERDEN_COLUMNS[0][1]


def test_declared_1_5_gb_is_refused_before_inflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook whose central directory says its sheet inflates to 1.5 GB (a bomb of the
    issue: 1.5 MB -> 1.5 GB) is refused from the directory alone: openpyxl never opens it
    and not one byte of the sheet is inflated."""
    import struct
    import zipfile

    import openpyxl
    from openpyxl import Workbook

    from vergoeding.errors import InputError
    from vergoeding.importing import readers

    wb = Workbook()
    wb.active.title = "uren"
    wb.active.append(["opdracht", "datum", "uren"])
    path = tmp_path / "bom.xlsx"
    wb.save(path)
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x01\x02", data.find(b"xl/worksheets/sheet1.xml") - 200)  # its central directory entry
    while data[i + 46:i + 46 + 24] != b"xl/worksheets/sheet1.xml":
        i = data.find(b"PK\x01\x02", i + 4)
    struct.pack_into("<I", data, i + 24, 1_500_000_000)  # the declared uncompressed size
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 1_500_000_000
    opened: list[object] = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a))
    with pytest.raises(InputError) as exc:
        readers.read_file(path)
    assert str(exc.value).startswith("bom.xlsx: deel xl/worksheets/sheet1.xml zou uitpakken tot 1.500 MB")
    assert opened == []
