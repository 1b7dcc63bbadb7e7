"""Lazy imports for the command modules, so that ``vergoeding --help``, ``--version`` and
every command's ``--help`` start without SQLAlchemy, pydantic, openpyxl, WeasyPrint, babel
or Jinja2 (``tests/test_startup.py`` checks; ``make bench`` measures the CPU it costs).

A command module writes::

    if TYPE_CHECKING:
        from vergoeding.api import ledger as api
    else:
        api = lazy_module("vergoeding.api.ledger")

and keeps calling ``api.something(...)``: the module is imported on the first attribute
access, i.e. when a command actually runs. mypy sees the real module.
"""

from __future__ import annotations

import importlib
from typing import Any


class _LazyModule:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for module ``name`` that imports it on first use."""
    return _LazyModule(name)
