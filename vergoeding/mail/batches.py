"""What ``vergoeding mail statements | reminders | year-statements`` put in the outbox: the
mails to experts (``mail invoices``, to clients, is :mod:`vergoeding.mail.invoice_batch`).

Each batch makes a :class:`~vergoeding.mail.plan.Plan` first (who gets what, who is skipped
and why); ``--dry-run`` shows the plan, otherwise the new mails are queued in ONE transaction
(all or none) with an audit row. Every mail has a dedup key (``statement:<payout>:<expert>``,
``invoice:<number>``, ``reminder:<period>:<expert>``, ``year_statement:<year>:<expert>``):
running a batch twice queues nothing the second time. Sending is ``vergoeding mail send``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from vergoeding.core import nl
from vergoeding.core.period import Period
from vergoeding.mail.compose import Sender, letter, sender
from vergoeding.mail.invoice_batch import plan_invoices
from vergoeding.mail.outbox import Attachment, Mail
from vergoeding.mail.plan import (
    Plan,
    Planned,
    Progress,
    existing,
    mail_settings,
    queue_plan,
    skipped,
)
from vergoeding.store import schema as s

if TYPE_CHECKING:
    from vergoeding.api.workspace import Workspace

__all__ = ["Plan", "Planned", "plan_invoices", "plan_reminders", "plan_statements", "plan_year_statements"]


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
    mode, web = mail_settings(ws)
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
        done = existing(conn, keys)
    render: list[tuple[Any, dict[str, Any], Any]] = []
    for st, snap, person in todo:
        if skipped(plan, st.code, st.name, person and person.email, bool(person and person.mail_opt_out),
                   hint=f" (vul het in met 'vergoeding expert edit {st.code} --email ...')"):
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
    queue_plan(ws, plan, mails, "mail.statements", {"period": label, "mode": mode})
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
        done = existing(conn, [f"reminder:{label}:{p.code}" for p in people])
    plan = Plan("reminder", f"herinneringen {nl.period(label)}")
    subject = f"Wilt u uw uren van {nl.period(label)} doorgeven?"
    mails = []
    for p in people:
        if p.id in busy:
            continue
        if skipped(plan, p.code, p.name, p.email, p.mail_opt_out):
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
        queue_plan(ws, plan, mails, "mail.reminders", {"period": label, "before": before.isoformat()})
    return plan


# ------------------------------------------------------------------------------ year statements


def plan_year_statements(ws: Workspace, year: int, today: date, *, dry_run: bool = False,
                         progress: Progress | None = None) -> Plan:
    """The year statement of ``year`` for every expert paid in that year (payouts executed
    in it), to the address on their own record (or a link to the portal), once per year."""
    from vergoeding.api.reports import year_statement
    from vergoeding.render.payout import render_pdfs
    from vergoeding.render.templating import render_html

    mode, web = mail_settings(ws)
    x, pl, p = s.experts, s.paid_lines, s.payouts
    q = (select(x.c.id, x.c.code, x.c.name, x.c.email, x.c.mail_opt_out).join(pl, pl.c.expert_id == x.c.id)
         .join(p, p.c.id == pl.c.payout_id)
         .where(p.c.execution_date >= date(year, 1, 1), p.c.execution_date < date(year + 1, 1, 1))
         .distinct().order_by(x.c.code))
    with ws.engine.connect() as conn:
        people = list(conn.execute(q))
        org = sender(conn)
        done = existing(conn, [f"year_statement:{year}:{r.code}" for r in people])
    plan = Plan("year_statement", f"jaaropgaven {year}")
    subject = f"Uw jaaropgave {year}"
    link = f"{web.rstrip('/')}/mijn/jaaropgave/{year}.pdf" if mode == "link" and web else None
    todo = []
    for r in people:
        if skipped(plan, r.code, r.name, r.email, r.mail_opt_out):
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
    queue_plan(ws, plan, mails, "mail.year_statements", {"year": year, "mode": mode})
    return plan
