"""Case 4: importing a 100,000-row hours workbook vs bare openpyxl read-only iteration (the
import reads with python-calamine since issue 25; the bare calamine read is noted too).

Lives in bench/, not in the library: it writes a realistic workbook for the synthetic
network, then times ``vergoeding.api.importing.import_files`` end to end (in a fresh process,
into a fresh copy of the database) against a bare read of the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vergoeding.api.importing import import_files
from vergoeding.api.workspace import Workspace


def run(ws: Workspace, work_dir: Path, rows: int = 100_000) -> Any:
    """The import benchmark (``python -m bench``, case ``import_hours``): a realistic hours
    workbook of ``rows`` entries for the workspace's engagements, read bare with openpyxl
    (read-only, values only) against ``import_files`` end to end; target at most 2x.

    The workspace's database is never touched: every run imports into a fresh COPY in
    ``work_dir``. Both sides run in a fresh process so that the peak memory is theirs."""
    import dataclasses
    import multiprocessing as mp

    from bench.harness import slower_ratio

    work_dir.mkdir(parents=True, exist_ok=True)
    source = work_dir / "import-source.db"  # never the cached network: a copy, read and imported into
    _copy_db(_sqlite_file(ws.settings.db), source)
    base_settings = dataclasses.replace(ws.settings, db=str(source))
    xlsx = work_dir / f"import-uren-{rows}.xlsx"
    _write_hours_workbook(Workspace(base_settings), xlsx, rows)
    spawn = mp.get_context("spawn")

    def in_child(fn: Any, *args: Any) -> tuple[float, float, int, float]:
        with spawn.Pool(1) as pool:
            return pool.apply(fn, args)  # type: ignore[no-any-return]

    # Bare and ours alternate, twice (best of each): on a shared machine the load moves between
    # minutes, and one side measured in a calm minute and the other in a busy one made the
    # ratio swing between 1.5x and 2.6x with the same code.
    bares, runs = [], []
    for n in range(2):
        bares.append(in_child(_bare_read, str(xlsx)))
        copy = work_dir / f"import-run{n}.db"
        _copy_db(source, copy)
        runs.append(in_child(_timed_import, dataclasses.replace(ws.settings, db=str(copy)), str(xlsx)))
        _remove_db(copy)
    fast = min(in_child(_bare_calamine, str(xlsx)) for _ in range(2))
    _remove_db(source)
    base, ours = min(bares), min(runs)
    added = ours[2]
    if added != rows:
        raise RuntimeError(f"import benchmark: {added} of {rows} rows stored")
    cpu_ours, cpu_base = min(r[3] for r in runs), min(b[3] for b in bares)
    return slower_ratio(f"import hours workbook, {rows // 1000}k rows", ours[0], base[0], 2.0,
                        notes=[f"{rows} rows, {xlsx.stat().st_size // 1024} KiB; peak memory ours {ours[1]:.0f} MB, "
                               f"bare {base[1]:.0f} MB; best of 2 each, bare and ours alternating",
                               f"CPU time (the waiting for a core left out): ours {cpu_ours:.2f} s, bare "
                               f"{cpu_base:.2f} s ({cpu_ours / cpu_base:.2f}x)",
                               f"bare = openpyxl read-only (the reader the import used before python-calamine); a bare "
                               f"python-calamine read takes {fast[0]:.3f} s (ours {ours[0] / fast[0]:.1f}x that: the "
                               "rest is parsing every cell and storing the rows)"],
                        extra={"peak_mb": ours[1], "cpu_ours": cpu_ours, "cpu_bare": cpu_base})


def _sqlite_file(db: str) -> Path:
    if "://" not in db:
        return Path(db)
    prefix = "sqlite:///"
    if not db.startswith(prefix):
        raise ValueError(f"bench_import needs a SQLite file, not {db}")
    return Path(db[len(prefix):])


def _copy_db(src: Path, dst: Path) -> None:
    """A consistent copy through SQLite's backup API (the source may be in WAL mode and in
    use by another process); the source is opened read-only."""
    import sqlite3

    if dst.exists():
        dst.unlink()
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _remove_db(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def _peak_mb() -> float:
    from bench.cases import (
        _peak_mb as peak,  # VmHWM: ru_maxrss would carry the parent's peak over exec
    )

    return peak()


def _cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _bare_read(path: str) -> tuple[float, float, int, float]:
    import gc
    import time

    from openpyxl import load_workbook

    gc.collect()
    t0, c0 = time.perf_counter(), _cpu()
    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for sheet in wb.worksheets:
        for _values in sheet.iter_rows(values_only=True):
            n += 1
    wb.close()
    return time.perf_counter() - t0, _peak_mb(), n, _cpu() - c0


def _bare_calamine(path: str) -> tuple[float, float, int, float]:
    import gc
    import time

    from python_calamine import CalamineWorkbook

    gc.collect()
    t0, c0 = time.perf_counter(), _cpu()
    wb = CalamineWorkbook.from_path(path)
    n = 0
    for name in wb.sheet_names:
        n += len(wb.get_sheet_by_name(name).to_python())
    wb.close()
    return time.perf_counter() - t0, _peak_mb(), n, _cpu() - c0


def _timed_import(settings: Any, path: str) -> tuple[float, float, int, float]:
    import gc
    import time

    w = Workspace(settings)
    w.engine  # noqa: B018 - open and migrate before the clock starts
    w.ratecard  # noqa: B018
    gc.collect()
    t0, c0 = time.perf_counter(), _cpu()
    report = import_files(w, [Path(path)])
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    w.close()
    return took, _peak_mb(), report.added.get("entry", 0), cpu


def _write_hours_workbook(ws: Workspace, path: Path, rows: int) -> None:
    """Rows the way people fill the template: real Excel dates, hours as numbers (2,5) and
    sometimes as text (2:30), km, now and then an expense with a receipt."""
    import datetime as dt

    from openpyxl import Workbook
    from sqlalchemy import select

    from vergoeding.store import schema as s

    g = s.engagements
    with ws.engine.connect() as conn:
        engs = conn.execute(select(g.c.code, g.c.start_date, g.c.end_date, g.c.travel_policy)
                            .order_by(g.c.id)).all()
    ws.close()
    if not engs:
        raise RuntimeError("import benchmark: the database has no engagements")
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("uren")
    sheet.append(["opdracht", "datum", "uren", "activiteit", "km", "onkosten", "bonnetje"])
    activities = ("training", "voorbereiding", "overleg", "gesprek met cliënt", "voorlichting op school")
    for i in range(rows):
        code, start, end, travel = engs[i % len(engs)]
        span = ((end - start).days if end else 365)
        day = start + dt.timedelta(days=(i // len(engs) * 7 + i % len(engs) % 7) % span)  # one a week
        minutes = 60 + 30 * (i % 5)
        hours: Any = f"{minutes // 60}:{minutes % 60:02d}" if i % 4 == 0 else minutes / 60
        km = (i % 23) if travel == "km" else None
        expense = 4.5 if i % 10 == 0 else None
        sheet.append([code, dt.datetime(day.year, day.month, day.day), hours, activities[i % len(activities)],
                      km, expense, "ja" if expense else None])
    wb.save(path)


# Case import_refusal: a workbook far too large is refused by the pre-scan ----------------

def refusal(ws: Workspace, work_dir: Path, rows: int = 1_000_000) -> Any:
    """A ``rows``-row hours workbook (over the 250,000-row limit) through ``import_files``
    (refused by the pre-scan in ``importing/xlsxscan.py``) against one bare pass over the
    sheet: unzip the whole sheet XML and count its ``<row`` tags (a C loop). The pre-scan
    counts the row tags in the bytes of the sheet up to one chunk past the limit (a quarter
    of it here) and refuses without parsing (``importing/sheetxml.py``): target at most 1.5x.
    openpyxl would take minutes. (Was a 5 s wall-clock assertion in
    tests/test_import_corpus.py; the test now asserts that the refusal comes from the
    pre-scan and that openpyxl never opens the file, tests/test_xlsxscan.py that the sheet is
    not parsed.)"""
    import zipfile

    from bench.harness import best_of, slower_ratio
    from vergoeding.errors import InputError

    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"refuse-{rows}.xlsx"
    if not path.exists():
        huge_workbook(path, rows)

    def ours() -> str:
        try:
            import_files(ws, [path])
        except InputError as exc:
            return exc.message
        raise RuntimeError("the oversized workbook was not refused")

    def bare() -> int:
        n, carry = 0, b""
        with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as f:
            while chunk := f.read(1 << 20):
                data = carry + chunk
                n += data.count(b"<row ")
                carry = data[-5:]
                n -= carry.count(b"<row ")  # counted again with the next chunk
            n += carry.count(b"<row ")
        return n

    ws.engine  # noqa: B018 - open and migrate before the clock starts
    base_t, n = best_of(bare, 3)
    ours_t, message = best_of(ours, 3)
    if "rijen" not in message:
        raise RuntimeError(f"refused for another reason: {message}")
    return slower_ratio(f"import refusal, {rows // 1000}k-row workbook", ours_t, base_t, 1.5,
                        notes=[f"{n} rows, {path.stat().st_size // 1024} KiB; refused by the pre-scan: "
                               f"{' '.join(message.split())[-110:]}"])


def huge_workbook(path: Path, rows: int) -> None:
    """An hours workbook of ``rows`` rows, the sheet XML written straight into the zip
    (writing a million rows through openpyxl takes a minute). Also used by
    tests/test_import_corpus.py."""
    import zipfile

    from openpyxl import Workbook

    frame = path.with_suffix(".frame.xlsx")
    wb = Workbook(write_only=True)
    wb.create_sheet("uren").append(["opdracht", "datum", "uren"])
    wb.save(frame)
    with zipfile.ZipFile(frame) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            head, tail = src.read(info).decode().split("<sheetData>")
            with dst.open("xl/worksheets/sheet1.xml", "w") as out:
                out.write(f"{head}<sheetData>".encode())
                row = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>G001</t></is></c>'
                       '<c r="B{n}" t="n"><v>46300</v></c><c r="C{n}" t="n"><v>2</v></c></row>')
                out.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>opdracht</t></is></c>'
                          b'<c r="B1" t="inlineStr"><is><t>datum</t></is></c>'
                          b'<c r="C1" t="inlineStr"><is><t>uren</t></is></c></row>')
                for start in range(2, rows + 2, 10_000):
                    out.write("".join(row.format(n=n) for n in range(start, min(start + 10_000, rows + 2))).encode())
                out.write(f"</sheetData>{tail.split('</sheetData>', 1)[1]}".encode())
    frame.unlink()
