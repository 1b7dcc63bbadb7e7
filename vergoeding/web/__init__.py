"""The web portal (``vergoeding web``): experts see and submit their own hours, finance
approves them. A room above ``api/``: ``core`` and ``store`` never import it. See
docs/PORTAL.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from vergoeding.web.app import create_app as make

    return make(config)
