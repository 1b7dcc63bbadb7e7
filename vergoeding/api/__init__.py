"""The public functions. Each takes a :class:`Workspace` (where the data is) and plain
arguments, and returns values (dataclasses, findings, bytes). The CLI is a thin layer
over these; other programs can call them directly.
"""

from vergoeding.api.workspace import Workspace, open_workspace

__all__ = ["Workspace", "open_workspace"]
