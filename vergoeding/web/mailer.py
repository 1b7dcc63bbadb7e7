"""Invitation and login-link mails, through the outbox of :mod:`vergoeding.mail.outbox`
(the same SMTP settings as every mail the product sends: ``VERGOEDING_SMTP``,
``VERGOEDING_MAIL_FROM``). The link points at ``VERGOEDING_WEB_URL``."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from vergoeding.core import nl

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace
    from vergoeding.web.accounts import Link


def link_mail(link: Link, base_url: str, organisation: str) -> tuple[str, str]:
    """(subject, text) of the mail that carries ``link``."""
    url = link.url(base_url)
    until = f"{nl.short_date(link.expires_at)} om {link.expires_at:%H:%M} uur (UTC)"
    who = organisation or "de organisatie"
    if link.purpose == "invite":
        subject = f"Uitnodiging voor het portaal van {who}"
        intro = (f"U bent uitgenodigd voor het portaal van {who}. Daar ziet u uw uren, betalingen en "
                 "hoeveel belastingvrije ruimte u nog heeft." if link.account.kind == "expert" else
                 f"U bent uitgenodigd als medewerker financiën voor het portaal van {who}.")
        steps = ("Klik op de link hieronder. Daarna kiest u een wachtwoord. U mag ook zonder wachtwoord "
                 "inloggen: dan vraagt u elke keer een nieuwe link." if link.account.kind == "expert" else
                 "Klik op de link hieronder. Daarna kiest u een wachtwoord en stelt u een tweede stap in "
                 "(een code uit een app op uw telefoon).")
    else:
        subject = f"Uw inloglink voor het portaal van {who}"
        intro = "U vroeg een link om in te loggen."
        steps = "Klik op de link hieronder om in te loggen."
    text = (f"Beste {link.account.expert_name or link.account.email},\n\n{intro}\n\n{steps}\n\n{url}\n\n"
            f"De link werkt één keer, tot {until}.\n"
            "Heeft u hier niet om gevraagd? Dan hoeft u niets te doen.\n\n"
            f"Met vriendelijke groet,\n{who}\n")
    return subject, text


def send_link(ws: Workspace, link: Link, base_url: str, organisation: str = "", *, background: bool = False) -> int:
    """Queue the mail of ``link`` and send it. ``background``: send in a thread, so that the
    portal answers as fast whether or not the address has an account."""
    from vergoeding.mail.outbox import queue_mail, send_queued

    subject, text = link_mail(link, base_url, organisation)
    mail_id: int = queue_mail(ws, kind=f"portaal-{link.purpose}", to=link.account.email, subject=subject, text=text,
                         ref=f"portal_account:{link.account.id}")

    def send() -> None:
        try:
            send_queued(ws, ids=[mail_id])
        except Exception as exc:  # noqa: BLE001 - the mail stays queued; 'vergoeding mail send' retries
            print(f"vergoeding web: mail {mail_id} niet verstuurd: {exc}", file=sys.stderr)

    if background:
        threading.Thread(target=send, daemon=True).start()
    else:  # the command line: a failure is told (the mail stays queued for 'vergoeding mail send')
        send_queued(ws, ids=[mail_id])
    return mail_id
