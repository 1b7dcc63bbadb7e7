"""An outbox row -> the bytes that go over the line (the standard library's ``email`` package).

Plain text and HTML as ``multipart/alternative``; attachments after them with their own file
name and MIME type (a name outside ASCII encoded as RFC 2231 says, the ``email`` package does
that); headers Date (when the mail was queued: a resent mail is the same mail), Message-ID
(fixed per row), From (with the organisation's name), To, Subject (RFC 2047 when it is not
ASCII), Reply-To where set. Lines are CRLF (``policy.SMTP``).
"""

from __future__ import annotations

import html as html_mod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail: the name and MIME type the recipient sees, and the bytes
    (stored in the outbox with their SHA-256; the bytes are pruned with the body later)."""

    filename: str
    mime_type: str
    data: bytes


def text_to_html(text: str) -> str:
    """A plain-text body as simple HTML: paragraphs from blank lines, line breaks kept,
    addresses starting with http(s):// as links."""
    import re

    parts = []
    for para in text.strip().split("\n\n"):
        escaped = html_mod.escape(para.strip())
        escaped = re.sub(r"(https?://[^\s<>&]+)", r'<a href="\1">\1</a>', escaped)
        parts.append("<p>" + escaped.replace("\n", "<br>\n") + "</p>")
    return ("<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"></head>\n"
            "<body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; "
            "color: #1a1a1a; max-width: 40em\">\n" + "\n".join(parts) + "\n</body></html>\n")


def build(*, message_id: str, created_at: datetime, sender: str, sender_name: str, to: str, subject: str,
          text: str, html: str | None, attachments: Sequence[Attachment], reply_to: str | None = None
          ) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    local, _, domain = sender.rpartition("@")
    msg["From"] = Address(display_name=sender_name, username=local, domain=domain)
    msg["To"] = to
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(created_at.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id
    msg["Content-Language"] = "nl"
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html if html is not None else text_to_html(text), subtype="html", charset="utf-8",
                      cte="quoted-printable")
    if attachments:
        # text+html become one alternative part inside multipart/mixed
        msg.make_mixed()
        for a in attachments:
            maintype, _, subtype = a.mime_type.partition("/")
            msg.add_attachment(a.data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=a.filename)
    return msg
