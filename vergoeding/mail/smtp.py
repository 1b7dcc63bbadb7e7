"""One SMTP session (``smtplib``) and what its failures mean.

Three kinds of failure:

- the server cannot be used at all (wrong host, refused connection, TLS handshake or
  certificate, refused login, refused sender): :class:`ServerProblem`, a one-line Dutch
  message that names the server but never the password. The batch stops; every mail not
  yet sent stays queued.
- a temporary answer for one mail (4xx, a dropped connection, a time-out): :class:`Temporary`;
  the mail is tried again later (backoff).
- a permanent answer for one mail (5xx for the recipient or the content): :class:`Permanent`;
  the mail is marked failed with the server's answer.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from vergoeding.mail.config import MailConfig


class ServerProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Temporary(Exception):
    pass


class Permanent(Exception):
    pass


def _answer(code: int, text: bytes | str) -> str:
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(s.split())}"[:300]


def _context(cfg: MailConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if cfg.cafile:
        try:
            ctx.load_verify_locations(cafile=cfg.cafile)
        except (OSError, ssl.SSLError):
            raise ServerProblem(f"mailserver {cfg.describe()}: het CA-bestand {cfg.cafile} kan niet "
                                "worden gelezen") from None
    return ctx


def _tls_reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"het certificaat van de server wordt niet vertrouwd ({exc.verify_message})"
    return f"de versleutelde verbinding (TLS) lukt niet ({type(exc).__name__})"


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """``smtp.login``; a name or password outside ASCII goes as UTF-8 with AUTH PLAIN
    (RFC 4616), which ``smtplib`` cannot do (it encodes the login as ASCII)."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    import base64

    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, resp = smtp.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


class Session:
    """A logged-in connection; :meth:`send` hands one mail to the server."""

    def __init__(self, cfg: MailConfig) -> None:
        self.cfg = cfg
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        cfg = self.cfg
        where = f"mailserver {cfg.describe()}"
        try:
            if cfg.security == "tls":
                self.smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=_context(cfg))
            else:
                self.smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
                if cfg.security == "starttls":
                    self.smtp.ehlo()
                    if not self.smtp.has_extn("starttls"):
                        raise ServerProblem(f"{where}: de server biedt geen STARTTLS aan; controleer de poort "
                                            "(587 met starttls=1, of smtps:// op 465)")
                    self.smtp.starttls(context=_context(cfg))
                    self.smtp.ehlo()
            if cfg.user:
                _login(self.smtp, cfg.user, cfg.password or "")
        except ServerProblem:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError:
            self.close()
            raise ServerProblem(f"{where}: de server weigert de login (gebruikersnaam of wachtwoord "
                                "onjuist)") from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise ServerProblem(f"{where}: de server biedt geen login (AUTH) aan op deze verbinding") from None
        except ssl.SSLError as exc:
            self.close()
            raise ServerProblem(f"{where}: {_tls_reason(exc)}") from None
        except socket.gaierror:
            self.close()
            raise ServerProblem(f"{where}: de servernaam {cfg.host} is onbekend; controleer de host") from None
        except TimeoutError:
            self.close()
            raise ServerProblem(f"{where}: de server antwoordt niet (time-out na {cfg.timeout:g} s)") from None
        except ConnectionRefusedError:
            self.close()
            raise ServerProblem(f"{where}: verbinding geweigerd; controleer host en poort") from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise ServerProblem(f"{where}: de server weigert de verbinding ({_answer(exc.smtp_code, exc.smtp_error)})"
                                ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ServerProblem(f"{where}: geen verbinding ({type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:120] or 'geen details'})") from None

    def send(self, sender: str, to: str, data: bytes) -> None:
        """Hand one mail to the server; returns when the server accepted it."""
        if self.smtp is None:
            self.open()
        assert self.smtp is not None
        try:
            refused = self.smtp.sendmail(sender, [to], data)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code != 421:
                raise self._classify(exc, sender, to) from None
            # 421: the server closes this connection (too many mails on one, shutting down)
            self.close()
            raise Temporary(f"verbinding verbroken ({_answer(exc.smtp_code, exc.smtp_error)})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            if exc.recipients.get(to, (0, b""))[0] == 421:
                self.close()
                raise Temporary("verbinding verbroken (421)") from None
            raise self._classify(exc, sender, to) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise Temporary(f"verbinding verbroken ({type(exc).__name__})") from None
        if refused:
            code, text = refused[to]
            raise (Temporary if 400 <= code < 500 else Permanent)(_answer(code, text))

    def _classify(self, exc: smtplib.SMTPException, sender: str, to: str) -> Exception:
        """The server's answer to one mail -> Temporary, Permanent or ServerProblem; the
        connection is reset for the next mail."""
        self._reset()
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, text = exc.recipients.get(to, (550, b"geweigerd"))
            return (Temporary if 400 <= code < 500 else Permanent)(_answer(code, text))
        assert isinstance(exc, smtplib.SMTPResponseException)
        code, answer = exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error)
        if isinstance(exc, smtplib.SMTPSenderRefused) and code >= 500:
            return ServerProblem(f"mailserver {self.cfg.describe()}: de server weigert afzender {sender} ({answer})")
        return (Temporary if 400 <= code < 500 else Permanent)(answer)

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            try:
                smtp.close()
            except OSError:
                pass
