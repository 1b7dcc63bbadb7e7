"""Contracts as document models: which template fits an engagement, and every field the
template prints (from the data: parties, role, period, rates, the year's volunteer caps with
their source, VAT position). Pure apart from the values passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from vergoeding.core.einvoice import spec_for
from vergoeding.core.invoice import CRKBO_NOTE, KOR_NOTE
from vergoeding.core.limits import FiscalLimits
from vergoeding.core.regimes import Regime, TravelPolicy, Unit
from vergoeding.core.work import Address, Engagement, Expert, Organisation
from vergoeding.errors import RuleViolation

TEMPLATES = {
    Regime.VRIJWILLIGER: ("contract_vrijwilliger.html", "Vrijwilligersovereenkomst"),
    Regime.VACATIEGELD: ("contract_vacatiegeld.html", "Regeling vacatiegeld"),
    Regime.ZZP: ("contract_zzp.html", "Overeenkomst van opdracht"),
    Regime.PARTICULIER: ("contract_particulier.html", "Overeenkomst voor een incidentele opdracht"),
}
CLIENT_TEMPLATE = ("contract_client.html", "Samenwerkingsovereenkomst inzet ervaringsdeskundige")
# Roles with vulnerable people or case files: a VOG (certificate of conduct) is required.
VOG_ROLES = frozenset({"buddy", "toegangsteam", "trainer", "intervisiebegeleider"})


@dataclass(frozen=True)
class PartyInfo:
    name: str
    address: Address
    kvk: str = ""
    vat_id: str = ""
    email: str = ""
    contact: str = ""
    iban: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "address_lines": self.address.lines(), "kvk": self.kvk,
                "vat_id": self.vat_id, "email": self.email, "contact": self.contact, "iban": self.iban}


@dataclass(frozen=True)
class ContractDocument:
    kind: str  # vrijwilliger | vacatiegeld | zzp | particulier | client
    template: str
    title: str
    engagement_code: str
    our: PartyInfo
    other: PartyInfo  # the expert, or the client for kind 'client'
    workplace: str  # the client where the work is done (expert contracts)
    expert_name: str
    role: str
    role_key: str
    description: str
    start: date
    end: date | None  # exclusive
    unit: str
    expert_rate: Decimal
    client_rate: Decimal
    budget_hours: Decimal | None
    budget_amount: Decimal | None
    travel: str  # how travel costs are paid, in words
    km_rate: Decimal | None
    limits_year: int
    volunteer_hour: Decimal | None  # None while the year's hourly presumption is not published
    volunteer_hour_young: Decimal | None
    volunteer_month: Decimal
    volunteer_year: Decimal
    limits_confirmed: bool
    limits_source: str
    vat_text: str
    self_billing: bool
    vog_required: bool
    payment_term_days: int
    signed_place: str
    signed_date: date
    extra: dict[str, str] = field(default_factory=dict)  # [contracts] texts from the config
    # hourly volunteer work: the age phases in which the rate paid is above the hourly
    # presumption (core.age_rate.PresumptionNote as a dict): the contract names them
    presumptions: tuple[dict[str, Any], ...] = ()
    # price changes from a date as the pricing pays them (core.contract_rates):
    # {"from": date, "rate": Decimal, "unit": str}, the expert's price in an expert contract,
    # the client's in the client agreement
    rate_changes: tuple[dict[str, Any], ...] = ()
    hourly_justification: str = ""
    einvoice: str = ""  # the client's e-invoice format by name (client agreement)

    def context(self) -> dict[str, Any]:
        last = None
        if self.end is not None:
            from datetime import timedelta

            last = self.end - timedelta(days=1)
        return {
            "title": self.title, "kind": self.kind, "engagement_code": self.engagement_code,
            "our": self.our.as_dict(), "other": self.other.as_dict(), "workplace": self.workplace,
            "expert_name": self.expert_name, "role": self.role, "description": self.description,
            "start": self.start, "last_day": last, "unit": self.unit, "expert_rate": self.expert_rate,
            "client_rate": self.client_rate, "budget_hours": self.budget_hours, "budget_amount": self.budget_amount,
            "travel": self.travel, "km_rate": self.km_rate, "limits_year": self.limits_year,
            "volunteer_hour": self.volunteer_hour, "volunteer_hour_young": self.volunteer_hour_young,
            "volunteer_month": self.volunteer_month, "volunteer_year": self.volunteer_year,
            "limits_confirmed": self.limits_confirmed, "limits_source": self.limits_source,
            "vat_text": self.vat_text, "self_billing": self.self_billing, "vog_required": self.vog_required,
            "payment_term_days": self.payment_term_days, "signed_place": self.signed_place,
            "signed_date": self.signed_date, "presumptions": list(self.presumptions),
            "rate_changes": list(self.rate_changes),
            "hourly_justification": self.hourly_justification, "einvoice": self.einvoice,
            "supervision": self.extra.get("supervision", "Eén keer per maand intervisie met andere "
                                          "ervaringsdeskundigen onder leiding van een intervisiebegeleider, "
                                          "en een vaste contactpersoon voor vragen en nazorg."),
            "insurance": self.extra.get("insurance", "een aansprakelijkheids- en ongevallenverzekering "
                                        "voor vrijwilligers"),
            "disputes": self.extra.get("disputes", "Partijen lossen een meningsverschil eerst samen op in een "
                                       "gesprek. Lukt dat niet, dan vragen zij een onafhankelijke bemiddelaar."),
        }


def _travel_text(g: Engagement, km_rate: Decimal | None) -> str:
    if g.travel_policy is TravelPolicy.KM:
        return "een vaste vergoeding per kilometer"  # the template adds the rate, formatted
    if g.travel_policy is TravelPolicy.WERKELIJK:
        return "vergoeding van de werkelijke kosten (openbaar vervoer, parkeren) op vertoon van bonnetjes"
    return "geen aparte reiskostenvergoeding"


def _vat_text(g: Engagement, e: Expert, standard: Decimal) -> str:
    exemption = g.vat_exemption or ("kor" if e.kor else None)
    if exemption == "kor":
        return f"De opdrachtnemer factureert zonder btw. {KOR_NOTE}."
    if exemption == "crkbo":
        return f"De opdrachtnemer factureert zonder btw. {CRKBO_NOTE}."
    pct = (standard * 100).normalize()
    return f"De tarieven zijn exclusief btw; de opdrachtnemer brengt {pct:f}% btw in rekening."


def contract_document(
    *, kind: str, engagement: Engagement, expert: Expert, client: Organisation, own: Organisation,
    role_label: str, expert_rate: Decimal, client_rate: Decimal, unit: Unit, limits: FiscalLimits,
    today: date, extra: dict[str, str] | None = None, presumptions: tuple[dict[str, Any], ...] = (),
    rate_changes: tuple[dict[str, Any], ...] = (),
) -> ContractDocument:
    """``kind`` is 'expert' (the template follows the regime) or 'client'."""
    g = engagement
    if kind == "client":
        template, title = CLIENT_TEMPLATE
        doc_kind = "client"
        other = PartyInfo(client.name, client.address, client.kvk or "", client.vat_id or "",
                          client.contact_email or "", client.contact_name or "")
    else:
        if g.regime not in TEMPLATES:
            raise RuleViolation(f"opdracht {g.code}: voor regime {g.regime.value!r} maakt dit programma geen "
                                "contract (een arbeidsovereenkomst hoort bij de salarisadministratie)")
        template, title = TEMPLATES[g.regime]
        doc_kind = g.regime.value
        other = PartyInfo(expert.name, expert.address, expert.kvk or "", expert.vat_id or "", expert.email or "",
                          "", expert.iban or "")  # never the BSN
    km_rate = None
    if g.travel_policy is TravelPolicy.KM:
        km_rate = g.km_rate if g.km_rate is not None else limits.figure("km_allowance").amount
    hour, young = limits.volunteer_hour(21), limits.volunteer_hour(20)
    month, year = limits.volunteer_month, limits.volunteer_year
    return ContractDocument(
        kind=doc_kind, template=template, title=title, engagement_code=g.code,
        our=PartyInfo(own.name, own.address, own.kvk or "", own.vat_id or "", own.contact_email or "",
                      own.contact_name or "", own.iban or ""),
        other=other, workplace=client.name, expert_name=expert.name, role=role_label, role_key=g.role,
        description=g.description, start=g.start, end=g.end, unit=unit.label, expert_rate=expert_rate,
        client_rate=client_rate,
        budget_hours=(Decimal(g.budget_minutes) / 60 if g.budget_minutes else None), budget_amount=g.budget_amount,
        travel=_travel_text(g, km_rate), km_rate=km_rate, limits_year=limits.year,
        volunteer_hour=hour.amount if hour else None,
        volunteer_hour_young=young.amount if young else None, volunteer_month=month.amount,
        volunteer_year=year.amount, limits_confirmed=all(f.confirmed for f in (month, year)),
        limits_source=month.source, vat_text=_vat_text(g, expert, limits.figure("vat_standard").amount),
        self_billing=g.self_billing, vog_required=g.role in VOG_ROLES,
        payment_term_days=client.payment_term_days if kind == "client" else own.payment_term_days,
        signed_place=own.address.city, signed_date=today, extra=dict(extra or {}),
        presumptions=presumptions, hourly_justification=g.hourly_justification or "",
        rate_changes=rate_changes,
        einvoice=spec_for(getattr(client, "einvoice_format", "peppol") or "peppol", self_billed=False).name,
    )
