"""Invoices as values: lines, VAT per rate, totals, the number format and the Wet OB
art. 35a check. Pure: the caller passes the VAT rate (from the year's limits data), the
parties and the dates.

Rounding (see :mod:`vergoeding.core.money`): every line is rounded once
(``round_cents(quantity x unit price)``); the amount excluding VAT per rate is the sum of
the rounded lines at that rate; VAT is computed per rate over the invoice (that sum times
the rate, rounded once); totals are sums and are never rounded again.

The dict form (:func:`invoice_to_dict` / :func:`invoice_from_dict`) is the snapshot that
the store keeps for an issued invoice: every printed field, so that a reprint years later
shows exactly what was sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from vergoeding.core.money import ZERO, D, round_cents, unsigned_zero
from vergoeding.core.work import Address
from vergoeding.errors import ConfigError

# The exemption notes Wet OB requires where no VAT is charged: say WHICH exemption.
# Wet OB art. 25a lid 4 (KOR): the invoice may not mention VAT in any way: no rate, no VAT
# amount, no "incl. btw" total. Only this note that the scheme applies (it names no tax).
KOR_NOTE = "De kleineondernemersregeling (KOR, art. 25a Wet OB 1968) is van toepassing"
CRKBO_NOTE = (
    "Vrijgesteld van btw: beroepsonderwijs door een in het CRKBO geregistreerde instelling of docent, "
    "art. 11 lid 1 onderdeel o Wet OB 1968"
)
SELF_BILLING_NOTE = "factuur uitgereikt door afnemer"

from vergoeding.core.numbering import format_number  # noqa: E402,F401 - re-exported

DEFAULT_NUMBER_FORMAT = "{year}-{seq:04d}"
DEFAULT_EXPERT_FORMAT = "{expert}-{year}-{seq:03d}"
DEFAULT_SELF_BILLING_FORMAT = "ZF{year}-{expert}-{seq:03d}"

KINDS = ("client", "expert", "credit")

# Where an invoice comes from: a stored fact (``invoices.origin``, migration 20), written by
# the code that makes or registers the invoice, never read off what is absent from it.
#   issued      we issued it: a client invoice, or our credit note on one
#   self_billed we issued it in the freelancer's name under a recorded self-billing agreement
#   received    the freelancer's own invoice (or their credit note on it), registered by us
#   prepared    we made it in the freelancer's name before this distinction existed (before
#               migration 20), in our own "deskundige" number series, without a recorded
#               self-billing agreement: ours, but whether it was agreed is not known
# A credit note has the origin of the invoice it credits.
ORIGINS = ("issued", "self_billed", "received", "prepared")
# how a person reads them (documents; the CLI's tables have the same words in commands/_output)
ORIGIN_WORDS = {"issued": "uitgereikt", "self_billed": "zelffacturering", "received": "ontvangen",
                "prepared": "door ons opgemaakt"}


@dataclass(frozen=True)
class Party:
    """Supplier or customer as printed on the invoice."""

    name: str
    address: Address
    vat_id: str | None = None
    kvk: str | None = None
    iban: str | None = None
    bic: str | None = None
    oin: str | None = None  # Dutch government id, Peppol scheme 0190
    email: str | None = None
    code: str = ""


@dataclass(frozen=True)
class VatTreatment:
    """The VAT rate and, where no VAT is charged, the specific exemption note."""

    rate: Decimal
    note: str = ""
    code: str = "standard"  # standard | kor | crkbo | exempt

    @property
    def category(self) -> str:
        """EN 16931 VAT category: S (standard) or E (exempt)."""
        return "S" if self.rate > 0 else "E"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal  # hours (exact, e.g. 2.5) or sessions/meetings; negative on a credit note
    unit: str  # "uur", "bijeenkomst", "sessie", "km", "stuk" ...
    unit_price: Decimal
    vat: VatTreatment
    service_from: date | None = None
    service_to: date | None = None

    @property
    def amount(self) -> Decimal:
        """The line amount, rounded once: ``round_cents(quantity x unit price)``."""
        return round_cents(D(self.quantity) * D(self.unit_price))


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    note: str
    code: str
    base: Decimal  # sum of the rounded lines at this rate
    vat: Decimal  # base x rate, rounded once


@dataclass(frozen=True)
class Totals:
    excl: Decimal
    vat: Decimal
    total: Decimal
    groups: tuple[VatGroup, ...]


def vat_groups(lines: Sequence[InvoiceLine]) -> tuple[VatGroup, ...]:
    """VAT per rate (and exemption) over the whole invoice, in order of first appearance."""
    order: list[tuple[Decimal, str, str]] = []
    bases: dict[tuple[Decimal, str, str], Decimal] = {}
    for line in lines:
        key = (line.vat.rate, line.vat.note, line.vat.code)
        if key not in bases:
            order.append(key)
            bases[key] = ZERO
        bases[key] += line.amount
    return tuple(VatGroup(rate, note, code, bases[(rate, note, code)],
                          round_cents(bases[(rate, note, code)] * rate))
                 for rate, note, code in order)


def totals(lines: Sequence[InvoiceLine]) -> Totals:
    groups = vat_groups(lines)
    excl = sum((g.base for g in groups), ZERO)
    vat = sum((g.vat for g in groups), ZERO)
    return Totals(excl, vat, excl + vat, groups)


@dataclass(frozen=True)
class Invoice:
    """Everything printed on an invoice or credit note."""

    kind: str  # client | expert | credit
    supplier: Party
    customer: Party
    issue_date: date
    lines: tuple[InvoiceLine, ...]
    number: str | None = None  # None while a concept
    payment_term_days: int = 30
    period: str = ""
    reference: str = ""  # our own reference: the engagement codes (never sent as the buyer's reference)
    self_billed: bool = False
    credit_of: str | None = None  # the original number, on a credit note
    credit_reason: str = ""
    original_kind: str = ""  # on a credit note: the kind of the credited invoice
    notes: tuple[str, ...] = field(default=())
    # The e-invoice (see core/einvoice.py): the customer's format, its own reference for
    # the invoice (UBL BuyerReference) and its order number (UBL OrderReference).
    einvoice_format: str = "peppol"
    buyer_reference: str = ""
    order_reference: str = ""
    # False: a PDF invoice without e-invoice (the customer has no KvK number or OIN and need
    # not receive e-invoices: a private person, a foreign client, an unregistered association)
    einvoice: bool = True
    # A received invoice: the total on the invoice the freelancer sent us, as they stated it
    # (None: not given). What we pay is the total of the approved hours and rates (``totals``).
    stated_total: Decimal | None = None

    @property
    def due_date(self) -> date:
        return self.issue_date + timedelta(days=self.payment_term_days)

    @property
    def totals(self) -> Totals:
        return totals(self.lines)

    @property
    def mentions_vat(self) -> bool:
        """False for an invoice under the small business scheme (every line KOR): Wet OB
        art. 25a lid 4 forbids any mention of VAT, so the PDF and the xlsx show no rate, no
        VAT amount and no "incl. btw" total (the UBL keeps the zero breakdown EN 16931 needs,
        with exemption category E and the KOR reason)."""
        return not (self.lines and all(x.vat.code == "kor" for x in self.lines))

    @property
    def exemption_notes(self) -> tuple[str, ...]:
        seen: list[str] = []
        for g in self.totals.groups:
            if g.note and g.note not in seen:
                seen.append(g.note)
        return tuple(seen)

    @property
    def service_from(self) -> date | None:
        days = [x.service_from for x in self.lines if x.service_from]
        return min(days) if days else None

    @property
    def service_to(self) -> date | None:
        days = [x.service_to for x in self.lines if x.service_to]
        return max(days) if days else None


def client_vat(standard_rate: Decimal, exempt_note: str | None = None) -> VatTreatment:
    """Our organisation's invoice to a client: the standard rate from the limits data,
    unless the organisation is configured as exempt with its specific note."""
    if exempt_note is not None:
        if not exempt_note.strip():
            raise ConfigError("[invoices] vat_exempt_note is leeg: noem de vrijstelling en het wetsartikel")
        return VatTreatment(ZERO, exempt_note.strip(), "exempt")
    return VatTreatment(D(standard_rate), "", "standard")


def expert_vat(standard_rate: Decimal, exemption: str | None) -> VatTreatment:
    """A freelance expert's invoice: 21% (the standard rate), KOR, or the CRKBO exemption."""
    if exemption == "kor":
        return VatTreatment(ZERO, KOR_NOTE, "kor")
    if exemption == "crkbo":
        return VatTreatment(ZERO, CRKBO_NOTE, "crkbo")
    if exemption not in (None, ""):
        raise ConfigError(f"onbekende btw-vrijstelling {exemption!r} (verwacht: kor of crkbo)")
    return VatTreatment(D(standard_rate), "", "standard")


def missing_fields(inv: Invoice) -> list[str]:
    """The Wet OB art. 35a fields this invoice lacks (in Dutch). Empty: it may be issued."""
    out: list[str] = []
    for role, p in (("leverancier", inv.supplier), ("afnemer", inv.customer)):
        if not p.name.strip():
            out.append(f"naam {role}")
        if not p.address.complete:
            out.append(f"adres {role} (straat, postcode en plaats)")
    if not (inv.supplier.vat_id or "").strip():
        out.append("btw-identificatienummer leverancier")
    if not (inv.supplier.kvk or "").strip():
        out.append("KvK-nummer leverancier")
    if inv.issue_date is None:
        out.append("factuurdatum")
    if not (inv.number or "").strip():
        out.append("factuurnummer")
    if not inv.lines:
        out.append("omschrijving en omvang van de dienst (geen regels)")
    for i, line in enumerate(inv.lines, start=1):
        if not line.description.strip():
            out.append(f"regel {i}: omschrijving van de dienst")
        if not line.unit.strip():
            out.append(f"regel {i}: eenheid (omvang van de dienst)")
        if line.service_from is None:
            out.append(f"regel {i}: datum van de dienst")
        if line.vat.rate == 0 and not line.vat.note.strip():
            out.append(f"regel {i}: vrijstellingsvermelding (geen btw zonder reden)")
    if inv.self_billed and SELF_BILLING_NOTE not in inv.notes:
        out.append(f"vermelding '{SELF_BILLING_NOTE}'")
    if inv.kind == "credit" and not inv.credit_of:
        out.append("nummer van de oorspronkelijke factuur")
    return out


def einvoice_missing(inv: Invoice) -> list[str]:
    """What the e-invoice (Peppol BIS 3.0 / SI-UBL 2.0) needs beyond :func:`missing_fields`
    (which already asks the supplier's KvK number): the customer's legal registration, a KvK
    number or OIN, as its electronic address (PEPPOL-EN16931-R010) and legal entity id
    (BR-NL-10). Empty: the UBL passes those rules."""
    if (inv.customer.kvk or "").strip() or (inv.customer.oin or "").strip():
        return []
    return ["KvK-nummer of OIN afnemer (nodig voor de e-factuur)"]


def credit_note(original: Invoice, *, issue_date: date, reason: str) -> Invoice:
    """A credit note that cancels ``original`` in full: every line negated, same VAT."""
    if not reason.strip():
        raise ConfigError("een creditnota heeft een reden nodig")
    lines = tuple(replace(x, quantity=unsigned_zero(-x.quantity)) for x in original.lines)
    notes = tuple(n for n in original.notes if n == SELF_BILLING_NOTE)
    return replace(original, kind="credit", number=None, issue_date=issue_date, lines=lines,
                   credit_of=original.number, credit_reason=reason.strip(),
                   original_kind=original.kind, notes=notes, stated_total=None)


# --- the snapshot (JSON-able dict) ---------------------------------------------------------

def _party_dict(p: Party) -> dict[str, Any]:
    return {"name": p.name, "street": p.address.street, "postcode": p.address.postcode,
            "city": p.address.city, "vat_id": p.vat_id, "kvk": p.kvk, "iban": p.iban,
            "bic": p.bic, "oin": p.oin, "email": p.email, "code": p.code}


def _party(d: Mapping[str, Any]) -> Party:
    return Party(d["name"], Address(d["street"], d["postcode"], d["city"]), d.get("vat_id"),
                 d.get("kvk"), d.get("iban"), d.get("bic"), d.get("oin"), d.get("email"),
                 d.get("code", ""))


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def invoice_to_dict(inv: Invoice) -> dict[str, Any]:
    t = inv.totals
    return {
        "kind": inv.kind, "number": inv.number, "issue_date": _d(inv.issue_date),
        "due_date": _d(inv.due_date), "payment_term_days": inv.payment_term_days,
        "period": inv.period, "reference": inv.reference, "self_billed": inv.self_billed,
        "credit_of": inv.credit_of, "credit_reason": inv.credit_reason,
        "original_kind": inv.original_kind, "notes": list(inv.notes),
        "einvoice_format": inv.einvoice_format, "buyer_reference": inv.buyer_reference,
        "order_reference": inv.order_reference, "einvoice": inv.einvoice,
        "supplier": _party_dict(inv.supplier), "customer": _party_dict(inv.customer),
        "lines": [{"description": x.description, "quantity": str(x.quantity), "unit": x.unit,
                   "unit_price": str(x.unit_price), "amount": str(x.amount),
                   "vat_rate": str(x.vat.rate), "vat_note": x.vat.note, "vat_code": x.vat.code,
                   "service_from": _d(x.service_from), "service_to": _d(x.service_to)}
                  for x in inv.lines],
        "totals": {"excl": str(t.excl), "vat": str(t.vat), "total": str(t.total),
                   "groups": [{"rate": str(g.rate), "note": g.note, "code": g.code,
                               "base": str(g.base), "vat": str(g.vat)} for g in t.groups]},
        # only on a received invoice whose total was given (older snapshots stay as they were)
        **({"stated_total": str(inv.stated_total)} if inv.stated_total is not None else {}),
    }


def invoice_from_dict(d: Mapping[str, Any]) -> Invoice:
    lines = tuple(
        InvoiceLine(x["description"], D(x["quantity"]), x["unit"], D(x["unit_price"]),
                    VatTreatment(D(x["vat_rate"]), x["vat_note"], x["vat_code"]),
                    _day(x["service_from"]), _day(x["service_to"]))
        for x in d["lines"])
    issue = _day(d["issue_date"])
    if issue is None:
        raise ValueError("snapshot without issue date")
    return Invoice(
        kind=d["kind"], supplier=_party(d["supplier"]), customer=_party(d["customer"]),
        issue_date=issue, lines=lines, number=d["number"], payment_term_days=int(d["payment_term_days"]),
        period=d["period"], reference=d["reference"], self_billed=bool(d["self_billed"]),
        credit_of=d["credit_of"], credit_reason=d["credit_reason"], original_kind=d.get("original_kind", ""),
        notes=tuple(d["notes"]), einvoice_format=d.get("einvoice_format", "peppol"),
        buyer_reference=d.get("buyer_reference", ""), order_reference=d.get("order_reference", ""),
        einvoice=bool(d.get("einvoice", True)),
        stated_total=D(d["stated_total"]) if d.get("stated_total") is not None else None,
    )
