"""Reading the data files in ``rates/`` (fiscal limits, rate cards) into core values.

This is an I/O edge: files in, frozen core values out, with errors that name the file,
the key and the line.
"""
