"""A fictional administration for the demo: our foundation, clients, experts across every
regime and role, and the rules for generating three months of hours (fixed seed, fixed
dates, so every run gives the same result). Every name, number and address is made up;
IBANs, BSNs and VAT ids are generated to pass their checksums (python-stdnum)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vergoeding.core.ids import iban_with_check_digits
from vergoeding.store.ledger import EngagementData, ExpertData, OrganisationData

SEED = 2026
MONTHS = ((2026, 8), (2026, 9), (2026, 10))
START = date(2026, 8, 1)
BANKS = ("ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "BUNQ")


class Numbers:
    """Valid-looking, checksum-correct numbers from a seeded generator."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)

    def iban(self) -> str:
        bank = self.rng.choice(BANKS)
        return iban_with_check_digits("NL", bank + "".join(str(self.rng.randint(0, 9)) for _ in range(10)))

    def bsn(self) -> str:
        while True:
            digits = [self.rng.randint(0, 9) for _ in range(8)]
            total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
            check = total % 11
            if check < 10 and digits[0] != 0:
                return "".join(map(str, digits)) + str(check)

    def vat_id(self) -> str:
        return f"NL{self.bsn()}B01"

    def kvk(self) -> str:
        return str(self.rng.randint(10_000_000, 99_999_999))


def own_organisation(n: Numbers) -> OrganisationData:
    return OrganisationData(
        code="EIGEN", kind="own", name="Stichting Netwerk Ervaringskracht Midden", street="Stationsplein 12",
        postcode="3818 LE", city="Amersfoort", kvk="41234567", vat_id="NL000099998B57", iban=n.iban(),
        bic=None, contact_name="Marloes Verbeek", contact_email="administratie@ervaringskracht-midden.example",
        phone="033 456 7890",
        is_anbi=True, corporate_tax_liable=False, may_pay_volunteers=True, has_payroll_tax_number=True,
        payment_term_days=30,
    )


def clients(n: Numbers) -> list[OrganisationData]:
    return [
        OrganisationData(code="GEM-LEK", name="Gemeente Lekstede", street="Raadhuisplein 1", postcode="3431 BA",
                         city="Lekstede", oin="00000001812345678000", is_anbi=True, contact_name="afdeling Sociaal Domein",
                         contact_email="sociaaldomein@lekstede.example", payment_term_days=30),
        OrganisationData(code="GEM-EEM", name="Gemeente Eemvallei", street="Stadhuisweg 4", postcode="3811 KL",
                         city="Eemvallei", oin="00000001823456789000", is_anbi=True, contact_name="Team Participatie",
                         contact_email="participatie@eemvallei.example", payment_term_days=30,
                         einvoice_format="si-ubl", buyer_reference="Kostenplaats 6120 Participatie"),
        OrganisationData(code="ZORGKR", name="Stichting Zorgkracht Utrecht", street="Biltstraat 140",
                         postcode="3572 BK", city="Utrecht", kvk=n.kvk(), vat_id=n.vat_id(), iban=n.iban(),
                         contact_name="Ilse Brouwer", contact_email="i.brouwer@zorgkracht.example",
                         corporate_tax_liable=False, payment_term_days=14),
        OrganisationData(code="JGD-RVE", name="Jeugdhulpregio Vallei en Eem", street="Smallepad 30",
                         postcode="3811 MG", city="Amersfoort", oin="00000001834567890000", is_anbi=True,
                         contact_name="Regiecentrum Jeugd", contact_email="inkoop@jeugdregio.example",
                         payment_term_days=30),
        OrganisationData(code="WELZ", name="Welzijn Heuvelrug", street="Slotlaan 9", postcode="3701 GA",
                         city="Zeist", kvk=n.kvk(), iban=n.iban(), contact_name="Ruud Hoekstra",
                         contact_email="r.hoekstra@welzijnheuvelrug.example", payment_term_days=30),
    ]


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    street: str
    postcode: str
    city: str
    born: date
    benefit: str = "geen"
    freelance: bool = False  # has KvK (and VAT id)
    kor: bool = False
    crkbo: bool = False
    needs_bsn: bool = False  # reporting duty: private person, or a zzp invoice without VAT (KOR, CRKBO)
    employed: bool = False


PEOPLE = (
    Person("E001", "Noah Bakker", "Kastanjelaan 3", "3817 BC", "Amersfoort", date(2007, 4, 18), "bijstand"),
    Person("E002", "Fatima el Amrani", "Leusderweg 211", "3818 AD", "Amersfoort", date(1979, 11, 2)),
    Person("E003", "Ria de Groot", "Burgemeester de Withstraat 15", "3732 EJ", "De Bilt", date(1968, 6, 30), "ww"),
    Person("E004", "Henk Veenstra", "Dorpsstraat 44", "3431 CD", "Lekstede", date(1957, 1, 21)),
    Person("E005", "Samira Ouali", "Molenweg 8", "3432 AB", "Lekstede", date(1986, 9, 12)),
    Person("E006", "Kees van Dijk", "Prinses Irenelaan 27", "3433 KL", "Lekstede", date(1962, 3, 5), "wia"),
    Person("E007", "Linda Smit", "Vlasakkerweg 102", "3811 AM", "Eemvallei", date(1983, 7, 14), freelance=True, kor=True,
           needs_bsn=True),
    Person("E008", "Marco Jansen", "Oudegracht 233", "3511 NK", "Utrecht", date(1975, 12, 1), freelance=True),
    Person("E009", "Priya Ramdin", "Amsterdamsestraatweg 410", "3551 CT", "Utrecht", date(1990, 2, 25), needs_bsn=True),
    Person("E010", "Jeroen Mulder", "Soesterweg 77", "3812 BD", "Amersfoort", date(1981, 8, 8), freelance=True),
    Person("E011", "Annelies Visser", "Zandweg 5", "3454 HR", "De Meern", date(1972, 5, 19)),
    Person("E012", "Daan Hendriks", "Bergweg 61", "3707 AB", "Zeist", date(1996, 10, 3), "wajong"),
    Person("E013", "Yvonne Kok", "Hobbemalaan 18", "3817 HN", "Amersfoort", date(1965, 4, 9), "bijstand"),
    Person("E014", "Mohamed Achahbar", "Kruiskamp 140", "3815 AH", "Amersfoort", date(1988, 1, 30), employed=True),
    Person("E015", "Ellen Bos", "Torenstraat 2", "3701 CA", "Zeist", date(1970, 8, 22), freelance=True, crkbo=True,
           needs_bsn=True),
    Person("E016", "Bart Willems", "Lindenlaan 12", "3443 BG", "Woerden", date(1959, 12, 12)),
    Person("E017", "Sanne Peters", "Nieuwe Gracht 71", "3512 LG", "Utrecht", date(1992, 3, 17)),
    Person("E018", "Wim van Leeuwen", "Hoefsmid 9", "3831 NH", "Leusden", date(1955, 6, 6)),
    Person("E019", "Naima Bouzid", "Vinkenbuurt 33", "3815 VC", "Amersfoort", date(1984, 11, 27), "bijstand"),
    Person("E020", "Tom de Wit", "Schoolstraat 4", "3451 AC", "Vleuten", date(2001, 7, 7)),
    Person("E021", "Greetje Hoekstra", "Hessenweg 120", "3731 JL", "De Bilt", date(1963, 2, 14), needs_bsn=True),
    Person("E022", "Ricardo Martina", "Kanaalstraat 88", "3531 CL", "Utrecht", date(1987, 5, 29), freelance=True),
    Person("E023", "Lotte Meijer", "Emmalaan 6", "3818 GA", "Amersfoort", date(1994, 9, 9), needs_bsn=True),
    Person("E024", "Ahmet Yilmaz", "Schimmelpenninckkade 20", "3813 AE", "Amersfoort", date(1977, 4, 4), freelance=True),
    Person("E025", "Joke van der Berg", "Heideweg 15", "3768 CB", "Soest", date(1950, 10, 10), freelance=True),
    Person("E026", "Stefan Koster", "Amersfoortseweg 300", "3712 BC", "Huis ter Heide", date(1980, 1, 1),
           needs_bsn=True),
)


def experts(n: Numbers) -> list[ExpertData]:
    out = []
    for p in PEOPLE:
        first = p.name.split()[0].lower()
        out.append(ExpertData(
            code=p.code, name=p.name, street=p.street, postcode=p.postcode, city=p.city, date_of_birth=p.born,
            email=f"{first}.{p.code.lower()}@mail.example", iban=n.iban(),
            kvk=n.kvk() if p.freelance else None, vat_id=n.vat_id() if p.freelance else None, kor=p.kor,
            crkbo=p.crkbo, bsn=n.bsn() if p.needs_bsn else None, benefit=p.benefit, employed_by_us=p.employed,
        ))
    return out


@dataclass(frozen=True)
class Plan:
    """How an engagement fills a month: sessions x minutes (per month, Aug-Oct)."""

    engagement: EngagementData
    sessions: tuple[int, int, int]  # per month
    minutes: tuple[int, ...]  # choices for one session
    activity: tuple[str, ...]
    km: tuple[int, int] | None = None  # range of km per session
    quantity: int | None = None  # non-hour units: 1 per session


def _g(code: str, expert: str, client: str, role: str, regime: str, **kw: object) -> EngagementData:
    return EngagementData(code=code, expert=expert, client=client, role=role, regime=regime, start_date=START,
                          end_date=date(2027, 1, 1), **kw)  # type: ignore[arg-type]


PLANS = (
    # A volunteer under 21 (buddy, junior rate below the under-21 presumption).
    Plan(_g("G001", "E001", "JGD-RVE", "buddy", "vrijwilliger", level="junior", travel_policy="km",
            description="Maatje voor jongeren"),
         (6, 7, 6), (120, 150), ("maatjescontact", "samen sporten"), km=(3, 9)),
    # Close to the monthly cap: 12 x 3 hours x 5.75 = 207.00 (cap 220).
    Plan(_g("G002", "E002", "GEM-EEM", "adviseur", "vrijwilliger", description="Meedenken armoedebeleid"),
         (12, 12, 12), (180,), ("adviesgesprek", "klankbordgroep", "dossierlezing")),
    # Over the monthly cap in October only: 14 x 3 hours x 5.75 = 241.50.
    Plan(_g("G003", "E003", "ZORGKR", "trainer", "vrijwilliger", travel_policy="km",
            description="Training herstelgericht werken"), (9, 10, 14), (180,), ("training", "voorbereiding training"),
         km=(8, 16)),
    # Council members: chair (100 per meeting, 2 a month: just inside the cap) and members (60).
    Plan(_g("G004", "E004", "GEM-LEK", "adviesraad", "vacatiegeld", level="voorzitter", travel_policy="km",
            km_rate=Decimal("0.23"), description="Voorzitter adviesraad sociaal domein"),
         (2, 2, 2), (150, 180), ("vergadering adviesraad", "agendaoverleg"), km=(6, 14), quantity=1),
    Plan(_g("G005", "E005", "GEM-LEK", "adviesraad", "vacatiegeld", travel_policy="km",
            description="Lid adviesraad sociaal domein"), (2, 2, 3), (150,), ("vergadering adviesraad",),
         km=(4, 10), quantity=1),
    Plan(_g("G006", "E006", "GEM-LEK", "adviesraad", "vacatiegeld", description="Lid adviesraad sociaal domein"),
         (2, 2, 3), (150,), ("vergadering adviesraad",), quantity=1),
    # Freelancer with KOR and freelancer with VAT.
    Plan(_g("G007", "E007", "GEM-EEM", "trainer", "zzp", vat_exemption="kor", description="Training schuldhulp"),
         (3, 4, 4), (180, 240), ("training", "intake training")),
    Plan(_g("G008", "E008", "ZORGKR", "adviseur", "zzp", level="senior", description="Advies cliëntparticipatie"),
         (5, 6, 5), (120, 180, 240), ("adviestraject", "rapportage")),
    # A private person as speaker (reporting duty: BSN stored, always masked).
    Plan(_g("G009", "E009", "WELZ", "voorlichter", "particulier", description="Gastlessen armoede"),
         (1, 2, 2), (90, 120), ("gastles mbo", "voorlichting buurthuis"), quantity=1),
    # Budget nearly used: 40 hours / 3,500 euro budget; 39 hours (3,315 euro at 85 an hour) logged.
    Plan(_g("G010", "E010", "JGD-RVE", "co-onderzoeker", "zzp", budget_minutes=2400, budget_amount=Decimal("3500.00"),
            description="Onderzoek toegang jeugdhulp", order_number="IO-2026-0147"), (4, 4, 5), (180,), ("interviews", "analyse")),
    Plan(_g("G011", "E011", "GEM-EEM", "buddy", "vrijwilliger", description="Maatje voor nieuwkomers"),
         (8, 8, 8), (120,), ("maatjescontact",)),
    Plan(_g("G012", "E012", "WELZ", "voorlichter", "vrijwilliger", description="Voorlichting in de wijk"),
         (3, 3, 4), (90, 120), ("voorlichting",)),
    Plan(_g("G013", "E013", "GEM-LEK", "intervisiebegeleider", "vrijwilliger", description="Intervisie vrijwilligers"),
         (3, 3, 3), (120,), ("intervisie",)),
    # Payroll: hours only.
    Plan(_g("G014", "E014", "GEM-EEM", "toegangsteam", "loondienst", description="Toegangsteam Eemvallei"),
         (14, 15, 14), (480,), ("spreekuur", "huisbezoek", "casusoverleg")),
    Plan(_g("G015", "E015", "ZORGKR", "trainer", "zzp", vat_exemption="crkbo", description="Opleiding ervaringsdeskundigheid"),
         (4, 4, 4), (240,), ("lesdag",)),
    Plan(_g("G016", "E016", "GEM-EEM", "adviseur", "vrijwilliger", travel_policy="km", description="Klantpanel"),
         (4, 5, 4), (120, 150), ("klantpanel",), km=(5, 25)),
    Plan(_g("G017", "E017", "JGD-RVE", "co-onderzoeker", "vrijwilliger", description="Jongerenonderzoek"),
         (5, 5, 6), (120, 180), ("interview", "analyse")),
    Plan(_g("G018", "E018", "GEM-LEK", "adviesraad", "vrijwilliger", description="Lid wijkraad (vast per bijeenkomst)"),
         (2, 2, 2), (120,), ("wijkraad",), quantity=1),
    Plan(_g("G019", "E019", "GEM-EEM", "trainer", "vrijwilliger", travel_policy="werkelijk",
            description="Training armoedebewustzijn"), (3, 3, 3), (180,), ("training",)),
    Plan(_g("G020", "E020", "JGD-RVE", "buddy", "vrijwilliger", description="Maatje jongvolwassenen"),
         (6, 6, 6), (120,), ("maatjescontact",)),
    Plan(_g("G021", "E021", "WELZ", "intervisiebegeleider", "particulier", description="Intervisie mantelzorgers"),
         (2, 2, 2), (120,), ("intervisiesessie",), quantity=1),
    Plan(_g("G022", "E022", "GEM-EEM", "toegangsteam", "zzp", level="senior", description="Toegangsteam (dagen)"),
         (4, 4, 4), (480,), ("toegangsteam",), quantity=1),
    Plan(_g("G023", "E023", "ZORGKR", "co-onderzoeker", "particulier", description="Focusgroep"),
         (1, 1, 1), (120,), ("focusgroep",)),
    Plan(_g("G024", "E024", "GEM-LEK", "buddy", "zzp", description="Buddy statushouders"),
         (6, 6, 6), (120,), ("buddygesprek",)),
    Plan(_g("G025", "E025", "WELZ", "voorlichter", "zzp", description="Voorlichting senioren"),
         (1, 2, 1), (120,), ("voorlichtingsbijeenkomst",), quantity=1),
    Plan(_g("G026", "E026", "JGD-RVE", "adviseur", "particulier", description="Meeleesgroep"),
         (2, 2, 2), (120,), ("meeleessessie",)),
    Plan(_g("G027", "E008", "GEM-LEK", "trainer", "zzp", level="senior", description="Training wijkteams"),
         (2, 2, 2), (240,), ("training wijkteam",)),
)


def tuesdays_and_thursdays(start: date, end: date) -> list[date]:
    """Every Tuesday and Thursday in [start, end)."""
    out = []
    d = start
    while d < end:
        if d.weekday() in (1, 3):
            out.append(d)
        d += timedelta(days=1)
    return out


def working_days(year: int, month: int) -> list[date]:
    d = date(year, month, 1)
    out = []
    while d.month == month:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out
