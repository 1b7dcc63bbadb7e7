"""Numbering, life cycle and immutability: consecutive numbers per yearly series, never
reused after a credit note, no number consumed by a failing issue, issued invoices never
change, audit rows for every change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from builders import engagement, entry, org
from invoicing_data import ISSUE, build, workspace
from sqlalchemy import func, select

from vergoeding.api import invoices as api
from vergoeding.core.period import parse_period
from vergoeding.errors import RuleViolation
from vergoeding.store import invoices as store
from vergoeding.store.schema import (
    audit_log,
    entries,
    invoice_lines,
    invoice_series,
    invoices,
    organisations,
)

OCT = parse_period("2026-10")


def _count(ws, table) -> int:  # type: ignore[no-untyped-def]
    with ws.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def test_numbers_are_consecutive_per_year_and_never_reused(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    a = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    b = api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE)
    assert (a.number, b.number) == ("2026-0001", "2026-0002")
    cn = api.credit(ws, "2026-0001", "verkeerd tarief", issue_date=ISSUE)
    assert cn.number == "2026-0003" and cn.kind == "credit" and cn.invoice.credit_of == "2026-0001"
    again = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)  # entries were released
    assert again.number == "2026-0004"
    assert again.invoice.totals.total == a.invoice.totals.total
    # another year has its own series (the issue date decides the year); once 2026 is numbered,
    # a document dated in 2025 would come out of the order of the dates (issue 20): refused
    with ws.engine.begin() as c:
        entry(c, "G001", date(2025, 12, 12), minutes=60)
    ws2 = workspace(tmp_path / "db.sqlite")
    with pytest.raises(RuleViolation, match="de nummering van 2026 is al begonnen"):
        api.create_client_invoice(ws2, "GEM-UTR", parse_period("2025-12"), issue_date=date(2025, 12, 31))
    y25 = api.create_client_invoice(ws2, "GEM-UTR", parse_period("2025-12"), issue_date=ISSUE)
    assert y25.number == "2026-0005"  # the December 2025 hours on an invoice of today
    with ws.engine.connect() as c:
        series = dict(c.execute(select(invoice_series.c.series, invoice_series.c.next_number)).all())
    assert series == {"factuur:2026": 6}
    fresh = build(tmp_path / "vorig-jaar.sqlite")
    with fresh.engine.begin() as c:
        entry(c, "G001", date(2025, 12, 12), minutes=60)
    y25 = api.create_client_invoice(workspace(tmp_path / "vorig-jaar.sqlite"), "GEM-UTR", parse_period("2025-12"),
                                    issue_date=date(2025, 12, 31))
    assert y25.number == "2025-0001"
    assert y25.invoice.totals.vat == Decimal("9.45")  # 45.00 x 21% from the 2025 limits file


def test_configured_number_format(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite")
    ws = workspace(tmp_path / "db.sqlite", invoices={"number_format": "F{year}{seq:05d}"})
    assert api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE).number == "F202600001"
    assert api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE).number == "F202600002"


def test_a_failing_issue_consumes_no_number(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    # missing mandatory data: our VAT id gone -> refused with the list, before any number
    with ws.engine.begin() as c:
        c.execute(organisations.update().where(
            organisations.c.kind == "own").values(vat_id=None, kvk=None))
    with pytest.raises(RuleViolation) as exc:
        api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    assert "btw-identificatienummer leverancier" in exc.value.message
    assert "KvK-nummer leverancier" in exc.value.message
    assert "Wet OB art. 35a" in exc.value.message
    with ws.engine.begin() as c:
        c.execute(organisations.update().where(
            organisations.c.kind == "own").values(vat_id="NL000099998B57", kvk="12345678"))
    # a failure AFTER the number was taken (entries invoiced meanwhile) rolls the number back
    before = (_count(ws, invoices), _count(ws, invoice_lines), _count(ws, audit_log))
    real_link = store._link_entries

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuleViolation("een deel van de uren is intussen al gefactureerd")

    store._link_entries = boom  # type: ignore[assignment]
    try:
        with pytest.raises(RuleViolation):
            api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    finally:
        store._link_entries = real_link  # type: ignore[assignment]
    assert (_count(ws, invoices), _count(ws, invoice_lines), _count(ws, audit_log)) == before
    assert api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE).number == "2026-0001"


def test_invoiced_entries_are_locked_and_not_invoiced_twice(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    a = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    with ws.engine.connect() as c:
        linked = c.execute(select(entries.c.id).where(entries.c.invoice_id == a.id)).all()
    assert len(linked) == 4  # 2 x G001 + 2 x G002 of October; not the logged one, not September
    with pytest.raises(RuleViolation, match="geen goedgekeurde, nog niet gefactureerde uren"):
        api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    # the expert invoice uses its own column: the zzp hours can still be invoiced by the expert
    e = api.create_expert_invoice(ws, "E002", OCT, issue_date=ISSUE, self_billing=True)
    with ws.engine.connect() as c:
        assert c.execute(select(func.count()).where(entries.c.expert_invoice_id == e.id)).scalar_one() == 2


def test_issued_invoice_is_immutable(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    a = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    with ws.engine.begin() as c:
        with pytest.raises(RuleViolation, match="kan niet meer worden gewijzigd"):
            store.change(c, "2026-0001", total_cents=1)
        with pytest.raises(RuleViolation, match="nooit verwijderd"):
            store.delete(c, "2026-0001", actor="x")
    api.mark_paid(ws, "2026-0001", paid_on=date(2026, 11, 20))
    with ws.engine.begin() as c, pytest.raises(RuleViolation):
        store.change(c, "2026-0001", snapshot="{}")
    s = api.show(ws, "2026-0001")
    assert s.status == "paid" and s.paid_at == date(2026, 11, 20)
    assert s.invoice == a.invoice  # snapshot unchanged
    with pytest.raises(RuleViolation, match="alleen een uitgereikte"):
        api.mark_paid(ws, "2026-0001", paid_on=date(2026, 11, 21))


def test_credit_note_rules_and_audit(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE)
    cn = api.credit(ws, "2026-0001", "uren dubbel geteld", issue_date=date(2026, 11, 10))
    assert cn.invoice.totals.total == Decimal("-958.08")
    assert cn.invoice.totals.vat == Decimal("-166.28")
    assert [x.quantity for x in cn.invoice.lines] == [Decimal("-3.75"), Decimal("-7.33")]  # 440 min: 7.33 h as invoiced
    assert api.show(ws, "2026-0001").status == "credited"
    with pytest.raises(RuleViolation, match="status 'credited'"):
        api.credit(ws, "2026-0001", "nog eens", issue_date=ISSUE)
    with pytest.raises(RuleViolation, match="zelf een creditnota"):
        api.credit(ws, "2026-0002", "x", issue_date=ISSUE)
    with ws.engine.connect() as c:
        released = c.execute(select(func.count()).where(entries.c.invoice_id.is_not(None))).scalar_one()
        actions = [r.action for r in c.execute(select(audit_log.c.action).order_by(audit_log.c.id))]
        actor = c.execute(select(audit_log.c.actor)).scalars().all()
    assert released == 0
    assert actions == ["invoice.issue", "invoice.credit", "invoice.credited"]
    assert set(actor) == {"tester"}


def test_concept_then_issue_or_discard(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    c1 = api.create_client_invoice(ws, "GEM-UTR", OCT, issue_date=ISSUE, concept=True)
    assert c1.number is None and c1.status == "concept" and c1.label == f"concept-{c1.id}"
    c2 = api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE, concept=True)
    api.discard(ws, c2.label)  # entries released, no number used
    issued = api.issue(ws, c1.label, issue_date=date(2026, 11, 6))
    assert issued.number == "2026-0001" and issued.status == "issued" and issued.issue_date == date(2026, 11, 6)
    assert api.create_client_invoice(ws, "ZORG", OCT, issue_date=ISSUE).number == "2026-0002"
    with pytest.raises(RuleViolation, match="al uitgereikt"):
        api.issue(ws, "2026-0001", issue_date=ISSUE)


def test_self_billing_and_expert_series(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    sb = api.create_expert_invoice(ws, "E002", OCT, issue_date=ISSUE, self_billing=True)
    assert sb.number == "ZF2026-E002-001"
    # never a document in the expert's name without the self-billing agreement: the way out is named
    with pytest.raises(RuleViolation, match="wij maken geen factuur op naam van E003.*invoice receive"):
        api.create_expert_invoice(ws, "E003", OCT, issue_date=ISSUE)
    kor = api.receive_expert_invoice(ws, "E003", OCT, number="E003-2026-001", invoice_date=ISSUE).stored
    assert kor.number == "E003-2026-001" and kor.approved_at is None
    with pytest.raises(RuleViolation, match="zelffacturering is niet afgesproken"):
        api.create_expert_invoice(ws, "E004", OCT, issue_date=ISSUE, self_billing=True)
    with pytest.raises(RuleViolation, match="geen zzp-opdracht"):
        api.receive_expert_invoice(ws, "E001", OCT, number="X-1", invoice_date=ISSUE)
    cn = api.credit(ws, "ZF2026-E002-001", "verkeerde maand", issue_date=ISSUE)
    assert cn.number == "ZF2026-E002-002" and cn.invoice.self_billed


def test_client_invoice_needs_a_client(tmp_path: Path) -> None:
    ws = build(tmp_path / "db.sqlite")
    with ws.engine.begin() as c:
        org(c, "LEEG", name="Stichting Zonder Uren")
        engagement(c, "G099", "E001", "LEEG")
    with pytest.raises(RuleViolation, match="geen goedgekeurde"):
        api.create_client_invoice(ws, "LEEG", OCT, issue_date=ISSUE)
    assert _count(ws, invoice_series) == 0
