"""Letters people can read: a greeting, short paragraphs (B1 Dutch), the organisation's name
and contact line, as plain text and as HTML (the same words).

:func:`letter` is for every mail the product writes (statements, invoices, reminders; the
portal may use it for its own mails too)."""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from vergoeding.store import schema as s

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace


@dataclass(frozen=True)
class Sender:
    """The organisation as a mail signs: its name and one contact line."""

    name: str
    contact: str  # "030 123 4567 · administratie@organisatie.nl"
    address: str  # "Stationsplein 1, 3511 AB Utrecht"


def sender(conn: Connection, fallback: str = "") -> Sender:
    o = s.organisations
    r = conn.execute(select(o.c.name, o.c.street, o.c.postcode, o.c.city, o.c.phone, o.c.contact_email)
                     .where(o.c.kind == "own")).first()
    if r is None:
        return Sender(fallback or "de administratie", "", "")
    place = " ".join(x for x in (r.postcode, r.city) if x)
    address = ", ".join(x for x in (r.street, place) if x)
    contact = " · ".join(x for x in (r.phone and f"telefoon {r.phone}", r.contact_email) if x)
    return Sender(str(r.name), contact, address)


def workspace_sender(ws: Workspace) -> Sender:
    with ws.engine.connect() as conn:
        return sender(conn)


@dataclass(frozen=True)
class Letter:
    text: str
    html: str


_LINK = re.compile(r"(https?://[^\s<>]+)")


def _html_para(p: str) -> str:
    out = html_mod.escape(p)
    out = _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', out)
    return out.replace("\n", "<br>\n")


def letter(*, greeting: str, paragraphs: Sequence[str], org: Sender, closing: str = "Met vriendelijke groet,"
           ) -> Letter:
    """Text and HTML of a mail: ``greeting`` ("Beste Anouk,"), the paragraphs (a paragraph may
    hold line breaks), the closing and the organisation's name, address and contact line."""
    foot = [org.name] + [x for x in (org.address, org.contact) if x]
    text = "\n\n".join([greeting, *paragraphs, closing + "\n" + "\n".join(foot)]) + "\n"
    body = "\n".join(f"<p>{_html_para(p)}</p>" for p in [greeting, *paragraphs])
    footer = (f"<p>{html_mod.escape(closing)}<br>\n<strong>{html_mod.escape(org.name)}</strong></p>\n"
              + (f'<p style="color:#555;font-size:14px">{"<br>".join(html_mod.escape(x) for x in foot[1:])}</p>\n'
                 if len(foot) > 1 else ""))
    page = ("<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
            f"<title>{html_mod.escape(org.name)}</title></head>\n"
            "<body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; "
            "color: #1a1a1a; max-width: 40em\">\n" + body + "\n" + footer + "</body></html>\n")
    return Letter(text, page)
