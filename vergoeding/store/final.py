"""What was paid or invoiced is final, in every dimension (issue 20, items 1 and 2).

A paid line (the paid-line ledger, :mod:`vergoeding.store.payouts`) and a line on an invoice
keep what they were when they were paid or invoiced: the amounts, and also the regime, the
expert, the client, the role and level, the unit, the travel terms and the VAT terms of
their engagement. An engagement edit that would change one of those under such a line is
refused here, in the store, so every path (command line, import, api, web) meets the same
rule. The rates have their own check with a date (:mod:`vergoeding.api.rate_change`).

The way out the refusal names: a new engagement from the day after the last paid or
invoiced work (the product has no regime, role or unit "from a date").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select

from vergoeding.core.money import from_cents
from vergoeding.errors import RuleViolation
from vergoeding.store import schema as s

# The engagement fields that change what a paid or invoiced line is (who, under which rules,
# what it is worth), with their Dutch name in the refusal. Rates: api.rate_change (by date).
FINAL_FIELDS: Mapping[str, str] = {
    "regime": "het regime", "expert": "de deskundige", "client": "de opdrachtgever", "role": "de rol",
    "level": "het niveau", "unit": "de eenheid", "travel_policy": "de reiskosten (--travel)",
    "km_rate": "het km-tarief", "self_billing": "de zelffacturering", "vat_exemption": "de btw-vrijstelling",
}
LISTED_MAX = 10  # lines named in a refusal; the rest are counted


@dataclass(frozen=True)
class FinalLine:
    """A line of the engagement that is paid or on an invoice, and where."""

    entry_id: int
    work_date: date
    where: str  # "betaald in uitbetaling 2026-10", "op factuur E008-2026-001"


def final_lines(conn: Connection, engagement_id: int) -> list[FinalLine]:
    """The paid or invoiced lines of the engagement, by work date (corrections included)."""
    e, pl, p, inv = s.entries, s.paid_lines, s.payouts, s.invoices
    client_inv = inv.alias("ci")
    expert_inv = inv.alias("ei")
    q = (select(e.c.id, e.c.work_date, e.c.status, p.c.number.label("payout"),
                client_inv.c.number.label("client_no"), client_inv.c.id.label("client_id"),
                expert_inv.c.number.label("expert_no"), expert_inv.c.id.label("expert_id"))
         .outerjoin(pl, pl.c.entry_id == e.c.id)
         .outerjoin(p, p.c.id == func.coalesce(pl.c.payout_id, e.c.payout_id))
         .outerjoin(client_inv, client_inv.c.id == e.c.invoice_id)
         .outerjoin(expert_inv, expert_inv.c.id == e.c.expert_invoice_id)
         .where(e.c.engagement_id == engagement_id,
                or_(pl.c.id.is_not(None), e.c.status == "settled", e.c.payout_id.is_not(None),
                    e.c.invoice_id.is_not(None), e.c.expert_invoice_id.is_not(None)))
         .order_by(e.c.work_date, e.c.id))
    out = []
    for r in conn.execute(q):
        where = []
        if r.payout is not None or r.status == "settled":
            where.append(f"betaald in uitbetaling {r.payout}" if r.payout else "betaald")
        for no, iid in ((r.expert_no, r.expert_id), (r.client_no, r.client_id)):
            if iid is not None:
                where.append(f"op factuur {no}" if no else f"op conceptfactuur {iid}")
        out.append(FinalLine(int(r.id), r.work_date, ", ".join(where)))
    return out


def listed(lines: list[FinalLine]) -> str:
    from vergoeding.core.listing import few

    return few([f"regel {x.entry_id} ({x.work_date:%d-%m-%Y}, {x.where})" for x in lines], sep="; ",
               others="andere", shown=LISTED_MAX)


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return {"unit": "volgens de tariefkaart", "km_rate": "de fiscale km-vergoeding"}.get(field, "geen")
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if field == "km_rate":
        from vergoeding.core.nl import eur

        return eur(value)
    return str(value)


def refuse_final_change(conn: Connection, engagement_id: int, old: Any, new: Any, *,
                        last_entry: date | None) -> None:
    """Refuse (nothing changed) an edit of a final dimension of an engagement with paid or
    invoiced lines. ``old``/``new``: the engagement's data before and after the edit
    (``store.ledger.EngagementData``); ``last_entry``: the last work date on the engagement."""
    changed = [f for f in FINAL_FIELDS if getattr(old, f) != getattr(new, f)]
    if not changed:
        return
    lines = final_lines(conn, engagement_id)
    if not lines:
        return
    what = ", ".join(f"{FINAL_FIELDS[f]} ({_shown(f, getattr(old, f))} -> {_shown(f, getattr(new, f))})"
                     for f in changed)
    last = max(x.work_date for x in lines)
    start = last + timedelta(days=1)
    raise RuleViolation(
        f"opdracht {old.code}: {what} {'kunnen' if len(changed) > 1 else 'kan'} niet meer worden gewijzigd, want {len(lines)} regel(s) van deze "
        f"opdracht zijn al betaald of gefactureerd: {listed(lines)}. Wat betaald of gefactureerd is, is "
        "definitief: ook het regime, de deskundige, de opdrachtgever, de rol, de eenheid en de tarieven van die "
        f"regels. Geldt de wijziging voor werk dat nog komt, begin dan een nieuwe opdracht vanaf "
        f"{start:%d-%m-%Y} (de dag na het laatste betaalde of gefactureerde werk): "
        f"{add_command(new, start, _rates_on(conn, engagement_id, new, start))}"
        f"{end_advice(old.code, last, last_entry)}. Er is niets gewijzigd.")


def _rates_on(conn: Connection, engagement_id: int, new: Any, day: date) -> tuple[Any, Any]:
    """(expert rate, client rate) of the engagement on ``day`` with the edit's own rates."""
    r = s.engagement_rates
    row = conn.execute(select(r.c.expert_rate_cents, r.c.client_rate_cents).where(
        r.c.engagement_id == engagement_id, r.c.valid_from <= day).order_by(r.c.valid_from.desc()).limit(1)).first()
    if row is None:
        return new.expert_rate, new.client_rate
    return tuple(None if v is None else from_cents(int(v)) for v in row)  # type: ignore[return-value]


def add_command(new: Any, start: date, rates: tuple[Any, Any] = (None, None)) -> str:
    """The ``engagement add`` that continues the engagement with the new values from ``start``."""
    parts = [f"vergoeding engagement add --expert {new.expert} --client {new.client} --role {new.role} "
             f"--regime {new.regime} --start {start:%d-%m-%Y}"]
    if new.end_date is not None:
        parts.append(f"--end {new.end_date - timedelta(days=1):%d-%m-%Y}")
    if new.level and new.level != "standaard":
        parts.append(f"--level {new.level}")
    if new.unit:
        parts.append(f"--unit {new.unit}")
    if new.travel_policy and new.travel_policy != "geen":
        parts.append(f"--travel {new.travel_policy}")
    for option, rate in zip(("--expert-rate", "--client-rate"), rates, strict=True):
        if rate is not None:
            parts.append(f"{option} {format(rate, 'f').replace('.', ',')}")
    if new.km_rate is not None:
        parts.append(f"--km-rate {format(new.km_rate, 'f').replace('.', ',')}")
    if new.self_billing:
        parts.append("--self-billing")
    if new.vat_exemption:
        parts.append(f"--vat-exemption {new.vat_exemption}")
    return " ".join(parts)


def end_advice(code: str, last_final: date, last_entry: date | None) -> str:
    """How the old engagement ends: on its last paid/invoiced day when nothing comes after."""
    if last_entry is not None and last_entry > last_final:
        return (f"; op {code} staan ook regels na {last_final:%d-%m-%Y} (tot en met {last_entry:%d-%m-%Y}): die "
                f"blijven bij {code} met de oude gegevens; nieuw werk schrijft u op de nieuwe opdracht")
    return f", en sluit {code} af: vergoeding engagement edit {code} --end {last_final:%d-%m-%Y}"
