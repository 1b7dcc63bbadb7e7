"""Contract renderer: a :class:`ContractDocument` in, PDF bytes out."""

from __future__ import annotations

from pathlib import Path

from vergoeding.documents.contract import ContractDocument
from vergoeding.render.templating import render_html


def contract_html(doc: ContractDocument, *, user_dir: Path | None, shipped_dir: Path) -> str:
    return render_html(doc.template, doc.context(), user_dir=user_dir, shipped_dir=shipped_dir)


def contract_pdf(doc: ContractDocument, *, user_dir: Path | None, shipped_dir: Path) -> bytes:
    from vergoeding.render.pdf import html_to_pdf

    return html_to_pdf(contract_html(doc, user_dir=user_dir, shipped_dir=shipped_dir),
                       base_url=user_dir or shipped_dir, accessible=True)
