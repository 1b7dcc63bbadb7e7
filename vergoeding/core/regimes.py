"""The fixed vocabularies: compensation regimes, rate units, roles' levels, benefits."""

from __future__ import annotations

from enum import StrEnum


class Regime(StrEnum):
    """One regime per engagement; it drives the rules and the documents."""

    VRIJWILLIGER = "vrijwilliger"  # volunteer allowance, Wet LB 1964 art. 2 lid 6
    VACATIEGELD = "vacatiegeld"  # fee per meeting (advisory councils)
    ZZP = "zzp"  # freelance, the expert invoices
    PARTICULIER = "particulier"  # private person, no KvK, outside the volunteer scheme
    LOONDIENST = "loondienst"  # payroll / opting-in: hours exported only

    @property
    def label(self) -> str:
        return REGIME_LABELS[self]


REGIME_LABELS = {
    Regime.VRIJWILLIGER: "Vrijwilligersvergoeding",
    Regime.VACATIEGELD: "Vacatiegeld",
    Regime.ZZP: "Zzp / freelance",
    Regime.PARTICULIER: "Betaling aan particulier",
    Regime.LOONDIENST: "Loondienst / opting-in",
}

# Regimes a rate card prices (payroll is out of scope for calculation).
PRICED_REGIMES = (Regime.VRIJWILLIGER, Regime.VACATIEGELD, Regime.ZZP, Regime.PARTICULIER)


class Unit(StrEnum):
    UUR = "uur"  # per hour
    BIJEENKOMST = "bijeenkomst"  # per meeting
    SESSIE = "sessie"  # per session (training, talk)
    DAG = "dag"  # per day
    VAST = "vast"  # fixed amount per month

    @property
    def label(self) -> str:
        return {"uur": "uur", "bijeenkomst": "bijeenkomst", "sessie": "sessie",
                "dag": "dag", "vast": "maand (vast)"}[self.value]


class Benefit(StrEnum):
    GEEN = "geen"
    BIJSTAND = "bijstand"
    WW = "ww"
    WIA = "wia"
    WAJONG = "wajong"
    ZW = "zw"


class TravelPolicy(StrEnum):
    GEEN = "geen"  # no travel compensation
    KM = "km"  # fixed rate per km (counts towards the volunteer caps)
    WERKELIJK = "werkelijk"  # actual costs with receipts (does not count)
