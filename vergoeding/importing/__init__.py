"""Importing the administration from Excel workbooks and CSV files (see ``fields`` for the
layout, ``readers`` for the file formats, ``xlsxscan`` for the quick look inside a workbook
before it is read (row limit, formulas, merged cells), ``load`` for validation and storage,
``template`` for the fill-in workbook)."""
