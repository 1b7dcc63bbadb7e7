"""The command line, one module per area. Click is imported here and in ``cli.py`` only:
``import vergoeding`` and every other subpackage stay free of it (a test checks).

A command parses options, makes one call into :mod:`vergoeding.api` and renders the result
with :func:`vergoeding.commands._common.emit`. No arithmetic here.
"""
