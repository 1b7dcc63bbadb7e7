"""The payout rules, pure: which lines a payout pays, which experts it holds and why, and
what a paid line keeps.

The model (see docs/MONTH-END.md):

- A payout pays LINES, not a period once. It pays every approved line that no payout paid
  yet, with a work date before the end of the chosen period: also lines of earlier months
  (approved late, or a correction); those are marked ``late``. A period can therefore have
  a follow-up payout, with its own number (``2026-11``, then ``2026-11.2``) and files.
- A paid line is final: it keeps the amounts as priced at the payout (allowance, km x rate,
  fixed costs, receipts, in kind, what counts towards the caps), the rate and the fiscal
  figures used. Every reader (statements, year statement, ``room``, ``report derden``,
  reprints, checks) reads a paid line from the ledger, never prices it again.
- Hold, don't block: an expert with a blocking finding (an error that names the expert),
  without a valid IBAN, or with a negative balance is held: none of their lines is paid,
  they stay open for a later payout, and the payout lists who is held and why. Everyone else
  is paid. An override names the expert(s) it applies to and gives a real reason.
- Routes: vrijwilliger, vacatiegeld and particulier are paid by SEPA transfer; zzp against the
  expert's invoice and loondienst through payroll: those lines are listed for information
  and never paid here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from vergoeding.core.compensation import PricedEntry
from vergoeding.core.findings import Finding, Severity
from vergoeding.core.money import ZERO, money_sum
from vergoeding.core.nl import eur
from vergoeding.core.period import Period
from vergoeding.core.regimes import Regime, Unit
from vergoeding.core.sepa_rules import debtor_account_problem
from vergoeding.core.work import Engagement, Entry, Organisation

ROUTE = {Regime.VRIJWILLIGER: "sepa", Regime.VACATIEGELD: "sepa", Regime.PARTICULIER: "sepa",
         Regime.ZZP: "factuur", Regime.LOONDIENST: "salaris"}

# An override is recorded in the audit log and on the overview: a reason a colleague can
# check later ("ok" is not one).
OVERRIDE_MIN_LENGTH = 20


@dataclass(frozen=True)
class PaidLine:
    """One line as paid: the frozen amounts. ``cap_amount`` is what counted towards the
    volunteer caps under the rule at the time of the payout."""

    entry_id: int
    expert: str
    engagement: str
    regime: Regime
    work_date: date
    unit: Unit
    quantity: Decimal
    minutes: int
    unit_price: Decimal
    km: Decimal
    km_rate: Decimal | None
    fee: Decimal
    travel: Decimal
    expenses_fixed: Decimal
    expenses_receipt: Decimal
    inkind: Decimal
    cap_amount: Decimal
    late: bool = False
    activity: str = ""
    correction_of: int | None = None
    figures: Mapping[str, str] = field(default_factory=dict)  # fiscal figures used, as text
    payout_id: int | None = None
    payout_number: str = ""
    paid_on: date | None = None  # the payout's execution date
    limits_version: str = ""  # the fiscal figures it was checked against ("2027:<digest>"); "" before migration 15
    # the terms the line was paid under (issue 20): documents read these, never the
    # engagement as it is now (None/"": an old row without them; the engagement's then)
    client: str = ""
    role: str = ""
    level: str = ""
    self_billing: bool | None = None
    vat_exemption: str | None = None
    # the engagement as it was when the line was priced (not stored): the payout's record
    # step compares it with the engagement as it is under the lock (store.payouts)
    priced_with: Engagement | None = field(default=None, compare=False, repr=False)

    @property
    def payable(self) -> Decimal:
        """What is transferred (in-kind items are given, not paid)."""
        return self.fee + self.travel + self.expenses_fixed + self.expenses_receipt

    @property
    def route(self) -> str:
        return ROUTE[self.regime]


def freeze(p: PricedEntry, period: Period, figures: Mapping[str, str], limits_version: str = "") -> PaidLine:
    """The paid line of ``p`` in a payout of ``period``."""
    e = p.entry
    km_rate = None
    if e.km and p.travel:
        km_rate = p.engagement.km_rate if p.engagement.km_rate is not None else Decimal(figures.get("km_allowance", "0"))
    return PaidLine(
        entry_id=e.id, expert=p.engagement.expert_code, engagement=p.engagement.code, regime=p.regime,
        work_date=e.work_date, unit=p.unit, quantity=p.quantity, minutes=e.minutes,
        unit_price=p.expert_unit_price, km=e.km, km_rate=km_rate, fee=p.fee, travel=p.travel,
        expenses_fixed=p.expenses_fixed, expenses_receipt=p.expenses_receipt, inkind=p.inkind,
        cap_amount=p.cap_amount, late=e.work_date < period.start, activity=e.activity,
        correction_of=e.correction_of, figures=dict(figures), client=p.engagement.client_code,
        role=p.engagement.role, level=p.engagement.level, self_billing=p.engagement.self_billing,
        vat_exemption=p.engagement.vat_exemption, priced_with=p.engagement, limits_version=limits_version)


def paid_terms(line: PaidLine, engagement: Engagement) -> Engagement:
    """``engagement`` with the terms ``line`` was paid under: what a reader of paid money
    sees (regime, expert, client, role, level, zzp terms), whatever the engagement says now."""
    return replace(
        engagement, regime=line.regime, expert_code=line.expert, client_code=line.client or engagement.client_code,
        role=line.role or engagement.role, level=line.level or engagement.level,
        self_billing=engagement.self_billing if line.self_billing is None else line.self_billing,
        vat_exemption=line.vat_exemption if line.self_billing is not None else engagement.vat_exemption)


def as_priced(line: PaidLine, engagement: Engagement) -> PricedEntry:
    """A paid line as the priced entry the checks and the room read (amounts as paid)."""
    entry = Entry(line.entry_id, line.engagement, line.work_date, minutes=line.minutes,
                  quantity=int(line.quantity) if line.unit is not Unit.UUR else 0, activity=line.activity,
                  km=line.km, expense=line.expenses_fixed + line.expenses_receipt,
                  expense_receipt=bool(line.expenses_receipt), inkind=line.inkind, status="settled",
                  correction_of=line.correction_of)
    return PricedEntry(entry, paid_terms(line, engagement), line.unit, line.quantity, line.unit_price, ZERO, line.fee, line.travel,
                       line.expenses_fixed, line.expenses_receipt, line.inkind, ZERO,
                       (f"betaald in uitbetaling {line.payout_number}: bedragen vastgelegd",),
                       frozen_cap=line.cap_amount)


@dataclass(frozen=True)
class Held:
    expert: str
    name: str
    reason: str


@dataclass(frozen=True)
class Selection:
    """What a payout pays: the lines per expert, and who is held (with the reason)."""

    paid: tuple[PricedEntry, ...]
    held: tuple[Held, ...]
    overridden: tuple[str, ...]  # experts paid despite an error, by the override
    # an override that does nothing (the expert is not held, has no open line in this payout,
    # or stays held for a reason an override cannot lift): why, per named expert
    override_unused: tuple[tuple[str, str], ...] = ()  # (expert code, why)

    @property
    def experts(self) -> tuple[str, ...]:
        return tuple(sorted({p.engagement.expert_code for p in self.paid}))


def override_problem(reason: str | None, experts: Sequence[str]) -> str | None:
    """What is wrong with an override (reason and the experts it names), or None."""
    if reason is None and not experts:
        return None
    if reason is None:
        return "--override-expert vraagt ook --override-reason \"...\" (waarom u toch betaalt)"
    if not reason.strip():
        return (f"de reden is leeg: schrijf met --override-reason in minstens {OVERRIDE_MIN_LENGTH} tekens "
                "waarom u ondanks de fout betaalt; de reden komt in het auditlog")
    if not experts:
        return ("--override-reason geldt voor een deskundige: noem wie met --override-expert CODE "
                "(meer keren mag)")
    # counted as recorded: runs of spaces become one
    if (n := len(" ".join(reason.split()))) < OVERRIDE_MIN_LENGTH:
        return (f"de reden is te kort ({n} tekens): schrijf in minstens "
                f"{OVERRIDE_MIN_LENGTH} tekens waarom u ondanks de fout betaalt; de reden komt in het auditlog")
    return None



def select_lines(candidates: Iterable[PricedEntry], findings: Sequence[Finding], *, names: Mapping[str, str],
                 iban_ok: Callable[[str], bool], override: Sequence[str] = ()) -> Selection:
    """Split the SEPA lines into paid and held per expert.

    Held: an error finding that names the expert (unless the override names them), no valid
    IBAN while something is to be transferred, or a negative balance. An override that
    changes nothing (the expert is not held, has no open SEPA line here, or stays held for a
    reason an override cannot lift) is reported in ``override_unused``: the caller says so
    (the finance employee may have meant someone else); it is never silently dropped."""
    per_expert: dict[str, list[PricedEntry]] = {}
    for p in candidates:
        if ROUTE[p.regime] == "sepa":
            per_expert.setdefault(p.engagement.expert_code, []).append(p)
    errors: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity is Severity.ERROR and f.expert:
            errors.setdefault(f.expert, []).append(f)
    paid: list[PricedEntry] = []
    held: list[Held] = []
    overridden: list[str] = []
    for code in sorted(per_expert):
        lines = per_expert[code]
        name = names.get(code, code)
        amount = money_sum(p.payable for p in lines)
        if code in errors and code not in override:
            first = errors[code][0]
            more = f" (en {len(errors[code]) - 1} andere fout(en))" if len(errors[code]) > 1 else ""
            held.append(Held(code, name, f"{first.message}{more}"))
            continue
        if amount < ZERO:
            held.append(Held(code, name, f"het saldo is negatief ({eur(amount)}): er valt niets over te maken; "
                                         "de regels blijven open voor de volgende uitbetaling"))
            continue
        if amount > ZERO and not iban_ok(code):
            held.append(Held(code, name, "geen geldig IBAN: vul het in met 'vergoeding expert edit "
                                         f"{code} --iban ...'"))
            continue
        if code in errors:
            overridden.append(code)
        paid += lines
    unused: list[tuple[str, str]] = []
    for code in override:
        name = names.get(code, code)
        still = next((h for h in held if h.expert == code), None)
        if code not in per_expert:
            unused.append((code, f"--override-expert {code}: {name} heeft geen open regels in deze uitbetaling"))
        elif still is not None:
            unused.append((code, f"--override-expert {code}: {name} blijft aangehouden, want "
                                 f"{still.reason.rstrip('.')}"))
        elif code not in errors:
            unused.append((code, f"--override-expert {code}: {name} wordt in deze uitbetaling niet aangehouden; "
                                 "alleen wie aangehouden wordt, kunt u met een reden toch betalen"))
    return Selection(tuple(paid), tuple(held), tuple(overridden), tuple(unused))


def payout_number(period_label: str, existing: Sequence[str]) -> str:
    """The first payout of a period is numbered by the period (``2026-11``), follow-ups
    ``2026-11.2``, ``2026-11.3``."""
    if period_label not in existing:
        return period_label
    n = 2
    while f"{period_label}.{n}" in existing:
        n += 1
    return f"{period_label}.{n}"


_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def own_payment_data(priced: Iterable[PricedEntry], own: Organisation, period: Period, *,
                     iban_valid: Callable[[str], bool] = lambda s: bool(s)) -> list[Finding]:
    """What the payout needs of our own organisation before anything can be transferred: a
    name, a valid IBAN, and a BIC that is well-formed when one is given (without a BIC the
    batch says NOTPROVIDED, which Dutch banks accept). Errors without an expert: they stop the
    whole payout, so ``check`` names them first."""
    if not any(p.entry.work_date < period.end and ROUTE[p.regime] == "sepa" and p.payable > ZERO for p in priced):
        return []
    problems: list[tuple[str, str]] = []
    if not own.name.strip():
        problems.append(("naam", "vergoeding org edit {code} --name \"...\""))
    iban = (own.iban or "").replace(" ", "")
    if not iban:
        problems.append(("IBAN ontbreekt", "vergoeding org edit {code} --iban NL..."))
    elif not iban_valid(iban):
        problems.append(("IBAN is ongeldig (controlegetal klopt niet)", "vergoeding org edit {code} --iban NL..."))
    elif problem := debtor_account_problem(iban, own.bic):
        fix = "--bic ..." if problem.startswith("BIC") else "--iban NL..."
        problems.append((problem, "vergoeding org edit {code} " + fix))
    if own.bic and not _BIC.match(own.bic.replace(" ", "").upper()):
        problems.append((f"BIC {own.bic!r} heeft niet de vorm van een BIC (8 of 11 tekens)",
                         "vergoeding org edit {code} --bic ABNANL2A"))
    return [Finding(Severity.ERROR, "payout.own_data",
                    f"Uitbetalen kan niet: {what} bij de eigen organisatie {own.name or own.code}.",
                    f"Vul het aan met '{how.format(code=own.code)}' en controleer opnieuw.",
                    period=str(period), where=f"organisatie {own.code}") for what, how in problems]
