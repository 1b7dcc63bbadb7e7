"""Recorded exceptions to a rule per engagement (fictitious employment, art. 2e lid 2)."""

from __future__ import annotations

from datetime import date

from vergoeding.api.workspace import Workspace
from vergoeding.core.checks_fictitious import RuleException
from vergoeding.store.db import transaction
from vergoeding.store.exceptions import add_exception as _add
from vergoeding.store.exceptions import load_exceptions


def add_exception(ws: Workspace, engagement_code: str, *, kind: str, decided_by: str, reason: str,
                  decided_on: date, agreed_on: date | None = None) -> RuleException:
    with transaction(ws.engine) as conn:
        return _add(conn, ws.actor, engagement_code, kind=kind, decided_by=decided_by, reason=reason,
                    decided_on=decided_on, agreed_on=agreed_on)


def exceptions(ws: Workspace, engagement_code: str) -> list[RuleException]:
    with ws.engine.connect() as conn:
        return load_exceptions(conn, engagement_code=engagement_code)
