# Over 400 lines on purpose: the three batch kinds share one Plan; 1 line over the limit.
"""What ``vergoeding mail statements | invoices | reminders`` put in the outbox.

Each batch makes a :class:`Plan` first (who gets what, who is skipped and why); ``--dry-run``
shows the plan, otherwise the new mails are queued in ONE transaction (all or none) with an
audit row. Every mail has a dedup key (``statement:<payout>:<expert>``, ``invoice:<number>``,
``reminder:<period>:<expert>``): running a batch twice queues nothing the second time.
Sending is ``vergoeding mail send``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from vergoeding.core import nl
from vergoeding.core.period import Period
from vergoeding.mail.compose import Sender, letter, sender
from vergoeding.mail.outbox import Attachment, Mail, insert_mail, sender_domain
from vergoeding.store import schema as s
from vergoeding.store.base import audit

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

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

    def summary(self, dry_run: bool) -> list[str]:
        lines = []
        verb = "Zou klaarzetten" if dry_run else "Klaargezet"
        lines.append(f"{verb}: {len(self.new)} mail(s) ({self.label}).")
        old = len(self.mails) - len(self.new)
        if old:
            lines.append(f"Al eerder klaargezet (niet opnieuw): {old}.")
        if self.skipped:
            lines.append(f"Overgeslagen: {len(self.skipped)}.")
            lines += [f"  {code} {name}: {why}" for code, name, why in self.skipped]
        if dry_run:
            lines.append("Er is niets klaargezet of verzonden (--dry-run).")
        elif self.new:
            lines.append("Verstuur ze met 'vergoeding mail send'.")
        return lines


def _existing(conn: Connection, keys: list[str]) -> set[str]:
    o = s.outbox
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found |= {str(k) for k in conn.execute(select(o.c.dedup_key).where(o.c.dedup_key.in_(keys[i:i + 500])))
                  .scalars()}
    return found


def _queue(ws: Workspace, plan: Plan, mails: list[Mail], action: str, detail: dict[str, Any]) -> None:
    from vergoeding.mail.outbox import _checked

    checked = [_checked(m) for m in mails]
    domain = sender_domain(ws)
    with ws.engine.begin() as conn:
        plan.queued_ids = [insert_mail(conn, m, actor=ws.actor, domain=domain)[0] for m in checked]
        audit(conn, ws.actor, action, "outbox", None, {**detail, "mails": len(checked)})


def _mail_settings(ws: Workspace) -> tuple[str, str | None]:
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


# ------------------------------------------------------------------------------ statements


def _statement_letter(st: Any, org: Sender, link: str | None) -> tuple[str, Any]:
    subject = f"Uw specificatie van {st.period_text}"
    first = st.name.split()[0] if st.name.split() else st.name
    money = nl.euro(st.payable)
    pay = (f"Wij betalen u {money} voor {st.period_text}. Het geld staat rond {nl.long_date(st.execution_date)} "
           f"op uw rekening" + (f" die eindigt op {st.iban_tail}." if st.iban_tail else "."))
    where = (f"Wat u krijgt en waarvoor, ziet u in het portaal:\n{link}" if link else
             "Wat u krijgt en waarvoor, staat in de bijlage (een PDF).")
    ask = "Klopt er iets niet? Neem dan contact met ons op" + (f": {org.contact}." if org.contact else ".")
    return subject, letter(greeting=f"Beste {first},", paragraphs=[pay, where, ask], org=org)


def plan_statements(ws: Workspace, period: Period, *, dry_run: bool = False,
                    progress: Progress | None = None) -> Plan:
    """The statements of the payouts of ``period``: each paid expert with an e-mail address on
    their own record who has not opted out gets theirs (attached, or a link to the portal)."""
    from vergoeding.documents.statement import statements_from_snapshot
    from vergoeding.errors import NotFoundError
    from vergoeding.store.payouts import payouts_of

    label = period.label or str(period)
    mode, web = _mail_settings(ws)
    with ws.engine.connect() as conn:
        rows = payouts_of(conn, label)
        if not rows:
            raise NotFoundError(f"{nl.period(label)} is nog niet uitbetaald: er zijn geen specificaties om te "
                                f"versturen (eerst 'vergoeding payout --period {label}')")
        org = sender(conn)
        x = s.experts
        people = {r.code: r for r in conn.execute(select(x.c.id, x.c.code, x.c.email, x.c.mail_opt_out))}
    import json

    plan = Plan("statement", f"specificaties {nl.period(label)}")
    todo: list[tuple[Any, dict[str, Any], Any]] = []
    for row in rows:
        snap = json.loads(row.snapshot)
        for st in statements_from_snapshot(snap):
            todo.append((st, snap, people.get(st.code)))
    keys = [f"statement:{st.number}:{st.code}" for st, _, _ in todo]
    with ws.engine.connect() as conn:
        done = _existing(conn, keys)
    render: list[tuple[Any, dict[str, Any], Any]] = []
    for st, snap, person in todo:
        if person is None or not person.email:
            plan.skipped.append((st.code, st.name, "geen e-mailadres (vul het in met 'vergoeding expert edit "
                                                   f"{st.code} --email ...')"))
            continue
        if person.mail_opt_out:
            plan.skipped.append((st.code, st.name, "wil geen mail (--no-mail)"))
            continue
        link = f"{web.rstrip('/')}/mijn/betalingen/{st.number}.pdf" if mode == "link" and web else None
        subject, _ = _statement_letter(st, org, link)
        key = f"statement:{st.number}:{st.code}"
        plan.mails.append(Planned(st.code, st.name, person.email, subject, () if link else (st.filename,), link,
                                  queued=key in done))
        if key not in done:
            render.append((st, snap, person))
    if dry_run or not render:
        return plan
    pdfs: dict[tuple[str, str], bytes] = {}
    if mode == "attachment":
        pdfs = _statement_pdfs(ws, render, progress)
    mails = []
    for st, _, person in render:
        link = f"{web.rstrip('/')}/mijn/betalingen/{st.number}.pdf" if mode == "link" and web else None
        subject, body = _statement_letter(st, org, link)
        files = () if link else (Attachment(st.filename, "application/pdf", pdfs[(st.number, st.code)]),)
        mails.append(Mail("statement", person.email, subject, body.text, body.html, files,
                          ref=f"payout:{st.number}:{st.code}", key=f"statement:{st.number}:{st.code}",
                          expert_id=int(person.id)))
    _queue(ws, plan, mails, "mail.statements", {"period": label, "mode": mode})
    return plan


def _statement_pdfs(ws: Workspace, todo: list[tuple[Any, dict[str, Any], Any]],
                    progress: Progress | None) -> dict[tuple[str, str], bytes]:
    """The statement PDFs, byte for byte the ones the payout wrote (same snapshot, same template)."""
    from vergoeding.render.payout import pdf_base_url, render_pdfs, statement_htmls

    user, shipped = ws.settings.templates_dir, ws.settings.shipped_templates
    wanted = {st.filename: st for st, _, _ in todo}
    snaps = {id(snap): snap for _, snap, _ in todo}
    named = [(name, h) for snap in snaps.values() for name, h in statement_htmls(user, shipped, snap)
             if name in wanted]
    pdfs = render_pdfs([h for _, h in named], pdf_base_url(user, shipped), progress)
    return {(wanted[name].number, wanted[name].code): pdf for (name, _), pdf in zip(named, pdfs, strict=True)}


# ------------------------------------------------------------------------------ invoices


def _invoice_letter(inv: Any, number: str, contact: str | None, org: Sender, parts: tuple[str, ...]
                    ) -> tuple[str, Any]:
    credit = inv.kind == "credit"
    what = "creditnota" if credit else "factuur"
    subject = f"{what.capitalize()} {number} van {org.name}"
    greeting = f"Beste {contact}," if contact else "Geachte heer, mevrouw,"
    total = nl.euro(inv.totals.total)
    known: dict[tuple[str, ...], str] = {("xml",): "de e-factuur (XML)", ("pdf",): "de factuur als PDF"}
    files = known.get(parts, "de factuur als PDF en als e-factuur (XML)")
    if credit:
        body = [f"Hierbij ontvangt u creditnota {number} van {nl.long_date(inv.issue_date)}"
                + (f" bij factuur {inv.credit_of}" if inv.credit_of else "") + f", voor {total}.",
                f"In de bijlage vindt u {files.replace('de factuur', 'de creditnota')}."]
    else:
        pay = f"Wij vragen u het bedrag van {total} vóór {nl.long_date(inv.due_date)} te betalen"
        if inv.supplier.iban:
            pay += f" op rekening {inv.supplier.iban} ten name van {inv.supplier.name}"
        body = [f"Hierbij ontvangt u factuur {number} van {nl.long_date(inv.issue_date)}"
                + (f" voor {nl.period(inv.period)}" if inv.period else "") + ".",
                pay + ", onder vermelding van het factuurnummer.",
                f"In de bijlage vindt u {files}."]
    body.append("Heeft u een vraag over deze " + what + "? Neem dan contact met ons op"
                + (f": {org.contact}." if org.contact else "."))
    return subject, letter(greeting=greeting, paragraphs=body, org=org)


def plan_invoices(ws: Workspace, *, period: Period | None = None, numbers: tuple[str, ...] = (),
                  dry_run: bool = False, progress: Progress | None = None) -> Plan:
    """Issued client invoices and credit notes, each to the client's invoice address (the
    contact's address when none is set): the PDF with the e-invoice XML, or the XML alone for
    a client that asks for it (``org edit --invoice-mail xml``). Sent once per invoice."""
    from vergoeding.api import invoices as inv_api

    i, o = s.invoices, s.organisations
    q = (select(i.c.id, i.c.number, i.c.kind, i.c.period, o.c.code, o.c.name, o.c.invoice_email, o.c.contact_email,
                o.c.contact_name, o.c.invoice_mail)
         .join(o, o.c.id == i.c.client_id)
         .where(i.c.status != "concept", i.c.number.is_not(None), i.c.kind.in_(("client", "credit")))
         .order_by(i.c.id))
    if period is not None:
        q = q.where(i.c.period == (period.label or str(period)))
    if numbers:
        q = q.where(i.c.number.in_(numbers))
    with ws.engine.connect() as conn:
        rows = list(conn.execute(q))
        org = sender(conn)
        done = _existing(conn, [f"invoice:{r.number}" for r in rows])
    if numbers:
        missing = sorted(set(numbers) - {r.number for r in rows})
        if missing:
            from vergoeding.errors import NotFoundError

            raise NotFoundError(f"factuur {missing[0]} bestaat niet, is een concept of is niet aan een "
                                "opdrachtgever gericht")
    what = f"facturen {nl.period(period.label or str(period))}" if period is not None else "facturen"
    plan = Plan("invoice", what)
    todo = []
    for r in rows:
        to = r.invoice_email or r.contact_email
        if not to:
            plan.skipped.append((r.code, r.name, f"factuur {r.number}: geen e-mailadres voor facturen (vul het in "
                                                  f"met 'vergoeding org edit {r.code} --invoice-email ...')"))
            continue
        stored = inv_api.show(ws, r.number)
        # the PDF with the e-invoice, the XML alone when the client asks for it; an invoice
        # issued without e-invoice (a client without KvK/OIN) as the PDF alone
        parts = ("pdf",) if not stored.invoice.einvoice else ("xml",) if r.invoice_mail == "xml" else ("pdf", "xml")
        names = tuple(f"factuur-{r.number}.{ext}" for ext in parts)
        key = f"invoice:{r.number}"
        subject = f"{'Creditnota' if r.kind == 'credit' else 'Factuur'} {r.number} van {org.name}"
        plan.mails.append(Planned(r.code, r.name, to, subject, names, queued=key in done))
        if key not in done:
            todo.append((r, to, stored, parts))
    if dry_run or not todo:
        return plan
    mails = []
    mime = {"pdf": "application/pdf", "xml": "application/xml"}
    for n, (r, to, stored, parts) in enumerate(todo, 1):
        files = [Attachment(f"factuur-{r.number}.{ext}", mime[ext],
                            inv_api.render(ws, r.number, "ubl" if ext == "xml" else "pdf")) for ext in parts]
        subject, body = _invoice_letter(stored.invoice, r.number, r.contact_name, org, parts)
        mails.append(Mail("invoice", to, subject, body.text, body.html, tuple(files), ref=f"invoice:{r.number}",
                          key=f"invoice:{r.number}"))
        if progress:
            progress(n, len(todo))
    _queue(ws, plan, mails, "mail.invoices", {"numbers": [r.number for r, _, _, _ in todo]})
    return plan


# ------------------------------------------------------------------------------ reminders


def plan_reminders(ws: Workspace, period: Period, before: date, *, dry_run: bool = False) -> Plan:
    """Experts with an engagement in ``period`` and no hours in it yet get a short reminder
    (B1), once per period."""
    from sqlalchemy import and_, or_

    label = period.label or str(period)
    e, x, en = s.engagements, s.experts, s.entries
    active = (select(x.c.id, x.c.code, x.c.name, x.c.email, x.c.mail_opt_out).join(e, e.c.expert_id == x.c.id)
              .where(e.c.start_date < period.end, or_(e.c.end_date.is_(None), e.c.end_date > period.start))
              .distinct().order_by(x.c.code))
    with_hours = (select(e.c.expert_id).join(en, en.c.engagement_id == e.c.id)
                  .where(and_(en.c.work_date >= period.start, en.c.work_date < period.end)).distinct())
    with ws.engine.connect() as conn:
        people = list(conn.execute(active))
        busy = {int(r[0]) for r in conn.execute(with_hours)}
        org = sender(conn)
        done = _existing(conn, [f"reminder:{label}:{p.code}" for p in people])
    plan = Plan("reminder", f"herinneringen {nl.period(label)}")
    subject = f"Wilt u uw uren van {nl.period(label)} doorgeven?"
    mails = []
    for p in people:
        if p.id in busy:
            continue
        if not p.email:
            plan.skipped.append((p.code, p.name, "geen e-mailadres"))
            continue
        if p.mail_opt_out:
            plan.skipped.append((p.code, p.name, "wil geen mail (--no-mail)"))
            continue
        key = f"reminder:{label}:{p.code}"
        plan.mails.append(Planned(p.code, p.name, p.email, subject, (), queued=key in done))
        if key in done:
            continue
        first = p.name.split()[0] if p.name.split() else p.name
        last_day = nl.long_date(before)
        body = letter(greeting=f"Beste {first},", org=org, paragraphs=[
            f"Wij hebben nog geen uren van u over {nl.period(label)}.",
            f"Wilt u uw uren doorgeven vóór {last_day}? Dan krijgt u uw geld op tijd.",
            f"Heeft u in {nl.period(label)} niet gewerkt? Dan hoeft u niets te doen.",
            "Heeft u een vraag? Neem dan contact met ons op" + (f": {org.contact}." if org.contact else ".")])
        mails.append(Mail("reminder", p.email, subject, body.text, body.html, ref=f"period:{label}:{p.code}",
                          key=key, expert_id=int(p.id)))
    if not dry_run and mails:
        _queue(ws, plan, mails, "mail.reminders", {"period": label, "before": before.isoformat()})
    return plan


# ------------------------------------------------------------------------------ year statements


def plan_year_statements(ws: Workspace, year: int, today: date, *, dry_run: bool = False,
                         progress: Progress | None = None) -> Plan:
    """The year statement of ``year`` for every expert paid in that year (payouts executed
    in it), to the address on their own record (or a link to the portal), once per year."""
    from vergoeding.api.reports import year_statement
    from vergoeding.render.payout import render_pdfs
    from vergoeding.render.templating import render_html

    mode, web = _mail_settings(ws)
    x, pl, p = s.experts, s.paid_lines, s.payouts
    q = (select(x.c.id, x.c.code, x.c.name, x.c.email, x.c.mail_opt_out).join(pl, pl.c.expert_id == x.c.id)
         .join(p, p.c.id == pl.c.payout_id)
         .where(p.c.execution_date >= date(year, 1, 1), p.c.execution_date < date(year + 1, 1, 1))
         .distinct().order_by(x.c.code))
    with ws.engine.connect() as conn:
        people = list(conn.execute(q))
        org = sender(conn)
        done = _existing(conn, [f"year_statement:{year}:{r.code}" for r in people])
    plan = Plan("year_statement", f"jaaropgaven {year}")
    subject = f"Uw jaaropgave {year}"
    link = f"{web.rstrip('/')}/mijn/jaaropgave/{year}.pdf" if mode == "link" and web else None
    todo = []
    for r in people:
        if not r.email:
            plan.skipped.append((r.code, r.name, "geen e-mailadres"))
            continue
        if r.mail_opt_out:
            plan.skipped.append((r.code, r.name, "wil geen mail (--no-mail)"))
            continue
        key = f"year_statement:{year}:{r.code}"
        name = f"jaaropgave-{r.code}-{year}.pdf"
        plan.mails.append(Planned(r.code, r.name, r.email, subject, () if link else (name,), link, queued=key in done))
        if key not in done:
            todo.append(r)
    if dry_run or not todo:
        return plan
    pdfs: list[bytes] = []
    if not link:
        user, shipped = ws.settings.templates_dir, ws.settings.shipped_templates
        htmls = [render_html("year_statement.html", {"ys": year_statement(ws, r.code, year, today),
                                                     "title": f"Jaaropgave {year}"}, user_dir=user, shipped_dir=shipped)
                 for r in todo]
        pdfs = render_pdfs(htmls, user or shipped, progress)
    mails = []
    for n, r in enumerate(todo):
        first = r.name.split()[0] if r.name.split() else r.name
        where = (f"U vindt uw jaaropgave in het portaal:\n{link}" if link else "Uw jaaropgave staat in de bijlage (een PDF).")
        body = letter(greeting=f"Beste {first},", org=org, paragraphs=[
            f"Hierbij krijgt u uw jaaropgave over {year}. Daarin staat wat wij u in {year} hebben betaald.",
            where, "Bewaar de jaaropgave goed. U heeft hem misschien nodig voor de belasting of een uitkering.",
            "Klopt er iets niet? Neem dan contact met ons op" + (f": {org.contact}." if org.contact else ".")])
        files = () if link else (Attachment(f"jaaropgave-{r.code}-{year}.pdf", "application/pdf", pdfs[n]),)
        mails.append(Mail("year_statement", r.email, subject, body.text, body.html, files,
                          ref=f"year:{year}:{r.code}", key=f"year_statement:{year}:{r.code}", expert_id=int(r.id)))
    _queue(ws, plan, mails, "mail.year_statements", {"year": year, "mode": mode})
    return plan
