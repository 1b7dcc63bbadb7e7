"""The import template: one sheet per entity with the column headers, a note (comment) on
every header, dropdowns where a column has fixed values, text format for numbers that are
really codes (KvK, OIN, BSN, IBAN, postcode), date format for dates, and an 'uitleg' sheet.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from vergoeding.importing.fields import SHEETS, Field

TEXT_KINDS = ("text", "digits", "choice")
MAX_ROWS = 2000  # how far down the dropdowns and formats reach


def _list_formula(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


def write_template(roles: Sequence[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = "uitleg"
    lines = [
        "Importbestand voor vergoeding",
        "",
        "Vul de bladen organisaties, deskundigen, verklaringen, opdrachten en uren. Elk blad begint met",
        "één rij kolomnamen; laat die staan. Zet de muis op een kolomnaam voor uitleg. Kolommen met een",
        "* zijn verplicht. Bij een kolom met vaste waarden kiest u uit een lijstje.",
        "",
        "Datums: 3-11-2026 of een Excel-datum. Bedragen en uren: 2,5 of 2:30. Ja/nee-kolommen: ja of nee.",
        "Een regel kan verwijzen naar een organisatie, deskundige of opdracht uit hetzelfde bestand.",
        "",
        "Inlezen:   vergoeding import dit-bestand.xlsx --dry-run   (eerst controleren, niets opslaan)",
        "           vergoeding import dit-bestand.xlsx",
        "Het inlezen is alles-of-niets: bij één fout wordt niets opgeslagen en ziet u elke fout met blad,",
        "rij en kolom. Dezelfde uren twee keer inlezen slaat ze één keer op.",
    ]
    for i, line in enumerate(lines, start=1):
        info.cell(row=i, column=1, value=line)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 110

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        for col, f in enumerate(spec.fields, start=1):
            letter = get_column_letter(col)
            cell = ws.cell(row=1, column=col, value=f.title + (" *" if f.required else ""))
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.comment = Comment(_note(f, roles), "vergoeding", width=320, height=120)
            ws.column_dimensions[letter].width = max(f.width, len(f.title) + 3)
            choices = tuple(roles) if f.attr == "role" else f.choices
            if choices:
                dv = DataValidation(type="list", formula1=_list_formula(choices), allow_blank=not f.required,
                                    showErrorMessage=True, errorTitle="Ongeldige waarde",
                                    error="Kies een waarde uit de lijst: " + ", ".join(choices))
                dv.add(f"{letter}2:{letter}{MAX_ROWS}")
                ws.add_data_validation(dv)
            fmt = "@" if f.kind in TEXT_KINDS and not choices else "DD-MM-YYYY" if f.kind in ("date", "lastday") else None
            if fmt:
                for r in range(2, 202):
                    ws.cell(row=r, column=col).number_format = fmt
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 30
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _note(f: Field, roles: Sequence[str]) -> str:
    text = f.note
    if f.required:
        text += " Verplicht."
    if f.attr == "role" and roles:
        text += " Rollen: " + ", ".join(roles) + "."
    return text
