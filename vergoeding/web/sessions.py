"""Sessions in the database (revocable): the cookie holds a random id, the table its sha256,
the account and the session's data (the CSRF token, the step of a login).

A session row is written only when something is in it (a visitor who only reads the login
page leaves nothing behind). At login the id is replaced (:func:`rotate`), so an id someone
planted before the login is worth nothing after it; ``vergoeding user revoke`` deletes the
account's rows, which ends its sessions at the next request.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, update
from werkzeug.datastructures import CallbackDict

from vergoeding.store import schema as s
from vergoeding.store.db import now_utc, transaction
from vergoeding.web.accounts import Account, session_with_account, sha256

COOKIE = "vg_sessie"


class DbSession(CallbackDict[str, Any], SessionMixin):
    def __init__(self, initial: dict[str, Any] | None = None, sid: str | None = None,
                 account_id: int | None = None) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.account_id = account_id
        self.account: Account | None = None  # read with the session (the request's account check uses it)
        self.modified = False
        self.rotate_to: str | None = None  # set by rotate(): the new id
        self.old_sid: str | None = None


def rotate(sess: Any, account_id: int | None) -> None:
    """A new session id (at login and logout); the old row is deleted when the response is saved."""
    sess.old_sid = sess.sid
    sess.sid = secrets.token_urlsafe(32)
    sess.account_id = account_id
    sess.modified = True


class DbSessionInterface(SessionInterface):
    """``engine`` writes the sessions; ``reader`` (:func:`vergoeding.store.db.reader`) reads
    them with their account, one statement per request that takes no lock."""

    def __init__(self, engine: Any, hours: float, reader: Any = None) -> None:
        self.engine = engine
        self.reader = reader if reader is not None else engine
        self.lifetime = timedelta(hours=hours)

    def open_session(self, app: Flask, request: Request) -> DbSession:
        sid = request.cookies.get(COOKIE)
        if sid and 20 <= len(sid) <= 100:
            with self.reader.connect() as conn:
                found = session_with_account(conn, sha256(sid))
            if found is not None and found[0].session_expires > now_utc():
                row, acc = found
                sess = DbSession(json.loads(row.session_data), sid, row.session_account)
                sess.account = acc
                return sess
        return DbSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, DbSession)
        t = s.portal_sessions
        secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
        if session.old_sid:
            with transaction(self.engine) as conn:
                conn.execute(delete(t).where(t.c.id_hash == sha256(session.old_sid)))
        if not session.modified:
            return
        if not session and session.account_id is None:
            if session.sid:
                with transaction(self.engine) as conn:
                    conn.execute(delete(t).where(t.c.id_hash == sha256(session.sid)))
            response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="Lax")
            return
        now = now_utc()
        data = json.dumps(dict(session))
        with transaction(self.engine) as conn:
            if session.sid and not session.old_sid:
                done = conn.execute(update(t).where(t.c.id_hash == sha256(session.sid))
                                    .values(data=data, account_id=session.account_id)).rowcount
            else:
                done = 0
            if not done:
                if not session.sid or session.old_sid is None:
                    session.sid = secrets.token_urlsafe(32)  # never take an id the client chose
                conn.execute(insert(t).values(id_hash=sha256(session.sid), account_id=session.account_id, data=data,
                                              created_at=now, expires_at=now + self.lifetime))
                # expired rows of anyone are cleared now and then (here: whenever a session starts)
                conn.execute(delete(t).where(t.c.expires_at <= now))
        response.set_cookie(COOKIE, session.sid or "", max_age=int(self.lifetime.total_seconds()), path="/",
                            secure=secure, httponly=True, samesite="Lax")
