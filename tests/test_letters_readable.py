# mypy: disable-error-code="no-untyped-def,no-untyped-call"
"""Letters for experts are written to be read (issue 21, item 3): on every letter kind the
running text has sentences of at most 15 words on average and a Dutch Flesch-Douma score of at
least 60 (textstat with ``set_lang("nl")``: 206,835 - 0,93 x words per sentence - 77 x
syllables per word, syllables by pyphen's Dutch hyphenation). The figures per letter kind are
printed in the test output.

What is measured: the prose of the rendered HTML (paragraphs and list items, outside tables:
a table cell is not a sentence). What the letters show is checked too: the rate next to every
line, hours as people say them, a correction by date and work, the contact line as large as
the body text, one page when the content fits."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from builders import engagement, entry, expert
from invoicing_data import build
from pypdf import PdfReader
from test_payout_cli import seed

from vergoeding.api import contracts
from vergoeding.render.contract import contract_html

textstat = pytest.importorskip("textstat")

MAX_WORDS = 15
MIN_FLESCH_DOUMA = 60
ENV = {"VERGOEDING_TODAY": "2026-11-27"}


class _Prose(HTMLParser):
    """The text of <p> and <li> elements outside tables, one string per element."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._depth = 0  # inside a p/li
        self._table = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self._table += 1
        elif tag in ("p", "li") and not self._table:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table -= 1
        elif tag in ("p", "li") and self._depth and not self._table:
            self._depth -= 1
            if not self._depth:
                text = " ".join("".join(self._buf).split())
                if text:
                    self.parts.append(text if text[-1] in ".?!:" else text + ".")
                self._buf = []

    def handle_data(self, data: str) -> None:
        if self._depth and not self._table:
            self._buf.append(data)


def prose(html: str) -> str:
    p = _Prose()
    p.feed(html)
    return " ".join(p.parts)


def measure(text: str) -> tuple[float, float]:
    textstat.set_lang("nl")
    return textstat.words_per_sentence(text), textstat.flesch_reading_ease(text)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str]]]:
    """Every letter kind for experts as (name, HTML), captured where the templates render."""
    from click.testing import CliRunner

    from vergoeding.__main__ import load_cli

    tmp = tmp_path_factory.mktemp("letters")
    from vergoeding.render import templating

    got: list[tuple[str, str]] = []
    original = templating._render

    def capture(env, template, context):  # type: ignore[no-untyped-def]
        html = original(env, template, context)
        got.append((template, html))
        return html

    templating._render = capture  # type: ignore[assignment]
    try:
        db = tmp / "v.db"
        seed(db)
        runner = CliRunner(env={**ENV, "VERGOEDING_DB": str(db)})
        cli = load_cli().cli
        for args in (["approve", "--period", "2026-11"],
                     ["payout", "--period", "2026-11", "--out", str(tmp / "uit")],
                     ["statement", "--expert", "E001", "--year", "2026", "-o", str(tmp / "jaar-E001.pdf")],
                     ["statement", "--expert", "E002", "--year", "2026", "-o", str(tmp / "jaar-E002.pdf")],
                     ["hours", "--expert", "E001", "--year", "2026", "--format", "pdf", "-o", str(tmp / "uren.pdf")]):
            r = runner.invoke(cli, args, catch_exceptions=False)
            assert r.exit_code == 0, (args, r.output)
        ws = build(tmp / "c.db")
        with ws.engine.begin() as c:
            expert(c, "E005", name="Eva Smit", bsn="111222333")
            engagement(c, "G005", "E001", "GEM-UTR", role="adviesraad", regime="vacatiegeld", unit="bijeenkomst",
                       expert_rate="60.00", client_rate="60.00", end=date(2027, 1, 1), travel_policy="km")
            engagement(c, "G006", "E005", "ZORG", role="voorlichter", regime="particulier", unit="sessie",
                       expert_rate="75.00", client_rate="150.00")
            entry(c, "G005", date(2026, 10, 6), quantity=1)
        for code in ("G001", "G002", "G005", "G006"):
            doc = contracts.document(ws, code, kind="expert", today=date(2026, 11, 5))
            got.append((f"contract-{code}.html", contract_html(doc, user_dir=None,
                                                              shipped_dir=ws.settings.shipped_templates)))
    finally:
        templating._render = original  # type: ignore[assignment]
    kinds: dict[str, list[tuple[str, str]]] = {}
    for name, html in got:
        kind = {"statement.html": "uitbetalingsbrief", "year_statement.html": "jaaropgave",
                "hours.html": "urenoverzicht"}.get(name)
        if name.startswith("contract-"):
            kind = {"G001": "vrijwilligersovereenkomst", "G002": "overeenkomst van opdracht (zzp)",
                    "G005": "vacatiegeldregeling", "G006": "overeenkomst particulier"}[name[9:13]]
        if kind:
            kinds.setdefault(kind, []).append((name, html))
    kinds["_files"] = [(str(tmp), "")]
    return kinds


KINDS = ["uitbetalingsbrief", "jaaropgave", "urenoverzicht", "vrijwilligersovereenkomst",
         "overeenkomst van opdracht (zzp)", "vacatiegeldregeling", "overeenkomst particulier"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_letter_kind_reads_easily(letters, kind: str, request: pytest.FixtureRequest) -> None:
    assert kind in letters, sorted(letters)
    text = " ".join(prose(html) for _, html in letters[kind])
    words, score = measure(text)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = (f"leesbaarheid {kind}: {words:.1f} woorden per zin (hoogstens {MAX_WORDS}), "
            f"Flesch-Douma {score:.0f} (minstens {MIN_FLESCH_DOUMA})")
    if reporter is not None:
        reporter.write_line(line)
    assert words <= MAX_WORDS and score >= MIN_FLESCH_DOUMA, line


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_the_statement_shows_the_rate_and_hours_in_words(letters) -> None:
    tmp = Path(letters["_files"][0][0])
    pdf = tmp / "uit" / "specificatie-2026-11-E001.pdf"
    text = _pdf_text(pdf)
    # 2:30 x 5.75 = 14.375 -> 14.38: the rate is on the line and the rounding is said once
    assert "2 uur en 30 minuten × € 5,75" in text and "€ 14,38" in text
    assert "Wij ronden het bedrag van elke regel af op hele centen." in text
    assert "U werkte 4 uur en 30 minuten." in text and ":00 uur" not in text
    assert "Een kolom zonder bedragen" not in text
    assert len(PdfReader(pdf).pages) == 1  # three lines of work: one page
    vac = _pdf_text(tmp / "uit" / "specificatie-2026-11-E002.pdf")
    assert "2 bijeenkomsten × € 60,00" in vac and "Vacatiegeld" in vac and "rijwilligersvergoeding" not in vac
    assert len(PdfReader(tmp / "uit" / "specificatie-2026-11-E002.pdf").pages) == 1


def test_the_contact_line_is_as_large_as_the_body_text(letters) -> None:
    tmp = Path(letters["_files"][0][0])
    out = subprocess.run(["pdftotext", "-bbox", str(tmp / "uit" / "specificatie-2026-11-E001.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    heights = {m.group(2): float(m.group(1)) for m in re.finditer(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)</word>', out)}
    sizes = {w: float(b) - float(a) for a, b, w in re.findall(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', out)}
    assert heights and sizes["Klopt"] == pytest.approx(sizes["Beste"], abs=0.5)


def test_the_year_statement_and_hours_overview_say_hours_in_words(letters) -> None:
    tmp = Path(letters["_files"][0][0])
    ys = _pdf_text(tmp / "jaar-E001.pdf")
    assert "4 uur en 30 minuten" in ys and ":30" not in ys
    hours = _pdf_text(tmp / "uren.pdf")
    assert "2 uur en 30 minuten" in hours and " min " not in hours
    for name in ("jaar-E001.pdf", "jaar-E002.pdf", "uren.pdf"):
        assert len(PdfReader(io.BytesIO((tmp / name).read_bytes())).pages) == 1, name
