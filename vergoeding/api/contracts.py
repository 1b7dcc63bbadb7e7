"""Contracts per engagement (template by regime, or the client agreement) and the register
of engagements and their contracts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from vergoeding.api.choices import CONTRACT_KINDS
from vergoeding.api.workspace import Workspace
from vergoeding.core.age_rate import rate_phases
from vergoeding.core.rates import Override, ResolvedRate, resolve_rate
from vergoeding.core.regimes import Regime
from vergoeding.core.work import Engagement, Expert
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
    if kind not in KINDS:
        raise InputError(f"--kind {kind!r}: kies expert of client", field="kind")
    with ws.engine.connect() as conn:
        g = queries.engagement(conn, engagement)
        exp = queries.expert(conn, g.expert_code)
        client = queries.organisation(conn, g.client_code)
        own = queries.own_organisation(conn)
    override = Override(g.expert_rate, g.client_rate, g.unit)
    regime = g.regime if g.regime is not Regime.LOONDIENST else Regime.ZZP
    rate = resolve_rate(ws.ratecard, g.role, regime, g.start, level=g.level,
                        override=None if override == Override() else override)
    try:
        label = ws.ratecard.role(g.role).label
    except VergoedingError:
        label = g.role
    phases = tuple({"start": ph.start, "end": ph.end, "rate": ph.rate, "under_21": ph.under_21}
                   for ph in rate_phases(g, exp, rate.expert, rate.unit, ws.limits)) if kind == "expert" else ()
    return contract_document(kind=kind, engagement=g, expert=exp, client=client, own=own, role_label=label,
                             expert_rate=rate.expert, client_rate=rate.client, unit=rate.unit,
                             limits=ws.limits.for_year(g.start.year), today=today, extra=_extra(ws),
                             rate_phases=phases, rate_changes=_rate_changes(ws, g, exp, kind, regime, phases, rate))


def _rate_changes(ws: Workspace, g: Engagement, exp: Expert, kind: str, regime: Regime,
                  phases: tuple[dict[str, Any], ...], start: ResolvedRate) -> tuple[dict[str, Any], ...]:
    """The engagement's rate changes from a date as the contract names them ("vanaf 1 december
    2026 € 9,00 per uur"): the expert's rate (an hourly volunteer rate as the contract's age
    phase on that day states it, never above the presumption without a justification) or, in
    the client agreement, the client's rate. Only changes of that rate; none without a price."""
    out: list[dict[str, Any]] = []
    prev = start.client if kind == "client" else (phases[0]["rate"] if phases else start.expert)
    for frm, until, own_expert, own_client in g.rate_spans()[1:]:
        override = Override(own_expert, own_client, g.unit)
        try:
            r = resolve_rate(ws.ratecard, g.role, regime, frm, level=g.level,
                             override=None if override == Override() else override)
            value = r.client
            if kind != "client":
                ph = rate_phases(replace(g, start=frm, end=until), exp, r.expert, r.unit, ws.limits)
                value = ph[0].rate if ph else r.expert
        except VergoedingError:
            continue
        if value != prev:
            out.append({"from": frm, "rate": value})
        prev = value
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
