"""The official e-invoice rule sets, run the way a receiving municipality or Peppol access
point runs them: the UBL 2.1 XSD (lxml) and the compiled Schematron rules (XSLT 2.0, run with
Saxon-HE via ``saxonche``). The artefacts are vendored unchanged in ``tests/einvoice/`` (see
its SOURCES.md and licences); ``tests/einvoice/validate.py`` is the same check on the
command line.

Compiling the three stylesheets takes seconds, so a test session compiles each one once
(the ``ubl_rules`` fixture in ``conftest.py``) and runs many documents through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "einvoice"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
RULE_FILES = {
    "cen": HERE / "cen" / "EN16931-UBL-validation.xslt",
    "peppol": HERE / "peppol" / "PEPPOL-EN16931-UBL.xslt",
    "nlcius": HERE / "nlcius" / "si-ubl-2.0.xsl",
}
XSD_FILES = {
    "Invoice": HERE / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": HERE / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
UBL_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
          "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}

# Which rule sets apply to a document, by its CustomizationID. The NLCIUS stylesheet
# includes the CEN rules. Peppol's self-billing Schematron is not among the shipped
# artefacts: a self-billed document is checked against the XSD and the CEN rules only
# (docs/E-INVOICE.md says so).
PEPPOL_BILLING = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_SELF_BILLING = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0"
NLCIUS = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
RULE_SETS = {PEPPOL_BILLING: ("cen", "peppol"), PEPPOL_SELF_BILLING: ("cen",), NLCIUS: ("nlcius",)}


@dataclass(frozen=True)
class RuleFinding:
    rule_set: str  # xsd | cen | peppol | nlcius
    flag: str  # fatal | warning
    rule: str  # e.g. BR-NL-10, or XSD
    text: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.rule_set} {self.flag} {self.rule}: {self.text} (at {self.location})"


class UblRules:
    """XSD schemas and compiled rule sets, loaded once; :meth:`check` many documents."""

    def __init__(self) -> None:
        from lxml import etree
        from saxonche import PySaxonProcessor

        self._etree = etree
        self._schemas = {root: etree.XMLSchema(etree.parse(str(path))) for root, path in XSD_FILES.items()}
        self._proc = PySaxonProcessor(license=False)
        xslt = self._proc.new_xslt30_processor()
        self._compiled: dict[str, Any] = {name: xslt.compile_stylesheet(stylesheet_file=str(path))
                                          for name, path in RULE_FILES.items()}

    def close(self) -> None:
        self._compiled.clear()

    def rule_sets(self, xml: bytes) -> tuple[str, ...]:
        root = self._etree.fromstring(xml)
        cid = (root.findtext("cbc:CustomizationID", namespaces=UBL_NS) or "").strip()
        if cid not in RULE_SETS:
            raise AssertionError(f"unknown CustomizationID {cid!r}")
        return RULE_SETS[cid]

    def xsd(self, xml: bytes) -> list[RuleFinding]:
        doc = self._etree.fromstring(xml).getroottree()
        root = self._etree.QName(doc.getroot()).localname
        if root not in self._schemas:
            return [RuleFinding("xsd", "fatal", "XSD", f"root element {root} is neither Invoice nor CreditNote")]
        schema = self._schemas[root]
        if schema.validate(doc):
            return []
        return [RuleFinding("xsd", "fatal", "XSD", e.message, f"line {e.line}") for e in schema.error_log]

    def schematron(self, xml: bytes, rule_set: str) -> list[RuleFinding]:
        node = self._proc.parse_xml(xml_text=xml.decode("utf-8"))
        out = self._compiled[rule_set].transform_to_string(xdm_node=node)
        svrl = self._etree.fromstring(out.encode("utf-8"))
        out = []
        for fa in svrl.iter(SVRL + "failed-assert"):
            text = " ".join((fa.findtext(SVRL + "text") or "").split())
            rule = fa.get("id") or ""
            if not rule and (m := re.match(r"\[([A-Za-z0-9-]+)\]", text)):  # NLCIUS names it in the text
                rule = m.group(1)
            out.append(RuleFinding(rule_set, fa.get("flag") or "fatal", rule, text, fa.get("location") or ""))
        return out

    def check(self, xml: bytes, rule_sets: tuple[str, ...] | None = None) -> list[RuleFinding]:
        """Every finding of the XSD and of the rule sets that apply (by CustomizationID)."""
        found = self.xsd(xml)
        for name in rule_sets or self.rule_sets(xml):
            found += self.schematron(xml, name)
        return found

    def fatal(self, xml: bytes, rule_sets: tuple[str, ...] | None = None) -> list[RuleFinding]:
        return [f for f in self.check(xml, rule_sets) if f.flag == "fatal"]
