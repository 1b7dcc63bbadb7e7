"""A real SMTP server for the mail tests (aiosmtpd in a thread of the test process).

It keeps every message it accepted (envelope recipients and the raw bytes), and can be told
to refuse some recipients (5xx or 4xx), to drop the connection at the n-th MAIL FROM, to
answer slowly, to offer STARTTLS with a self-signed certificate and to require a login.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A free TCP port (aiosmtpd's start-up check connects to the port, so port=0 cannot be used)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost made with the openssl command (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@dataclass
class Handler:
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply, e.g. "550 5.1.1 onbekend"
    drop_at: set[int] = field(default_factory=set)  # drop the connection at these MAIL FROM numbers (1-based)
    say_at: dict[int, str] = field(default_factory=dict)  # answer these MAIL FROM numbers with this reply
    slow: float = 0.0  # seconds before answering DATA
    mails_seen: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        with self.lock:
            self.mails_seen += 1
            n = self.mails_seen
        if n in self.drop_at:
            server.transport.abort()
            return "421 4.4.2 verbinding verbroken"
        if n in self.say_at:
            return self.say_at[n]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.slow:
            await asyncio.sleep(self.slow)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 2.0.0 Message accepted"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = [r[1] for r in self.received]
        return [email.message_from_bytes(b, policy=policy.default) for b in raw]  # type: ignore[misc]


class Server:
    def __init__(self, *, tls: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None) -> None:
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            kwargs.update(tls_context=ctx, require_starttls=True)
        if login is not None:
            def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls is not None)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def start(self) -> Server:
        return self.__enter__()

    def stop(self) -> None:
        self.controller.stop()
