"""Every file of a payout, from its snapshot alone: the overview workbook and PDF, one
statement PDF per paid expert (on up to two worker processes) and the SEPA batch, staged on
disk one by one (:mod:`vergoeding.render.staged`). The caller writes them (atomically); a
reprint gives the same bytes."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from vergoeding.core.money import money_sum
from vergoeding.documents.payout import (
    ROUTE_LABELS,
    PayoutOverview,
    overview_context,
    overview_from_snapshot,
)
from vergoeding.documents.statement import PayoutStatement
from vergoeding.render.pool import worker_pool
from vergoeding.render.staged import StagedFiles

Progress = Callable[[int, int], None]

_BASE_URL = ""


def _pdf_init(base: str) -> None:
    """Worker start: the base URL is sent once, and WeasyPrint is imported before the first job."""
    global _BASE_URL
    _BASE_URL = base
    import vergoeding.render.pdf  # noqa: F401


def _pdf_worker(html: str) -> bytes:
    from vergoeding.render.pdf import html_to_pdf

    return html_to_pdf(html, base_url=Path(_BASE_URL), accessible=True)


def iter_pdfs(htmls: Iterable[str], base_url: Path, progress: Progress | None = None, *, total: int,
              workers: int | None = None) -> Iterator[bytes]:
    """HTML -> PDF bytes, in order, on ``workers`` processes (default: up to two, both cores);
    ``progress(done, total)`` after each document. With one worker, or one document, it is
    rendered in this process. ``htmls`` is read as the workers need it and at most a few
    documents are on their way at any moment (:data:`_WINDOW` per worker): neither the HTML
    nor the PDFs of a payout of 500 statements are ever all in memory together."""
    workers = min(workers or min(2, os.cpu_count() or 1), max(total, 1))
    if workers <= 1:
        from vergoeding.render.pdf import html_to_pdf

        for i, h in enumerate(htmls, start=1):
            yield html_to_pdf(h, base_url=base_url, accessible=True)
            if progress:
                progress(i, total)
        return
    done = 0
    pending: deque[Future[bytes]] = deque()
    with worker_pool(workers, _pdf_init, (str(base_url),)) as pool:
        try:
            for h in htmls:
                pending.append(pool.submit(_pdf_worker, h))
                while len(pending) >= _WINDOW * workers:
                    done += 1
                    yield pending.popleft().result()
                    if progress:
                        progress(done, total)
            while pending:
                done += 1
                yield pending.popleft().result()
                if progress:
                    progress(done, total)
        finally:
            for f in pending:  # a document failed (or the caller stopped): the rest is not rendered
                f.cancel()


_WINDOW = 3  # documents on their way per worker: enough to keep both busy, few enough to hold


def render_pdfs(htmls: Sequence[str], base_url: Path, progress: Progress | None = None,
                workers: int | None = None) -> list[bytes]:
    """:func:`iter_pdfs` as a list (for a handful of documents)."""
    return list(iter_pdfs(htmls, base_url, progress, total=len(htmls), workers=workers))


def pdf_base_url(user_dir: Path | None, shipped_dir: Path) -> Path:
    """Where templates' stylesheets and images resolve."""
    return user_dir or shipped_dir


def statement_htmls(user_dir: Path | None, shipped_dir: Path, snap: dict[str, Any]) -> list[tuple[str, str]]:
    """(file name, HTML) of every expert's statement of the payout ``snap``."""
    return list(iter_statement_htmls(user_dir, shipped_dir, snap))


def iter_statement_htmls(user_dir: Path | None, shipped_dir: Path, snap: dict[str, Any],
                         statements: Sequence[PayoutStatement] | None = None) -> Iterator[tuple[str, str]]:
    """:func:`statement_htmls` one by one, as they are needed."""
    from vergoeding.documents.statement import statements_from_snapshot
    from vergoeding.render.templating import render_html

    for st in statements_from_snapshot(snap) if statements is None else statements:
        yield st.filename, render_html("statement.html", {"st": st, "title": f"Uw vergoeding {st.period_text}"},
                                       user_dir=user_dir, shipped_dir=shipped_dir)


def render_files(user_dir: Path | None, shipped_dir: Path, snap: dict[str, Any],
                 progress: Progress | None = None) -> StagedFiles:
    """Every payout file, from the snapshot alone, staged on disk (:class:`StagedFiles`: each
    PDF is written as soon as it is made, so a payout of 500 statements never holds them all).
    Files are named by the payout's number: ``uitbetaling-2026-11.xlsx``, a follow-up
    ``uitbetaling-2026-11.2.xlsx``. The caller closes the files (a ``with`` block)."""
    from vergoeding.documents.sepa import sepa_xml
    from vergoeding.documents.statement import statements_from_snapshot
    from vergoeding.render.templating import render_html

    ov = overview_from_snapshot(snap)
    number = snap.get("number", snap["period"])
    files = StagedFiles("vergoeding-uitbetaling-")
    try:
        files.add(f"uitbetaling-{number}.xlsx", overview_xlsx(ov))
        statements = statements_from_snapshot(snap)
        names = [f"uitbetaling-{number}.pdf", *(st.filename for st in statements)]

        def htmls() -> Iterator[str]:
            yield render_html("overview.html", overview_context(ov), user_dir=user_dir, shipped_dir=shipped_dir)
            for _, h in iter_statement_htmls(user_dir, shipped_dir, snap, statements):
                yield h

        pdfs = iter_pdfs(htmls(), pdf_base_url(user_dir, shipped_dir), progress, total=len(names))
        for name, pdf in zip(names, pdfs, strict=True):
            files.add(name, pdf)
        if snap["transfers"]:
            files.add(f"sepa-{number}.xml", sepa_xml(snap))
    except BaseException:
        files.close()
        raise
    return files


def overview_xlsx(ov: PayoutOverview) -> bytes:
    """Sheets: Samenvatting (per expert and regime), Regels, Bevindingen. Typed cells; the
    bytes depend only on the overview (zip times and document dates pinned to ``created``).
    Streamed (openpyxl write-only): a month of a large network has 100,000 lines and more."""
    from vergoeding.render.xlsx import DATE, EURO, INTEGER, Column, Workbook

    wb = Workbook(write_only=True)
    heading = [f"Uitbetaling {ov.number or ov.period} — {ov.organisation}",
               f"Uitvoerdatum {ov.execution_date:%d-%m-%Y}"]
    if ov.override_reason:
        heading.append(f"Betaald ondanks fouten ({', '.join(ov.override_experts)}); reden: {ov.override_reason}")
    if ov.held:
        heading.append(f"Aangehouden: {', '.join(h.expert for h in ov.held)} (zie blad Aangehouden)")
    summary_rows = [{
        "code": s.code, "name": s.name, "regime": s.regime_label, "route": ROUTE_LABELS[s.route],
        "hours": Decimal(s.minutes) / Decimal(60) if s.minutes else None,
        "meetings": s.count("bijeenkomst") or None, "sessions": s.count("sessie") or None,
        "days": s.count("dag") or None, "fee": s.fee, "travel": s.travel, "expenses": s.expenses,
        "inkind": s.inkind, "payable": s.payable,
        "transfer": s.payable if s.route == "sepa" and s.payable > 0 else Decimal("0.00"),
    } for s in ov.summary]
    money_cols = ("fee", "travel", "expenses", "inkind", "payable", "transfer")
    wb.sheet("Samenvatting", [
        Column("Code", "code", width=10), Column("Naam", "name", width=26), Column("Regime", "regime", width=24),
        Column("Betaalwijze", "route", width=20), Column("Uren", "hours", "#,##0.00", 8),
        Column("Bijeenkomsten", "meetings", width=8), Column("Sessies", "sessions", width=8),
        Column("Dagen", "days", width=8),
        Column("Vergoeding", "fee", EURO), Column("Reiskosten", "travel", EURO), Column("Onkosten", "expenses", EURO),
        Column("In natura (niet overgemaakt)", "inkind", EURO), Column("Te betalen", "payable", EURO),
        Column("In SEPA-batch", "transfer", EURO),
    ], summary_rows, totals={"code": "Totaal", **{k: money_sum(r[k] for r in summary_rows) for k in money_cols}},
        heading=heading)
    wb.sheet("Regels", [
        Column("Regel", "entry_id", INTEGER, 8), Column("Code", "expert", width=10), Column("Naam", "expert_name", width=24),
        Column("Opdracht", "engagement", width=14), Column("Regime", "regime_label", width=22),
        Column("Datum", "work_date", DATE, 12), Column("Activiteit", "activity", width=26), Column("Eenheid", "unit", width=12),
        Column("Aantal", "quantity", "#,##0.00", 8), Column("Prijs", "unit_price", EURO),
        Column("Vergoeding", "fee", EURO), Column("Reiskosten", "travel", EURO),
        Column("Onkosten forfait", "expenses_fixed", EURO), Column("Onkosten met bon", "expenses_receipt", EURO),
        Column("In natura", "inkind", EURO), Column("Te betalen", "payable", EURO),
        Column("Telt voor grens", "cap_amount", EURO), Column("Te laat", "late_text", width=8),
    ], [{**ln.__dict__, "late_text": "ja" if ln.late else ""} for ln in ov.lines],
        totals={"expert": "Totaal", **{k: money_sum(getattr(ln, k) for ln in ov.lines) for k in (
            "fee", "travel", "expenses_fixed", "expenses_receipt", "inkind", "payable", "cap_amount")}})
    if ov.invoices:  # expert invoices paid in this batch, one transfer each
        wb.sheet("Facturen", [
            Column("Factuur", "number", width=22), Column("Code", "expert", width=10), Column("Naam", "name", width=26),
            Column("Datum", "issue_date", DATE, 12), Column("Soort", "kind", width=16), Column("Bedrag", "amount", EURO),
        ], [{**i.__dict__, "kind": i.kind} for i in ov.invoices],
            totals={"number": "Totaal", "amount": money_sum(i.amount for i in ov.invoices)})
    wb.sheet("Aangehouden", [Column("Code", "expert", width=10), Column("Naam", "name", width=26),
                             Column("Reden", "reason", width=90)], [h.__dict__ for h in ov.held])
    from vergoeding.core.findings import rule_label, severity_label

    wb.sheet("Bevindingen", [
        Column("Ernst", "severity_label", width=12), Column("Regel", "rule_label", width=32),
        Column("Deskundige", "expert", width=10),
        Column("Opdracht", "engagement", width=14), Column("Periode", "period", width=10),
        Column("Uitleg", "message", width=70), Column("Wat u kunt doen", "advice", width=50),
        Column("Grens", "limit", width=10), Column("Jaar bron", "limit_year", width=8),
        Column("Bevestigd", "confirmed", width=9), Column("Code regel (voor scripts)", "rule", width=28),
    ], [{**f.__dict__, "severity_label": severity_label(f.severity), "rule_label": rule_label(f.rule)}
        for f in ov.findings])
    return pin_zip(wb.to_bytes(), ov.created)


_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def pin_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip so that its bytes depend only on its content: every member gets
    the same timestamp and the document's created/modified dates become ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            zi = zipfile.ZipInfo(info.filename, date_time=(when.year, when.month, when.day,
                                                           when.hour, when.minute, when.second))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            out.writestr(zi, body, compresslevel=1)  # fast: the workbook can be large
    return buf.getvalue()
