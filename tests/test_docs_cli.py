"""docs/CLI.md is generated from the click commands; it must match them."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from conftest import REPO


def _gen_cli() -> ModuleType:
    path = REPO / "docs" / "gen_cli.py"
    spec = importlib.util.spec_from_file_location("gen_cli", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    expected = _gen_cli().render()
    current = (REPO / "docs" / "CLI.md").read_text(encoding="utf-8")
    assert current == expected, "docs/CLI.md is out of date: run `python docs/gen_cli.py` (or `make docs`) to update"


def test_cli_reference_covers_every_command() -> None:
    text = (REPO / "docs" / "CLI.md").read_text(encoding="utf-8")
    for heading in ("## `vergoeding`", "## `vergoeding limits show`", "## `vergoeding rates show`",
                    "## `vergoeding rates check`"):
        assert heading in text
    assert "Gebruik: vergoeding rates check [OPTIES] BESTAND" in text
