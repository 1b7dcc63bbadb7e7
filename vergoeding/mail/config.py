"""Where mail goes: the SMTP server, the sender and the organisation's mail settings.

Read from the environment first, then the ``[mail]`` table of ``vergoeding.toml``:

``VERGOEDING_SMTP`` (or ``[mail] smtp``)
    ``smtp://user:pass@host:587?starttls=1`` (STARTTLS on the submission port),
    ``smtps://user:pass@host:465`` (TLS from the first byte), ``smtp://host:25`` (no login,
    no TLS: a relay on the local network). User name and password are percent-encoded in the
    URL (``%40`` for ``@``). Options: ``starttls=0|1`` (default: 1 when there is a login,
    so a password never goes over the line unencrypted), ``timeout=SECONDS`` (30),
    ``cafile=PATH`` (a CA to trust besides the system's, for a server with an internal
    certificate). A login without TLS is refused, except on this machine (localhost).
    Instead of the URL, ``[mail]`` may name ``host``, ``port``, ``user``, ``password``,
    ``security`` (``starttls`` | ``tls`` | ``none``).
``VERGOEDING_MAIL_FROM`` (or ``[mail] from``)
    the sender, ``administratie@organisatie.nl`` or ``Naam <adres>``.
``[mail] reply_to`` (or ``VERGOEDING_MAIL_REPLY_TO``), ``keep_days`` (the bodies and
attachments of sent mails are removed after this many days, default 90),
``statements = "link" | "attachment"`` (with ``VERGOEDING_WEB_URL`` set the default is a
link to the portal).

The password is kept in a field that no ``repr`` shows; :meth:`MailConfig.describe` (used in
every message) names the server without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from vergoeding.config import Settings
from vergoeding.errors import ConfigError

SECURITY = ("starttls", "tls", "none")
DEFAULT_KEEP_DAYS = 90
_LOCAL = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""  # the From address (addr-spec)
    sender_name: str = ""  # the display name (default: the organisation's name)
    reply_to: str | None = None
    timeout: float = 30.0
    cafile: str | None = None
    keep_days: int = DEFAULT_KEEP_DAYS
    statements: str = "attachment"  # attachment | link
    web_url: str | None = None

    def describe(self) -> str:
        """The server as messages name it: never the password."""
        scheme = "smtps" if self.security == "tls" else "smtp"
        who = f"{self.user}@" if self.user else ""
        return f"{scheme}://{who}{self.host}:{self.port}"

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "localhost"


def _sender(value: str, where: str) -> tuple[str, str]:
    name, addr = parseaddr(value)
    try:
        Address(addr_spec=addr)
    except (ValueError, IndexError, TypeError):
        addr = ""
    if not addr or "@" not in addr or any(c.isspace() for c in addr):
        raise ConfigError(f"{where}: {value!r} is geen e-mailadres (verwacht bijvoorbeeld "
                          "administratie@organisatie.nl of 'Naam <administratie@organisatie.nl>')")
    return name, addr


def _int(value: Any, where: str, what: str) -> int:
    try:
        n = int(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {what} {value!r} is geen geheel getal") from None
    if n < 0:
        raise ConfigError(f"{where}: {what} mag niet negatief zijn")
    return n


def parse_url(url: str, where: str = "VERGOEDING_SMTP") -> dict[str, Any]:
    """``smtp://user:pass@host:port?starttls=1`` -> the connection fields. A message about a
    bad URL never repeats the URL (it may hold the password)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigError(f"{where}: geen geldige SMTP-URL (verwacht smtp://gebruiker:wachtwoord@host:587"
                          "?starttls=1 of smtps://...)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(f"{where}: geen geldige SMTP-URL (verwacht smtp://gebruiker:wachtwoord@host:587"
                          "?starttls=1 of smtps://...)")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"starttls", "timeout", "cafile"})
    if unknown:
        raise ConfigError(f"{where}: onbekende optie {unknown[0]!r} (bekend: starttls, timeout, cafile)")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if scheme == "smtps":
        security = "tls"
    elif "starttls" in query:
        if query["starttls"] not in ("0", "1"):
            raise ConfigError(f"{where}: starttls moet 0 of 1 zijn")
        security = "starttls" if query["starttls"] == "1" else "none"
    else:
        security = "starttls" if user else "none"
    out: dict[str, Any] = {"host": parts.hostname, "port": port or (465 if scheme == "smtps" else 587),
                           "security": security, "user": user, "password": password}
    if "timeout" in query:
        out["timeout"] = float(_int(query["timeout"], where, "timeout") or 1)
    if "cafile" in query:
        out["cafile"] = query["cafile"]
    return out


def load_mail_config(settings: Settings, environ: Mapping[str, str] | None = None) -> MailConfig:
    """The mail settings of this workspace; :class:`ConfigError` (a Dutch message without
    the password) when no server or sender is set or a value is wrong."""
    env = os.environ if environ is None else environ
    table: dict[str, Any] = dict(settings.extra.get("mail") or {})
    where_file = "vergoeding.toml [mail]"
    url = env.get("VERGOEDING_SMTP", "").strip()
    if url:
        conn = parse_url(url)
    elif table.get("smtp"):
        conn = parse_url(str(table["smtp"]), f"{where_file} smtp")
    elif table.get("host"):
        security = str(table.get("security", "starttls" if table.get("user") else "none"))
        if security not in SECURITY:
            raise ConfigError(f"{where_file}: security moet starttls, tls of none zijn, niet {security!r}")
        conn = {"host": str(table["host"]), "security": security,
                "port": _int(table.get("port", 465 if security == "tls" else 587), where_file, "port"),
                "user": table.get("user"), "password": table.get("password")}
        if "timeout" in table:
            conn["timeout"] = float(_int(table["timeout"], where_file, "timeout") or 1)
        if "cafile" in table:
            conn["cafile"] = str(table["cafile"])
    else:
        raise ConfigError("geen mailserver ingesteld: zet VERGOEDING_SMTP (bijvoorbeeld "
                          "smtp://gebruiker:wachtwoord@smtp.organisatie.nl:587?starttls=1) of een tabel "
                          "[mail] in vergoeding.toml (zie docs/MAIL.md). Er is niets verzonden.")
    if conn["user"] and conn["security"] == "none" and conn["host"] not in _LOCAL:
        raise ConfigError("de mailserver vraagt een wachtwoord maar de verbinding is niet versleuteld: "
                          "gebruik starttls=1 of smtps:// (het wachtwoord gaat anders leesbaar over het net)")
    sender_v = env.get("VERGOEDING_MAIL_FROM", "").strip() or str(table.get("from", "")).strip()
    if not sender_v:
        raise ConfigError("geen afzender ingesteld: zet VERGOEDING_MAIL_FROM (bijvoorbeeld "
                          "administratie@organisatie.nl) of 'from' in de tabel [mail] van vergoeding.toml")
    name, sender = _sender(sender_v, "VERGOEDING_MAIL_FROM")
    reply_v = env.get("VERGOEDING_MAIL_REPLY_TO", "").strip() or str(table.get("reply_to", "")).strip()
    reply_to = _sender(reply_v, "reply_to")[1] if reply_v else None
    web_url = env.get("VERGOEDING_WEB_URL", "").strip() or None
    statements = str(table.get("statements", "link" if web_url else "attachment"))
    if statements not in ("link", "attachment"):
        raise ConfigError(f"{where_file}: statements moet 'link' of 'attachment' zijn, niet {statements!r}")
    if statements == "link" and not web_url:
        raise ConfigError(f"{where_file}: statements = 'link' vraagt het adres van het portaal "
                          "(VERGOEDING_WEB_URL)")
    return MailConfig(
        host=conn["host"], port=int(conn["port"]), security=conn["security"], user=conn["user"] or None,
        password=conn["password"], sender=sender, sender_name=name, reply_to=reply_to,
        timeout=float(conn.get("timeout", 30.0)), cafile=conn.get("cafile"),
        keep_days=_int(table.get("keep_days", DEFAULT_KEEP_DAYS), where_file, "keep_days"),
        statements=statements, web_url=web_url)
