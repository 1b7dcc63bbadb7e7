"""The expert's pages (``/mijn``): thin views over :mod:`vergoeding.web.portal`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from vergoeding.core.period import month as month_of
from vergoeding.errors import InputError, NotFoundError, VergoedingError
from vergoeding.web import portal
from vergoeding.web.app import today, workspace
from vergoeding.web.auth import login_required

bp = Blueprint("expert", __name__, url_prefix="/mijn")


def _pdf(data: bytes, name: str) -> Response:
    safe = "".join(c for c in name if c.isalnum() or c in "-_.") or "document.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _month_arg(default: date) -> Any:
    raw = request.args.get("maand") or ""
    try:
        y, m = (int(x) for x in raw.split("-")) if raw else (default.year, default.month)
        return month_of(y, m)
    except (ValueError, InputError):
        abort(404)


@bp.route("/")
@login_required("expert")
def home() -> Any:
    ws, acc, day = workspace(), g.account, today()
    with portal.page(ws, acc) as at:  # one connection; the year's entries read once for room and hours
        room = portal.room_view(ws, acc, day, at=at)
        hours = portal.month_hours(ws, acc, month_of(day.year, day.month), at=at, receipts=False)
        pays = portal.payments(ws, acc, at=at, last=3)
    return render_template("web/expert_home.html", title="Mijn overzicht", room=room, hours=hours, payments=pays,
                           today=day)


@bp.route("/uren")
@login_required("expert")
def hours() -> Any:
    ws, acc, day = workspace(), g.account, today()
    period = _month_arg(day)
    mh = portal.month_hours(ws, acc, period)
    prev = month_of(period.start.year - (period.start.month == 1), (period.start.month - 2) % 12 + 1)
    nxt = period.end if period.end <= day else None
    return render_template("web/expert_hours.html", title="Mijn uren", mh=mh, words=portal.STATUS_WORDS,
                           prev=f"{prev.start:%Y-%m}", next=f"{nxt:%Y-%m}" if nxt else None)


def _submission(form: Any) -> tuple[portal.Submission | None, dict[str, str]]:
    from vergoeding.core.dates import parse_date
    from vergoeding.core.duration import parse_duration
    from vergoeding.core.money import parse_amount

    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    raw = {k: (form.get(k) or "").strip() for k in ("opdracht", "datum", "tijd", "aantal", "activiteit", "km",
                                                    "onkosten", "toelichting")}
    if not raw["opdracht"]:
        errors["opdracht"] = "Kies de opdracht waarvoor u werkte."
    for key, parse, msg in (
            ("datum", parse_date, "Vul de datum in, bijvoorbeeld 23-11-2026."),
            ("tijd", parse_duration, "Vul de tijd in als uren en minuten, bijvoorbeeld 2:30 voor twee en een half uur."),
            ("km", lambda v: Decimal(v.replace(",", ".")), "Vul het aantal kilometers in als getal, bijvoorbeeld 12."),
            ("onkosten", parse_amount, "Vul het bedrag in euro in, bijvoorbeeld 7,50.")):
        if not raw[key]:
            continue
        try:
            values[key] = parse(raw[key])
        except (VergoedingError, ArithmeticError, ValueError):
            errors[key] = msg
    if not raw["datum"]:
        errors["datum"] = "Vul de datum in, bijvoorbeeld 23-11-2026."
    if raw["aantal"]:
        if raw["aantal"].isdigit() and 0 < int(raw["aantal"]) <= 100:
            values["aantal"] = int(raw["aantal"])
        else:
            errors["aantal"] = "Vul een heel getal in, bijvoorbeeld 1."
    if not raw["tijd"] and not raw["aantal"] and "tijd" not in errors:
        errors["tijd"] = "Vul de tijd in die u werkte, bijvoorbeeld 2:30."
    if len(raw["activiteit"]) > 200:
        errors["activiteit"] = "Gebruik hoogstens 200 tekens."
    if errors:
        return None, errors
    return portal.Submission(engagement=raw["opdracht"], work_date=values["datum"], minutes=int(values.get("tijd") or 0),
                             quantity=values.get("aantal"), activity=raw["activiteit"],
                             km=values.get("km", Decimal(0)), expense=values.get("onkosten", Decimal("0.00")),
                             expense_note=raw["toelichting"]), {}


@bp.route("/uren/nieuw", methods=["GET", "POST"])
@login_required("expert")
def submit() -> Any:
    ws, acc, day = workspace(), g.account, today()
    engs = portal.open_engagements(ws, acc, day)
    form = request.form if request.method == "POST" else {}
    errors: dict[str, str] = {}
    effect = None
    if request.method == "POST":
        sub, errors = _submission(request.form)
        if sub is not None:
            try:
                if request.form.get("stap") == "opslaan":
                    upload = request.files.get("bonnetje")
                    if upload is not None and upload.filename:
                        from vergoeding.web.uploads import check_upload

                        check_upload(upload)
                    entry_id = portal.submit(ws, acc, sub, day)
                    if upload is not None and upload.filename:
                        from vergoeding.web.uploads import store_upload

                        store_upload(ws, acc, entry_id, upload)
                    return redirect(url_for("expert.hours", maand=f"{sub.work_date:%Y-%m}", opgeslagen=1))
                effect = portal.preview(ws, acc, sub, day)
            except NotFoundError:
                errors["opdracht"] = "Kies een van uw eigen opdrachten."
            except InputError as exc:
                key = {"datum": "datum", "uren": "tijd", "minutes": "tijd", "aantal": "aantal", "km": "km",
                       "onkosten": "onkosten", "bonnetje": "bonnetje"}.get(str(getattr(exc, "field", "") or ""), "algemeen")
                errors[key] = exc.reason
    return render_template("web/expert_submit.html", title="Uren indienen", engagements=engs, form=form,
                           errors=errors, effect=effect, today=day), (400 if errors else 200)


@bp.route("/bonnetjes/<int:upload_id>")
@login_required("expert")
def receipt(upload_id: int) -> Any:
    from vergoeding.web.uploads import send_upload

    portal.own(g.account)
    return send_upload(workspace(), upload_id, expert_id=g.account.expert_id)


@bp.route("/betalingen")
@login_required("expert")
def payments() -> Any:
    ws, acc, day = workspace(), g.account, today()
    return render_template("web/expert_payments.html", title="Mijn betalingen", payments=portal.payments(ws, acc),
                           years=list(range(day.year, day.year - 3, -1)))


@bp.route("/betalingen/<number>.pdf")
@login_required("expert")
def statement(number: str) -> Any:
    try:
        name, data = portal.statement_pdf(workspace(), g.account, number)
    except NotFoundError:
        abort(404)
    return _pdf(data, name)


@bp.route("/jaaropgave/<int:year>.pdf")
@login_required("expert")
def year_statement(year: int) -> Any:
    if not 2000 <= year <= today().year:
        abort(404)
    try:
        data = portal.year_statement_pdf(workspace(), g.account, year, today())
    except NotFoundError:
        abort(404)
    return _pdf(data, f"jaaropgave-{year}.pdf")


@bp.route("/contracten")
@login_required("expert")
def contracts() -> Any:
    return render_template("web/expert_contracts.html", title="Mijn opdrachten",
                           engagements=portal.engagements(workspace(), g.account))


@bp.route("/contracten/<code>.pdf")
@login_required("expert")
def contract(code: str) -> Any:
    try:
        data = portal.contract_pdf(workspace(), g.account, code, today())
    except NotFoundError:
        abort(404)
    return _pdf(data, f"contract-{code}.pdf")


@bp.route("/gegevens", methods=["GET", "POST"])
@login_required("expert")
def details() -> Any:
    ws, acc = workspace(), g.account
    error = None
    sent = False
    if request.method == "POST":
        try:
            portal.request_iban(ws, acc, request.form.get("iban") or "")
            sent = True
        except InputError as exc:
            error = exc.reason
    ex, requests_ = portal.details(ws, acc)
    return render_template("web/expert_details.html", title="Mijn gegevens", expert=ex, requests=requests_,
                           error=error, sent=sent), (400 if error else 200)
