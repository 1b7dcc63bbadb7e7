"""The administration as core values: experts, organisations, engagements and hour entries.

The store turns rows into these; checks, compensation and documents read only these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vergoeding.core.period import Period
from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit

# A rate change from a date: (valid from, expert rate, client rate); None = the rate card.
RateChange = tuple[date, Decimal | None, Decimal | None]


@dataclass(frozen=True)
class Address:
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.street and self.postcode and self.city)

    def lines(self) -> list[str]:
        return [x for x in (self.street, f"{self.postcode}  {self.city}".strip()) if x]


@dataclass(frozen=True)
class Organisation:
    id: int
    code: str
    kind: str  # 'own' | 'client'
    name: str
    address: Address
    kvk: str | None = None
    vat_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    oin: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    is_anbi: bool = False
    corporate_tax_liable: bool = False
    may_pay_volunteers: bool = False
    has_payroll_tax_number: bool = False
    payment_term_days: int = 30
    einvoice_format: str = "peppol"  # core.einvoice.FORMATS
    buyer_reference: str | None = None  # the client's own reference for our invoices
    phone: str | None = None  # as a letter shows it (core.ids.phone), e.g. "030 123 4567"
    # must receive e-invoices (a public body, or a format chosen): no PDF-only invoice
    einvoice_required: bool = False
    invoice_email: str | None = None  # where invoices go by mail; empty: to contact_email
    invoice_mail: str = "pdf"  # by mail: 'pdf' (PDF with the e-invoice XML) or 'xml' (the XML alone)


@dataclass(frozen=True)
class Expert:
    id: int
    code: str
    name: str
    address: Address
    date_of_birth: date | None = None
    email: str | None = None
    iban: str | None = None
    kvk: str | None = None
    vat_id: str | None = None
    kor: bool = False
    crkbo: bool = False
    bsn: str | None = None  # never printed except in the third-party report
    benefit: Benefit = Benefit.GEEN
    employed_by_us: bool = False
    mail_opt_out: bool = False  # chose to get no mail from us (statements, reminders)

    def __repr__(self) -> str:  # keep the BSN out of logs and tracebacks
        return f"Expert(code={self.code!r}, name={self.name!r})"


@dataclass(frozen=True)
class Engagement:
    id: int
    code: str
    expert_code: str
    client_code: str
    role: str
    regime: Regime
    start: date
    end: date | None = None  # exclusive
    level: str = "standaard"
    description: str = ""
    unit: Unit | None = None  # override
    expert_rate: Decimal | None = None  # override per unit
    client_rate: Decimal | None = None  # override per unit
    budget_minutes: int | None = None
    budget_amount: Decimal | None = None
    travel_policy: TravelPolicy = TravelPolicy.GEEN
    km_rate: Decimal | None = None  # None: the year's tax-free km allowance
    hourly_justification: str | None = None
    self_billing: bool = False
    vat_exemption: str | None = None  # None | 'kor' | 'crkbo'
    order_number: str | None = None  # the client's order number (its purchase order) for this engagement
    billable: bool = True  # the hours are invoiced to the client (payroll included)
    corrections_billed: bool = True  # a correction of a line changes what the client pays
    # Rate changes from a date, oldest first (store table ``engagement_rates``). ``expert_rate``
    # and ``client_rate`` above are the rates from the start; each change applies from its date
    # until the next one. Pricing uses :meth:`rates_on` the work date.
    rate_history: tuple[RateChange, ...] = ()

    def rates_on(self, day: date) -> tuple[Decimal | None, Decimal | None]:
        """(expert rate, client rate) of the engagement on ``day``; None = the rate card."""
        expert, client = self.expert_rate, self.client_rate
        for valid_from, e, c in self.rate_history:
            if valid_from > day:
                break
            expert, client = e, c
        return expert, client

    def rate_spans(self) -> list[tuple[date, date | None, Decimal | None, Decimal | None]]:
        """(from, until exclusive or None, expert rate, client rate) per stretch of equal rates,
        from the start: the rates from the start, then each change."""
        starts: list[RateChange] = [(self.start, self.expert_rate, self.client_rate), *self.rate_history]
        out = []
        for i, (frm, e, c) in enumerate(starts):
            nxt = starts[i + 1][0] if i + 1 < len(starts) else self.end
            out.append((frm, nxt, e, c))
        return out

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def period(self) -> Period | None:
        return Period(self.start, self.end) if self.end else None


@dataclass(frozen=True)
class Entry:
    id: int
    engagement_code: str
    work_date: date
    minutes: int = 0
    quantity: int = 0  # meetings / sessions / days / months for non-hour units
    activity: str = ""
    km: Decimal = Decimal(0)
    expense: Decimal = Decimal("0.00")
    expense_receipt: bool = False  # actual costs backed by receipts: not counted towards caps
    expense_note: str = ""
    inkind: Decimal = Decimal("0.00")  # vouchers, gifts in kind at value: counted
    inkind_note: str = ""
    amount: Decimal | None = None  # fixed / lump-sum allowance for this entry
    status: str = "logged"
    correction_of: int | None = None
    reason: str | None = None
