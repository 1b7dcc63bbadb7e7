"""The room under the caps is one value, ``documents.statement.RoomText``: the payout's plan
makes it and writes it into the snapshot (``RoomText.snapshot``), the statement reads it back
(``statement._room``), also from payouts made before a figure was kept."""

from __future__ import annotations

import json
from decimal import Decimal

from vergoeding.documents.statement import EarlierMonth, RoomText, _room


def test_the_room_a_plan_writes_is_the_room_the_statement_reads() -> None:
    room = RoomText("2026-11", Decimal("210.00"), Decimal("0.00"), Decimal("12.50"), "2026", Decimal("2100.00"),
                    Decimal("0.00"), Decimal("0.00"), True, Decimal("1850.25"), Decimal("100.00"),
                    (EarlierMonth("2026-09", Decimal("210.00"), Decimal("40.00")),), Decimal("1700.25"),
                    Decimal("25.00"), Decimal("30.00"), ("Vrijwilligersvergoeding",), Decimal("222.50"))
    stored = json.loads(json.dumps(room.snapshot(), sort_keys=True))  # as the payouts table keeps it
    assert stored["month_over"] == "12.50" and stored["earlier"] == [{"label": "2026-09", "limit": "210.00",
                                                                      "over": "40.00"}]
    assert _room(stored) == room
    assert room.story.crossed and room.year_unpaid_counted == Decimal("150.00")


def test_a_room_of_an_older_payout_without_the_later_figures_reads_and_writes_back_the_same() -> None:
    old = {"month_label": "2026-10", "month_limit": "210.00", "month_left": "60.00", "month_over": "0.00",
           "year_label": "2026", "year_limit": "2100.00", "year_left": "1200.00", "year_over": "0.00",
           "confirmed": True}
    room = _room(old)
    assert room is not None and room.year_paid_counted is None and room.month_counted is None
    assert room.year_counted == Decimal("0") and not room.over
    again = room.snapshot()
    assert "year_paid_counted" not in again and "month_counted" not in again and "earlier" not in again
    assert _room(again) == room
