"""What an expert is told about the volunteer caps, for every reader: the payout statement,
the year statement, ``vergoeding room``, ``check`` and the web portal.

The stable entry point is :func:`room_story`. The words come from
:mod:`vergoeding.core.caps_story` (one place); the figures from :func:`room` (paid lines as
paid, the rest priced, plus the expert's declarations). This module imports no checks: a
``vergoeding room`` starts with only what it reads and prices with (``make bench``, case 9).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from vergoeding.api.workspace import Workspace
from vergoeding.core.caps_story import CapsFigures, CapsStory, tell
from vergoeding.core.room import Room, room_on
from vergoeding.core.work import Engagement, Entry

__all__ = ["CapsFigures", "CapsStory", "Room", "room", "room_and_story", "room_story"]


def room(ws: Workspace, expert: str, on: date, *, extra: Sequence[Entry] = (),
         engagements: Sequence[Engagement] | None = None) -> Room:
    """Tax-free volunteer room left in the month and the year of ``on``. ``extra``: entries
    not yet stored, counted as if they were (what a submission would do); ``engagements``: the
    expert's, when the caller has them already. Reads the expert with the engagements, the
    year's entries, the declarations and the paid lines (:mod:`vergoeding.store.expert_view`,
    as the portal does)."""
    from vergoeding.api.price_once import price_frozen_once
    from vergoeding.core.period import year as year_period
    from vergoeding.store.declarations import load_declarations
    from vergoeding.store.expert_view import entries_of, expert_view_by_code

    scope = year_period(on.year)
    with ws.engine.connect() as conn:
        view = expert_view_by_code(conn, expert)  # NotFoundError with a clear message
        engs = {e.code: e for e in (view.engagements if engagements is None else engagements)}
        entries = entries_of(conn, view.engagements, scope)
        entries += [x for x in extra if x.work_date.year == on.year]
        decl = load_declarations(conn, expert_code=expert, years=(on.year,))
        # each distinct entry priced once per price segment (a year is hundreds of sessions of
        # a few kinds): the same priced entries as price_frozen (tests/test_perf_paths.py)
        priced = price_frozen_once(ws, conn, entries, engs, scope)
    return room_on(expert, priced, decl, ws.limits, on)


def room_and_story(ws: Workspace, expert: str, on: date) -> tuple[Room, CapsStory]:
    """The figures of ``expert`` on ``on`` (the month and the year of that day) and their story."""
    r = room(ws, expert, on)
    return r, tell(r.figures())


def room_story(ws: Workspace, expert: str, on: date) -> CapsStory:
    """What ``expert`` is told about the caps on ``on``: room this month and this year, or (a cap
    crossed this year) that the whole allowance is taxed as wages, what it is called now and
    what happens next. ``story.as_dict()`` for JSON."""
    return room_and_story(ws, expert, on)[1]
