"""HTML -> PDF bytes with WeasyPrint. Imported only by commands that render PDFs."""

from __future__ import annotations

from pathlib import Path

import weasyprint


def html_to_pdf(html: str, *, base_url: Path) -> bytes:
    """``base_url`` is the template folder, so stylesheets and logos resolve."""
    doc = weasyprint.HTML(string=html, base_url=str(base_url))
    out: bytes = doc.write_pdf()
    return out


def harfbuzz_subset_available() -> bool:
    """WeasyPrint falls back to a 2.3x slower font-subsetting path without Debian's
    libharfbuzz-subset0; ``make setup`` installs it."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None
