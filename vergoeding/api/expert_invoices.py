"""Expert invoices: a freelance expert -> our organisation, optionally self-billed by us."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from vergoeding.api.invoice_common import (
    _open_entries,
    _prefix,
    _quantity,
    _role_label,
    expert_party,
    number_format,
    org_party,
    refuse_without_einvoice,
)
from vergoeding.api.workspace import Workspace
from vergoeding.core.compensation import PricedEntry, price_entry
from vergoeding.core.invoice import (
    SELF_BILLING_NOTE,
    Invoice,
    InvoiceLine,
    expert_vat,
)
from vergoeding.core.money import ZERO, round_cents
from vergoeding.core.period import Period, period_text
from vergoeding.core.regimes import Regime
from vergoeding.core.work import Engagement, Expert
from vergoeding.errors import RuleViolation
from vergoeding.store import invoices as store
from vergoeding.store import queries
from vergoeding.store.locks import paid_work_lock

# --- expert invoices ----------------------------------------------------------------------

def _expert_lines(ws: Workspace, priced: Sequence[PricedEntry], expert: Expert,
                  issue_date: date) -> tuple[InvoiceLine, ...]:
    rate = ws.limits.for_year(issue_date.year).figure("vat_standard", issue_date).amount
    lines: list[InvoiceLine] = []
    by_eng: OrderedDict[str, list[PricedEntry]] = OrderedDict()
    for p in sorted(priced, key=lambda p: (p.engagement.code, p.entry.work_date, p.entry.id)):
        by_eng.setdefault(p.engagement.code, []).append(p)
    for code, items in by_eng.items():
        g = items[0].engagement
        exemption = g.vat_exemption or ("kor" if expert.kor else None)
        vat = expert_vat(rate, exemption)
        role = _role_label(ws, g.role)
        client = items[0].engagement.client_code
        days = [p.entry.work_date for p in items]
        span = (min(days), max(days))
        regular = [p for p in items if p.entry.amount is None]
        by_price: OrderedDict[tuple[str, Decimal], list[PricedEntry]] = OrderedDict()
        for p in regular:
            by_price.setdefault((p.unit.value, p.expert_unit_price), []).append(p)
        for (_, price), group in by_price.items():
            d = [p.entry.work_date for p in group]
            lines.append(InvoiceLine(f"{role}: {g.description or 'inzet als ervaringsdeskundige'} "
                                     f"(opdracht {code}, bij {client})", _quantity(group[0].unit, group),
                                     group[0].unit.label, price, vat, min(d), max(d)))
        for p in items:
            if p.entry.amount is not None:
                lines.append(InvoiceLine(f"{role}: vast bedrag {p.entry.activity or ''} (opdracht {code})".replace("  ", " "),
                                         Decimal(1), "stuk", p.fee, vat, p.entry.work_date, p.entry.work_date))
        km = sum((p.entry.km for p in items if p.travel), Decimal(0))
        travel = sum((p.travel for p in items), ZERO)
        if travel:
            lines.append(InvoiceLine(f"Reiskosten {km.normalize():f} km (opdracht {code})", Decimal(1), "stuk",
                                     travel, vat, *span))
        expenses = sum((p.expenses_fixed + p.expenses_receipt for p in items), ZERO)
        if expenses:
            lines.append(InvoiceLine(f"Onkosten (opdracht {code})", Decimal(1), "stuk", expenses, vat, *span))
    return tuple(lines)


@dataclass(frozen=True)
class Received:
    stored: store.StoredInvoice
    warnings: tuple[str, ...]  # a stated amount that differs from the approved hours and rates


def receive_expert_invoice(ws: Workspace, expert: str, period: Period, *, number: str, invoice_date: date,
                           amount: Decimal | None = None) -> Received:
    """Register the invoice a freelancer SENT us: their own number and date, over the approved
    zzp hours of ``period`` not yet on an expert invoice (the lines are ours: approved hours x
    the engagement's rates, VAT as the expert's registration says). ``amount``: the total on
    their invoice; a difference is a warning naming both amounts (the payout pays the amount
    of the approved hours; ask the freelancer for a credit note and a new invoice if theirs is
    right). The invoice waits for 'invoice approve' before a payout pays it."""
    with ws.engine.begin() as conn:
        inv, ids, exp_id = _expert_draft(ws, conn, expert, period, invoice_date, self_billing=False)
        inv = replace(inv, number=number.strip(), stated_total=None if amount is None else round_cents(amount))
        warnings: list[str] = []
        total = inv.totals.total
        if amount is not None and round_cents(amount) != total:
            from vergoeding.core.nl import eur

            warnings.append(f"factuur {number.strip()}: de factuur vraagt {eur(round_cents(amount))}, de goedgekeurde "
                            f"uren en tarieven geven {eur(total)} (verschil {eur(round_cents(amount) - total)}). "
                            f"Betaald wordt {eur(total)} na 'vergoeding invoice approve {number.strip()}'; klopt de "
                            "factuur, corrigeer dan eerst de uren, of vraag de zzp'er om een nieuwe factuur.")
        stored = store.register_received(conn, inv, actor=ws.actor, expert_id=exp_id, entry_ids=ids,
                                         stated_total=None if amount is None else str(round_cents(amount)))
        return Received(stored, tuple(warnings))


def approve_expert_invoice(ws: Workspace, number: str, *, day: date) -> store.StoredInvoice:
    with ws.engine.begin() as conn:
        return store.approve(conn, number, day=day, actor=ws.actor)


def create_expert_invoice(ws: Workspace, expert: str, period: Period, *, issue_date: date,
                          self_billing: bool = False, concept: bool = False) -> store.StoredInvoice:
    """A document in the expert's name is made only under a recorded self-billing agreement:
    ``self_billing`` (every engagement must have the agreement), issued by our organisation on
    the expert's behalf in its own series per expert, with the required note. Without it this
    is refused, with the way out: register the invoice the freelancer sent
    (:func:`receive_expert_invoice`), or record the agreement."""
    if not self_billing:
        raise RuleViolation(
            f"wij maken geen factuur op naam van {expert}: een factuur van een zzp'er maakt de zzp'er zelf. "
            f"Registreer de factuur die u ontving: 'vergoeding invoice receive --expert {expert} --period "
            f"{period.label or period} --number HUN-NUMMER --date DD-MM-JJJJ --amount TOTAAL'. Is schriftelijk "
            "afgesproken dat wij de factuur uitreiken (zelffacturering), leg dat vast met 'vergoeding engagement "
            "edit CODE --self-billing' en gebruik --self-billing.")
    with ws.engine.begin() as conn:
        inv, ids, exp_id = _expert_draft(ws, conn, expert, period, issue_date, self_billing=True)
        if concept:
            return store.save_concept(conn, inv, actor=ws.actor, expert_id=exp_id, entry_ids=ids)
        inv = refuse_without_einvoice(inv)
        return store.issue(conn, inv, fmt=number_format(ws, "expert", self_billed=True),
                           series_prefix=_prefix("expert", True), actor=ws.actor, expert_id=exp_id,
                           entry_ids=ids, expert_code=inv.supplier.code)


def _expert_draft(ws: Workspace, conn: Connection, expert: str, period: Period, issue_date: date, *,
                  self_billing: bool) -> tuple[Invoice, list[int], int]:
    paid_work_lock(conn)  # serialised with rate and engagement edits (store.locks)
    own = queries.own_organisation(conn)
    exp = queries.expert(conn, expert)
    engs = {g.code: g for g in queries.all_engagements(conn, expert_code=expert) if g.regime is Regime.ZZP}
    if not engs:
        raise RuleViolation(f"{expert} heeft geen zzp-opdracht: alleen zzp'ers factureren")
    open_entries = [e for e in _open_entries(conn, "expert_invoice_id", period, expert=expert)
                    if e.engagement_code in engs]
    if not open_entries:
        raise RuleViolation(f"geen goedgekeurde, nog niet gefactureerde zzp-uren voor {expert} in {period_text(period)}")
    used: dict[str, Engagement] = {e.engagement_code: engs[e.engagement_code] for e in open_entries}
    if self_billing:
        without = sorted(c for c, g in used.items() if not g.self_billing)
        if without:
            raise RuleViolation("zelffacturering is niet afgesproken voor opdracht(en) " + ", ".join(without)
                                + " (zet self_billing in de opdracht, na schriftelijke afspraak)")
    priced = [price_entry(e, used[e.engagement_code], ws.ratecard, ws.limits) for e in open_entries]
    lines = _expert_lines(ws, priced, exp, issue_date)
    inv = Invoice(kind="expert", supplier=expert_party(exp), customer=org_party(own), issue_date=issue_date,
                  lines=lines, payment_term_days=own.payment_term_days, period=str(period),
                  reference=", ".join(sorted(used)), self_billed=self_billing,
                  notes=(SELF_BILLING_NOTE,) if self_billing else (),
                  # we are the buyer here: our engagement codes ARE the buyer's reference
                  einvoice_format=own.einvoice_format, buyer_reference=", ".join(sorted(used)))
    return inv, [e.id for e in open_entries], exp.id
