"""Logging in: password or e-mailed link, the second factor for finance, logging out.

Every answer about an address is the same whether or not it has an account. Login and link
requests are rate-limited per address and per client (counters in the database, shared by
every worker: :mod:`vergoeding.web.ratelimit`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from markupsafe import Markup

from vergoeding.errors import InputError
from vergoeding.web import accounts, two_factor
from vergoeding.web.app import client_address, workspace
from vergoeding.web.sessions import rotate

bp = Blueprint("auth", __name__)

LINK_SENT = ("Als dit e-mailadres bij ons bekend is, krijgt u binnen een paar minuten een e-mail met een link. "
             "Kijk ook bij uw ongewenste mail. De link werkt één keer en een kwartier lang.")
WRONG = ("Het e-mailadres of het wachtwoord klopt niet. Heeft u nog geen wachtwoord? Vraag dan hieronder een "
         "inloglink aan.")


def _address_key() -> str:
    return "adres:" + (request.form.get("email") or "").strip().lower()[:254]


def _account_key() -> str:
    acc = getattr(g, "account", None)
    return f"account:{acc.id}" if acc is not None else "client:" + client_address()


def limit(app: Any, limiter: Limiter) -> None:
    """Rate limits on the views that guess or send something (per address and per client)."""
    per_client = app.config.get("PORTAL_LIMIT_CLIENT") or "30 per 15 minutes"
    per_address = app.config.get("PORTAL_LIMIT_ADDRESS") or "5 per 15 minutes"
    for endpoint in ("auth.login", "auth.request_link"):
        view = app.view_functions[endpoint]
        view = limiter.limit(per_client, methods=["POST"], scope="client")(view)
        view = limiter.limit(per_address, key_func=_address_key, methods=["POST"], scope="adres")(view)
        app.view_functions[endpoint] = view
    app.view_functions["auth.follow_link"] = limiter.limit(per_client, methods=["POST"], scope="link")(
        app.view_functions["auth.follow_link"])
    for endpoint in ("auth.second_factor", "auth.setup_second_factor"):
        app.view_functions[endpoint] = limiter.limit("10 per 15 minutes", key_func=_account_key, methods=["POST"],
                                                     scope="code")(app.view_functions[endpoint])


# ---------------------------------------------------------------------------- guards


def home_for(acc: accounts.Account | None) -> str:
    if acc is None:
        return url_for("auth.login")
    if acc.is_finance:
        if not acc.totp_enabled:
            return url_for("auth.setup_second_factor")
        if not session.get("mfa"):
            return url_for("auth.second_factor")
        return url_for("finance.home")
    return url_for("expert.home")


def login_required(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only for a logged-in account of ``kind``; finance only after the second factor."""

    def deco(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            acc = g.account
            if acc is None:
                return redirect(url_for("auth.login", volgende=request.path if request.method == "GET" else None))
            if acc.kind != kind or (kind == "finance" and not (acc.totp_enabled and session.get("mfa"))):
                return redirect(home_for(acc))
            return view(*args, **kwargs)

        return wrapped

    return deco


def _log_in(acc: accounts.Account, how: str) -> None:
    session.clear()
    rotate(session, acc.id)  # a new session id at every login
    g.account = acc
    accounts.record_login(workspace(), acc, how)


def _next_or(default: str) -> str:
    nxt = request.values.get("volgende") or ""
    # only a path on this site (never '//host' or 'http://...')
    if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt:
        return nxt
    return default


# ---------------------------------------------------------------------------- views


@bp.route("/")
def index() -> Any:
    return redirect(home_for(g.account))


@bp.route("/inloggen", methods=["GET", "POST"])
def login() -> Any:
    error = None
    email = ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()
        acc = accounts.check_password(workspace(), email, request.form.get("wachtwoord") or "")
        if acc is not None:
            _log_in(acc, "wachtwoord")
            return redirect(_next_or(home_for(acc)) if not acc.is_finance else home_for(acc))
        error = WRONG
    return render_template("web/login.html", title="Inloggen", error=error, email=email,
                           volgende=request.values.get("volgende") or ""), (401 if error else 200)


@bp.route("/inloggen/link", methods=["POST"])
def request_link() -> Any:
    email = (request.form.get("email") or "").strip()
    link = accounts.login_link(workspace(), email)
    if link is not None:
        _send(link, background=True)
    return render_template("web/message.html", title="Kijk in uw e-mail", message=LINK_SENT)


def _send(link: accounts.Link, *, background: bool) -> None:
    from vergoeding.web.mailer import send_link

    send_link(workspace(), link, current_app.config["WEB_URL"], current_app.config["ORGANISATION_NAME"],
              background=background)


@bp.route("/link/<token>", methods=["GET", "POST"])
def follow_link(token: str) -> Any:
    # GET only shows a button: a mail program that opens links to scan them does not use it up
    if request.method == "GET":
        return render_template("web/link.html", title="Inloggen met uw link", token=token)
    try:
        acc, purpose = accounts.redeem(workspace(), token)
    except accounts.LinkInvalid as exc:
        return render_template("web/error.html", title="Link werkt niet meer", message=exc.message,
                               show_link_form=True), 410
    _log_in(acc, "uitnodiging" if purpose == "invite" else "link")
    if purpose == "invite" or (acc.is_finance and not acc.has_password):
        return redirect(url_for("auth.password", nieuw=1))
    return redirect(home_for(acc))


@bp.route("/wachtwoord", methods=["GET", "POST"])
def password() -> Any:
    acc = g.account
    if acc is None:
        return redirect(url_for("auth.login"))
    if acc.is_finance and acc.totp_enabled and acc.has_password and not session.get("mfa"):
        return redirect(url_for("auth.second_factor"))
    error = None
    if request.method == "POST":
        if request.form.get("zonder") and not acc.is_finance:
            return redirect(home_for(acc))
        pw, again = request.form.get("wachtwoord") or "", request.form.get("herhaal") or ""
        if pw != again:
            error = "De twee wachtwoorden zijn niet gelijk. Typ ze nog een keer."
        else:
            try:
                accounts.set_password(workspace(), acc, pw)
            except InputError as exc:
                error = exc.reason
            else:
                with workspace().engine.connect() as conn:
                    g.account = accounts.account_by_id(conn, acc.id)
                return redirect(home_for(g.account))
    return render_template("web/password.html", title="Wachtwoord kiezen", error=error,
                           nieuw=bool(request.values.get("nieuw"))), (400 if error else 200)


@bp.route("/tweede-stap/instellen", methods=["GET", "POST"])
def setup_second_factor() -> Any:
    acc = g.account
    if acc is None:
        return redirect(url_for("auth.login"))
    if acc.totp_enabled:
        return redirect(home_for(acc))
    if not acc.has_password and acc.is_finance:
        return redirect(url_for("auth.password", nieuw=1))
    secret = session.get("totp_nieuw")
    if not secret:
        secret = session["totp_nieuw"] = two_factor.new_totp_secret()
    error = None
    if request.method == "POST":
        try:
            codes = two_factor.enable_totp(workspace(), acc, secret, request.form.get("code") or "")
        except InputError as exc:
            error = exc.reason
        else:
            session.pop("totp_nieuw", None)
            session["mfa"] = True
            return render_template("web/recovery.html", title="Uw herstelcodes", codes=codes)
    issuer = current_app.config["ORGANISATION_NAME"] or "vergoeding"
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    uri = two_factor.totp_uri(secret, acc.email, issuer)
    return render_template("web/totp_setup.html", title="Tweede stap instellen", secret=grouped, uri=uri,
                           qr=Markup(two_factor.totp_qr_svg(uri)), error=error), (400 if error else 200)


@bp.route("/tweede-stap", methods=["GET", "POST"])
def second_factor() -> Any:
    acc = g.account
    if acc is None:
        return redirect(url_for("auth.login"))
    if not acc.totp_enabled:
        return redirect(home_for(acc))
    error = None
    if request.method == "POST":
        try:
            two_factor.check_second_factor(workspace(), acc, request.form.get("code") or "")
        except InputError as exc:
            error = exc.reason
        else:
            rotate(session, acc.id)  # a new id again once the login is complete
            session["mfa"] = True
            return redirect(url_for("finance.home"))
    return render_template("web/totp.html", title="Tweede stap", error=error), (400 if error else 200)


@bp.route("/uitloggen", methods=["POST"])
def logout() -> Any:
    session.clear()
    rotate(session, None)
    g.account = None
    return render_template("web/message.html", title="U bent uitgelogd",
                           message="U bent uitgelogd. Tot de volgende keer.")
