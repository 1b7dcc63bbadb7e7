"""One expert's own data as a page shows it, read set-based in few statements: the expert
with the organisation's name, the engagements with their clients' names and rate history,
the entries of a period of those engagements. The portal's pages read through here (one
connection per request); the values are the same as :mod:`vergoeding.store.queries` gives
(``expert``, ``all_engagements``, ``load_entries``), so the documents built from them are
the same as the command line's.

Why not those functions: they find the expert by code (``lower(code)``, no index) once per
call, every organisation is read for a few client names, and a page calling several of them
reads the expert and the engagements again for each. Here the expert is an id, the
engagements are constants of the entries' query (the index on engagement and date), and
every section of a page is one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select

from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Entry, Expert
from vergoeding.errors import NotFoundError
from vergoeding.store.rate_history import with_history
from vergoeding.store.rows import engagement_from_row, entry_from_row, expert_from_row
from vergoeding.store.schema import engagements, entries, experts, organisations


@dataclass(frozen=True)
class ExpertView:
    expert: Expert
    organisation: str  # our own organisation's name ("de organisatie" when it is missing)
    engagements: tuple[Engagement, ...]  # with their rate history, by code
    rows: dict[str, Any]  # engagement code -> its stored row (the unit of an engagement is read from it)
    client_names: dict[str, str]  # client code -> name, for the clients of these engagements

    @property
    def by_code(self) -> dict[str, Engagement]:
        return {g.code: g for g in self.engagements}


_OWN = (select(organisations.c.name).where(organisations.c.kind == "own").order_by(organisations.c.id).limit(1)
        .scalar_subquery())
# built once (with bound parameters): building a statement costs as much as running it here
_EXPERT = select(experts, _OWN.label("own_name")).where(experts.c.id == bindparam("expert_id"))
_ENGAGEMENTS = (select(engagements, experts.c.code.label("expert_code"), organisations.c.code.label("client_code"),
                       organisations.c.name.label("client_name"))
                .join(experts, experts.c.id == engagements.c.expert_id)
                .join(organisations, organisations.c.id == engagements.c.client_id)
                .where(engagements.c.expert_id == bindparam("expert_id")).order_by(engagements.c.code))
_ENTRIES = (select(entries, engagements.c.code.label("engagement_code"))
            .join(engagements, engagements.c.id == entries.c.engagement_id)
            .where(entries.c.engagement_id.in_(bindparam("ids", expanding=True)),
                   entries.c.work_date >= bindparam("start"), entries.c.work_date < bindparam("end"))
            .order_by(entries.c.work_date, entries.c.id))


def expert_view(conn: Connection, expert_id: int) -> ExpertView:
    """Three statements: the expert with our organisation's name, the engagements with their
    clients, the engagements' rate history."""
    r = conn.execute(_EXPERT, {"expert_id": expert_id}).first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige met id {expert_id} bestaat niet")
    rows = conn.execute(_ENGAGEMENTS, {"expert_id": expert_id}).all()
    engs = with_history(conn, [engagement_from_row(x) for x in rows])
    return ExpertView(expert_from_row(r), r.own_name if r.own_name is not None else "de organisatie", tuple(engs),
                      {x.code: x for x in rows}, {x.client_code: x.client_name for x in rows})


def entries_of(conn: Connection, engs: Sequence[Engagement], period: Period) -> list[Entry]:
    """The entries of ``engs`` in ``period`` (any status), oldest first: what
    ``queries.load_entries(period=..., expert_code=...)`` gives for the expert of ``engs``."""
    if not engs:
        return []
    found = conn.execute(_ENTRIES, {"ids": [g.id for g in engs], "start": period.start, "end": period.end})
    return [entry_from_row(r) for r in found]
