"""Demo steps for invoices and contracts, to append to :data:`vergoeding.demo.run.STEPS`:

    from vergoeding.demo.invoices import DEMO_STEPS
    STEPS += DEMO_STEPS

They invoice every client for October 2026 (PDFs rendered in parallel), make expert
invoices (with VAT, KOR, and self-billing where agreed), a credit note, an xlsx and a UBL
e-invoice, one contract per regime plus a client agreement, and the contract register.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vergoeding.api import contracts, invoices
from vergoeding.core.period import parse_period
from vergoeding.core.regimes import Regime
from vergoeding.errors import VergoedingError
from vergoeding.render.files import write_atomic
from vergoeding.render.formatting import euro
from vergoeding.store import queries

ISSUE = date(2026, 11, 2)
PERIOD = "2026-10"


def step_invoices(ctx: Any) -> list[str]:
    ws, out = ctx.ws, ctx.out_dir / "facturen"
    out.mkdir(parents=True, exist_ok=True)
    res = invoices.create_all_client_invoices(ws, parse_period(PERIOD), issue_date=ISSUE, out_dir=out)
    lines = [f"factuur {s.label}: {s.invoice.customer.name}, totaal {euro(s.invoice.totals.total)}" for s in res.issued]
    lines += [f"niet gefactureerd: {code}: {msg}" for code, msg in res.failed]
    ctx.files.extend(res.files)
    with ws.engine.connect() as conn:
        zzp = [g for g in queries.all_engagements(conn) if g.regime is Regime.ZZP]
    done: set[str] = set()
    for g in zzp:
        if g.expert_code in done:
            continue
        done.add(g.expert_code)
        try:
            if g.self_billing:  # we issue it on the expert's behalf, as agreed
                s = invoices.create_expert_invoice(ws, g.expert_code, parse_period(PERIOD), issue_date=ISSUE,
                                                   self_billing=True)
            else:  # the invoice the freelancer sent us, under their own number
                s = invoices.receive_expert_invoice(ws, g.expert_code, parse_period(PERIOD),
                                                    number=f"{g.expert_code}-{ISSUE.year}-001",
                                                    invoice_date=ISSUE).stored
        except VergoedingError as exc:
            lines.append(f"geen factuur voor {g.expert_code}: {exc.message}")
            continue
        if s.received:  # their own invoice: we write only our registration of it, no e-invoice
            path = write_atomic(out / f"registratie-{s.label}.pdf", invoices.render(ws, s.label, "pdf"))
        else:  # self-billed: ours to issue, with its e-invoice
            ctx.files.append(write_atomic(out / f"factuur-{s.label}.xml", invoices.render(ws, s.label, "ubl")))
            path = write_atomic(out / f"factuur-{s.label}.pdf", invoices.render(ws, s.label, "pdf"))
        ctx.files.append(path)
        notes = ", ".join(s.invoice.exemption_notes) or ("zelffacturering" if s.invoice.self_billed else "21% btw")
        what = f"ontvangen factuur {s.label} geregistreerd" if s.received else f"factuur {s.label}"
        lines.append(f"{what} van {s.invoice.supplier.name}: totaal {euro(s.invoice.totals.total)} ({notes}): "
                     f"{path.name}")
    if res.issued:
        first = res.issued[0].label
        ctx.files.append(write_atomic(out / f"factuur-{first}.xlsx", invoices.render(ws, first, "xlsx")))
        if len(res.issued) > 1:
            last = res.issued[-1].label
            cn = invoices.credit(ws, last, "demo: verkeerd tarief", issue_date=ISSUE)
            for fmt, ext in (("ubl", "xml"), ("pdf", "pdf")):
                ctx.files.append(write_atomic(out / f"creditnota-{cn.label}.{ext}", invoices.render(ws, cn.label, fmt)))
            lines.append(f"creditnota {cn.label} voor {last}: {euro(cn.invoice.totals.total)}")
    ctx.facts["invoices"] = [s.label for s in invoices.list_invoices(ws)]
    return lines


def step_contracts(ctx: Any) -> list[str]:
    ws, out = ctx.ws, ctx.out_dir / "contracten"
    out.mkdir(parents=True, exist_ok=True)
    with ws.engine.connect() as conn:
        engs = queries.all_engagements(conn)
    lines: list[str] = []
    seen: set[Regime] = set()
    for g in engs:
        if g.regime in seen or g.regime is Regime.LOONDIENST:
            continue
        seen.add(g.regime)
        path = write_atomic(out / f"contract-{g.code}.pdf", contracts.render_pdf(ws, g.code, today=ISSUE))
        ctx.files.append(path)
        lines.append(f"{g.regime.label}: {path.name}")
    if engs:
        g = engs[0]
        path = write_atomic(out / f"overeenkomst-opdrachtgever-{g.code}.pdf",
                            contracts.render_pdf(ws, g.code, kind="client", today=ISSUE))
        ctx.files.append(path)
        lines.append(f"overeenkomst met de opdrachtgever: {path.name}")
    reg = write_atomic(out / "contractenregister.xlsx", contracts.register_xlsx(contracts.register(ws)))
    ctx.files.append(reg)
    lines.append(f"register van {len(engs)} opdrachten: {reg.name}")
    return lines


DEMO_STEPS = [("Facturen", step_invoices), ("Contracten", step_contracts)]
