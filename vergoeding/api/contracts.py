"""Contracts per engagement (template by regime, or the client agreement) and the register
of engagements and their contracts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from vergoeding.api.choices import CONTRACT_KINDS
from vergoeding.api.workspace import Workspace
from vergoeding.core.age_rate import presumptions_exceeded
from vergoeding.core.contract_rates import PaidRate, paid_rates
from vergoeding.core.rates import Override, resolve_rate
from vergoeding.core.regimes import Regime
from vergoeding.documents.contract import (
    CLIENT_TEMPLATE,
    TEMPLATES,
    ContractDocument,
    contract_document,
)
from vergoeding.errors import InputError, VergoedingError
from vergoeding.store import queries

KINDS = CONTRACT_KINDS


def _extra(ws: Workspace) -> dict[str, str]:
    cfg = ws.settings.extra.get("contracts", {})
    return {str(k): str(v) for k, v in cfg.items()} if isinstance(cfg, dict) else {}


def document(ws: Workspace, engagement: str, *, kind: str = "expert", today: date) -> ContractDocument:
    """The contract as the engagement is paid: every price in it is what the pricing pays for
    one unit of work on that day (:func:`vergoeding.core.contract_rates.paid_rates`): the
    expert's price in an expert contract, the client's in the client agreement."""
    if kind not in KINDS:
        raise InputError(f"--kind {kind!r}: kies expert of client", field="kind")
    with ws.engine.connect() as conn:
        g = queries.engagement(conn, engagement)
        exp = queries.expert(conn, g.expert_code)
        client = queries.organisation(conn, g.client_code)
        own = queries.own_organisation(conn)
    try:
        label = ws.ratecard.role(g.role).label
    except VergoedingError:
        label = g.role
    paid = paid_rates(g, ws.ratecard, ws.limits, need_client=kind == "client")
    notes = tuple(asdict(n) for n in presumptions_exceeded(g, exp, paid, ws.limits)) if kind == "expert" else ()
    return contract_document(kind=kind, engagement=g, expert=exp, client=client, own=own, role_label=label,
                             expert_rate=paid[0].expert, client_rate=paid[0].client, unit=paid[0].unit,
                             limits=ws.limits.for_year(g.start.year), today=today, extra=_extra(ws),
                             presumptions=notes, rate_changes=_rate_changes(paid, kind))


def _rate_changes(paid: list[PaidRate], kind: str) -> tuple[dict[str, Any], ...]:
    """The changes after the start as the contract names them ("vanaf 1 februari 2027 is het
    tarief € 9,00 per uur"): of the expert's price in an expert contract, of the client's in
    the client agreement (a change of the other party's price only is not named)."""
    out: list[dict[str, Any]] = []
    prev = paid[0]
    for p in paid[1:]:
        value, before = (p.client, prev.client) if kind == "client" else (p.expert, prev.expert)
        if (value, p.unit) != (before, prev.unit):
            out.append({"from": p.start, "rate": value, "unit": p.unit.label})
        prev = p
    return tuple(out)


def render_pdf(ws: Workspace, engagement: str, *, kind: str = "expert", today: date) -> bytes:
    from vergoeding.render.contract import contract_pdf

    doc = document(ws, engagement, kind=kind, today=today)
    return contract_pdf(doc, user_dir=ws.settings.templates_dir, shipped_dir=ws.settings.shipped_templates)


def register(ws: Workspace) -> list[dict[str, Any]]:
    """One row per engagement: parties, role, regime, period, rates and which contracts apply."""
    with ws.engine.connect() as conn:
        engs = queries.all_engagements(conn)
        names = {e.code: e.name for e in queries.all_experts(conn)}
        orgs = {o.code: o.name for o in queries.all_organisations(conn)}
    rows = []
    for g in engs:
        tmpl = TEMPLATES.get(g.regime)
        expert_rate, client_rate = g.expert_rate, g.client_rate
        if g.regime is not Regime.LOONDIENST:
            try:
                override = Override(g.expert_rate, g.client_rate, g.unit)
                rate = resolve_rate(ws.ratecard, g.role, g.regime, g.start, level=g.level,
                                    override=None if override == Override() else override)
                expert_rate, client_rate = rate.expert, rate.client
            except VergoedingError:
                pass  # no rate on the card: the register shows the engagement's own figures
        rows.append({
            "engagement": g.code, "expert": g.expert_code, "expert_name": names.get(g.expert_code, ""),
            "client": g.client_code, "client_name": orgs.get(g.client_code, ""), "role": g.role,
            "regime": g.regime.value, "start": g.start, "end": g.end,
            "contract": tmpl[1] if tmpl else "arbeidsovereenkomst (salarisadministratie)",
            "client_contract": CLIENT_TEMPLATE[1], "self_billing": g.self_billing,
            "expert_rate": expert_rate, "client_rate": client_rate, "budget": g.budget_amount,
        })
    return rows


REGISTER_COLUMNS = ["engagement", "expert", "expert_name", "client", "client_name", "role", "regime", "start",
                    "end", "contract", "client_contract", "self_billing", "expert_rate", "client_rate", "budget"]
REGISTER_HEADERS = {"engagement": "opdracht", "expert": "deskundige", "expert_name": "naam", "client": "opdrachtgever",
                    "client_name": "naam opdrachtgever", "role": "rol", "regime": "regime", "start": "begin",
                    "end": "einde (excl.)", "contract": "contract deskundige", "client_contract": "contract opdrachtgever",
                    "self_billing": "zelffacturering", "expert_rate": "tarief deskundige",
                    "client_rate": "tarief opdrachtgever", "budget": "budget"}


def register_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from vergoeding.render.xlsx import DATE, EURO, Column, Workbook

    fmts = {"start": DATE, "end": DATE, "expert_rate": EURO, "client_rate": EURO, "budget": EURO}
    cols = [Column(REGISTER_HEADERS[k], k, fmts.get(k), 16) for k in REGISTER_COLUMNS]
    wb = Workbook()
    wb.sheet("Contracten", cols, rows)
    return wb.to_bytes()
