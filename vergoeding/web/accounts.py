"""Portal accounts, single-use links, passwords and the second factor.

Used by the command line (``vergoeding user invite/revoke/list``) and by the portal itself.
Secrets are never stored: a link's token, a session id and a recovery code (random, ~50
bits or more) as sha256; a password (chosen by a person) as argon2id. Every change writes an
audit row naming who made it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, insert, or_, select, update

from vergoeding.errors import InputError, NotFoundError, RuleViolation
from vergoeding.store import schema as s
from vergoeding.store.base import _new_id, audit
from vergoeding.store.db import now_utc, transaction

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

INVITE_HOURS = 72  # an invitation link is valid three days
LOGIN_MINUTES = 15  # an e-mailed login link a quarter of an hour
KINDS = ("expert", "finance")
_EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    kind: str  # 'expert' | 'finance'
    expert_id: int | None
    expert_code: str | None
    expert_name: str | None
    has_password: bool
    totp_enabled: bool
    revoked: bool
    last_login_at: datetime | None = None

    @property
    def is_finance(self) -> bool:
        return self.kind == "finance"

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"portaal:{self.email}"


@dataclass(frozen=True)
class Link:
    account: Account
    token: str  # shown once (in the mail); only its hash is stored
    purpose: str
    expires_at: datetime

    def url(self, base: str) -> str:
        return f"{base.rstrip('/')}/link/{self.token}"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalize_email(value: str, *, field: str = "e-mail") -> str:
    addr = (value or "").strip().lower()
    if len(addr) > 254 or not _EMAIL.match(addr):
        raise InputError(f"{value!r} is geen geldig e-mailadres (bijvoorbeeld naam@voorbeeld.nl)", field=field)
    return addr


def _select() -> Any:
    a, x = s.portal_accounts, s.experts
    return select(a, x.c.code.label("expert_code"), x.c.name.label("expert_name")).select_from(
        a.outerjoin(x, x.c.id == a.c.expert_id))


def _account(r: Any) -> Account:
    return Account(int(r.id), r.email, r.kind, r.expert_id, r.expert_code, r.expert_name,
                   bool(r.password_hash), bool(r.totp_secret), r.revoked_at is not None, r.last_login_at)


_SESSION = (select(s.portal_sessions.c.account_id.label("session_account"),
                   s.portal_sessions.c.data.label("session_data"),
                   s.portal_sessions.c.expires_at.label("session_expires"), s.portal_accounts,
                   s.experts.c.code.label("expert_code"), s.experts.c.name.label("expert_name"))
            .select_from(s.portal_sessions.outerjoin(s.portal_accounts,
                                                     s.portal_accounts.c.id == s.portal_sessions.c.account_id)
                         .outerjoin(s.experts, s.experts.c.id == s.portal_accounts.c.expert_id))
            .where(s.portal_sessions.c.id_hash == bindparam("id_hash")))  # built once: every request reads it


def session_with_account(conn: Any, id_hash: str) -> tuple[Any, Account | None] | None:
    """The session row of ``id_hash`` (``account_id``, ``data``, ``expires_at``) and its
    account, in one statement (every request reads both); None: no such session."""
    r = conn.execute(_SESSION, {"id_hash": id_hash}).first()
    if r is None:
        return None
    return r, (_account(r) if r.id is not None else None)


def account_by_id(conn: Any, account_id: int) -> Account | None:
    r = conn.execute(_select().where(s.portal_accounts.c.id == account_id)).first()
    return _account(r) if r else None


def account_by_email(conn: Any, email: str) -> Account | None:
    r = conn.execute(_select().where(s.portal_accounts.c.email == email.strip().lower())).first()
    return _account(r) if r else None


def accounts(ws: Workspace) -> list[Account]:
    with ws.engine.connect() as conn:
        return [_account(r) for r in conn.execute(_select().order_by(s.portal_accounts.c.email))]


def _new_token(conn: Any, account_id: int, purpose: str, valid: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    now = now_utc()
    conn.execute(insert(s.portal_tokens).values(token_hash=sha256(token), account_id=account_id, purpose=purpose,
                                                created_at=now, expires_at=now + valid))
    return token, now + valid


def invite(ws: Workspace, *, email: str, kind: str, expert_code: str | None = None) -> Link:
    """Create (or re-open) the account of ``email`` and make an invitation link. An expert
    account belongs to one expert (``expert_code``); a finance account to nobody's data."""
    if kind not in KINDS:
        raise InputError(f"soort account {kind!r} bestaat niet (expert of finance)", field="soort")
    addr = normalize_email(email)
    a = s.portal_accounts
    with transaction(ws.engine) as conn:
        expert_id = None
        if kind == "expert":
            if not expert_code:
                raise InputError("geef de code van de deskundige (--expert E001)", field="expert")
            from vergoeding.store.base import _id_of

            expert_id = _id_of(conn, s.experts, expert_code, "ervaringsdeskundige", "expert")
            other = conn.execute(select(a.c.email).where(a.c.expert_id == expert_id, a.c.email != addr,
                                                         a.c.revoked_at.is_(None))).scalar()
            if other:
                raise RuleViolation(f"deskundige {expert_code} heeft al een account ({other}); trek dat eerst in "
                                    f"met 'vergoeding user revoke --email {other}'")
        elif expert_code:
            raise InputError("een account van financiën hoort niet bij een deskundige (laat --expert weg)",
                             field="expert")
        row = conn.execute(select(a).where(a.c.email == addr)).first()
        if row is None:
            res = conn.execute(insert(a).values(email=addr, kind=kind, expert_id=expert_id, created_at=now_utc(),
                                                created_by=ws.actor))
            account_id = _new_id(res)
            audit(conn, ws.actor, "portal.invite", "portal_account", account_id,
                  {"email": addr, "kind": kind, "expert": expert_code})
        else:
            if row.kind != kind or row.expert_id != expert_id:
                raise RuleViolation(f"{addr} heeft al een account van een andere soort of deskundige; nodig uit "
                                    "met een ander adres")
            account_id = int(row.id)
            conn.execute(update(a).where(a.c.id == account_id).values(revoked_at=None))
            audit(conn, ws.actor, "portal.reinvite", "portal_account", account_id, {"email": addr})
        token, expires = _new_token(conn, account_id, "invite", timedelta(hours=INVITE_HOURS))
        acc = account_by_id(conn, account_id)
    assert acc is not None
    return Link(acc, token, "invite", expires)


def login_link(ws: Workspace, email: str) -> Link | None:
    """A login link for ``email``, or None when there is no usable account (the caller
    answers the same either way)."""
    try:
        addr = normalize_email(email)
    except InputError:
        return None
    with transaction(ws.engine) as conn:
        acc = account_by_email(conn, addr)
        if acc is None or acc.revoked:
            return None
        token, expires = _new_token(conn, acc.id, "login", timedelta(minutes=LOGIN_MINUTES))
    return Link(acc, token, "login", expires)


class LinkInvalid(InputError):
    """A link that was used before, has expired, or never existed (one message for all three)."""


def redeem(ws: Workspace, token: str) -> tuple[Account, str]:
    """Use a link once: (account, purpose). Two requests with the same link at once: one wins."""
    t = s.portal_tokens
    now = now_utc()
    with transaction(ws.engine) as conn:
        row = conn.execute(select(t).where(t.c.token_hash == sha256(token))).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise LinkInvalid("Deze link werkt niet meer. Een link werkt maar één keer en maar kort. "
                              "Vraag een nieuwe link aan.")
        done = conn.execute(update(t).where(t.c.id == row.id, t.c.used_at.is_(None)).values(used_at=now))
        acc = account_by_id(conn, int(row.account_id))
        if done.rowcount != 1 or acc is None or acc.revoked:
            raise LinkInvalid("Deze link werkt niet meer. Vraag een nieuwe link aan.")
        audit(conn, acc.actor, f"portal.link_{row.purpose}", "portal_account", acc.id, {})
    return acc, str(row.purpose)


def revoke(ws: Workspace, email: str) -> int:
    """Close an account: its sessions end at once, its open links stop working, its password
    and second factor are removed (a new invitation starts afresh). Returns how many sessions
    were ended."""
    addr = normalize_email(email)
    a = s.portal_accounts
    with transaction(ws.engine) as conn:
        acc = account_by_email(conn, addr)
        if acc is None:
            raise NotFoundError(f"er is geen account met e-mailadres {addr}")
        # a new start after a new invitation: new password, new second factor (a lost phone)
        conn.execute(update(a).where(a.c.id == acc.id).values(revoked_at=now_utc(), password_hash=None,
                                                               totp_secret=None, recovery_codes="[]"))
        ended = conn.execute(delete(s.portal_sessions).where(s.portal_sessions.c.account_id == acc.id)).rowcount
        conn.execute(update(s.portal_tokens).where(s.portal_tokens.c.account_id == acc.id,
                                                   s.portal_tokens.c.used_at.is_(None)).values(used_at=now_utc()))
        audit(conn, ws.actor, "portal.revoke", "portal_account", acc.id, {"email": addr, "sessions": ended})
    return int(ended or 0)


# ---------------------------------------------------------------------------- passwords


def _hasher() -> Any:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(type=Type.ID)  # argon2id, the library's RFC 9106 low-memory profile


MIN_PASSWORD = 12


def password_problem(password: str, email: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD} tekens. Een zin van een paar woorden is goed."
    if len(password) > 200:
        return "Dit wachtwoord is te lang. Gebruik hoogstens 200 tekens."
    if password.strip().lower() in (email.lower(), email.split("@")[0].lower()):
        return "Kies een wachtwoord dat niet uw e-mailadres is."
    return None


def set_password(ws: Workspace, account: Account, password: str) -> None:
    if problem := password_problem(password, account.email):
        raise InputError(problem, field="wachtwoord")
    a = s.portal_accounts
    with transaction(ws.engine) as conn:
        conn.execute(update(a).where(a.c.id == account.id).values(password_hash=_hasher().hash(password)))
        audit(conn, account.actor, "portal.password", "portal_account", account.id, {})


# A fixed hash to verify against when the address is unknown: the answer takes as long.
_DUMMY: list[str] = []


def check_password(ws: Workspace, email: str, password: str) -> Account | None:
    """The account when ``password`` is right; None otherwise (unknown address, revoked, no
    password, wrong password: the same answer, after the same amount of work)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    ph = _hasher()
    try:
        addr = normalize_email(email)
    except InputError:
        addr = ""
    a = s.portal_accounts
    with ws.engine.connect() as conn:
        row = conn.execute(select(a.c.id, a.c.password_hash, a.c.revoked_at).where(a.c.email == addr)).first() \
            if addr else None
    if row is None or not row.password_hash:
        if not _DUMMY:
            _DUMMY.append(ph.hash(secrets.token_hex(8)))
        try:
            ph.verify(_DUMMY[0], password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        ph.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row.revoked_at is not None:
        return None
    if ph.check_needs_rehash(row.password_hash):
        with transaction(ws.engine) as conn:
            conn.execute(update(a).where(a.c.id == row.id).values(password_hash=ph.hash(password)))
    with ws.engine.connect() as conn:
        return account_by_id(conn, int(row.id))


def record_login(ws: Workspace, account: Account, how: str) -> None:
    a = s.portal_accounts
    with transaction(ws.engine) as conn:
        conn.execute(update(a).where(a.c.id == account.id).values(last_login_at=now_utc()))
        audit(conn, account.actor, "portal.login", "portal_account", account.id, {"how": how})


# ---------------------------------------------------------------------------- second factor


def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def totp_uri(secret: str, email: str, issuer: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def totp_qr_svg(uri: str) -> str:
    """The ``otpauth://`` link as a QR code: an inline SVG (no script, no image request, nothing
    the CSP has to allow), black on white with the quiet zone the standard asks for, named for
    a screen reader. segno makes it; error correction M survives a phone camera's glare."""
    import segno

    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, dark="#000", light="#fff", svgclass="qr", lineclass=None,
        title="QR-code met de sleutel voor de app")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR-code met de sleutel voor de app" ', 1)


def totp_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The 30-second time step whose code ``code`` is (the step before, now, or the step after,
    for a clock a little off), or None when it is none of them."""
    import hmac

    import pyotp

    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at or datetime.now(UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(conn: Any, account_id: int, step: int) -> bool:
    """Mark ``step`` used for this account; False when it (or a later step) was used before: a
    code works once, also when it is seen by someone looking over a shoulder or replayed by a
    second request within its 30 seconds. One conditional UPDATE, so two requests at once with
    the same code cannot both win."""
    a = s.portal_accounts
    done = conn.execute(update(a).where(a.c.id == account_id, or_(a.c.totp_last_step.is_(None),
                                                                    a.c.totp_last_step < step))
                        .values(totp_last_step=step)).rowcount
    return bool(done == 1)


def _recovery_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
    return ["-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(2)) for _ in range(10)]


def enable_totp(ws: Workspace, account: Account, secret: str, code: str) -> list[str]:
    """Confirm the second factor with a first code; returns ten recovery codes (shown once)."""
    step = totp_step(secret, code)
    if step is None:
        raise InputError("Deze code klopt niet. Typ de 6 cijfers die de app nu laat zien.", field="code")
    codes = _recovery_codes()
    a = s.portal_accounts
    with transaction(ws.engine) as conn:
        # the code that switched the second factor on cannot also be used for the next login
        conn.execute(update(a).where(a.c.id == account.id).values(
            totp_secret=secret, totp_last_step=step, recovery_codes=json.dumps([sha256(c) for c in codes])))
        audit(conn, account.actor, "portal.totp_enabled", "portal_account", account.id, {})
    return codes


WRONG_CODE = "Deze code klopt niet. Typ de 6 cijfers die de app nu laat zien, of een herstelcode."
USED_CODE = ("Deze code is al gebruikt. Een code werkt maar één keer. Wacht tot de app een nieuwe code laat "
             "zien (binnen 30 seconden) en typ die.")


def check_second_factor(ws: Workspace, account: Account, code: str) -> None:
    """Accept a TOTP code that was not used before, or an unused recovery code (which is then
    crossed off); raise InputError (field ``code``) with what to do otherwise. A TOTP code
    that was used once is refused for the rest of its time: the person waits for the next."""
    a = s.portal_accounts
    with ws.engine.connect() as conn:
        row = conn.execute(select(a.c.totp_secret, a.c.recovery_codes).where(a.c.id == account.id)).first()
    if row is None or not row.totp_secret:
        raise InputError(WRONG_CODE, field="code")
    step = totp_step(row.totp_secret, code)
    if step is not None:
        with transaction(ws.engine) as conn:
            if _claim_step(conn, account.id, step):
                return
            audit(conn, account.actor, "portal.totp_replayed", "portal_account", account.id, {"step": step})
        raise InputError(USED_CODE, field="code")
    typed = (code or "").strip().lower()
    hashes = json.loads(row.recovery_codes or "[]")
    h = sha256(typed)
    if not re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", typed) or h not in hashes:
        raise InputError(WRONG_CODE, field="code")
    with transaction(ws.engine) as conn:
        left = [x for x in hashes if x != h]
        done = conn.execute(update(a).where(a.c.id == account.id, a.c.recovery_codes == row.recovery_codes)
                            .values(recovery_codes=json.dumps(left))).rowcount
        if done != 1:  # used by another request at the same moment
            raise InputError(WRONG_CODE, field="code")
        audit(conn, account.actor, "portal.recovery_code_used", "portal_account", account.id, {"left": len(left)})
