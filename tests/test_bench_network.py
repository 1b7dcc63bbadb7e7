"""The benchmark's synthetic network keeps the rules (bench/synth.py): a small instance has
complete data, volunteers within the caps except the intended few, and a month-end payout
pays everyone else and holds only those few. A rule change that breaks the network fails
here, not silently in `make bench`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bench import synth
from vergoeding.api import checks
from vergoeding.api.payout import plan_payout
from vergoeding.api.workspace import open_workspace
from vergoeding.core.findings import Severity
from vergoeding.core.period import parse_period
from vergoeding.store import schema as s

EXPERTS, ENTRIES = 120, 60_000  # 500 entries an expert, as in the full network

pytestmark = pytest.mark.sqlite_only  # the network is a SQLite file (bench builds it there)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path = tmp_path_factory.mktemp("bench") / "network.db"
    synth.build(path, experts=EXPERTS, clients=8, entries=ENTRIES).dispose()
    ws = open_workspace(db=f"sqlite:///{path}")
    yield ws
    ws.close()


def test_the_network_is_complete(network) -> None:  # noqa: ANN001
    with network.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(s.entries)).scalar() == ENTRIES + 2 * synth.OVER_EXTRA
        regimes = dict(c.execute(select(s.engagements.c.regime, func.count()).group_by(s.engagements.c.regime)).all())
        experts = c.execute(select(s.experts)).all()
    assert set(regimes) == {"vrijwilliger", "particulier", "zzp"} and regimes["vrijwilliger"] > regimes["zzp"]
    assert all(x.iban and x.bsn and x.date_of_birth and x.street and not x.employed_by_us for x in experts)
    assert len({x.iban for x in experts}) == EXPERTS


def test_only_the_intended_few_break_a_rule(network) -> None:  # noqa: ANN001
    findings = checks.check(network, year=2026)
    errors = {(f.rule, f.expert) for f in findings if f.severity is Severity.ERROR}
    # the month cap, and (since check reports the payout's decision) its hold: no one else
    assert {code for _, code in errors} == set(synth.over_cap_codes(EXPERTS))
    assert {("volunteer.month_cap", code) for code in synth.over_cap_codes(EXPERTS)} <= errors
    assert {rule for rule, _ in errors} <= {"volunteer.month_cap", "payout.held"}
    assert synth.over_cap_codes(EXPERTS) == ["E0007", "E0107"]


@pytest.fixture(scope="module")
def october(network):  # noqa: ANN001, ANN201
    """The payout of 2026-10 of everyone (planned, nothing recorded)."""
    return plan_payout(network, parse_period("2026-10"), date(2026, 11, 5))


def test_the_payout_holds_only_the_intended_few(network, october) -> None:  # noqa: ANN001
    plan = october
    assert [h.expert for h in plan.held] == synth.over_cap_codes(EXPERTS)
    volunteers_and_private = {f"E{i:04d}" for i in range(1, EXPERTS + 1)
                              if synth.regime_of(i) != "zzp" and not synth.over_cap(i)}
    assert {t.expert for t in plan.transfers} == volunteers_and_private == {x.code for x in plan.experts}
    # the typed plan: amounts are Decimal, the total is the sum of the transfers, the room is
    # the cap minus what counted, and the stored snapshot says the same in text
    assert plan.total == sum((t.amount for t in plan.transfers), Decimal(0)) > 0
    rooms = [x.room for x in plan.experts if x.room is not None]
    assert rooms and all(r.year_left == r.year_limit - r.year_counted - r.year_declared for r in rooms)
    snap = plan.snapshot()
    assert snap["total"] == str(plan.total) and len(snap["lines"]) == len(plan.lines) >= len(plan.paid_lines)
    assert snap["transfers"][0] == {"expert": plan.transfers[0].expert, "name": plan.transfers[0].name,
                                    "iban": plan.transfers[0].iban, "amount": str(plan.transfers[0].amount),
                                    "description": "Vergoeding 2026-10 Stichting Benchmarknetwerk",
                                    "endtoend_id": f"2026-10-{plan.transfers[0].expert}"}
    assert set(snap) == {"version", "number", "period", "created", "execution_date", "sepa_version", "sepa_created", "msg_id",
                         "override_reason", "override_experts", "expert_only", "organisation", "lines", "experts",
                         "transfers", "held", "findings", "total", "invoices"}


def test_the_bench_sample_is_the_payouts_first_statements(network, october) -> None:  # noqa: ANN001
    """The statements case builds its sample expert by expert (bench/statements_case.py):
    the same statements, byte for byte, as the first ones of the payout of everyone, the held
    expert (E0007) passed over as there."""
    from itertools import islice

    from bench.statements_case import sample_htmls
    from vergoeding.render.payout import iter_statement_htmls

    dirs = (network.settings.templates_dir, network.settings.shipped_templates)
    full = list(islice(iter_statement_htmls(*dirs, october.snapshot()), 8))
    sample = sample_htmls(network, 8)
    assert sample == [h for _, h in full[:8]]
    assert [name for name, _ in full[:8]] == [f"specificatie-2026-10-{code}.pdf" for code in (
        "E0002", "E0003", "E0004", "E0005", "E0006", "E0009", "E0010", "E0011")]
    assert "E0007" not in "".join(sample) and "Deskundige 2<" in sample[0]
