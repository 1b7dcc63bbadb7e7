"""The SEPA credit-transfer batch (pain.001.001.03) made with the ``sepaxml`` library and
validated against the library's XSD (``export(validate=True)`` uses xmlschema).

Reprints must be byte-identical: the message id, the creation time and the payment-info id
are taken from the payout's snapshot instead of the library's clock and random ids."""

from __future__ import annotations

from typing import Any

from vergoeding.core.money import D, to_cents
from vergoeding.errors import ConfigError

SCHEMA = "pain.001.001.03"


def sepa_xml(snap: dict[str, Any]) -> bytes:
    """One transfer per expert with a positive SEPA amount (the snapshot's ``transfers``)."""
    from sepaxml import SepaTransfer

    class _PinnedTransfer(SepaTransfer):  # type: ignore[misc]
        def _finalize_batch(self) -> None:
            super()._finalize_batch()
            for i, node in enumerate(self._xml.iter("PmtInfId"), start=1):
                node.text = f"{snap['msg_id']}-{i}"

    org = snap["organisation"]
    config = {"name": org["name"], "IBAN": org["iban"], "batch": True, "currency": "EUR"}
    if org.get("bic"):
        config["BIC"] = org["bic"]
    sepa = _PinnedTransfer(config, schema=SCHEMA, clean=True)
    header = sepa._xml.find("CstmrCdtTrfInitn").find("GrpHdr")
    header.find("MsgId").text = snap["msg_id"]
    header.find("CreDtTm").text = snap["created"][:19]
    from datetime import date

    for t in snap["transfers"]:
        sepa.add_payment({
            "name": t["name"], "IBAN": t["iban"], "amount": to_cents(D(t["amount"])),
            "execution_date": date.fromisoformat(snap["execution_date"]),
            "description": t["description"], "endtoend_id": t["endtoend_id"],
        })
    from sepaxml.validation import ValidationError

    try:
        out: bytes = sepa.export(validate=True, pretty_print=True)
    except ValidationError as exc:
        raise ConfigError(f"SEPA-batch voldoet niet aan het schema {SCHEMA}: {exc.__cause__ or exc}") from None
    return out
