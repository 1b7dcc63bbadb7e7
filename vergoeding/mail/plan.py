"""What every mail batch shares: the :class:`Plan` (who gets what, who is skipped and why),
the outbox's dedup keys already taken, queueing a plan's mails in one transaction, and who
may not be mailed. The batches themselves: :mod:`vergoeding.mail.batches` (to experts) and
:mod:`vergoeding.mail.invoice_batch` (to clients)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from vergoeding.core.listing import few_lines
from vergoeding.mail.outbox import Mail, checked, insert_mail, sender_domain
from vergoeding.mail.sending import chunks
from vergoeding.store import schema as s
from vergoeding.store.base import audit

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

__all__ = ["Plan", "Planned", "Progress", "existing", "mail_settings", "queue_plan", "skipped"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Planned:
    who: str  # expert or client code
    name: str
    to: str
    subject: str
    files: tuple[str, ...]  # attachment names
    link: str | None = None
    queued: bool = False  # True: was already in the outbox (nothing new)


@dataclass
class Plan:
    kind: str
    label: str  # "specificaties november 2026"
    mails: list[Planned] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, why)
    queued_ids: list[int] = field(default_factory=list)

    @property
    def new(self) -> list[Planned]:
        return [m for m in self.mails if not m.queued]

    def summary(self, dry_run: bool, *, rest_at: str = "") -> list[str]:
        """The report in Dutch. Without ``--dry-run`` the skipped people are named up to a few,
        the rest counted with ``rest_at`` (the same command with --dry-run, which lists all)."""
        lines = []
        verb = "Zou klaarzetten" if dry_run else "Klaargezet"
        lines.append(f"{verb}: {len(self.new)} mail(s) ({self.label}).")
        old = len(self.mails) - len(self.new)
        if old:
            lines.append(f"Al eerder klaargezet (niet opnieuw): {old}.")
        if self.skipped:
            lines.append(f"Overgeslagen: {len(self.skipped)}.")
            skipped = [f"{code} {name}: {why}" for code, name, why in self.skipped]
            lines += [f"  {x}" for x in skipped] if dry_run else few_lines(skipped, where=rest_at)
        if dry_run:
            lines.append("Er is niets klaargezet of verzonden (--dry-run).")
        elif self.new:
            lines.append("Verstuur ze met 'vergoeding mail send'.")
        return lines


def existing(conn: Connection, keys: list[str]) -> set[str]:
    """The dedup keys of ``keys`` that are already in the outbox."""
    o = s.outbox
    return {str(k) for chunk in chunks(keys) for k in conn.execute(
        select(o.c.dedup_key).where(o.c.dedup_key.in_(chunk))).scalars()}


def queue_plan(ws: Workspace, plan: Plan, mails: list[Mail], action: str, detail: dict[str, Any]) -> None:
    """Queue the plan's new mails in ONE transaction (all or none), with the audit row."""
    ok = [checked(m) for m in mails]
    domain = sender_domain(ws)
    with ws.engine.begin() as conn:
        plan.queued_ids = [insert_mail(conn, m, actor=ws.actor, domain=domain)[0] for m in ok]
        audit(conn, ws.actor, action, "outbox", None, {**detail, "mails": len(ok)})


def skipped(plan: Plan, code: str, name: str, email: str | None, opt_out: bool, *, hint: str = "") -> bool:
    """True, with the person listed as skipped and why, when no mail may go to them: no
    address (``hint`` says where to fill it in) or they chose no mail."""
    if not email:
        why = "geen e-mailadres" + hint
    elif opt_out:
        why = "wil geen mail (--no-mail)"
    else:
        return False
    plan.skipped.append((code, name, why))
    return True


def mail_settings(ws: Workspace) -> tuple[str, str | None]:
    """(statements: 'attachment' | 'link', the portal's address) without needing an SMTP server."""
    import os

    web = os.environ.get("VERGOEDING_WEB_URL", "").strip() or None
    table = ws.settings.extra.get("mail") or {}
    mode = str(table.get("statements", "link" if web else "attachment"))
    if mode not in ("link", "attachment"):
        from vergoeding.errors import ConfigError

        raise ConfigError(f"vergoeding.toml [mail]: statements moet 'link' of 'attachment' zijn, niet {mode!r}")
    if mode == "link" and not web:
        from vergoeding.errors import ConfigError

        raise ConfigError("vergoeding.toml [mail]: statements = 'link' vraagt het adres van het portaal "
                          "(VERGOEDING_WEB_URL)")
    return mode, web
