"""Tagged PDFs: running headers and footers become artifacts; an element that crosses a page
stays one element.

WeasyPrint (70) draws the page-margin boxes (``@bottom-left`` with the document's title,
``@bottom-right`` with "pagina X van Y") as marked content with an MCID, builds structure
elements for them and then leaves those out of the structure tree ("could be included in tree
as Artifact, but that's only allowed in PDF 2.0", weasyprint/pdf/tags.py). Such content is
neither in the tree nor an artifact: PDF/UA-1 (ISO 14289-1, 7.1) requires one of the two, and
readers read it aloud as content between the paragraphs of every page.

:func:`running_content_as_artifacts` is a WeasyPrint ``finisher``: it runs on the PDF objects
after the tags are built and before the file is written. Every MCID of a page that no element
reachable from the structure root claims is rewritten in the page's content stream from
``/Span <</MCID n>> BDC`` to ``/Artifact <</Type /Pagination>> BDC`` (a pagination artifact,
ISO 32000-1 14.8.2.2), and its entry in the parent tree is emptied. Nothing else changes: the
page looks the same and the output stays byte-identical for the same input.

WeasyPrint also builds the structure tree page by page: a table (or section, paragraph) that
crosses a page becomes one element per page, and the header row it repeats on each page is
tagged again as header cells. :func:`record_elements` wraps WeasyPrint's tree builder to note
which HTML element each structure element was made for; the finisher then merges the elements
of one HTML element into the first (its kids appended in order, so one Table with one THead and
every row), marks a repeated ``thead``/``tfoot`` as an artifact (a reader reads the header once;
the data cells of later pages refer to the header cells of the first page), and only then
turns what no element claims into artifacts. This leans on WeasyPrint's private
``weasyprint.pdf.tags._build_box_tree``; tests/test_pdf_tags.py reads the tree back, so a
WeasyPrint release that changes it fails there."""

from __future__ import annotations

from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as _wp_tags

_REPEATED = ("/THead", "/TFoot")  # WeasyPrint repeats table-header/footer groups on each page


def _obj(pdf: Any, ref: Any) -> Any:
    """The object behind ``b'12 0 R'`` (pydyf numbers its objects by their place in the list)."""
    if isinstance(ref, (bytes, str)):
        text = ref.decode() if isinstance(ref, bytes) else ref
        parts = text.split()
        if len(parts) == 3 and parts[2] == "R":
            return pdf.objects[int(parts[0])]
    return ref


def _reachable(pdf: Any, root: Any) -> set[int]:
    """Object numbers of the structure elements reachable from the structure tree root."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, pydyf.Dictionary):
            number = getattr(node, "number", None)
            if number is not None:
                if number in seen:
                    continue
                seen.add(number)
            kids = node.get("K")
            if kids is None:
                continue
            items = kids if isinstance(kids, (list, pydyf.Array)) else [kids]
            todo.extend(_obj(pdf, k) for k in items if not isinstance(k, int))
    return seen


_original_build = _wp_tags._build_box_tree


def _recording_build(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any,
                     tags: Any) -> Any:
    """WeasyPrint's builder, noting (HTML element, structure element) in ``pdf._vg_elements``.
    Margin boxes (running header/footer) and the html/body/page pass-through are not noted."""
    notes = pdf.__dict__.setdefault("_vg_elements", [])
    if isinstance(box, boxes.MarginBox):
        pdf.__dict__["_vg_margin"] = True
        try:
            yield from _original_build(box, parent, pdf, page_number, nums, annotations, tags)
        finally:
            pdf.__dict__["_vg_margin"] = False
        return
    real = getattr(box, "_box", box)  # an absolutely positioned placeholder
    html = getattr(real, "element", None)
    passthrough = isinstance(real, boxes.PageBox) or getattr(real, "element_tag", None) in ("html", "body")
    for element in _original_build(box, parent, pdf, page_number, nums, annotations, tags):
        if html is not None and not passthrough and not pdf.__dict__.get("_vg_margin"):
            notes.append((page_number, id(html), str(element["S"]), element))
        yield element


def record_elements() -> None:
    """Install the recording builder (idempotent; it only notes, the tree it builds is the same)."""
    _wp_tags._build_box_tree = _recording_build


def _merge_pages(pdf: Any) -> None:
    """Merge the per-page elements of one HTML element (see the module docstring)."""
    notes = pdf.__dict__.pop("_vg_elements", [])
    first: dict[tuple[int, str, int], Any] = {}
    seen: dict[tuple[int, int, str], int] = {}
    pairs = []
    for page, html, tag, element in notes:
        k = seen[(page, html, tag)] = seen.get((page, html, tag), -1) + 1
        key = (html, tag, k)
        if key in first:
            if first[key]["Pg"] != element["Pg"]:
                pairs.append((first[key], element))
        else:
            first[key] = element
    if not pairs:
        return
    renamed: dict[str, Any] = {}
    replaced: dict[bytes, bytes] = {}
    root = _obj(pdf, pdf.catalog["StructTreeRoot"])
    # the elements inside a repeated header/footer group go with it (not merged into the first)
    repeated = set().union(*(_reachable(pdf, later) for _, later in pairs if str(later["S"]) in _REPEATED))
    for keep, later in pairs:
        if later.get("ID") is not None and keep.get("ID") is not None:
            renamed[str(later["ID"])] = keep["ID"]
        if later.number in repeated and str(later["S"]) not in _REPEATED:
            continue
        parent = _obj(pdf, later["P"])
        if isinstance(parent, pydyf.Dictionary):
            parent["K"] = pydyf.Array(k for k in parent["K"] if k != later.reference)
        if str(later["S"]) in _REPEATED:
            continue  # dropped from the tree: its content becomes an artifact below
        replaced[later.reference] = keep.reference
        for kid in later["K"]:
            target = _obj(pdf, kid)
            if isinstance(kid, int):
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": later["Pg"], "MCID": kid}) \
                    if later["Pg"] != keep["Pg"] else kid
            elif isinstance(target, pydyf.Dictionary) and "P" in target:
                target["P"] = keep.reference
            keep["K"].append(kid)
    nums = _obj(pdf, root["ParentTree"])["Nums"]
    for i in range(1, len(nums), 2):
        value = nums[i]
        if isinstance(value, (list, pydyf.Array)):
            for j, ref in enumerate(value):
                if ref in replaced:
                    value[j] = replaced[ref]
        elif value in replaced:
            nums[i] = replaced[value]
    if renamed:
        for obj in pdf.objects:
            attrs = obj.get("A") if isinstance(obj, pydyf.Dictionary) else None
            if isinstance(attrs, pydyf.Dictionary) and "Headers" in attrs:
                attrs["Headers"] = pydyf.Array(renamed.get(str(h), h) for h in attrs["Headers"])


def running_content_as_artifacts(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher (see the module docstring)."""
    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return
    _merge_pages(pdf)
    root = _obj(pdf, root_ref)
    reachable = _reachable(pdf, root)
    nums = _obj(pdf, root["ParentTree"])["Nums"]
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    kids = pdf.pages["Kids"]  # pydyf keeps them flat: number, 0, 'R', number, 0, 'R', ...
    for number in kids[0::3]:
        page = pdf.objects[int(number)]
        key = page.get("StructParents")
        mapping = parents.get(int(key)) if key is not None else None
        if not isinstance(mapping, (list, pydyf.Array)):
            continue
        orphans = {mcid for mcid, ref in enumerate(mapping) if _obj(pdf, ref).number not in reachable}
        if not orphans:
            continue
        ops = _obj(pdf, page["Contents"]).stream
        for i, op in enumerate(ops):
            if (op == b"BDC" and i >= 2 and isinstance(ops[i - 1], pydyf.Dictionary)
                    and ops[i - 1].get("MCID") in orphans):
                ops[i - 2] = "/Artifact"
                ops[i - 1] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in orphans:
            mapping[mcid] = "null"
