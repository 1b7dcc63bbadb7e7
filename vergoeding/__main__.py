"""``python -m vergoeding`` and the ``vergoeding`` console script.

The click wrapper is the repository's top-level ``cli.py``; the wheel installs it as
``vergoeding/_cli.py`` (see pyproject.toml). In a checkout it is loaded from its path, never
as a bare ``import cli`` (which could pick up another package's module).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_cli() -> ModuleType:
    try:
        from vergoeding import _cli  # type: ignore[attr-defined]  # the installed wheel

        return _cli  # type: ignore[no-any-return]
    except ImportError:
        pass
    path = Path(__file__).resolve().parent.parent / "cli.py"
    spec = importlib.util.spec_from_file_location("vergoeding._cli", path)
    if spec is None or spec.loader is None or not path.is_file():
        sys.exit(f"vergoeding: cli.py niet gevonden ({path})")
    module = importlib.util.module_from_spec(spec)
    sys.modules["vergoeding._cli"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    load_cli().main()


if __name__ == "__main__":
    main()
