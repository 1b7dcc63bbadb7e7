"""``vergoeding web`` (the portal) and ``vergoeding user`` (its accounts)."""

from __future__ import annotations

import click

from vergoeding.commands._common import EXPERT_CODE, emit, reads_only, workspace
from vergoeding.commands._table import breed_option


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres waarop het portaal luistert.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Poort.")
@click.pass_context
def web_cmd(ctx: click.Context, host: str, port: int) -> None:
    """Start het portaal voor deskundigen en financiën (ontwikkelserver).

    Voor gebruik door anderen: een echte WSGI-server met meerdere workers achter een
    reverse proxy met HTTPS (zie docs/PORTAL.md). De links in uitnodigingen wijzen naar
    VERGOEDING_WEB_URL.

    \b
    Voorbeeld:
      vergoeding web --host 127.0.0.1 --port 8000
    """
    from vergoeding.web import create_app

    app = create_app({"WORKSPACE": workspace(ctx)})
    click.echo(f"Portaal: http://{host}:{port}/ (stoppen: Ctrl+C)", err=True)
    app.run(host=host, port=port, debug=False, threaded=True, use_reloader=False)


@click.group("user")
def user_group() -> None:
    """Accounts voor het portaal: uitnodigen, intrekken, tonen.

    \b
    Voorbeeld:
      vergoeding user invite --expert E001 --email anna@example.org
      vergoeding user invite --finance --email fin@example.org
      vergoeding user revoke --email anna@example.org
    """


@user_group.command("invite")
@click.option("--expert", "expert", type=EXPERT_CODE, help="Code van de deskundige (een account voor de deskundige).")
@click.option("--finance", is_flag=True, help="Een account voor een medewerker financiën.")
@click.option("--email", required=True, help="E-mailadres; daarheen gaat de uitnodiging.")
@click.option("--print-link", is_flag=True, help="Geen mail sturen, maar de link tonen (om persoonlijk te geven).")
@click.pass_context
def invite_cmd(ctx: click.Context, expert: str | None, finance: bool, email: str, print_link: bool) -> None:
    """Nodig iemand uit voor het portaal: een mail met een link die één keer werkt (72 uur).

    \b
    Voorbeeld:
      vergoeding user invite --expert E001 --email anna@example.org
      vergoeding user invite --finance --email fin@example.org
    """
    import os

    from vergoeding.web import accounts

    if bool(expert) == finance:
        raise click.UsageError("geef --expert CODE (deskundige) of --finance (financiën), niet allebei")
    ws = workspace(ctx)
    link = accounts.invite(ws, email=email, kind="finance" if finance else "expert", expert_code=expert)
    base = os.environ.get("VERGOEDING_WEB_URL") or "http://127.0.0.1:8000"
    who = "financiën" if finance else f"deskundige {link.account.expert_code}"
    if print_link:
        click.echo(f"Account {link.account.email} ({who}) uitgenodigd; geen mail verstuurd. De link (werkt één keer, "
                   f"tot {link.expires_at:%d-%m-%Y %H:%M} UTC):")
        click.echo(link.url(base))
        return
    from vergoeding.web.mailer import send_link

    org = _organisation(ws)
    send_link(ws, link, base, org)
    click.echo(f"Account {link.account.email} ({who}) uitgenodigd; de uitnodiging is verstuurd "
               f"(de link werkt tot {link.expires_at:%d-%m-%Y %H:%M} UTC).")


def _organisation(ws: object) -> str:
    from vergoeding.errors import NotFoundError
    from vergoeding.store import queries

    try:
        with ws.engine.connect() as conn:  # type: ignore[attr-defined]
            return str(queries.own_organisation(conn).name)
    except NotFoundError:
        return ""


@user_group.command("revoke")
@click.option("--email", required=True, help="E-mailadres van het account.")
@click.pass_context
def revoke_cmd(ctx: click.Context, email: str) -> None:
    """Trek een account in: het is meteen uitgelogd en open links werken niet meer.

    \b
    Voorbeeld:
      vergoeding user revoke --email anna@example.org
    """
    from vergoeding.web import accounts

    ended = accounts.revoke(workspace(ctx), email)
    click.echo(f"Account {email.strip().lower()} ingetrokken; {ended} sessie(s) beëindigd.")


@reads_only
@user_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="Uitvoer: table, json of csv.")
@breed_option
@click.pass_context
def list_cmd(ctx: click.Context, fmt: str) -> None:
    """Toon de accounts van het portaal.

    \b
    Voorbeeld:
      vergoeding user list
    """
    from vergoeding.web import accounts

    rows = [{"email": a.email, "kind": a.kind, "expert": a.expert_code or "", "password": a.has_password,
             "totp": a.totp_enabled, "revoked": a.revoked, "last_login": a.last_login_at}
            for a in accounts.accounts(workspace(ctx))]
    emit(rows, fmt, columns=["email", "kind", "expert", "password", "totp", "revoked", "last_login"],
         headers={"email": "e-mail", "kind": "soort", "expert": "deskundige", "password": "wachtwoord",
                  "totp": "tweede stap", "revoked": "ingetrokken", "last_login": "laatst ingelogd"})
