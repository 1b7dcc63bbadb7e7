"""One base error; small subclasses that carry a message a finance employee understands.

Every message says where the problem is (file, sheet, row, column or key) and what was
expected. The CLI turns a ``VergoedingError`` into a message on stderr and exit code 1
(domain error) or 2 (bad input), never a traceback.
"""

from __future__ import annotations

import re

# A BSN as people write it: 123456782, 1234.56.782, 123.456.782, 1234 56 782, 123 456 782. Only as a
# number of its own: nine digits that are part of a longer token (NL123456782B01, an IBAN, an invoice
# number such as 2026-123456782 or F/123456782, a code) are that other number, not a BSN.
_BSN_LIKE = re.compile(r"(?<![\w.\-/])(\d{4}[. ]\d{2}[. ]\d{3}|\d{3}[. ]\d{3}[. ]\d{3}|\d{9})(?![\w\-/]|[.,]\d)")
# Registered numbers that contain nine digits and may be written with spaces or dots: a Dutch VAT
# id (NL + 9 digits + B + 2 digits; one built on an RSIN passes the 11-test too) and an IBAN.
_VAT_LIKE = re.compile(r"(?i)\bNL[ .]?(?:\d[ .]?){9}B[ .]?\d{2}\b")
_IBAN_LIKE = re.compile(r"(?i)\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")


def registered_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a VAT id or a valid IBAN, written with or without separators: the
    nine digits inside them are never a BSN."""
    from stdnum import iban

    spans = [m.span() for m in _VAT_LIKE.finditer(text)]
    spans += [m.span() for m in _IBAN_LIKE.finditer(text) if iban.is_valid(m.group(0))]
    return spans


def mask_bsns(message: str) -> str:
    """Mask every number in ``message`` that is a BSN, the way ``render.formatting.mask_bsn``
    does (``*****4567``): a BSN typed into the wrong field (a KvK number, a date) must not be
    repeated in an error message. A number is a BSN only where it cannot be another registered
    number: nine digits of their own (not inside a longer code) that pass the 11-test and are
    not part of a VAT id or an IBAN. VAT ids, KvK numbers (8 digits), IBANs and invoice numbers
    are never masked."""
    if not any(c.isdigit() for c in message):
        return message
    spans: list[tuple[int, int]] | None = None

    def mask(m: re.Match[str]) -> str:
        # imported on the first nine digits: most messages (a date, a period) have none, and
        # a command that only reads then starts without python-stdnum
        from stdnum.nl import bsn

        nonlocal spans
        digits = re.sub(r"[. ]", "", m.group(0))
        if not bsn.is_valid(digits):
            return m.group(0)
        if spans is None:
            spans = registered_spans(message)
        if any(a <= m.start() and m.end() <= b for a, b in spans):
            return m.group(0)
        return "*****" + digits[-4:]

    return _BSN_LIKE.sub(mask, message)


class VergoedingError(Exception):
    """Base of every error the package raises on purpose. A valid BSN in the message is
    masked (:func:`mask_bsns`): messages end up on screens and in logs."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = mask_bsns(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# Dutch names of the fields: used in messages and as the import template's column headers.
FIELD_LABELS: dict[str, str] = {
    "code": "code", "kind": "soort", "name": "naam", "street": "straat", "postcode": "postcode",
    "city": "plaats", "kvk": "kvk", "vat_id": "btw-nummer", "iban": "iban", "bic": "bic", "oin": "oin",
    "contact_name": "contactpersoon", "contact_email": "e-mail contactpersoon", "is_anbi": "anbi",
    "corporate_tax_liable": "vpb-plichtig", "may_pay_volunteers": "mag vrijwilligers betalen",
    "has_payroll_tax_number": "loonheffingennummer", "payment_term_days": "betaaltermijn dagen",
    "date_of_birth": "geboortedatum", "email": "e-mail", "kor": "kor", "crkbo": "crkbo", "bsn": "bsn",
    "benefit": "uitkering", "employed_by_us": "in loondienst",
    "expert": "deskundige", "client": "opdrachtgever", "role": "rol", "level": "niveau",
    "regime": "regime", "description": "omschrijving", "start_date": "startdatum",
    "end_date": "einddatum", "unit": "eenheid", "expert_rate": "tarief deskundige",
    "client_rate": "tarief opdrachtgever", "budget_minutes": "budget uren",
    "budget_amount": "budget euro", "travel_policy": "reiskosten", "km_rate": "km-tarief",
    "hourly_justification": "onderbouwing uurtarief", "self_billing": "self-billing",
    "vat_exemption": "btw-vrijstelling", "einvoice_format": "e-factuurformaat",
    "buyer_reference": "referentie opdrachtgever", "order_number": "inkoopnummer", "phone": "telefoon",
    "invoice_email": "e-mail voor facturen", "invoice_mail": "facturen per mail", "mail_opt_out": "geen mail",
    "engagement": "opdracht", "work_date": "datum", "minutes": "uren", "quantity": "aantal",
    "activity": "activiteit", "km": "km", "expense": "onkosten", "expense_receipt": "bonnetje",
    "expense_note": "toelichting onkosten", "inkind": "in natura", "inkind_note": "toelichting in natura",
    "amount": "vast bedrag", "year": "jaar", "month": "maand", "organisation": "organisatie",
    "note": "toelichting", "reason": "reden",
    # options of the command line that are not import columns
    "from": "vanaf", "output": "uitvoerbestand", "out": "uitvoermap", "format": "formaat",
    "correct": "correctie",
}


class InputError(VergoedingError):
    """Input that cannot be understood: a value, file, row or field is wrong (exit 2)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        field = FIELD_LABELS.get(field, field) if field else field  # an attribute name reads in Dutch
        self.file, self.sheet, self.row, self.field = file, sheet, row, field
        where = []
        if file:
            where.append(str(file))
        if sheet:
            where.append(f"blad {sheet}")
        if row is not None:
            where.append(f"rij {row}")
        if field:
            where.append(f"kolom/veld {field}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.reason = mask_bsns(message)


class ManyInputErrors(InputError):
    """Several input errors found in one pass (an import reports every bad row at once)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = list(errors)
        head = f"{len(self.errors)} fout(en) gevonden; er is niets opgeslagen."
        VergoedingError.__init__(self, "\n".join([head, *(e.message for e in self.errors)]))
        self.file = self.sheet = self.field = None
        self.row = None
        self.reason = head

    def bounded(self, where: str, shown: int = 10) -> None:
        """Name the first ``shown`` errors and count the rest, saying ``where`` they are all
        listed (the terminal of a refused import of 100,000 bad rows; ``core/listing.py``)."""
        from vergoeding.core.listing import few_lines

        lines = few_lines([e.message for e in self.errors], where=where, others="fouten", shown=shown, indent="")
        self.message = "\n".join([self.reason, *lines])
        self.args = (self.message,)


class DataFileError(InputError):
    """A shipped or user-supplied data file (rate card, fiscal limits) is wrong."""


class MissingYearError(VergoedingError):
    """No fiscal-limit file exists for a year: never fall back to another year."""


class NotFoundError(VergoedingError):
    """A named organisation, expert, engagement, invoice... does not exist."""


class RuleViolation(VergoedingError):
    """A domain rule refuses the action (locked period, issued invoice, period paid...)."""


class ConfigError(VergoedingError):
    """Configuration (paths, database URL, templates) is wrong."""
