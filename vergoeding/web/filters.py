"""Formatting for the portal's templates (the same Dutch wording as the documents)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from vergoeding.core import nl
from vergoeding.core.duration import format_minutes


def install(app: Flask) -> None:
    app.jinja_env.filters.update({
        "euro": nl.euro,
        "datum": nl.short_date,
        "lange_datum": nl.long_date,
        "uren": lambda m: format_minutes(int(m or 0)),
        "maand": nl.period,
    })

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from flask import g

        return {"account": getattr(g, "account", None)}
