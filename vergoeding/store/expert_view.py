"""One expert's own data as a page shows it, read set-based in few statements: the expert
with the organisation's name, the engagements with their clients' names and rate history,
the entries of a period of those engagements. The portal's pages (one connection per
request) and ``vergoeding hours`` (:mod:`vergoeding.api.hours`) read through here; the values are the same as :mod:`vergoeding.store.queries` gives
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
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from vergoeding.core.period import Period
from vergoeding.core.work import Engagement, Entry, Expert, RateChange
from vergoeding.errors import NotFoundError
from vergoeding.store.rows import _money, engagement_from_row, entry_from_row, expert_from_row
from vergoeding.store.schema import engagement_rates, engagements, entries, experts, organisations


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
_EXPERT_BY_CODE = select(experts, _OWN.label("own_name")).where(func.lower(experts.c.code) == bindparam("code"))
# the engagements with their clients and their rate changes (one row per change; an engagement
# without changes is one row with NULLs): what ``with_history`` would add in a statement of its own
_RATES = engagement_rates
_ENGAGEMENTS = (select(engagements, experts.c.code.label("expert_code"), organisations.c.code.label("client_code"),
                       organisations.c.name.label("client_name"), _RATES.c.valid_from.label("rate_from"),
                       _RATES.c.expert_rate_cents.label("rate_expert_cents"),
                       _RATES.c.client_rate_cents.label("rate_client_cents"))
                .join(experts, experts.c.id == engagements.c.expert_id)
                .join(organisations, organisations.c.id == engagements.c.client_id)
                .outerjoin(_RATES, _RATES.c.engagement_id == engagements.c.id)
                .where(engagements.c.expert_id == bindparam("expert_id"))
                .order_by(engagements.c.code, _RATES.c.valid_from))
_ENTRIES = (select(entries, engagements.c.code.label("engagement_code"))
            .join(engagements, engagements.c.id == entries.c.engagement_id)
            .where(entries.c.engagement_id.in_(bindparam("ids", expanding=True)),
                   entries.c.work_date >= bindparam("start"), entries.c.work_date < bindparam("end"))
            .order_by(entries.c.work_date, entries.c.id))


def expert_view(conn: Connection, expert_id: int) -> ExpertView:
    """Two statements: the expert with our organisation's name, the engagements with their
    clients and rate history."""
    r = conn.execute(_EXPERT, {"expert_id": expert_id}).first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige met id {expert_id} bestaat niet")
    return _view(conn, r)


def expert_view_by_code(conn: Connection, code: str) -> ExpertView:
    """:func:`expert_view` of the expert with ``code`` in any case (``e001`` finds ``E001``),
    with the message of :func:`vergoeding.store.queries.expert` when there is none."""
    r = conn.execute(_EXPERT_BY_CODE, {"code": code.strip().lower()}).first()
    if r is None:
        raise NotFoundError(f"ervaringsdeskundige {code!r} bestaat niet")
    return _view(conn, r)


def _view(conn: Connection, r: Any) -> ExpertView:
    rows: dict[str, Any] = {}
    history: dict[str, list[RateChange]] = {}
    for x in conn.execute(_ENGAGEMENTS, {"expert_id": r.id}):
        rows.setdefault(x.code, x)
        if x.rate_from is not None:
            history.setdefault(x.code, []).append((x.rate_from, _money(x.rate_expert_cents),
                                                   _money(x.rate_client_cents)))
    engs = [engagement_from_row(x) for x in rows.values()]
    engs = [replace(g, rate_history=tuple(history[g.code])) if g.code in history else g for g in engs]
    return ExpertView(expert_from_row(r), r.own_name if r.own_name is not None else "de organisatie", tuple(engs),
                      rows, {x.client_code: x.client_name for x in rows.values()})


def entries_of(conn: Connection, engs: Sequence[Engagement], period: Period) -> list[Entry]:
    """The entries of ``engs`` in ``period`` (any status), oldest first: what
    ``queries.load_entries(period=..., expert_code=...)`` gives for the expert of ``engs``."""
    if not engs:
        return []
    found = conn.execute(_ENTRIES, {"ids": [g.id for g in engs], "start": period.start, "end": period.end})
    return [entry_from_row(r) for r in found]
