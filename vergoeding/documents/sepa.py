"""The SEPA credit-transfer batch (pain.001.001.03, or .09 on request) made with the
``sepaxml`` library and validated against the XSD of that version, which sepaxml ships
(``export(validate=True)`` uses xmlschema).

What sepaxml does and what is added here:

- sepaxml writes both versions (``schema=``), the requested execution date (``Dt`` inside
  ``ReqdExctnDt`` in .09), ``BICFI`` vs ``BIC``, leaves out the creditor agent without a
  BIC, and validates. Its ``clean`` option only transliterates (``&`` stays, names are cut
  at 70 without a word), so names and texts are reduced to the EPC character set here
  (:mod:`vergoeding.core.sepa_rules`) and sepaxml's own cleaning is off.
- Without the organisation's BIC sepaxml leaves ``DbtrAgt/FinInstnId`` empty. Both schema
  versions require the debtor agent and its ``FinInstnId``, so the element cannot be left
  out; the EPC guidelines (and the Dutch banks' format descriptions) fill it with
  ``Othr/Id`` = ``NOTPROVIDED``, in .03 and .09 alike. With a BIC, the BIC is written.
- After export no element may be empty: checked here, and in the tests.

Reprints must be byte-identical: the message id, the creation time and the payment-info id
are taken from the payout's snapshot instead of the library's clock and random ids; the
version and the execution date are in the snapshot too (older snapshots: .03)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from vergoeding.core.findings import Finding, Severity
from vergoeding.core.money import D, to_cents
from vergoeding.core.sepa_rules import NAME_MAX, epc_name, epc_reference, epc_remittance
from vergoeding.errors import ConfigError

SCHEMA = "pain.001.001.03"
VERSIONS = ("pain.001.001.03", "pain.001.001.09")


def sepa_version(value: str) -> str:
    """``03``, ``09``, ``001.001.09`` or the full name -> the full name; ConfigError otherwise."""
    v = value.strip().lower()
    for full in VERSIONS:
        if v in (full, full[-2:], full[-6:], full[-10:]):
            return full
    raise ConfigError(f"SEPA-versie {value!r} ken ik niet; kies {' of '.join(VERSIONS)}")


def name_findings(snap: dict[str, Any]) -> list[Finding]:
    """A warning for every name that the EPC limit of 70 characters shortens in the batch
    (the organisation as debtor, each expert as creditor)."""
    out: list[Finding] = []
    org = snap["organisation"]["name"]
    short, cut = epc_name(org)
    if cut:
        out.append(Finding(Severity.WARNING, "sepa.name_shortened",
                           f"De naam van de organisatie is langer dan {NAME_MAX} tekens; in de SEPA-batch staat "
                           f"'{short}'.", "Kort de naam zelf in als de bank een andere verkorting nodig heeft.",
                           period=snap["period"]))
    for t in snap["transfers"]:
        short, cut = epc_name(t["name"])
        if cut:
            out.append(Finding(Severity.WARNING, "sepa.name_shortened",
                               f"De naam van {t['name']} is langer dan {NAME_MAX} tekens; in de SEPA-batch staat "
                               f"'{short}'.", "Controleer of de bank van de ontvanger de naam zo accepteert.",
                               expert=t["expert"], period=snap["period"]))
    return out


def sepa_xml(snap: dict[str, Any]) -> bytes:
    """One transfer per expert with a positive SEPA amount (the snapshot's ``transfers``)."""
    from sepaxml import SepaTransfer

    schema = sepa_version(snap.get("sepa_version") or SCHEMA)

    class _PinnedTransfer(SepaTransfer):  # type: ignore[misc]
        def _finalize_batch(self) -> None:
            super()._finalize_batch()
            for i, node in enumerate(self._xml.iter("PmtInfId"), start=1):
                node.text = f"{snap['msg_id']}-{i}"
            for agent in self._xml.iter("DbtrAgt"):
                fin = agent.find("FinInstnId")
                if fin is not None and len(fin) == 0:  # no BIC: the schema needs the element
                    ET.SubElement(ET.SubElement(fin, "Othr"), "Id").text = "NOTPROVIDED"

    org = snap["organisation"]
    config = {"name": epc_name(org["name"])[0] or "-", "IBAN": org["iban"], "batch": True, "currency": "EUR"}
    if org.get("bic"):
        config["BIC"] = org["bic"].replace(" ", "").upper()
    sepa = _PinnedTransfer(config, schema=schema, clean=False)
    header = sepa._xml.find("CstmrCdtTrfInitn").find("GrpHdr")
    header.find("MsgId").text = snap["msg_id"]
    # local time with its offset (api/payout.sepa_timestamp); a payout made before that was
    # kept says what its stored time is: UTC
    header.find("CreDtTm").text = snap.get("sepa_created") or snap["created"][:19] + "+00:00"
    for t in snap["transfers"]:
        sepa.add_payment({
            "name": epc_name(t["name"])[0] or "-", "IBAN": t["iban"], "amount": to_cents(D(t["amount"])),
            "execution_date": date.fromisoformat(snap["execution_date"]),
            "description": epc_remittance(t["description"]), "endtoend_id": epc_reference(t["endtoend_id"]),
        })
    from sepaxml.validation import ValidationError

    try:
        out: bytes = sepa.export(validate=True, pretty_print=True)
    except ValidationError as exc:
        raise ConfigError(f"SEPA-batch voldoet niet aan het schema {schema}: {exc.__cause__ or exc}") from None
    empty = sorted({el.tag.rsplit("}", 1)[-1] for el in ET.fromstring(out).iter()
                    if len(el) == 0 and not (el.text or "").strip()})
    if empty:
        raise ConfigError(f"SEPA-batch heeft lege elementen ({', '.join(empty)}); de bank weigert die")
    return out
