"""The pure core: plain functions over immutable values.

Nothing in here does I/O, imports a database, template, PDF, spreadsheet or CLI library,
or asks for today's date: the caller passes ``today``.
"""
