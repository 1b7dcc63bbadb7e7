"""E-invoice formats and what an e-invoice needs beyond the Wet OB fields. Pure.

Dutch public bodies receive EN 16931 e-invoices in one of two UBL 2.1 flavours; each client
organisation records which one it wants (``org add/edit --e-invoice``):

- ``peppol`` (default): Peppol BIS Billing 3.0, the format every Peppol access point takes;
- ``si-ubl``: SI-UBL 2.0, the Dutch NLCIUS, for receivers that ask for it.

A self-billed invoice (issued by us on a freelancer's behalf) follows Peppol BIS
Self-Billing 3.0 whatever the setting: SI-UBL has no self-billing process of its own.

Both formats need the customer's legal registration: a KvK number (scheme 0106) or an OIN
(scheme 0190) as ``PartyLegalEntity/CompanyID`` (NLCIUS BR-NL-10) and as the Peppol
electronic address (``EndpointID``, PEPPOL-EN16931-R010). An invoice without one would be
rejected by the receiver, so it is refused before it gets a number.
"""

from __future__ import annotations

from dataclasses import dataclass

PEPPOL = "peppol"
SI_UBL = "si-ubl"
FORMATS = (PEPPOL, SI_UBL)
FORMAT_LABELS = {PEPPOL: "Peppol BIS Billing 3.0", SI_UBL: "SI-UBL 2.0 (NLCIUS)"}
_ALIASES = {"peppol": PEPPOL, "peppol-bis": PEPPOL, "bis": PEPPOL, "bis3": PEPPOL,
            "si-ubl": SI_UBL, "siubl": SI_UBL, "si-ubl-2.0": SI_UBL, "nlcius": SI_UBL}


@dataclass(frozen=True)
class UblSpec:
    """The identifiers a UBL document carries for one specification."""

    name: str
    customization_id: str
    profile_id: str
    invoice_type: str  # UNCL 1001 code of an invoice
    credit_note_type: str  # ... and of a credit note


PEPPOL_BILLING = UblSpec(
    "Peppol BIS Billing 3.0",
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
    "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "380", "381")
PEPPOL_SELF_BILLING = UblSpec(
    "Peppol BIS Self-Billing 3.0",
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0",
    "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0", "389", "261")
SI_UBL_20 = UblSpec(
    "SI-UBL 2.0 (NLCIUS)",
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0",
    "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "380", "381")


def parse_format(text: str | None) -> str:
    """``peppol`` or ``si-ubl`` (also ``SI-UBL``, ``nlcius``); empty means the default."""
    key = (text or "").strip().lower().replace("_", "-").replace(" ", "-")
    if not key:
        return PEPPOL
    if key not in _ALIASES:
        raise ValueError(f"{text!r}: verwacht peppol (Peppol BIS Billing 3.0) of si-ubl (SI-UBL 2.0, NLCIUS)")
    return _ALIASES[key]


def spec_for(fmt: str, *, self_billed: bool) -> UblSpec:
    if self_billed:
        return PEPPOL_SELF_BILLING
    return SI_UBL_20 if fmt == SI_UBL else PEPPOL_BILLING


def legal_id(kvk: str | None, oin: str | None) -> tuple[str, str] | None:
    """The party's legal registration as (id, scheme): the OIN (0190) for a public body
    that has one, else the KvK number (0106); None without either."""
    if oin:
        return oin, "0190"
    if kvk:
        return kvk, "0106"
    return None


def buyer_references(client_reference: str | None, order_numbers: list[str]) -> tuple[str, str]:
    """The client's references on an invoice as (BuyerReference, OrderReference).

    Only references the client gave us go there, never our engagement codes: the client's
    standing reference (``org --buyer-reference``) and the order numbers of the invoiced
    engagements (``engagement --order-number``, one value per invoiced engagement, empty
    where it has none). UBL has room for one order reference, so it is filled only when
    every invoiced engagement has the same order number; otherwise the buyer reference
    lists the order numbers there are (unless the client gave a standing reference). Both
    may be empty: the UBL then carries the invoice number as buyer reference (Peppol and
    NLCIUS require one of the two)."""
    given = {(o or "").strip() for o in order_numbers}
    orders = sorted(o for o in given if o)
    order = orders[0] if len(given) == 1 and orders else ""
    buyer = (client_reference or "").strip() or ", ".join(orders)
    return buyer, order
