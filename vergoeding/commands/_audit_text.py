"""The audit log as people read it: "wie, wanneer, wat: veld oud → nieuw" in Dutch
(``vergoeding audit``; ``--format json`` keeps the stored action codes and detail)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vergoeding.commands._common import column_name, show_value, word
from vergoeding.core.text import printable
from vergoeding.errors import mask_bsns

# Actions not in the shared word list (vergoeding.commands._common.WORDS).
ACTIONS: dict[str, str] = {
    "payout.create": "uitbetaling gemaakt", "payout.follow_up": "vervolguitbetaling gemaakt",
    "portal.invite": "uitgenodigd voor het portaal", "portal.password": "wachtwoord voor het portaal gezet",
    "portal.revoke": "toegang tot het portaal ingetrokken", "portal.totp": "tweede stap voor het portaal gezet",
    "delete": "verwijderd", "import": "ingelezen",
}
# Keys of the detail that say nothing to a person, or repeat what the line already says.
_SKIP = frozenset({"msg_id", "series", "dedupe_key"})
_LIST_SHOWN = 5


def action_text(action: str) -> str:
    """'payout.create' -> 'uitbetaling gemaakt'; an unknown code: its words, dots as spaces."""
    shown = ACTIONS.get(action) or word(action)
    return shown.replace(".", " ").replace("_", " ") if shown == action else shown


def value_text(key: str, value: Any) -> str:
    """A stored value as a person reads it: cents as euros, a long list shortened, ja/nee."""
    if key.endswith("_cents") and isinstance(value, int):
        from vergoeding.core.money import from_cents
        from vergoeding.render.formatting import euro

        return euro(from_cents(value))
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, list):
        from vergoeding.core.listing import few

        return few([value_text(key, v) for v in value], others="andere", shown=_LIST_SHOWN) or "(geen)"
    if isinstance(value, dict):
        return "; ".join(f"{column_name(k)} {value_text(k, v)}" for k, v in value.items())
    return show_value(value)


# Keys of the detail with a name of their own here (the rest: the shared column names).
KEYS: dict[str, str] = {
    "lines": "regels", "late_lines": "te late regels", "held": "aangehouden", "override_reason": "reden",
    "override_experts": "betaald ondanks bevinding", "credit_of": "crediteert", "entries": "urenregels",
    "released_entries": "vrijgegeven urenregels", "by": "gecrediteerd door", "count": "aantal", "ids": "regels",
    "changes": "wijzigingen",
}


def _key_name(key: str) -> str:
    key = key.removesuffix("_cents")
    return KEYS.get(key) or column_name(key)


def detail_text(detail: Any) -> str:
    """The detail of an audit row: 'veld oud → nieuw' for a change, else 'veld waarde'."""
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return mask_bsns(printable(detail))
    if not isinstance(detail, Mapping):
        return "" if detail is None else mask_bsns(printable(str(detail)))
    parts = []
    changes = detail.get("changes")
    if isinstance(changes, Mapping):
        for k, pair in changes.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            parts.append(f"{_key_name(k)} {value_text(k, old)} → {value_text(k, new)}")
    for k, v in detail.items():
        if k in _SKIP or k == "changes":
            continue
        parts.append(f"{_key_name(k)} {value_text(k, v)}")
    return mask_bsns(printable("; ".join(parts)))


def audit_line(row: Mapping[str, Any]) -> str:
    """'07-12-2026 16:36, demo: opdracht G004 (nr 4) gewijzigd: tarief deskundige 60,00 → 65,00'."""
    who = printable(str(row.get("actor") or "onbekend"))
    if row.get("db_user") and row.get("db_user") != row.get("actor"):
        who += f" (database: {printable(str(row['db_user']))})"
    when = show_value(row.get("at"))
    what = word(row.get("entity"))
    if row.get("entity_id") is not None:
        what += f" nr {row['entity_id']}"
    detail = detail_text(row.get("detail"))
    return f"{who}, {when}, {what} {action_text(str(row.get('action') or ''))}" + (f": {detail}" if detail else "")


WIDTH = 100


def audit_lines(row: Mapping[str, Any]) -> str:
    """:func:`audit_line` wrapped at :data:`WIDTH` characters, the next lines indented."""
    import textwrap

    return textwrap.fill(audit_line(row), WIDTH, subsequent_indent="    ", break_on_hyphens=False)
