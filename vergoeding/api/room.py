"""What an expert is told about the volunteer caps, for every reader: the payout statement,
the year statement, ``vergoeding room``, ``check`` and the web portal.

The stable entry point is :func:`room_story`. The words come from
:mod:`vergoeding.core.caps_story` (one place); the figures from :func:`vergoeding.api.checks.room`
(paid lines as paid, the rest priced, plus the expert's declarations).
"""

from __future__ import annotations

from datetime import date

from vergoeding.api.workspace import Workspace
from vergoeding.core.caps_story import CapsFigures, CapsStory, tell
from vergoeding.core.room import Room

__all__ = ["CapsFigures", "CapsStory", "Room", "room_and_story", "room_story"]


def room_and_story(ws: Workspace, expert: str, on: date) -> tuple[Room, CapsStory]:
    """The figures of ``expert`` on ``on`` (the month and the year of that day) and their story."""
    from vergoeding.api.checks import room

    r = room(ws, expert, on)
    return r, tell(r.figures())


def room_story(ws: Workspace, expert: str, on: date) -> CapsStory:
    """What ``expert`` is told about the caps on ``on``: room this month and this year, or (a cap
    crossed this year) that the whole allowance is taxed as wages, what it is called now and
    what happens next. ``story.as_dict()`` for JSON."""
    return room_and_story(ws, expert, on)[1]
