"""The portal's second factor: a TOTP app (RFC 6238, 30-second steps, each code used once) and
ten recovery codes, each crossed off when used. Secrets as in :mod:`vergoeding.web.accounts`:
the recovery codes are stored as sha256 hashes; every change writes an audit row.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from vergoeding.errors import InputError
from vergoeding.store import schema as s
from vergoeding.store.base import audit
from vergoeding.store.db import transaction
from vergoeding.web.accounts import Account, sha256

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace


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
