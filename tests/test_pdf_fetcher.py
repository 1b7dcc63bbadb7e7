"""What a template may load into a PDF: files in the template folder, the configured logo
and data: URIs. Anything else (a file elsewhere as attachment or image, a symlink out of the
folder, the network) stops the rendering with a message naming the URL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from invoicing_data import ISSUE, build
from pypdf import PdfReader

from vergoeding.api import invoices as api
from vergoeding.core.period import parse_period
from vergoeding.errors import ConfigError
from vergoeding.render.pdf import html_to_pdf, html_to_pdfa3


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


PNG = _png()


def images(pdf: bytes) -> int:
    n = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        res: Any = page["/Resources"].get_object()
        xo: Any = res.get("/XObject") or {}
        n += sum(1 for v in xo.values() if v.get_object()["/Subtype"] == "/Image")
    return n


def attachments(pdf: bytes) -> dict[str, list[bytes]]:
    return dict(PdfReader(io.BytesIO(pdf)).attachments)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    tdir, other = tmp_path / "sjablonen", tmp_path / "elders"
    tdir.mkdir()
    other.mkdir()
    (tdir / "stempel.png").write_bytes(PNG)
    (other / "geheim.png").write_bytes(PNG)
    (other / "wachtwoorden.txt").write_text("geheim-7731", encoding="utf-8")
    return tdir, other


def test_image_in_the_template_folder_and_data_uri_load(folders: tuple[Path, Path]) -> None:
    tdir, _ = folders
    import base64

    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    pdf = html_to_pdf(f'<p>x</p><img src="stempel.png"><img src="{data}">', base_url=tdir)
    assert images(pdf) == 2


@pytest.mark.parametrize("tag", [
    '<link rel="attachment" href="file://{other}/wachtwoorden.txt">',
    '<img src="file://{other}/geheim.png">',
    '<img src="../elders/geheim.png">',
    '<link rel="stylesheet" href="https://example.org/x.css">',
])
def test_anything_outside_the_template_folder_is_refused(folders: tuple[Path, Path], tag: str) -> None:
    tdir, other = folders
    with pytest.raises(ConfigError) as exc:
        html_to_pdf("<p>x</p>" + tag.format(other=other), base_url=tdir)
    assert "sjabloon laadt" in exc.value.message and "sjablonenmap" in exc.value.message
    assert ("geheim.png" in exc.value.message or "wachtwoorden.txt" in exc.value.message
            or "example.org" in exc.value.message)


def test_symlink_in_the_folder_to_a_file_elsewhere_is_refused(folders: tuple[Path, Path]) -> None:
    tdir, other = folders
    (tdir / "bijlage.txt").symlink_to(other / "wachtwoorden.txt")
    with pytest.raises(ConfigError, match="bijlage.txt"):
        html_to_pdfa3('<p>x</p><link rel="attachment" href="bijlage.txt">', base_url=tdir)


def test_attachment_inside_the_folder_is_embedded(folders: tuple[Path, Path]) -> None:
    tdir, _ = folders
    (tdir / "voorwaarden.txt").write_text("Algemene voorwaarden 2027", encoding="utf-8")
    pdf = html_to_pdf('<p>x</p><link rel="attachment" href="voorwaarden.txt">', base_url=tdir)
    assert attachments(pdf)["voorwaarden.txt"] == [b"Algemene voorwaarden 2027"]


def test_invoice_override_cannot_attach_a_system_file_but_keeps_its_logo(tmp_path: Path) -> None:
    from vergoeding.api.workspace import Workspace
    from vergoeding.config import Settings
    from vergoeding.render import templating

    build(tmp_path / "db.sqlite")
    logo = tmp_path / "huisstijl" / "beeldmerk.png"
    logo.parent.mkdir()
    logo.write_bytes(PNG)
    tdir = tmp_path / "eigen"
    tdir.mkdir()
    (tdir / "invoice.html").write_text(
        '<html><body><h1>Factuur {{ number }}</h1>{% if logo %}<img src="{{ logo }}">{% endif %}'
        '<link rel="attachment" href="file:///etc/hostname"></body></html>', encoding="utf-8")
    ws = Workspace(Settings(db=str(tmp_path / "db.sqlite"), templates_dir=tdir, actor="t",
                            extra={"organisation": {"logo": str(logo)}}))
    api.create_client_invoice(ws, "GEM-UTR", parse_period("2026-10"), issue_date=ISSUE)
    templating.environment.cache_clear()
    with pytest.raises(ConfigError, match="file:///etc/hostname"):
        api.render(ws, "2026-0001", "pdf")
    (tdir / "invoice.html").write_text(
        '<html><body><h1>Factuur {{ number }}</h1><img src="{{ logo }}"></body></html>', encoding="utf-8")
    templating.environment.cache_clear()
    pdf = api.render(ws, "2026-0001", "pdf")
    assert images(pdf) == 1
