"""A payout's documents are made one by one and never all held (issue 20, item 7): the PDF
workers draw the HTML as they need it, with a few documents on their way at most, and every
file is staged on disk (render/staged.py) until the payout may write it. Memory itself is
measured in bench case 11 (payout_50k); these tests check the structure that bounds it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from vergoeding.render import payout as render_payout
from vergoeding.render.staged import StagedFiles

DOCS = 14


@pytest.mark.parametrize("workers", [1, 2])
def test_the_pdf_workers_draw_the_html_as_they_need_it(tmp_path: Path, workers: int) -> None:
    drawn: list[int] = []

    def htmls() -> Iterator[str]:
        for i in range(DOCS):
            drawn.append(i)
            yield f"<html><body><h1>Verklaring {i}</h1></body></html>"

    ahead: list[int] = []
    texts: list[str] = []
    progress: list[tuple[int, int]] = []
    for pdf in render_payout.iter_pdfs(htmls(), tmp_path, lambda d, n: progress.append((d, n)), total=DOCS,
                                       workers=workers):
        ahead.append(len(drawn) - len(texts) - 1)  # documents drawn but not yet handed back
        texts.append(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip())
    assert texts == [f"Verklaring {i}" for i in range(DOCS)]  # in order
    assert progress == [(i, DOCS) for i in range(1, DOCS + 1)]
    window = 0 if workers == 1 else render_payout._WINDOW * workers
    assert max(ahead) <= window, ahead  # never the whole list: at most the window is on its way
    assert len(drawn) == DOCS


def test_a_failing_document_stops_the_rest(tmp_path: Path) -> None:
    """A template error in one statement stops the payout's rendering: the documents after it
    are not drawn beyond the window, and the error reaches the caller."""
    drawn: list[int] = []

    def htmls() -> Iterator[str]:
        for i in range(40):
            drawn.append(i)
            yield '<img src="http://voorbeeld.nl/x.png">' if i == 1 else f"<p>{i}</p>"

    from vergoeding.errors import ConfigError

    with pytest.raises(ConfigError, match="sjabloon laadt http://voorbeeld.nl/x.png"):
        list(render_payout.iter_pdfs(htmls(), tmp_path, total=40, workers=2))
    assert len(drawn) <= 2 + render_payout._WINDOW * 2


def test_staged_files_live_on_disk_until_closed() -> None:
    with StagedFiles("vergoeding-test-") as files:
        files.add("b.pdf", b"%PDF-2")
        files.add("a.xlsx", b"PK")
        folder = Path(files._dir.name)
        assert sorted(p.name for p in folder.iterdir()) == ["a.xlsx", "b.pdf"]
        assert folder.stat().st_mode & 0o777 == 0o700  # private: statements hold names and amounts
        assert list(files) == ["b.pdf", "a.xlsx"] and files["a.xlsx"] == b"PK" and len(files) == 2
        with pytest.raises(KeyError):
            files["c.pdf"]
    assert not folder.exists()
