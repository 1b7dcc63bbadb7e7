# mypy: disable-error-code="no-untyped-def,no-untyped-call,index,call-overload"
"""The SEPA batch as Dutch banks expect it (issue 14, item 7): execution date, EPC character
set, no empty elements, pain.001.001.03 and .09, each file validated against the XSD of its
version.

The XSDs are the ones sepaxml ships (``sepaxml/schemas``, from the ISO 20022 message
archive); the test checks that each one is the schema of the version it validates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import builders as b
import pytest
import xmlschema
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vergoeding.core.sepa_rules import (
    closing_days,
    easter_sunday,
    epc_name,
    epc_reference,
    epc_remittance,
    epc_text,
    execution_date_problem,
    is_business_day,
    next_business_day,
)
from vergoeding.documents.sepa import sepa_version, sepa_xml
from vergoeding.errors import ConfigError

EPC = re.compile(r"^[a-zA-Z0-9/\-?:().,'+ ]*$")
LONG = "Stichting Maatschappelijke Ondersteuning & Herstel Ervaringsdeskundigheid Regio Zuid-Oost"


def xsd(version: str) -> xmlschema.XMLSchema:
    import sepaxml

    path = Path(sepaxml.__file__).parent / "schemas" / f"{version}.xsd"
    schema = xmlschema.XMLSchema(str(path))
    assert schema.target_namespace == f"urn:iso:std:iso:20022:tech:xsd:{version}"
    return schema


def local(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def find(root: ET.Element, path: str) -> list[ET.Element]:
    """Elements by a slash path of local names (namespace-free)."""
    nodes = [root]
    for part in path.split("/"):
        nodes = [c for n in nodes for c in n if local(c) == part]
    return nodes


def empty_elements(data: bytes) -> list[str]:
    return [local(e) for e in ET.fromstring(data).iter() if len(e) == 0 and not (e.text or "").strip()]


# --- execution date ------------------------------------------------------------------------


def test_easter_and_target_closing_days() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)]
    assert sorted(closing_days(2026)) == [date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1),
                                          date(2026, 12, 25), date(2026, 12, 26)]
    assert is_business_day(date(2026, 4, 27))  # King's Day is a SEPA business day


def test_next_business_day() -> None:
    assert next_business_day(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday -> Monday
    assert next_business_day(date(2026, 12, 2)) == date(2026, 12, 3)
    assert next_business_day(date(2026, 12, 24)) == date(2026, 12, 28)  # Christmas Friday, weekend
    assert next_business_day(date(2026, 12, 31)) == date(2027, 1, 4)  # New Year Friday, weekend
    assert next_business_day(date(2026, 4, 2)) == date(2026, 4, 7)  # Good Friday, Easter Monday


def test_execution_date_problems() -> None:
    today = date(2026, 11, 27)
    assert execution_date_problem(today, today) is None  # today is allowed
    assert execution_date_problem(date(2026, 12, 1), today) is None
    past = execution_date_problem(date(2026, 11, 20), today)
    assert past == ("uitvoerdatum 20-11-2026 ligt in het verleden (vandaag is 27-11-2026); de bank weigert of "
                    "verschuift die. Kies vandaag of later, bijvoorbeeld vrijdag 27-11-2026.")
    sat = execution_date_problem(date(2026, 11, 28), today)
    assert sat == ("uitvoerdatum 28-11-2026 is een zaterdag: banken voeren SEPA-overboekingen alleen op werkdagen "
                   "uit. Kies bijvoorbeeld maandag 30-11-2026.")
    xmas = execution_date_problem(date(2026, 12, 25), today)
    assert xmas is not None and "Eerste Kerstdag" in xmas and "maandag 28-12-2026" in xmas


# --- EPC character set ---------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "epc"), [
    ("Zorg & Welzijn", "Zorg en Welzijn"),
    ("Zorg&Welzijn", "Zorg en Welzijn"),
    ("José Müller-Lüdenscheidt", "Jose Muller-Ludenscheidt"),
    ("Ümit Öztürk-Çelik", "Umit Ozturk-Celik"),
    ("Straße Ærøskøbing", "Strasse AEroskobing"),
    ("O’Brien \"Bob\"", "O'Brien 'Bob'"),
    ("Vergoeding 2026-11 — € 5", "Vergoeding 2026-11 - EUR 5"),
    ("a_b;c [d] {e} #1 *@!", "a-b,c (d) (e) 1"),
    ("Zoë  van\tDijk\n", "Zoe van Dijk"),
    ("Дмитрий", "Dmitrii"),
    ("ＡＢＣ＆１", "ABC en 1"),
])
def test_epc_text(raw: str, epc: str) -> None:
    assert epc_text(raw) == epc


@given(st.text(max_size=200))
def test_epc_text_is_always_in_the_set(s: str) -> None:
    out = epc_text(s)
    assert EPC.match(out) and out == out.strip() and "  " not in out
    name, cut = epc_name(s)
    assert len(name) <= 70 and cut == (len(out) > 70) and EPC.match(name)
    assert len(epc_remittance(s)) <= 140
    ref = epc_reference(s)
    assert 1 <= len(ref) <= 35 and " " not in ref and "//" not in ref and not ref.startswith("/")
    assert not ref.endswith("/") and EPC.match(ref)


def test_name_shortened_at_70_with_flag() -> None:
    name, cut = epc_name(LONG)
    assert cut and len(name) <= 70 and name == "Stichting Maatschappelijke Ondersteuning en Herstel Ervaringsdeskundig"
    assert epc_name("Anne de Vries") == ("Anne de Vries", False)


# --- the XML -------------------------------------------------------------------------------


def snapshot(**org) -> dict:
    return {
        "period": "2026-11", "msg_id": "VERG-2026-11-abcdef0123", "created": "2026-11-27T10:15:00+00:00",
        "execution_date": "2026-11-30",
        "organisation": {"name": "Stichting Zorg & Welzijn", "iban": "NL91ABNA0417164300", "bic": "", **org},
        "transfers": [
            {"expert": "E001", "name": "José Müller & Zn", "iban": "NL20INGB0001234567", "amount": "22.89",
             "description": "Vergoeding 2026-11 Stichting Zorg & Welzijn", "endtoend_id": "2026-11-E001"},
            {"expert": "E002", "name": LONG, "iban": "NL39RABO0300065264", "amount": "1132.40",
             "description": "Vergoeding 2026-11 Stichting Zorg & Welzijn", "endtoend_id": "2026-11-E002"},
        ],
    }


@pytest.mark.parametrize("version", ["pain.001.001.03", "pain.001.001.09"])
@pytest.mark.parametrize("bic", ["", "ABNANL2A"])
def test_batch_valid_for_its_version_and_nothing_empty(version: str, bic: str) -> None:
    data = sepa_xml({**snapshot(bic=bic), "sepa_version": version})
    xsd(version).validate(data.decode())
    root = ET.fromstring(data)
    assert root.tag == f"{{urn:iso:std:iso:20022:tech:xsd:{version}}}Document"
    assert empty_elements(data) == []
    inf = find(root, "CstmrCdtTrfInitn/PmtInf")[0]
    fin = find(inf, "DbtrAgt/FinInstnId")[0]
    if bic:
        tag = "BIC" if version.endswith("03") else "BICFI"
        assert [(local(e), e.text) for e in fin] == [(tag, "ABNANL2A")]
    else:  # both schema versions require the debtor agent: the EPC's NOTPROVIDED
        assert [e.text for e in find(fin, "Othr/Id")] == ["NOTPROVIDED"]
    date_path = "ReqdExctnDt" if version.endswith("03") else "ReqdExctnDt/Dt"
    assert [e.text for e in find(inf, date_path)] == ["2026-11-30"]
    assert find(root, "CstmrCdtTrfInitn/GrpHdr/InitgPty/Nm")[0].text == "Stichting Zorg en Welzijn"
    assert find(inf, "Dbtr/Nm")[0].text == "Stichting Zorg en Welzijn"
    txs = find(inf, "CdtTrfTxInf")
    assert [find(t, "Cdtr/Nm")[0].text for t in txs] == [
        "Jose Muller en Zn", "Stichting Maatschappelijke Ondersteuning en Herstel Ervaringsdeskundig"]
    assert [find(t, "RmtInf/Ustrd")[0].text for t in txs] == ["Vergoeding 2026-11 Stichting Zorg en Welzijn"] * 2
    assert [Decimal(find(t, "Amt/InstdAmt")[0].text or "") for t in txs] == [Decimal("22.89"), Decimal("1132.40")]
    assert find(inf, "CtrlSum")[0].text == "1155.29"
    assert not find(txs[0], "CdtrAgt")  # IBAN-only: no creditor agent at all, not an empty one
    for el in root.iter():
        if local(el) in ("Nm", "Ustrd"):
            assert EPC.match(el.text or ""), el.text


def test_reprint_of_the_same_snapshot_is_byte_identical() -> None:
    snap = {**snapshot(), "sepa_version": "pain.001.001.09"}
    assert sepa_xml(snap) == sepa_xml(snap)


def test_old_snapshot_without_version_is_03() -> None:
    assert b"pain.001.001.03" in sepa_xml(snapshot())


def test_broken_document_fails_the_same_validation() -> None:
    """The validation used above does reject a file that a bank would reject."""
    for version in ("pain.001.001.03", "pain.001.001.09"):
        data = sepa_xml({**snapshot(), "sepa_version": version}).decode()
        broken = re.sub(r"<ReqdExctnDt>.*?</ReqdExctnDt>", "", data, flags=re.S)  # mandatory element
        with pytest.raises(xmlschema.XMLSchemaValidationError):
            xsd(version).validate(broken)
        with pytest.raises(xmlschema.XMLSchemaValidationError):  # and the 03 schema is not the 09 one
            xsd("pain.001.001.09" if version.endswith("03") else "pain.001.001.03").validate(data)


def test_sepa_version_names() -> None:
    assert sepa_version("09") == sepa_version("001.001.09") == sepa_version("PAIN.001.001.09") == "pain.001.001.09"
    assert sepa_version("03") == "pain.001.001.03"
    with pytest.raises(ConfigError, match="pain.001.001.03 of pain.001.001.09"):
        sepa_version("pain.001.001.11")


# --- the CLI -------------------------------------------------------------------------------


def seed(path: Path, *, bic: str | None = None) -> None:
    eng = b.new_engine(path)
    with eng.begin() as c:
        b.org(c, "EIGEN", kind="own", name="Stichting Zorg & Welzijn", bic=bic)
        b.org(c, "GEM", name="Gemeente Utrecht")
        b.expert(c, "E001", name="José Müller", iban="NL20INGB0001234567")
        b.expert(c, "E002", name=LONG, iban="NL39RABO0300065264")
        b.engagement(c, "O1", "E001", "GEM")
        b.engagement(c, "O2", "E002", "GEM")
        b.entry(c, "O1", date(2026, 11, 3), minutes=120)  # 11.50
        b.entry(c, "O2", date(2026, 11, 4), minutes=60)  # 5.75
    eng.dispose()


ENV = {"VERGOEDING_TODAY": "2026-11-27"}  # a Friday


def run(cli, runner: CliRunner, out: Path, *args: str):
    return runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(out), *args], env=ENV)


def test_cli_default_next_business_day_no_bic_and_name_warning(cli, runner: CliRunner, tmp_db: Path,
                                                               tmp_path: Path) -> None:
    seed(tmp_db)
    r = run(cli, runner, tmp_path / "o")
    assert r.exit_code == 0, r.output
    assert "SEPA-batch (pain.001.001.03): uitvoerdatum 30-11-2026." in r.stdout
    assert "[naam ingekort (SEPA)] E002 november 2026" in r.stdout
    assert "in de SEPA-batch staat 'Stichting Maatschappelijke Ondersteuning en Herstel Ervaringsdeskundig'" in \
        " ".join(r.stdout.split())  # the message wraps at 100 columns
    data = (tmp_path / "o" / "sepa-2026-11.xml").read_bytes()
    xsd("pain.001.001.03").validate(data.decode())
    assert empty_elements(data) == []
    root = ET.fromstring(data)
    assert find(root, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt")[0].text == "2026-11-30"
    assert find(root, "CstmrCdtTrfInitn/PmtInf/DbtrAgt/FinInstnId/Othr/Id")[0].text == "NOTPROVIDED"
    assert [e.text for e in root.iter() if local(e) == "Nm"][1:] == [
        "Stichting Zorg en Welzijn", "Jose Muller", "Stichting Maatschappelijke Ondersteuning en Herstel Ervaringsdeskundig"]
    import pypdf

    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "o" / "specificatie-2026-11-E001.pdf").pages)
    assert "30 november 2026" in text  # the statement names the execution date


def test_cli_chosen_date_and_version_09(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path) -> None:
    seed(tmp_db, bic="ABNANL2A")
    r = run(cli, runner, tmp_path / "o", "--execution-date", "01-12-2026", "--sepa-version", "pain.001.001.09")
    assert r.exit_code == 0, r.output
    assert "SEPA-batch (pain.001.001.09): uitvoerdatum 01-12-2026." in r.stdout
    data = (tmp_path / "o" / "sepa-2026-11.xml").read_bytes()
    xsd("pain.001.001.09").validate(data.decode())
    assert empty_elements(data) == []
    root = ET.fromstring(data)
    assert find(root, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt/Dt")[0].text == "2026-12-01"
    assert find(root, "CstmrCdtTrfInitn/PmtInf/DbtrAgt/FinInstnId/BICFI")[0].text == "ABNANL2A"
    # a reprint keeps the date and version; asking for others is refused
    again = tmp_path / "again"
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(again), "--reprint"],
                      env={"VERGOEDING_TODAY": "2027-01-15"})
    assert r.exit_code == 0, r.output
    assert (again / "sepa-2026-11.xml").read_bytes() == data
    r = runner.invoke(cli, ["payout", "--period", "2026-11", "--out", str(again), "--reprint",
                            "--execution-date", "2027-01-18"], env=ENV)
    assert r.exit_code == 2 and "herdruk" in r.stderr


@pytest.mark.parametrize(("day", "message"), [
    ("28-11-2026", "uitvoerdatum 28-11-2026 is een zaterdag"),
    ("2026-11-20", "uitvoerdatum 20-11-2026 ligt in het verleden"),
    ("25-12-2026", "uitvoerdatum 25-12-2026 is Eerste Kerstdag"),
    ("31-11-2026", "deze datum bestaat niet"),
])
def test_cli_refuses_bad_execution_date_and_pays_nothing(cli, runner: CliRunner, tmp_db: Path, tmp_path: Path,
                                                         day: str, message: str) -> None:
    seed(tmp_db)
    out = tmp_path / "o"
    r = run(cli, runner, out, "--execution-date", day)
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
    assert not out.exists()
    eng = b.new_engine(tmp_db)
    with eng.connect() as c:
        from sqlalchemy import func, select

        from vergoeding.store import schema as s

        assert c.execute(select(func.count()).select_from(s.payouts)).scalar_one() == 0
