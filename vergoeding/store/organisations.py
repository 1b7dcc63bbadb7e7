"""Organisations (the own organisation and clients): values in, normalised, added and edited.

Every public function takes a :class:`~sqlalchemy.Connection`; the caller owns the
transaction. Every change writes an ``audit_log`` row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import Connection, select

from vergoeding.core import ids
from vergoeding.core.einvoice import SI_UBL, parse_format
from vergoeding.store import records
from vergoeding.store import schema as s
from vergoeding.store.base import (
    LABELS,
    _err,
    _maybe,
    _opt,
    _text,
    clean_fields,
)


@dataclass(frozen=True)
class OrganisationData:
    code: str
    name: str
    kind: str = "client"  # 'own' | 'client'
    street: str = ""
    postcode: str = ""
    city: str = ""
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
    einvoice_format: str = "peppol"
    buyer_reference: str | None = None
    phone: str | None = None
    einvoice_required: bool = False  # a public body / a chosen e-invoice format: no PDF-only invoice
    invoice_email: str | None = None  # where invoices go by mail (vergoeding.mail); else contact_email
    invoice_mail: str = "pdf"  # 'pdf': PDF with the e-invoice XML; 'xml': the XML alone


# ---------------------------------------------------------------------------- organisations


def normalise_organisation(d: OrganisationData) -> OrganisationData:
    d = clean_fields(d)
    if d.kind not in ("own", "client"):
        raise _err(f"{d.kind!r}: verwacht 'own' (eigen organisatie) of 'client' (opdrachtgever)", "kind")
    if not _text(d.name):
        raise _err("naam ontbreekt", "name")
    if not 0 <= d.payment_term_days <= 365:
        raise _err(f"{d.payment_term_days}: verwacht 0 tot en met 365 dagen", "payment_term_days")
    try:
        einvoice_format = parse_format(d.einvoice_format)
    except ValueError as exc:
        raise _err(str(exc), "einvoice_format") from None
    if einvoice_format == SI_UBL and not (_opt(d.kvk) or _opt(d.oin)):
        raise _err("SI-UBL 2.0 vraagt het KvK-nummer of het OIN van de organisatie (regel BR-NL-10); "
                   "vul --kvk of --oin in", "einvoice_format")
    if d.invoice_mail not in ("pdf", "xml"):
        raise _err(f"{d.invoice_mail!r}: verwacht 'pdf' (PDF met e-factuur) of 'xml' (alleen de e-factuur)",
                   "invoice_mail")
    return replace(
        d, **records.named_fields(d),
        invoice_email=_maybe(ids.email, d.invoice_email, field=LABELS["invoice_email"]),
        kvk=_maybe(ids.kvk, d.kvk),
        vat_id=_maybe(ids.vat_id, d.vat_id, field=LABELS["vat_id"]),
        iban=_maybe(ids.iban, d.iban),
        bic=_maybe(ids.bic, d.bic),
        oin=_maybe(ids.oin, d.oin),
        contact_name=_opt(d.contact_name),
        contact_email=_maybe(ids.email, d.contact_email, field=LABELS["contact_email"]),
        einvoice_format=einvoice_format, buyer_reference=_opt(d.buyer_reference),
        phone=_maybe(ids.phone, d.phone, field=LABELS["phone"]),
    )


def organisation_data(conn: Connection, code: str) -> OrganisationData:
    return records.read(conn, s.organisations, OrganisationData, code, "organisatie")


def _check_one_own(conn: Connection, d: OrganisationData, exclude_id: int | None = None) -> None:
    if d.kind != "own":
        return
    q = select(s.organisations.c.code).where(s.organisations.c.kind == "own")
    if exclude_id is not None:
        q = q.where(s.organisations.c.id != exclude_id)
    other = conn.execute(q).scalar()
    if other is not None:
        raise _err(f"er is al een eigen organisatie ({other}); er kan er maar één zijn", "kind")


def add_organisation(conn: Connection, actor: str, data: OrganisationData) -> OrganisationData:
    d = normalise_organisation(data)
    records.refuse_taken_code(conn, s.organisations, d.code, "organisatie")
    _check_one_own(conn, d)
    records.insert(conn, actor, s.organisations, "organisation", asdict(d),
                  {"code": d.code, "name": d.name, "kind": d.kind})
    return d


def edit_organisation(conn: Connection, actor: str, code: str, changes: Mapping[str, Any]) -> OrganisationData:
    old = organisation_data(conn, code)
    if "kind" in changes and changes["kind"] != old.kind:
        raise _err("de soort (eigen organisatie of opdrachtgever) kan niet worden gewijzigd", "kind")
    new = normalise_organisation(replace(old, **dict(changes)))
    if changes.get("may_pay_volunteers") is False and (new.is_anbi or not new.corporate_tax_liable):
        # one eligibility rule (core.checks_volunteer.eligibility): the tax status decides
        raise _err("--no-may-pay-volunteers heeft geen effect: een ANBI of een organisatie die geen "
                   "vennootschapsbelasting betaalt, mag altijd onbelaste vrijwilligersvergoedingen betalen. "
                   "Klopt de fiscale status niet, wijzig dan --anbi/--no-anbi of --corporate-tax; wilt u geen "
                   "vrijwilligers betalen, gebruik dan geen regime vrijwilliger of vacatiegeld in de opdrachten",
                   "may_pay_volunteers")
    records.update(conn, actor, s.organisations, "organisation", "organisatie", code, old, new)
    return new
