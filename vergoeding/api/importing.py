"""``import_files``: read workbooks/CSV files, validate every row, store all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vergoeding.api.workspace import Workspace
from vergoeding.core.dates import birth_date_problem, future_date_message
from vergoeding.errors import InputError, ManyInputErrors
from vergoeding.importing.fields import ENTRIES, SHEETS
from vergoeding.importing.load import Outcome, ParsedRow, apply_rows, parse_table
from vergoeding.importing.readers import RawTable, read_file

ENTITY_NAMES = {"organisation": "organisaties", "expert": "deskundigen", "declaration": "verklaringen",
                "engagement": "opdrachten", "entry": "uren"}


class ImportRejected(ManyInputErrors):
    """An import with bad rows: every problem is listed, nothing is stored (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class ImportReport:
    files: tuple[str, ...]
    dry_run: bool
    added: dict[str, int]
    unchanged: dict[str, int]
    duplicates: int  # hour entries that were already stored (skipped)
    notices: tuple[str, ...] = ()  # columns that were not read (an "opmerking" column), per file and sheet

    def lines(self) -> list[str]:
        verb = "zou worden toegevoegd" if self.dry_run else "toegevoegd"
        out = []
        for entity, name in ENTITY_NAMES.items():
            a, u = self.added.get(entity, 0), self.unchanged.get(entity, 0)
            if a or u:
                out.append(f"{name}: {a} {verb}" + (f", {u} ongewijzigd (stond er al)" if u else ""))
        if self.duplicates:
            out.append(f"uren: {self.duplicates} regel(s) stonden er al en zijn overgeslagen")
        if not out:
            out.append("niets te importeren")
        return out


def import_files(ws: Workspace, paths: Sequence[Path], *, dry_run: bool = False,
                 today: date | None = None) -> ImportReport:
    """Validate every row of every file, then store everything in one transaction, or
    nothing at all (``ImportRejected`` lists each problem; ``dry_run`` always rolls back).
    With ``today``, an hour entry dated after it is refused (work that has not happened)."""
    errors: list[InputError] = []
    tables: list[RawTable] = []
    for path in paths:
        try:
            tables.extend(read_file(Path(path)))
        except InputError as exc:
            errors.append(exc)
    order = {spec.entity: i for i, spec in enumerate(SHEETS)}
    tables.sort(key=lambda t: order[t.spec.entity])
    parsed: list[ParsedRow] = []
    for table in tables:
        parsed.extend(parse_table(table, errors))
        table.rows = []  # parsed: the raw cells are no longer needed (not every row held twice)
    if today is not None:
        parsed = [pr for pr in parsed if not _future(pr, today, errors)]
    outcome = Outcome(errors=errors)
    with ws.engine.connect() as conn:
        trans = conn.begin()
        try:
            apply_rows(conn, ws.actor, parsed, ws.ratecard, outcome)
            if outcome.errors:
                raise ImportRejected(_sorted(outcome.errors, tables))
            if dry_run:
                trans.rollback()
            else:
                trans.commit()
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
    return ImportReport(tuple(str(p) for p in paths), dry_run, dict(outcome.added), dict(outcome.unchanged),
                        outcome.duplicates, tuple(n for t in tables for n in t.notices))


_DATE_TITLE = next(f.title for f in ENTRIES.fields if f.attr == "work_date")
_BIRTH_TITLE = next(f.title for sheet in SHEETS for f in sheet.fields if f.attr == "date_of_birth")


def _future(pr: ParsedRow, today: date, errors: list[InputError]) -> bool:
    """An hour entry dated after ``today``, or an expert's date of birth that cannot be on
    ``today`` (in the future, an age outside 12 to 120): recorded as an error (file, sheet,
    row, column)."""
    if pr.table.spec.entity == "expert":
        born = pr.values.get("date_of_birth")
        if born is None or (problem := birth_date_problem(born, today)) is None:
            return False
        errors.append(InputError(problem, file=pr.table.file, sheet=pr.table.sheet, row=pr.row,
                                 field=_BIRTH_TITLE))
        return True
    if pr.table.spec.entity != "entry" or pr.values.work_date <= today:
        return False
    errors.append(InputError(future_date_message(pr.values.work_date, today), file=pr.table.file,
                             sheet=pr.table.sheet, row=pr.row, field=_DATE_TITLE))
    return True


def _sorted(errors: list[InputError], tables: list[RawTable]) -> list[InputError]:
    """In reading order: by file, sheet in workbook order, row, then as found."""
    sheet_pos: dict[tuple[str | None, str | None], int] = {(t.file, t.sheet): i for i, t in enumerate(tables)}
    indexed = list(enumerate(errors))
    indexed.sort(key=lambda ie: (sheet_pos.get((ie[1].file, ie[1].sheet), -1), ie[1].row or 0, ie[0]))
    return [e for _, e in indexed]


def template(ws: Workspace) -> bytes:
    from vergoeding.importing.template import write_template

    return write_template(sorted(ws.ratecard.roles))
