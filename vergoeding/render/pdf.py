"""HTML -> PDF bytes with WeasyPrint. Imported only by commands that render PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import weasyprint

ACCESSIBLE = "pdf/ua-1"


def html_to_pdf(html: str, *, base_url: Path, accessible: bool = False) -> bytes:
    """``base_url`` is the template folder, so stylesheets and logos resolve.

    ``accessible`` writes a tagged PDF (WeasyPrint's PDF/UA-1 variant): a structure tree
    from the HTML (H1/H2, P, Table/TR/TH/TD with header references), the document language
    from ``<html lang="nl">``, the ``<title>`` as the title a reader shows, MarkInfo
    Marked. Used for what experts read (statements, year statements, contracts); the
    output looks the same and stays byte-identical for the same input. PDF/UA conformance
    itself is not checked by a validator here (no veraPDF on the machine): WeasyPrint
    leaves page-margin text (the footer) out of the structure tree, since marking it as an
    artifact needs PDF 2.0."""
    doc = weasyprint.HTML(string=html, base_url=str(base_url))
    out: bytes = doc.write_pdf(pdf_variant=ACCESSIBLE if accessible else None)
    return out


def harfbuzz_subset_available() -> bool:
    """WeasyPrint falls back to a 2.3x slower font-subsetting path without Debian's
    libharfbuzz-subset0; ``make setup`` installs it."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


@dataclass(frozen=True)
class Embedded:
    """A file embedded in a PDF/A-3 (PDF 2.0 ``AFRelationship``: ``Alternative`` when it is
    the same document in another form, as Factur-X/ZUGFeRD embed their XML)."""

    name: str
    data: bytes
    description: str
    relationship: str = "Alternative"
    when: datetime | None = None  # its date in the PDF; fixed so that a reprint is identical


def html_to_pdfa3(html: str, *, base_url: Path, files: tuple[Embedded, ...] = ()) -> bytes:
    """An archival PDF/A-3b (ISO 19005-3; XMP ``pdfaid:part=3``, ``conformance=B``, sRGB
    output intent) with ``files`` embedded and listed in the catalogue's ``/AF``."""
    attachments = [weasyprint.Attachment(string=f.data, name=f.name, description=f.description,
                                         relationship=f.relationship, created=f.when, modified=f.when)
                   for f in files]
    doc = weasyprint.HTML(string=html, base_url=str(base_url))
    out: bytes = doc.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments)
    return out
