"""What an import file looks like: one sheet (or CSV file) per entity, Dutch column names,
a note per column and the fixed values of a column (for the template's dropdowns).

The column headers are the field names the ledger uses in its messages
(:data:`vergoeding.store.base.LABELS`), so an error from the ledger points at a column.
"""

from __future__ import annotations

from dataclasses import dataclass

from vergoeding.core.regimes import Benefit, Regime, TravelPolicy, Unit
from vergoeding.store.base import LABELS

YES_NO = ("ja", "nee")


@dataclass(frozen=True)
class Field:
    attr: str  # attribute of the ledger's data class
    kind: str  # text | digits | date | bool | money | duration | int | decimal | choice | lastday
    note: str
    required: bool = False
    choices: tuple[str, ...] = ()  # fixed values (dropdown); empty = free
    header: str = ""  # default: LABELS[attr]
    width: int = 16

    @property
    def title(self) -> str:
        return self.header or LABELS[self.attr]


@dataclass(frozen=True)
class Sheet:
    entity: str  # organisation | expert | declaration | engagement | entry
    name: str  # sheet name in the workbook
    aliases: tuple[str, ...]  # words in a CSV file name that say what it holds
    fields: tuple[Field, ...]
    note: str

    def field_by_header(self) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for f in self.fields:
            out[normalise_header(f.title)] = f
            out[normalise_header(f.attr)] = f
        return out


def normalise_header(text: str) -> str:
    return " ".join(str(text).replace("*", " ").replace("_", " ").lower().split())


ORGANISATIONS = Sheet("organisation", "organisaties", ("organisatie", "organisation"), (
    Field("code", "text", "Korte code die u zelf kiest, bv. UTR. Uniek.", True, width=12),
    Field("kind", "choice", "eigen = uw eigen organisatie (er is er één); opdrachtgever = een klant. "
          "Leeg = opdrachtgever.", choices=("eigen", "opdrachtgever"), width=15),
    Field("name", "text", "Volledige naam, bv. Gemeente Utrecht.", True, width=30),
    Field("street", "text", "Straat en huisnummer.", width=24),
    Field("postcode", "text", "Postcode, bv. 3511 AB.", width=10),
    Field("city", "text", "Plaats.", width=14),
    Field("kvk", "digits", "KvK-nummer: 8 cijfers.", width=11),
    Field("vat_id", "text", "Btw-nummer, bv. NL000099998B57.", width=17),
    Field("iban", "text", "IBAN, bv. NL91 ABNA 0417 1643 00.", width=22),
    Field("bic", "text", "BIC, bv. ABNANL2A (mag leeg).", width=11),
    Field("oin", "digits", "OIN van een overheid: 20 cijfers (voor e-facturen).", width=22),
    Field("contact_name", "text", "Naam van de contactpersoon.", width=18),
    Field("contact_email", "text", "E-mailadres van de contactpersoon.", width=22),
    Field("is_anbi", "bool", "ja als de organisatie een ANBI is (gemeenten altijd).", choices=YES_NO, width=7),
    Field("corporate_tax_liable", "bool", "ja als de organisatie vennootschapsbelasting betaalt.", choices=YES_NO, width=8),
    Field("may_pay_volunteers", "bool", "Alleen eigen organisatie: ja als die vrijwilligersvergoedingen mag betalen.",
          choices=YES_NO, width=10),
    Field("has_payroll_tax_number", "bool", "Alleen eigen organisatie: ja als die een loonheffingennummer heeft.",
          choices=YES_NO, width=10),
    Field("payment_term_days", "int", "Betaaltermijn in dagen (leeg = 30).", width=9),
    Field("einvoice_format", "choice", "Opdrachtgever: e-factuur als peppol (Peppol BIS 3.0) of si-ubl "
          "(SI-UBL 2.0, NLCIUS; vraagt KvK of OIN). Leeg = peppol.", choices=("peppol", "si-ubl"), width=10),
    Field("buyer_reference", "text", "Opdrachtgever: de referentie die zij op elke factuur willen zien "
          "(bv. kostenplaats of afdeling).", width=16),
    Field("phone", "text", "Telefoonnummer, bv. 030 123 4567. Eigen organisatie: staat op de uitbetalingsbrief.",
          width=14),
    # the mail columns come last: a file filled in by column position before they existed still fits
    Field("invoice_email", "text", "Opdrachtgever: e-mailadres voor facturen (vergoeding mail invoices). "
          "Leeg = naar de contactpersoon.", width=22),
    Field("invoice_mail", "choice", "Opdrachtgever: facturen per mail als pdf (PDF met de e-factuur als XML erbij) "
          "of xml (alleen de e-factuur). Leeg = pdf.", choices=("pdf", "xml"), width=10),
), "Eén regel per organisatie: uw eigen organisatie (soort eigen) en de opdrachtgevers.")

EXPERTS = Sheet("expert", "deskundigen", ("deskundige", "expert"), (
    Field("code", "text", "Korte code die u zelf kiest, bv. E001. Uniek.", True, width=10),
    Field("name", "text", "Voor- en achternaam.", True, width=24),
    Field("street", "text", "Straat en huisnummer.", width=22),
    Field("postcode", "text", "Postcode, bv. 3511 AB.", width=10),
    Field("city", "text", "Plaats.", width=14),
    Field("date_of_birth", "date", "Geboortedatum, bv. 17-5-1980. Nodig voor de leeftijdsgrens (onder 21).", width=13),
    Field("email", "text", "E-mailadres. Specificaties, jaaropgaven en herinneringen gaan alleen naar dit adres.",
          width=24),
    Field("iban", "text", "IBAN voor de uitbetaling.", width=22),
    Field("kvk", "digits", "Alleen zzp: KvK-nummer (8 cijfers).", width=11),
    Field("vat_id", "text", "Alleen zzp: btw-nummer.", width=17),
    Field("kor", "bool", "Alleen zzp: ja als de deskundige de kleineondernemersregeling (KOR) gebruikt.",
          choices=YES_NO, width=6),
    Field("crkbo", "bool", "Alleen zzp: ja als de deskundige CRKBO-geregistreerd docent is.", choices=YES_NO, width=7),
    Field("bsn", "digits", "Alleen als de meldplicht het vraagt (betaling aan particulier). Wordt nergens getoond.",
          width=11),
    Field("benefit", "choice", "Alleen als de deskundige dat wil: soort uitkering (leeg = geen).",
          choices=tuple(b.value for b in Benefit), width=10),
    Field("employed_by_us", "bool", "ja als de deskundige dit jaar bij u in loondienst is.", choices=YES_NO, width=9),
    Field("mail_opt_out", "bool", "ja als de deskundige geen mail van u wil (specificaties, herinneringen). "
          "Leeg = nee.", choices=YES_NO, width=8),
), "Eén regel per ervaringsdeskundige.")

DECLARATIONS = Sheet("declaration", "verklaringen", ("verklaring", "declaration"), (
    Field("expert", "text", "Code van de deskundige (blad deskundigen).", True, width=12),
    Field("year", "int", "Jaar, bv. 2026.", True, width=8),
    Field("month", "int", "Maand 1-12 (leeg = voor het hele jaar).", width=8),
    Field("amount", "money", "Vrijwilligersvergoeding van de andere organisatie, bv. 60,00.", True,
          header="bedrag", width=11),
    Field("organisation", "text", "Naam van de andere organisatie.", True, width=26),
    Field("note", "text", "Toelichting.", width=24),
), "Wat de deskundige zelf verklaart aan vrijwilligersvergoeding van andere organisaties.")

ENGAGEMENTS = Sheet("engagement", "opdrachten", ("opdracht", "engagement"), (
    Field("code", "text", "Korte code die u zelf kiest, bv. G001. Uniek.", True, width=10),
    Field("expert", "text", "Code van de deskundige (blad deskundigen).", True, width=12),
    Field("client", "text", "Code van de opdrachtgever (blad organisaties).", True, width=14),
    Field("role", "choice", "Rol op de tariefkaart.", True, width=20),
    Field("regime", "choice", "vrijwilliger, vacatiegeld, zzp, particulier of loondienst.", True,
          choices=tuple(r.value for r in Regime), width=13),
    Field("level", "text", "Niveau op de tariefkaart: standaard, junior, senior, voorzitter (leeg = standaard).",
          width=11),
    Field("description", "text", "Omschrijving van de opdracht.", width=28),
    Field("start_date", "date", "Eerste dag, bv. 1-9-2026.", True, width=12),
    Field("end_date", "lastday", "Laatste dag, bv. 31-12-2026 (leeg = doorlopend).", width=12),
    Field("unit", "choice", "Alleen als die afwijkt van de tariefkaart: uur, bijeenkomst, sessie, dag, vast.",
          choices=tuple(u.value for u in Unit), width=11),
    Field("expert_rate", "money", "Alleen als die afwijkt van de tariefkaart: bedrag per eenheid voor de deskundige.",
          width=11),
    Field("client_rate", "money", "Alleen als die afwijkt: bedrag per eenheid voor de opdrachtgever.", width=11),
    Field("budget_minutes", "duration", "Budget in uren, bv. 40 (mag leeg).", width=9),
    Field("budget_amount", "money", "Budget in euro (mag leeg).", width=10),
    Field("travel_policy", "choice", "geen, km (vast bedrag per km) of werkelijk (kosten met bonnetje). Leeg = geen.",
          choices=tuple(t.value for t in TravelPolicy), width=10),
    Field("km_rate", "money", "Bij reiskosten km: bedrag per km (leeg = de fiscale km-vergoeding).", width=9),
    Field("hourly_justification", "text", "Vrijwilliger boven het uurvermoeden: waarom dat niet marktconform is.",
          width=24),
    Field("self_billing", "bool", "Alleen zzp: ja als u de factuur namens de deskundige maakt.", choices=YES_NO, width=8),
    Field("vat_exemption", "choice", "Alleen zzp: kor of crkbo als er geen btw op de factuur komt.",
          choices=("kor", "crkbo"), width=10),
    Field("order_number", "text", "Inkoopnummer (inkooporder) van de opdrachtgever voor deze opdracht; "
          "komt op de factuur.", width=14),
), "Eén regel per opdracht: wie, voor wie, welke rol, welk regime, van wanneer tot wanneer.")

ENTRIES = Sheet("entry", "uren", ("uren", "hours", "entries", "entry"), (
    Field("engagement", "text", "Code van de opdracht (blad opdrachten).", True, width=10),
    Field("work_date", "date", "Datum van het werk, bv. 3-11-2026.", True, width=12),
    Field("minutes", "duration", "Gewerkte tijd: 2,5 of 2:30.", width=8),
    Field("quantity", "int", "Aantal bijeenkomsten/sessies/dagen (leeg = 1 bij zo'n opdracht).", width=8),
    Field("activity", "text", "Wat er is gedaan.", width=28),
    Field("km", "decimal", "Gereden kilometers, bv. 12,5.", width=7),
    Field("expense", "money", "Onkosten in euro, bv. 4,50.", width=10),
    Field("expense_receipt", "bool", "ja als de onkosten werkelijke kosten met bonnetje zijn.", choices=YES_NO, width=9),
    Field("expense_note", "text", "Waarvoor de onkosten waren.", width=18),
    Field("inkind", "money", "Waarde van een bon of cadeau, bv. 25.", width=10),
    Field("inkind_note", "text", "Wat er is gegeven, bv. VVV-bon.", width=18),
    Field("amount", "money", "Vast bedrag voor deze regel (in plaats van tarief x tijd).", width=10),
), "Eén regel per gewerkte dag per opdracht.")

SHEETS: tuple[Sheet, ...] = (ORGANISATIONS, EXPERTS, DECLARATIONS, ENGAGEMENTS, ENTRIES)  # import order
KIND_VALUES = {"eigen": "own", "opdrachtgever": "client", "own": "own", "client": "client"}
