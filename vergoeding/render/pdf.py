"""HTML -> PDF bytes with WeasyPrint. Imported only by commands that render PDFs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from vergoeding.errors import ConfigError

ACCESSIBLE = "pdf/ua-1"


class _Refused(FatalURLFetchingError):  # type: ignore[misc]
    """Stops the rendering (WeasyPrint only lets a fatal fetch error through)."""


class FolderFetcher(URLFetcher):  # type: ignore[misc]
    """What a template may load: ``data:`` URIs and files inside ``roots`` (the template
    folder; a configured logo file), after symlinks and ``..`` are resolved. Everything
    else (``http(s):``, ``ftp:``, a file elsewhere such as ``file:///etc/passwd`` as an
    attachment, image or stylesheet) stops the rendering with a message naming the URL:
    a template override must not pull other files of the machine, or the network, into a
    document that is sent out."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self.roots = tuple(Path(r).resolve() for r in roots)

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if any(path == r or path.is_relative_to(r) for r in self.roots):
                return super().fetch(url, headers)
        shown = url if len(url) <= 200 else url[:200] + "..."
        raise _Refused(f"sjabloon laadt {shown}: alleen bestanden in de sjablonenmap ({', '.join(map(str, self.roots))}) "
                       "en het logo uit [organisation] logo mogen in een document; zet het bestand in de "
                       "sjablonenmap en verwijs er relatief naar")


# The PDF step's own time limit (issue 20, item 7): the template's limits bound the HTML, but
# a template override's stylesheet can still make the layout take without end (a table of
# 100,000 cells, layout that is computed again page after page). The largest document the
# product makes (an invoice of 10,000 lines, some 250 pages) takes about a minute on a slow
# machine; far above that, the rendering is stopped with a message.
MAX_PDF_SECONDS = 300.0


def _write(doc: weasyprint.HTML, **options: object) -> bytes:
    from vergoeding.render.templating import _deadline, _TooSlow

    try:
        with _deadline(MAX_PDF_SECONDS):
            out: bytes = doc.write_pdf(**options)
    except _Refused as exc:
        raise ConfigError(str(exc)) from None
    except _TooSlow:
        raise ConfigError(f"het maken van de PDF duurt langer dan {MAX_PDF_SECONDS:.0f} seconden en is gestopt: het "
                          "document is te groot of de opmaak van het sjabloon te ingewikkeld (bijvoorbeeld een "
                          "enorme tabel). Pas het sjabloon aan of maak het document kleiner, bijvoorbeeld per maand. "
                          "Er is niets geschreven.") from None
    except MemoryError:
        raise ConfigError("de PDF past niet in het geheugen: het document is te groot; pas het sjabloon aan of maak "
                          "het document kleiner, bijvoorbeeld per maand. Er is niets geschreven.") from None
    return out


def _html(html: str, base_url: Path, allow: Sequence[Path]) -> weasyprint.HTML:
    return weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=FolderFetcher((base_url, *allow)))


def html_to_pdf(html: str, *, base_url: Path, accessible: bool = False, allow: Sequence[Path] = ()) -> bytes:
    """``base_url`` is the template folder, so stylesheets and logos resolve; only files in
    it, and in ``allow`` (a logo), can be loaded (:class:`FolderFetcher`).

    ``accessible`` writes a tagged PDF (WeasyPrint's PDF/UA-1 variant): a structure tree
    from the HTML (H1/H2, P, Table/TR/TH/TD with header references), the document language
    from ``<html lang="nl">``, the ``<title>`` as the title a reader shows, MarkInfo
    Marked. Used for what experts read (statements, year statements, contracts); the
    output looks the same and stays byte-identical for the same input. The page-margin text
    (running header and footer) is marked as a pagination artifact, so a reader does not read
    it as content (:mod:`vergoeding.render.pdf_tags`). PDF/UA conformance itself is not
    checked by a validator here (no veraPDF on the machine)."""
    doc = _html(html, base_url, allow)
    if not accessible:
        return _write(doc)
    from vergoeding.render.pdf_tags import record_elements, running_content_as_artifacts

    record_elements()
    return _write(doc, pdf_variant=ACCESSIBLE, finisher=running_content_as_artifacts)


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


def html_to_pdfa3(html: str, *, base_url: Path, files: tuple[Embedded, ...] = (),
                  allow: Sequence[Path] = ()) -> bytes:
    """An archival PDF/A-3b (ISO 19005-3; XMP ``pdfaid:part=3``, ``conformance=B``, sRGB
    output intent) with ``files`` embedded and listed in the catalogue's ``/AF``."""
    attachments = [weasyprint.Attachment(string=f.data, name=f.name, description=f.description,
                                         relationship=f.relationship, created=f.when, modified=f.when)
                   for f in files]
    doc = _html(html, base_url, allow)
    return _write(doc, pdf_variant="pdf/a-3b", attachments=attachments)
