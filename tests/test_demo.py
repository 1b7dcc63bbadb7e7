"""The demo: a fresh, deterministic administration with the edge cases (its speed is
`make bench`'s business, case demo)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import PG
from sqlalchemy import select

from vergoeding.api.workspace import open_workspace
from vergoeding.core import ids
from vergoeding.core.compensation import price_entry
from vergoeding.core.money import money_sum
from vergoeding.core.period import month
from vergoeding.demo.run import DEMO_PERIOD, run_demo
from vergoeding.store import queries
from vergoeding.store import schema as s


def test_demo_builds_everything(tmp_path: Path) -> None:
    ws = open_workspace(db=str(tmp_path / "ignored.db"))
    report = run_demo(ws, tmp_path / "demo")
    counts = report.facts["counts"]
    assert counts["organisations"] == 6 and counts["experts"] == 26 and counts["engagements"] == 27
    # 371 planned entries + 18 Tuesday/Thursday afternoons of G023 (the fictitious-employment case)
    assert counts["entries"] == report.facts["entries"] == report.facts["approved"] == 389
    assert (tmp_path / "demo" / "urenoverzicht-E002.pdf").is_file()
    assert not (tmp_path / "ignored.db").exists()

    demo = open_workspace(db=str(tmp_path / "demo" / "vergoeding.db"))
    with demo.engine.connect() as conn:
        experts = {x.code: x for x in queries.all_experts(conn)}
        engs = {g.code: g for g in queries.all_engagements(conn)}
        own = queries.own_organisation(conn)
        statuses = set(conn.execute(select(s.entries.c.status)).scalars())

        def cap(code: str, m: int) -> Decimal:
            es = queries.load_entries(conn, period=month(2026, m), engagement_code=code)
            return money_sum(price_entry(e, engs[code], demo.ratecard, demo.limits).cap_amount for e in es)

        assert [cap("G002", m) for m in (8, 9, 10)] == [Decimal("207.00"), Decimal("207.00"), Decimal("214.38")]
        # over the cap (220) in October only; km at the year's rate counts towards the cap
        assert [cap("G003", m) for m in (8, 9, 10)] == [Decimal("181.70"), Decimal("201.25"), Decimal("281.06")]
        # the chair: 2 meetings x 100 + km at 0.23, just inside the cap every month
        assert [cap("G004", m) for m in (8, 9, 10)] == [Decimal("203.45"), Decimal("204.60"), Decimal("205.29")]
        chair = queries.load_entries(conn, period=DEMO_PERIOD, engagement_code="G004")
        assert price_entry(chair[0], engs["G004"], demo.ratecard, demo.limits).fee == Decimal("100.00")
        budget = sum(e.minutes for e in queries.load_entries(conn, engagement_code="G010"))
        assert engs["G010"].budget_minutes == 2400 and budget == 2340
        g010 = queries.load_entries(conn, engagement_code="G010")
        billed = money_sum(price_entry(e, engs["G010"], demo.ratecard, demo.limits).client_amount for e in g010)
        assert engs["G010"].budget_amount == Decimal("3500.00") and billed == Decimal("3315.00")
    demo.close()
    assert statuses == {"approved", "settled"}  # the demo pays October (payout step)
    assert own.is_anbi and own.may_pay_volunteers and own.has_payroll_tax_number
    assert {g.regime.value for g in engs.values()} == {"vrijwilliger", "vacatiegeld", "zzp", "particulier", "loondienst"}
    assert len({g.role for g in engs.values()}) == 8
    assert (date(2026, 8, 1) - experts["E001"].date_of_birth).days < 21 * 365
    assert experts["E007"].kor and engs["G007"].vat_exemption == "kor" and experts["E008"].vat_id
    assert engs["G009"].regime.value == "particulier" and experts["E009"].bsn
    # everyone with a reporting duty has a BSN: private persons and zzp invoices without VAT
    for g in engs.values():
        if g.regime.value == "particulier" or g.vat_exemption:
            assert experts[g.expert_code].bsn, g.code
    for x in experts.values():
        assert ids.iban(x.iban or "") == x.iban
        if x.bsn:
            assert ids.bsn(x.bsn) == x.bsn
    # deterministic: a second run gives the same figures, in a recreated database (the demo
    # removes its SQLite file; on the PostgreSQL run that path's database is not removed, so
    # the second run goes to a folder, and so a database, of its own)
    again = run_demo(ws, tmp_path / ("demo-2" if PG else "demo"))
    assert again.facts["per_month"] == report.facts["per_month"]


def test_demo_command(demo_run) -> None:  # noqa: ANN001
    """The command's own output, from the session's one run of it (conftest.demo_run)."""
    _, r = demo_run
    assert r.exit_code == 0, r.stderr
    assert "26 ervaringsdeskundigen" in r.stdout and "389 regels goedgekeurd" in r.stdout
    # a new finding of issue 15 in the demo's check of October (Uitv.besl. LB 1965 art. 2c)
    assert "[fictieve dienstbetrekking] E023" in r.stdout and "lijkt een fictieve dienstbetrekking" in r.stdout
    assert "per maand:" in r.stdout and "urenoverzicht-E002.pdf" in r.stdout
    # the portal: accounts and how to log in (tests/test_web_portal.py logs in with them)
    assert "== Portaal" in r.stdout and "vergoeding --db" in r.stdout and " web --port 8000" in r.stdout
    assert "fatima@demo.example" in r.stdout and "financien@demo.example" in r.stdout
