"""Importing the administration from Excel workbooks and CSV files (see ``fields`` for the
layout, ``readers`` for the file formats, ``load`` for validation and storage, ``template``
for the fill-in workbook)."""
