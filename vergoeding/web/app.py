"""The application factory: ``create_app(config)``.

``config`` holds the workspace (``WORKSPACE``: the same administration every command uses)
and the portal's settings (``docs/PORTAL.md``); values not given come from the environment
(``VERGOEDING_WEB_URL``, ``VERGOEDING_WEB_SECRET``, ``VERGOEDING_WEB_UPLOADS``, ...).
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request, session
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError, CSRFProtect

from vergoeding.api.workspace import Workspace, open_workspace

csrf = CSRFProtect()

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def today() -> date:
    """The portal's clock, pinned like the command line's by ``VERGOEDING_TODAY`` (or the
    app's ``TODAY`` setting, a date: the tests)."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("TODAY"):
        return current_app.config["TODAY"]  # type: ignore[no-any-return]
    pinned = os.environ.get("VERGOEDING_TODAY")
    if pinned:
        from vergoeding.core.dates import parse_date

        return parse_date(pinned, field="VERGOEDING_TODAY")
    return datetime.now().astimezone().date()


def client_address() -> str:
    return request.remote_addr or "onbekend"


def _settings(config: dict[str, Any]) -> dict[str, Any]:
    env = os.environ
    url = config.get("WEB_URL") or env.get("VERGOEDING_WEB_URL") or "http://127.0.0.1:8000"
    secure_default = url.startswith("https://")
    secure_env = env.get("VERGOEDING_WEB_SECURE_COOKIES")
    secure = config.get("SESSION_COOKIE_SECURE",
                        secure_env not in ("0", "false", "nee") if secure_env else secure_default)
    secret = config.get("SECRET_KEY") or env.get("VERGOEDING_WEB_SECRET")
    if not secret:
        print("vergoeding web: let op: VERGOEDING_WEB_SECRET is niet gezet; een tijdelijk geheim voor dit proces "
              "(met meerdere workers: zet het, zie docs/PORTAL.md)", file=sys.stderr)
        secret = secrets.token_hex(32)
    return {"WEB_URL": url.rstrip("/"), "SESSION_COOKIE_SECURE": bool(secure), "SECRET_KEY": secret,
            "SESSION_HOURS": float(config.get("SESSION_HOURS") or env.get("VERGOEDING_WEB_SESSION_HOURS") or 12),
            "TRUSTED_PROXIES": int(config.get("TRUSTED_PROXIES") or env.get("VERGOEDING_WEB_PROXIES") or 0),
            "ORGANISATION_NAME": config.get("ORGANISATION_NAME") or ""}


def _upload_dir(ws: Workspace, config: dict[str, Any]) -> Path:
    given = config.get("UPLOAD_DIR") or os.environ.get("VERGOEDING_WEB_UPLOADS")
    if given:
        return Path(given)
    db = str(ws.settings.db)
    if "://" not in db or db.startswith("sqlite:///"):
        return Path(db.removeprefix("sqlite:///")).expanduser().resolve().parent / "portaal-bonnetjes"
    return Path.cwd() / "portaal-bonnetjes"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    ws = config.pop("WORKSPACE", None) or open_workspace(db=config.pop("DB", None))
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(_settings(config))
    app.config.update({k: v for k, v in config.items() if k.isupper() and k not in app.config})
    app.config["UPLOAD_DIR"] = _upload_dir(ws, config)
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or 12 * 1024 * 1024
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    app.config["WTF_CSRF_SSL_STRICT"] = app.config["SESSION_COOKIE_SECURE"]
    app.jinja_env.autoescape = True
    from jinja2 import StrictUndefined

    app.jinja_env.undefined = StrictUndefined
    app.extensions["vergoeding_ws"] = ws
    ws.engine  # noqa: B018 - migrated (SQLite) or checked (PostgreSQL) before the first request
    ws.limits  # noqa: B018 - loaded once, shared by every request's workspace
    ws.ratecard  # noqa: B018

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from vergoeding.web import ratelimit  # noqa: F401 - registers the vergoeding+db:// storage
    from vergoeding.web.sessions import DbSessionInterface

    app.session_interface = DbSessionInterface(ws.engine, app.config["SESSION_HOURS"], ws.reading().engine)
    csrf.init_app(app)
    options: dict[str, Any] = {"engine": ws.engine}  # the storage's own option (not a str)
    limiter = Limiter(client_address, app=app, storage_uri="vergoeding+db://", storage_options=options,
                      strategy="fixed-window", headers_enabled=False, swallow_errors=False)
    app.extensions["vergoeding_limiter"] = limiter

    from vergoeding.web import auth, expert, filters, finance

    filters.install(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(expert.bp)
    app.register_blueprint(finance.bp)
    auth.limit(app, limiter)

    @app.before_request
    def _load_account() -> None:
        from vergoeding.web.accounts import account_by_id

        g.account = None
        acc_id = getattr(session, "account_id", None)
        if acc_id is not None:
            acc = getattr(session, "account", None)  # read with the session (one statement)
            if acc is None or acc.id != acc_id:
                with ws.reading().engine.connect() as conn:
                    acc = account_by_id(conn, int(acc_id))
            if acc is not None and not acc.revoked:
                g.account = acc

    @app.after_request
    def _headers(resp: Any) -> Any:
        h = resp.headers
        h["Content-Security-Policy"] = CSP
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"  # a link's token never leaves in a Referer
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["SESSION_COOKIE_SECURE"]:
            h["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            h["Cache-Control"] = "no-store"
        return resp

    for key, (status, title, message) in ERROR_PAGES.items():
        app.register_error_handler(key, _error_page(status, title, message))

    return app


# The error pages: (status, title, message) for an error class or status code, one template.
ERROR_PAGES: dict[type[Exception] | int, tuple[int, str, str]] = {
    CSRFError: (400, "Formulier verlopen", "Dit formulier is verlopen of niet compleet. Ga terug, laad de pagina "
                                           "opnieuw en probeer het nog eens."),
    404: (404, "Niet gevonden", "Deze pagina bestaat niet, of u mag hem niet zien."),
    500: (500, "Er ging iets mis", "Er ging bij ons iets mis. Probeer het later nog eens. Blijft het misgaan? "
                                   "Neem contact op met financiën."),
    413: (413, "Bestand te groot", "Het bestand is te groot. Een bonnetje mag hoogstens 10 MB zijn."),
    429: (429, "Even wachten", "U heeft het te vaak geprobeerd. Wacht een kwartier en probeer het dan opnieuw."),
}


def _error_page(status: int, title: str, message: str) -> Any:
    def page(exc: Any) -> Any:
        return render_template("web/error.html", title=title, message=message), status
    return page


def workspace() -> Workspace:
    """The workspace of this request, with the logged-in account as the actor that the audit
    log names."""
    from flask import current_app

    base: Workspace = current_app.extensions["vergoeding_ws"]
    acc = getattr(g, "account", None)
    if acc is None:
        return base
    ws = getattr(g, "_ws", None)
    if ws is None:
        ws = base.as_actor(acc.actor)
        g._ws = ws
    return ws
