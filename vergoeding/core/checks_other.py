"""Checks besides the volunteer caps: benefit notices, engagement budgets, the freelance
minimum-wage red flag and data missing for payment. Pure; they return findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from vergoeding.core.checks_caps import month_totals, year_totals
from vergoeding.core.checks_figures import DBA_FINES_FROM, PARTICIPATIEWET_CHANGES_FROM
from vergoeding.core.checks_volunteer import (
    Declaration,
    _eur,
    _limit_fields,
    capped,
    capped_by_expert,
    declarations_by_expert,
    expert_of,
)
from vergoeding.core.compensation import CAPPED_REGIMES, PricedEntry
from vergoeding.core.dates import age_on
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.limits import Figure, LimitsBook
from vergoeding.core.money import ZERO, money_sum
from vergoeding.core.period import Period
from vergoeding.core.regimes import Benefit, Regime, Unit
from vergoeding.core.work import Engagement, Expert, Organisation

# Regimes paid by the month-end payout (zzp is paid against its invoice; payroll exports hours).
PAYOUT_REGIMES = (Regime.VRIJWILLIGER, Regime.VACATIEGELD, Regime.PARTICULIER)


def zzp_without_vat(engagement: Engagement, expert: Expert | None) -> bool:
    """A zzp invoice without VAT (KOR or the CRKBO training exemption): reportable."""
    return bool(engagement.vat_exemption) or bool(expert and (expert.kor or expert.crkbo))


def reportable_regime(engagement: Engagement, expert: Expert | None) -> bool:
    """Payments under this engagement go on the third-party report regardless of caps
    (a private person; a freelancer invoicing without VAT). Volunteer payments are reportable
    only in a year in which a cap was exceeded (decided by the caller)."""
    if engagement.regime is Regime.PARTICULIER:
        return True
    return engagement.regime is Regime.ZZP and zzp_without_vat(engagement, expert)


# --- benefits ------------------------------------------------------------------------------


def benefit_notices(priced: Sequence[PricedEntry], experts: Mapping[str, Expert],
                    declarations: Sequence[Declaration], limits: LimitsBook, period: Period) -> list[Finding]:
    """Per expert on a benefit and per month with payments: what the benefit agency may do.
    The software warns; it never decides.

    The benefit agencies keep their own view of costs: proven costs (receipts) are not offset
    against a WW/WIA/Wajong benefit, so here the volunteer limits are compared with the
    allowance WITHOUT receipts (``PricedEntry.allowance``), unlike the tax caps."""
    out: list[Finding] = []
    by_expert: dict[str, list[PricedEntry]] = defaultdict(list)
    for p in priced:
        by_expert[expert_of(p)].append(p)
    capped_of = capped_by_expert(priced)
    decl_of = declarations_by_expert(declarations)
    months = list(period.months())
    for code in sorted({code for code, mine in by_expert.items() if any(p.entry.work_date in period for p in mine)}):
        ex = experts.get(code)
        if ex is None or ex.benefit is Benefit.GEEN:
            continue
        for mp in months:
            items = [p for p in by_expert[code] if p.entry.work_date in mp
                     and p.regime is not Regime.LOONDIENST]
            if not items:
                continue
            y, m = mp.start.year, mp.start.month
            lim = limits.for_year(y)
            vol = capped(items)
            income = money_sum(p.payable + p.inkind for p in items if p.regime not in CAPPED_REGIMES)
            mine, decl = capped_of.get(code, []), decl_of.get(code, [])
            month_allowance = money_sum(p.allowance for p in vol) + month_totals([], decl, code, y, m).declared
            year_allowance = (money_sum(p.allowance for p in mine if p.entry.work_date.year == y
                                        and p.entry.work_date < mp.end)
                              + year_totals([], decl, code, y, mp.end).declared)
            over = (month_allowance > lim.figure("volunteer_month", mp.start).amount
                    or year_allowance > lim.figure("volunteer_year", mp.start).amount)
            figures = {"vrijwilligersvergoeding": _eur(money_sum(p.allowance for p in vol)),
                       "overige betalingen (inkomen)": _eur(income),
                       "boven de vrijwilligersgrens": "ja" if over else "nee"}
            receipts = money_sum(p.expenses_receipt for p in items)
            if receipts:
                figures["werkelijke kosten (bonnetjes, niet meegeteld)"] = _eur(receipts)
            first_day = min(p.entry.work_date for p in items)
            age = age_on(ex.date_of_birth, first_day) if ex.date_of_birth else None
            disregard = (lim.figure("bijstand_earnings_disregard", mp.start)
                         if "bijstand_earnings_disregard" in lim.figures else None)
            # from 2027 the Participatiewet changes ("Participatiewet in balans"): while the year
            # file has no earnings disregard, no 2026 amount is stated as fact for that year
            # (a figure copied by 'limits draft' or otherwise unconfirmed is no fact either)
            changing = mp.start >= PARTICIPATIEWET_CHANGES_FROM and (disregard is None or not disregard.confirmed)
            f = _benefit_finding(ex, age, bool(vol), income > ZERO, over, disregard, changing=changing)
            if f is None:
                continue
            severity, rule, message, advice = f
            fields = _limit_fields(lim.volunteer_month)
            if rule == "benefit.bijstand_27_plus" and severity is Severity.WARNING and disregard is not None:
                figures["inkomstenvrijlating"] = f"25%, ten hoogste {_eur(disregard.amount)} per maand"
                fields = _limit_fields(disregard)
            out.append(Finding(severity, rule, message, advice, expert=code, period=mp.label,
                               figures=figures, where=f"uitkering {ex.benefit.value}", **fields))
    return out


BIJSTAND_SOURCE = "Participatiewet art. 31 lid 2 onder k (vrijwilligersvergoeding), onder n en lid 5 (inkomstenvrijlating)"


PARTICIPATIEWET_2027 = (
    "Let op: de regels van de bijstand veranderen per 1 januari 2027 (Participatiewet in balans, onder meer meer "
    "ruimte om bij te verdienen voor jongeren). Hoeveel de gemeente vanaf dan vrijlaat, is nog niet bekend; "
    "vraag het de gemeente.")


def _benefit_finding(ex: Expert, age: int | None, volunteer: bool, income: bool,
                     over: bool, disregard: Figure | None = None, *,
                     changing: bool = False) -> tuple[Severity, str, str, str] | None:
    b = ex.benefit
    within = volunteer and not income and not over
    costs = (" Aangetoonde werkelijke kosten (bonnetjes) zijn geen inkomen voor de uitkering; "
             "de gemeente of UWV beslist.")
    if b is Benefit.BIJSTAND and changing:
        ask = "Laat de deskundige de betaling melden bij de gemeente, met het maandoverzicht, en vraag wat er vrijgelaten wordt."
        if within and not (age is not None and age < 27):
            return (Severity.INFO, "benefit.bijstand_27_plus",
                    "Bijstand, 27 jaar of ouder: een vrijwilligersvergoeding binnen de grenzen werd tot nu toe "
                    "normaal niet gekort (Participatiewet art. 31 lid 2 onder k). " + PARTICIPATIEWET_2027,
                    ask)
        rule = "benefit.bijstand_under_27" if age is not None and age < 27 else "benefit.bijstand_27_plus"
        return (Severity.WARNING, rule,
                "Deze deskundige heeft bijstand. Een betaling kan de uitkering verlagen. " + PARTICIPATIEWET_2027
                + " De gemeente beslist." + costs, ask)
    if b is Benefit.BIJSTAND:
        if age is not None and age < 27:
            return (Severity.WARNING, "benefit.bijstand_under_27",
                    "Deze deskundige heeft bijstand en is jonger dan 27. Bij jongeren onder de 27 wordt "
                    "een vrijwilligersvergoeding normaal gesproken van de bijstand afgetrokken; andere "
                    "betalingen zijn inkomen, zonder de inkomstenvrijlating van 25% (die geldt niet onder "
                    f"de 27). Bron: {BIJSTAND_SOURCE}. De gemeente beslist.",
                    "Laat de deskundige de betaling melden bij de gemeente en geef het maand- of "
                    "jaaroverzicht mee (vergoeding statement).")
        if within:
            return (Severity.INFO, "benefit.bijstand_27_plus",
                    "Bijstand, 27 jaar of ouder: een vrijwilligersvergoeding binnen de grenzen wordt "
                    "normaal niet gekort (Participatiewet art. 31 lid 2 onder k). De gemeente beslist.",
                    "Geef de deskundige het maandoverzicht mee voor de gemeente.")
        cap = f", ten hoogste {_eur(disregard.amount)} per maand" if disregard is not None else ""
        return (Severity.WARNING, "benefit.bijstand_27_plus",
                "Bijstand, 27 jaar of ouder: wat boven de vrijwilligersgrenzen uitkomt of als ander "
                f"regime wordt betaald, is inkomen. De gemeente kan daarvan 25% vrijlaten{cap}, "
                "hooguit 6 maanden lang; de rest wordt gekort. Betaling voor werk is nooit een gift. "
                f"Bron: {BIJSTAND_SOURCE}. De gemeente beslist." + costs,
                "Laat de deskundige de betaling melden bij de gemeente, met het maandoverzicht.")
    if b is Benefit.WW:
        if within:
            return (Severity.INFO, "benefit.ww",
                    "WW: een vrijwilligersvergoeding binnen de grenzen laat de uitkering normaal "
                    "ongemoeid, bij een ANBI en sinds 2019 ook bij een andere organisatie zonder winstoogmerk. "
                    "Het werk moet wel binnen een week aan UWV worden gemeld. UWV beslist.",
                    "Vraag de deskundige het vrijwilligerswerk binnen een week aan UWV te melden.")
        return (Severity.WARNING, "benefit.ww",
                "WW: boven de vrijwilligersgrenzen, of bij een ander regime, rekent UWV met een fictief "
                "inkomen en kort de uitkering. UWV beslist." + costs,
                "Laat de deskundige de betaling binnen een week aan UWV melden, met het maandoverzicht.")
    if b in (Benefit.WIA, Benefit.WAJONG, Benefit.ZW):
        return (Severity.INFO if within else Severity.WARNING, "benefit.uwv",
                f"{b.value.upper()}: de betaling moet aan UWV worden gemeld"
                + ("; boven de vrijwilligersgrenzen telt het als betaald werk." if not within else ".")
                + " UWV beslist." + (costs if not within else ""),
                "Laat de deskundige de betaling aan UWV melden, met het maandoverzicht.")
    return None


# --- engagement budget ---------------------------------------------------------------------


def engagement_budget(priced_all: Sequence[PricedEntry], engagements: Sequence[Engagement],
                      period: Period) -> list[Finding]:
    """Budget in hours or money reached (``priced_all``: every entry of the engagement up to
    the end of the period). The money budget is compared with the billable value at client
    rates (the budget agreed with the client); when there is no client price, with the fee."""
    out: list[Finding] = []
    by_eng: dict[str, list[PricedEntry]] = defaultdict(list)
    for p in priced_all:
        if p.entry.work_date < period.end:
            by_eng[p.engagement.code].append(p)
    for eng in engagements:
        items = by_eng.get(eng.code, [])
        if not items or not any(p.entry.work_date in period for p in items):
            continue
        if eng.budget_minutes is not None:
            used = sum(p.entry.minutes for p in items)
            if used >= eng.budget_minutes:
                out.append(Finding(
                    Severity.WARNING, "engagement.budget",
                    f"Het urenbudget van opdracht {eng.code} is bereikt: {used // 60}:{used % 60:02d} uur "
                    f"geboekt van {eng.budget_minutes // 60}:{eng.budget_minutes % 60:02d} uur.",
                    "Overleg met de opdrachtgever over meer uren voordat er verder wordt gewerkt; uren "
                    "boven het budget worden misschien niet vergoed.",
                    expert=eng.expert_code, engagement=eng.code, period=str(period),
                    figures={"geboekt (minuten)": str(used), "budget (minuten)": str(eng.budget_minutes)},
                    where=f"opdracht {eng.code}"))
        if eng.budget_amount is not None:
            client = money_sum(p.client_amount for p in items)
            used_amount = client if client > ZERO else money_sum(p.fee for p in items)
            if used_amount >= eng.budget_amount:
                out.append(Finding(
                    Severity.WARNING, "engagement.budget",
                    f"Het budget van opdracht {eng.code} is bereikt: {_eur(used_amount)} besteed van "
                    f"{_eur(eng.budget_amount)}.",
                    "Overleg met de opdrachtgever over een hoger budget voordat er verder wordt gewerkt.",
                    expert=eng.expert_code, engagement=eng.code, period=str(period),
                    figures={"besteed": _eur(used_amount), "budget": _eur(eng.budget_amount)},
                    limit=eng.budget_amount, limit_source=f"budget in opdracht {eng.code}",
                    where=f"opdracht {eng.code}"))
    return out


# --- freelance minimum wage ----------------------------------------------------------------


def freelance_minimum_wage(priced: Sequence[PricedEntry], limits: LimitsBook, period: Period) -> list[Finding]:
    """A zzp hourly fee at or below the statutory minimum wage: a red flag for false
    self-employment (Wet DBA)."""
    seen: dict[tuple[str, Decimal, str], PricedEntry] = {}
    for p in priced:
        if p.regime is not Regime.ZZP or p.unit is not Unit.UUR or p.entry.work_date not in period:
            continue
        mw = limits.for_day(p.entry.work_date).minimum_wage_on(p.entry.work_date)
        if mw is None or p.expert_unit_price > mw.amount:
            continue
        seen.setdefault((p.engagement.code, p.expert_unit_price, mw.key + str(mw.valid_from)), p)
    out = []
    for (code, rate, _), p in sorted(seen.items()):
        mw = limits.for_day(p.entry.work_date).minimum_wage_on(p.entry.work_date)
        if mw is None:  # pragma: no cover - filtered above
            continue
        out.append(Finding(
            Severity.WARNING, "freelance.minimum_wage",
            f"Het uurtarief van {_eur(rate)} voor deze zzp-opdracht ligt op of onder het minimumloon van "
            f"{_eur(mw.amount)} per uur. Dat is een signaal van schijnzelfstandigheid (Wet DBA): een "
            "zelfstandige rekent een tarief dat ook ziekte, vakantie en verzekeringen dekt."
            + (" Vanaf 1 januari 2027 kan de Belastingdienst daarvoor ook boetes opleggen (einde van de zachte "
               "landing)." if p.entry.work_date >= DBA_FINES_FROM else ""),
            "Spreek een marktconform tarief af, of zet de opdracht om naar loondienst of vrijwilligerswerk.",
            expert=p.engagement.expert_code, engagement=code, period=str(period),
            figures={"uurtarief": _eur(rate), "minimumloon per uur": _eur(mw.amount)},
            where=f"opdracht {code}", **_limit_fields(mw)))
    return out


# --- data missing for payment --------------------------------------------------------------


# The option of 'vergoeding expert edit' that fills each field of missing_payment_data.
FIX_OPTION = {"IBAN": "--iban NL...", "adres": "--street ... --postcode ... --city ...",
              "geboortedatum": "--birth-date DD-MM-JJJJ", "BSN": "--bsn ..."}


def missing_payment_data(priced: Sequence[PricedEntry], experts: Mapping[str, Expert], own: Organisation,
                         period: Period, *, iban_valid: Callable[[str], bool] = lambda s: bool(s),
                         bsn_valid: Callable[[str], bool] = lambda s: bool(s),
                         late: Sequence[Engagement] = ()) -> list[Finding]:
    """IBAN for anyone we pay; address, date of birth and BSN where the payment must be
    reported to the tax office (private person, zzp without VAT); the date of birth also for
    the hourly presumption by age. The validators are passed in (python-stdnum lives outside
    the core's concern). ``late``: engagements with approved lines before ``period`` that a
    payout of the period pays too."""
    out: list[Finding] = []
    by_expert: dict[str, list[Engagement]] = defaultdict(list)
    for p in priced:
        if p.entry.work_date in period and p.regime is not Regime.LOONDIENST and p.payable > ZERO:
            by_expert[expert_of(p)].append(p.engagement)
    for g in late:
        if g.regime is not Regime.LOONDIENST:
            by_expert[g.expert_code].append(g)
    for code, items in sorted(by_expert.items()):
        ex = experts.get(code)
        if ex is None:
            continue
        reportable = own.has_payroll_tax_number and any(reportable_regime(g, ex) for g in items)
        problems: list[tuple[str, str]] = []
        if not ex.iban:
            problems.append(("IBAN", "ontbreekt"))
        elif not iban_valid(ex.iban):
            problems.append(("IBAN", "is ongeldig (controlegetal klopt niet)"))
        if reportable:
            if not ex.address.complete:
                problems.append(("adres", "is onvolledig (straat, postcode en plaats nodig voor de opgave aan derden)"))
            if ex.date_of_birth is None:
                problems.append(("geboortedatum", "ontbreekt (nodig voor de opgave aan derden)"))
            if not ex.bsn:
                problems.append(("BSN", "ontbreekt (nodig voor de opgave aan derden)"))
            elif not bsn_valid(ex.bsn):
                problems.append(("BSN", "is ongeldig (elfproef klopt niet)"))
        elif ex.date_of_birth is None and any(g.regime in CAPPED_REGIMES for g in items):
            problems.append(("geboortedatum", "ontbreekt (nodig voor het uurvermoeden naar leeftijd)"))
        for field_name, what in problems:
            out.append(Finding(
                Severity.ERROR, "payment.missing_data",
                f"Gegevens voor betaling: {field_name} van {ex.name} {what}.",
                f"Vul het aan met 'vergoeding expert edit {code} {FIX_OPTION[field_name]}' voordat u uitbetaalt; "
                "tot dan wordt deze deskundige aangehouden.",
                expert=code, period=str(period), figures={"veld": field_name},
                where=f"deskundige {code}"))
    return out


def by_code(items: Iterable[Expert]) -> dict[str, Expert]:
    return {e.code: e for e in items}
