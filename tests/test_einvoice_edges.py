"""E-invoice edge cases found when issue 14 was checked by hand, kept as regressions: every
document still goes through the XSD and the official rule sets (``ubl_rules``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import builders as b
import click
import pytest
from click.testing import CliRunner
from einvoice_rules import UBL_NS, UblRules
from invoicing_data import build
from lxml import etree
from sqlalchemy import update

from vergoeding.api import invoices as api
from vergoeding.core.invoice import (
    Invoice,
    InvoiceLine,
    Party,
    client_vat,
    credit_note,
    expert_vat,
)
from vergoeding.core.period import parse_period
from vergoeding.core.work import Address
from vergoeding.render.ubl import invoice_ubl, item_name
from vergoeding.store import schema as s

SUPPLIER = Party("Docent & Co", Address("Lijnmarkt 4", "3511 KE", "Utrecht"), "NL000099998B57", "30123456",
                 "NL91ABNA0417164300", code="E9")
CUSTOMER = Party("Gemeente Zeist", Address("Het Rond 1", "3701 HS", "Zeist"), oin="00000001001772054000")
EXEMPT_NOTE = "Vrijgesteld van btw: sociaal-culturele dienst, art. 11 lid 1 onderdeel f Wet OB 1968"


def _invoice(fmt: str, lines: tuple[InvoiceLine, ...]) -> Invoice:
    return Invoice(kind="expert", supplier=SUPPLIER, customer=CUSTOMER, issue_date=date(2027, 2, 26), lines=lines,
                   number="E9-2027-004", einvoice_format=fmt, buyer_reference="G031, G032, G033")


@pytest.mark.parametrize("fmt", ["peppol", "si-ubl"])
def test_two_exemptions_and_a_rate_make_one_exempt_breakdown(ubl_rules: UblRules, fmt: str) -> None:
    """Lines under two different exemptions (here an exempt institution's note and CRKBO; a
    KOR zzp'er with one CRKBO engagement is the same case) next to a 21% line: EN 16931
    allows exactly one breakdown with category E (BR-E-01), whose base is the sum of the
    exempt lines (BR-E-08), so the two reasons share it. Before the fix: two E breakdowns,
    BR-E-01 and BR-E-08 fatal in both formats."""
    exempt = client_vat(Decimal("0.21"), EXEMPT_NOTE)
    crkbo = expert_vat(Decimal("0.21"), "crkbo")
    standard = expert_vat(Decimal("0.21"), None)
    lines = (InvoiceLine("Intervisie", Decimal("3.17"), "uur", Decimal("61.13"), exempt),
             InvoiceLine("Training", Decimal("2.5"), "uur", Decimal("89.99"), crkbo),
             InvoiceLine("Advies", Decimal("1.33"), "uur", Decimal("77.77"), standard),
             InvoiceLine("Training", Decimal("0.01"), "uur", Decimal("0.01"), crkbo))
    inv = _invoice(fmt, lines)
    assert len(inv.totals.groups) == 3  # the paper keeps one line per exemption
    for doc in (invoice_ubl(inv), invoice_ubl(replace(credit_note(inv, issue_date=date(2027, 3, 1), reason="dubbel"),
                                                                 number="E9-2027-005"))):
        fatal = ubl_rules.fatal(doc)
        assert not fatal, "\n".join(str(f) for f in fatal)
    root = etree.fromstring(invoice_ubl(inv))
    subs = root.findall("cac:TaxTotal/cac:TaxSubtotal", UBL_NS)
    cats = [(s.findtext("cac:TaxCategory/cbc:ID", namespaces=UBL_NS),
             s.findtext("cbc:TaxableAmount", namespaces=UBL_NS)) for s in subs]
    # 3.17 x 61.13 = 193.78; 2.5 x 89.99 = 224.98 (224.975 rounded); 0.01 x 0.01 = 0.00
    assert cats == [("E", "418.76"), ("S", "103.43")]
    reason = subs[0].findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=UBL_NS) or ""
    assert reason.startswith(EXEMPT_NOTE + "; ") and "CRKBO" in reason
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL_NS) == "21.72"  # 103.43 x 21%


def test_a_shortened_item_name_keeps_the_lines_order_number(ubl_rules: UblRules, tmp_path: Path) -> None:
    """Two engagements with different order numbers: each line names its own. With a long
    line text the item name (BT-153) used to be cut at 100 characters, taking the order
    number with it; it is now shortened in the middle and keeps the closing reference."""
    ws = build(tmp_path / "db.sqlite")
    with ws.engine.begin() as c:
        c.execute(update(s.engagements).where(s.engagements.c.code == "G002").values(
            order_number="INK 2026 (jeugd) 0815",
            description="meerdaagse training voor wijkteams, jongerenwerkers en leerplichtambtenaren in de regio"))
        c.execute(update(s.engagements).where(s.engagements.c.code == "G001").values(order_number="INK-16"))
    inv = api.create_client_invoice(ws, "GEM-UTR", parse_period("2026-10"), issue_date=date(2026, 11, 5))
    xml = api.render(ws, str(inv.number), "ubl")
    assert not ubl_rules.fatal(xml)
    items = etree.fromstring(xml).findall("cac:InvoiceLine/cac:Item", UBL_NS)
    names = [i.findtext("cbc:Name", namespaces=UBL_NS) or "" for i in items]
    descriptions = [i.findtext("cbc:Description", namespaces=UBL_NS) for i in items]
    assert names[0].endswith(" (inkoopnummer INK-16)") and descriptions[0] is None  # short: unchanged
    assert len(names[1]) == 100
    assert names[1].startswith("Trainer") and names[1].endswith("… (inkoopnummer INK 2026 (jeugd) 0815)")
    assert (descriptions[1] or "").endswith("(G002, Bram Jansen) (inkoopnummer INK 2026 (jeugd) 0815)")


def test_item_name() -> None:
    assert item_name("Buddy (G9, Eva)") == "Buddy (G9, Eva)"
    long = "Advies " + "x" * 120
    assert item_name(long) == long[:99] + "…"  # no closing reference: cut at the end
    huge_ref = "Advies (" + "y" * 80 + ")"  # a reference longer than half the room
    assert item_name(huge_ref, 60) == huge_ref[:59] + "…"
    assert item_name("Advies " + "z" * 60 + " (PO-7)", 30) == "Advies " + "z" * 15 + "… (PO-7)"


def test_batch_skips_a_client_with_only_payroll_hours(runner: CliRunner, cli: click.Group, tmp_db: Path,
                                                      tmp_path: Path) -> None:
    """A client whose open hours are payroll hours (never invoiced to a client) is not a
    failure of the batch: the first run invoices the others and exits 0, and so does a
    rerun that completes a deleted e-invoice. Before, such a client was reported as
    'fout: ... geen goedgekeurde, nog niet gefactureerde uren' with exit code 1 (the demo's
    Gemeente Eemvallei on every rerun)."""
    build(tmp_db)
    eng = b.new_engine(tmp_db)
    with eng.begin() as c:
        b.org(c, "WIJK", name="Wijkteam Oost", oin="00000001001299999000")
        b.expert(c, "E090", name="Piet Loon")
        b.engagement(c, "G090", "E090", "WIJK", role="adviseur", regime="loondienst")
        b.entry(c, "G090", date(2026, 10, 14), minutes=185)
    eng.dispose()
    out = tmp_path / "f"
    env = {"VERGOEDING_TODAY": "2026-11-05"}
    args = ["invoice", "create", "--all-clients", "--period", "2026-10", "--out", str(out)]
    r = runner.invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    assert "WIJK" not in r.output and "fout" not in r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "factuur-2026-0001.pdf", "factuur-2026-0001.xml", "factuur-2026-0002.pdf", "factuur-2026-0002.xml"]
    (out / "factuur-2026-0002.xml").unlink()
    r = runner.invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    assert (out / "factuur-2026-0002.xml").is_file() and "fout" not in r.output
    # on its own the client is still refused, with the reason
    r = runner.invoke(cli, ["invoice", "create", "--client", "WIJK", "--period", "2026-10"], env=env)
    assert r.exit_code == 1 and "geen goedgekeurde, nog niet gefactureerde uren voor WIJK" in r.stderr
