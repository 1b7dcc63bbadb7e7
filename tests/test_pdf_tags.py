# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""Accessible PDFs: statements, year statements, contracts, the hours overview and the payout
overview are tagged (issue 14, item 5; issue 21, item 7).

The structure tree is read back with pypdf: the catalog's /StructTreeRoot, /Lang (nl),
/MarkInfo Marked, the title a reader shows; headings H1/H2 in order without skipped levels,
tables with TH header cells that every TD cell refers to, the text in reading order, the
running footer as an artifact, and a table that crosses a page as one table."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import builders as b
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from vergoeding.__main__ import load_cli

ENV = {"VERGOEDING_TODAY": "2026-12-02"}


def seed(path: Path) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Ervaringskracht")
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "V1", name="Vera Binnen", iban="NL91ABNA0417164300")
        b.engagement(c, "GV1", "V1", "GEM")
        b.entry(c, "GV1", date(2026, 11, 3), minutes=600, activity="Adviesraad")  # 57.50
        b.entry(c, "GV1", date(2026, 11, 10), minutes=60, activity="Voorbereiding")  # 5.75
        # a statement whose lines table crosses a page: 45 lines of work
        b.expert(c, "V2", name="Wim Lang", iban="NL91ABNA0417164300")
        b.engagement(c, "GV2", "V2", "GEM")
        for i in range(45):
            b.entry(c, "GV2", date(2026, 11, 1 + i % 28), minutes=15, activity=f"Gesprek {i + 1}")
    eng.dispose()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """One payout statement, one year statement and one contract, made by the CLI."""
    tmp = tmp_path_factory.mktemp("tags")
    db = tmp / "db.sqlite"
    seed(db)
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("VERGOEDING_")}
    runner = CliRunner(env={**unset, "VERGOEDING_DB": str(db), **ENV})
    cli = load_cli().cli
    out = tmp / "p"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["statement", "--expert", "V1", "--year", "2026", "-o", str(tmp / "jaar.pdf")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["contract", "GV1", "-o", str(tmp / "contract.pdf")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["hours", "--expert", "V1", "--year", "2026", "--format", "pdf", "-o", str(tmp / "uren.pdf")])
    assert r.exit_code == 0, r.output
    return {"statement": out / "specificatie-2026-11-V1.pdf", "year": tmp / "jaar.pdf", "contract": tmp / "contract.pdf",
            "hours": tmp / "uren.pdf", "overview": next(out.glob("*.pdf")), "long": out / "specificatie-2026-11-V2.pdf"}


def walk(node: Any, out: list[DictionaryObject]) -> None:
    """Structure elements in document (reading) order."""
    node = node.get_object()
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for k in kids if isinstance(kids, list) else [kids]:
            walk(k, out)
    elif isinstance(node, list):
        for k in node:
            walk(k, out)


def structure(path: Path) -> tuple[PdfReader, list[DictionaryObject]]:
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, f"{path.name} is not tagged"
    elems: list[DictionaryObject] = []
    walk(root["/StructTreeRoot"], elems)
    return reader, elems


KINDS = ["statement", "year", "contract", "hours", "overview", "long"]


@pytest.mark.parametrize("kind", KINDS)
def test_catalog_says_tagged_dutch_and_titled(pdfs, kind: str) -> None:
    reader = PdfReader(pdfs[kind])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    title = reader.metadata.title
    assert title == {"statement": "Uw vergoeding november 2026", "year": "Jaaropgave 2026 — Vera Binnen",
                     "contract": "Vrijwilligersovereenkomst GV1", "hours": "Urenoverzicht Vera Binnen 2026",
                     "overview": "Uitbetaling november 2026", "long": "Uw vergoeding november 2026"}[kind]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part=\"1\"" in xmp and title.encode() in xmp


@pytest.mark.parametrize("kind", KINDS)
def test_headings_in_order_without_skipped_levels(pdfs, kind: str) -> None:
    _, elems = structure(pdfs[kind])
    tags = [str(e["/S"]) for e in elems]
    assert tags[0] == "/Document"
    levels = [int(t[2]) for t in tags if len(t) == 3 and t.startswith("/H") and t[2].isdigit()]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert 2 in levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading level skipped in {kind}: {levels}"
    if kind == "contract":  # every clause is a section heading under the title
        assert levels.count(2) >= 8


@pytest.mark.parametrize("kind", ["statement", "year"])
def test_tables_have_header_cells_that_data_cells_refer_to(pdfs, kind: str) -> None:
    _, elems = structure(pdfs[kind])
    tags = [str(e["/S"]) for e in elems]
    assert "/Table" in tags and "/THead" in tags and "/TBody" in tags
    ths = [e for e in elems if e["/S"] == "/TH"]
    tds = [e for e in elems if e["/S"] == "/TD"]
    # statement: Datum Wat "Hoeveel en tarief" Vergoeding Totaal; and Soort "Deze keer" "In 2026 tot nu toe"
    # of "Soort vergoeding" with a row header per regime (Vrijwilligersvergoeding)
    assert len(ths) == {"statement": 9, "year": 5}[kind]
    ids = {str(th["/ID"]) for th in ths}
    # every data cell names its column header (WeasyPrint links them for scope="col")
    refs = [{str(h) for h in td["/A"]["/Headers"]} for td in tds]
    assert refs and all(r and r <= ids for r in refs)
    # a table row is TR > TD/TH, in that order
    trs = [e for e in elems if e["/S"] == "/TR"]
    assert all(str(k.get_object()["/S"]) in ("/TD", "/TH") for tr in trs for k in tr["/K"])


def test_reading_order_follows_the_letter(pdfs) -> None:
    """The marked content of the statement is read as the letter is written: sender, title,
    salutation, the table, the totals."""
    reader, elems = structure(pdfs["statement"])
    page = reader.pages[0]
    # map MCIDs on page 1 to text with pypdf's visitor
    texts: dict[int, str] = {}
    current: list[int | None] = [None]

    def before(op: bytes, args: list[Any], *_: Any) -> None:
        if op == b"BDC" and len(args) > 1 and hasattr(args[1], "get") and "/MCID" in args[1]:
            current[0] = int(args[1]["/MCID"])
        elif op == b"EMC":
            current[0] = None

    def text(t: str, *_: Any) -> None:
        if current[0] is not None:
            texts[current[0]] = texts.get(current[0], "") + t

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    ordered: list[str] = []
    for e in elems:
        for k in (e["/K"] if isinstance(e["/K"], list) else [e["/K"]]):
            if isinstance(k, int) and k in texts and str(e.get("/Pg", page.indirect_reference)) == str(
                    page.indirect_reference):
                ordered.append(texts[k])
    flat = " ".join(" ".join(ordered).split())
    marks = ["Stichting Ervaringskracht", "Vera Binnen", "Uw vergoeding over november 2026", "Beste Vera Binnen",
             "Waarvoor u dit krijgt", "Datum", "Vergoeding", "03-11-2026", "€ 57,50", "Totaal", "€ 63,25",
             "Soort vergoeding"]
    at = 0
    for m in marks:  # each one after the one before
        found = flat.find(m, at)
        assert found >= 0, f"{m!r} not after position {at} in: {flat}"
        at = found + len(m)


def test_tagging_is_asked_for_per_document(tmp_path) -> None:
    """``html_to_pdf`` tags only when asked (invoices follow their own PDF/A route)."""
    from vergoeding.render.pdf import html_to_pdf

    html = '<html lang="nl"><head><title>t</title></head><body><h1>Kop</h1></body></html>'
    plain = PdfReader(_bytes_path(tmp_path / "a.pdf", html_to_pdf(html, base_url=tmp_path)))
    tagged = PdfReader(_bytes_path(tmp_path / "b.pdf", html_to_pdf(html, base_url=tmp_path, accessible=True)))
    assert "/StructTreeRoot" not in plain.trailer["/Root"]
    assert "/StructTreeRoot" in tagged.trailer["/Root"]


def _bytes_path(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path



def marked_text(reader: PdfReader, page_no: int) -> tuple[dict[int, str], str]:
    """(text per MCID, text inside /Artifact marked content) of one page."""
    page = reader.pages[page_no]
    stack: list[tuple[str, int | None]] = []
    texts: dict[int, str] = {}
    artifact: list[str] = []

    def before(op: bytes, args: list[Any], *_: Any) -> None:
        if op in (b"BDC", b"BMC"):
            props = args[1] if len(args) > 1 and hasattr(args[1], "get") else {}
            stack.append((str(args[0]), int(props["/MCID"]) if "/MCID" in props else None))
        elif op == b"EMC" and stack:
            stack.pop()

    def text(t: str, *_: Any) -> None:
        if not stack:
            return
        if any(tag == "/Artifact" for tag, _ in stack):
            artifact.append(t)
        elif stack[-1][1] is not None:
            texts[stack[-1][1]] = texts.get(stack[-1][1], "") + t

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts, " ".join(" ".join(artifact).split())


def reachable_ids(elems: list[DictionaryObject]) -> set[int]:
    return {e.indirect_reference.idnum for e in elems if e.indirect_reference is not None}


FOOTERS = {"statement": "Uw vergoeding over november 2026", "year": "Jaaropgave 2026", "contract": "Vrijwilligersovereenkomst",
           "hours": "Urenoverzicht", "overview": "Uitbetaling november 2026", "long": "Uw vergoeding over november 2026"}


@pytest.mark.parametrize("kind", KINDS)
def test_running_footer_is_an_artifact_and_every_content_is_in_the_tree(pdfs, kind: str) -> None:
    """The footer ("pagina 1 van 2" and the title) is a pagination artifact on every page, so a
    reader does not read it between the paragraphs; every other marked text belongs to an
    element of the structure tree (the parent tree points to it)."""
    reader, elems = structure(pdfs[kind])
    in_tree = reachable_ids(elems)
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    pages = len(reader.pages)
    for n in range(pages):
        texts, artifact = marked_text(reader, n)
        assert artifact.endswith(f"{FOOTERS[kind]} pagina {n + 1} van {pages}"), (kind, n, artifact)
        owners = parent_tree[int(reader.pages[n]["/StructParents"])]
        for mcid, t in texts.items():
            owner = owners[mcid].get_object()
            assert owner is not None and owners[mcid].idnum in in_tree, (kind, n, mcid, t)
            assert "pagina " not in t
        assert texts, f"{kind} page {n + 1} has no tagged content"


@pytest.mark.parametrize("kind", KINDS)
def test_every_table_cell_has_its_header(pdfs, kind: str) -> None:
    """PDF/UA 7.5: each TD names the TH cells that head it, and those exist in the tree."""
    _, elems = structure(pdfs[kind])
    ths = {str(e["/ID"]) for e in elems if e["/S"] == "/TH"}
    tds = [e for e in elems if e["/S"] == "/TD"]
    if kind == "contract":
        assert not tds
        return
    assert tds
    for td in tds:
        refs = {str(h) for h in td["/A"].get("/Headers", [])}
        assert refs and refs <= ths, (kind, td)


def cell_text(reader: PdfReader, elem: DictionaryObject, cache: dict[int, dict[int, str]]) -> str:
    """The text of a structure element (its MCIDs on their pages)."""
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    out: list[str] = []
    kids = elem["/K"]
    for k in kids if isinstance(kids, list) else [kids]:
        k = k.get_object() if hasattr(k, "get_object") else k
        if isinstance(k, int):
            page = pages[elem.raw_get("/Pg").idnum]
            if page not in cache:
                cache[page] = marked_text(reader, page)[0]
            out.append(cache[page].get(k, ""))
        elif isinstance(k, DictionaryObject) and "/S" in k:
            out.append(cell_text(reader, k, cache))
    return " ".join(" ".join(out).split())


def test_payout_overview_key_value_table_has_row_headers(pdfs) -> None:
    reader, elems = structure(pdfs["overview"])
    cache: dict[int, dict[int, str]] = {}
    ths = {str(e["/ID"]): cell_text(reader, e, cache) for e in elems if e["/S"] == "/TH"}
    assert {"Organisatie", "Uitbetaling", "Uitvoerdatum", "Kenmerk SEPA-batch", "Overboekingen"} <= set(ths.values())
    by_text = {}
    for td in (e for e in elems if e["/S"] == "/TD"):
        heads = [ths[str(h)] for h in td["/A"]["/Headers"]]
        by_text.setdefault(tuple(heads), cell_text(reader, td, cache))
    assert by_text[("Organisatie",)] == "Stichting Ervaringskracht"
    # 63,25 for Vera; 45 lines of 15 minutes x 5,75 = 1,44 each (rounded per line) = 64,80 for Wim
    assert by_text[("Overboekingen",)] == "2 voor in totaal € 128,05"


def test_a_table_across_pages_is_one_table_with_its_header_read_once(pdfs) -> None:
    """45 lines of work over 2 pages: one lines table (one THead, one TBody with every row), the
    header row repeated on page 2 as an artifact, the cells of page 2 headed by the first
    page's header cells."""
    reader, elems = structure(pdfs["long"])
    assert len(reader.pages) == 2
    cache: dict[int, dict[int, str]] = {}
    tables = [e for e in elems if e["/S"] == "/Table"]
    assert len(tables) == 2  # the lines and the kinds of allowance
    lines = tables[0]
    sub: list[DictionaryObject] = []
    walk(lines, sub)
    heads = [e for e in sub if e["/S"] == "/THead"]
    bodies = [e for e in sub if e["/S"] == "/TBody"]
    assert len(heads) == 1 and len(bodies) == 1
    ths = [e for e in sub if e["/S"] == "/TH"]
    assert [cell_text(reader, th, cache) for th in ths] == ["Datum", "Wat", "Hoeveel en tarief", "Vergoeding", "Totaal"]
    rows = [e for e in bodies[0]["/K"]]
    texts = [cell_text(reader, r.get_object(), cache) for r in rows]
    assert sum(1 for t in texts if "Gesprek" in t) == 45
    assert "Gesprek 45" in " ".join(texts) and texts[0].startswith("01-11-2026 Gesprek 1 ")
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    assert {pages[r.get_object().raw_get("/Pg").idnum] for r in rows} == {0, 1}
    ids = {str(th["/ID"]) for th in ths}
    last_page_cells = [e for e in sub if e["/S"] == "/TD" and pages[e.raw_get("/Pg").idnum] == 1]
    assert last_page_cells and all({str(h) for h in td["/A"]["/Headers"]} <= ids for td in last_page_cells)
    _, artifact = marked_text(reader, 1)  # the repeated header: drawn, not read again
    assert artifact.startswith("Datum Wat Hoeveel en tarief Vergoeding Totaal")
