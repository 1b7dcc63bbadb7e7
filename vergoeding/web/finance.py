"""Finance pages (``/financien``): the month's state, submitted hours to approve or reject,
IBAN change requests. Only after the second factor (``login_required('finance')``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from vergoeding.core.period import Period
from vergoeding.core.period import month as month_of
from vergoeding.errors import VergoedingError
from vergoeding.web import office
from vergoeding.web.app import today, workspace
from vergoeding.web.auth import login_required

bp = Blueprint("finance", __name__, url_prefix="/financien")


def _period() -> Period:
    raw = request.values.get("maand") or ""
    day = today()
    try:
        y, m = (int(x) for x in raw.split("-")) if raw else (day.year, day.month)
        return month_of(y, m)
    except (ValueError, VergoedingError):
        abort(404)


def _nav(p: Period) -> dict[str, str]:
    prev = month_of(p.start.year - (p.start.month == 1), (p.start.month - 2) % 12 + 1)
    return {"prev": f"{prev.start:%Y-%m}", "next": f"{p.end:%Y-%m}", "this": f"{p.start:%Y-%m}"}


@bp.route("/")
@login_required("finance")
def home() -> Any:
    p = _period()
    return render_template("web/finance_home.html", title="Financiën: de maand", st=office.month_state(workspace(), p),
                           nav=_nav(p))


@bp.route("/uren", methods=["GET", "POST"])
@login_required("finance")
def hours() -> Any:
    ws, p = workspace(), _period()
    message, error = None, None
    if request.method == "POST":
        try:
            if request.form.get("actie") == "afwijzen":
                office.reject(ws, int(request.form.get("regel") or 0), request.form.get("reden") or "")
                message = "De regel is afgewezen. De deskundige ziet de reden."
            else:
                ids = [int(v) for v in request.form.getlist("regel") if v.isdigit()]
                done = office.approve(ws, p, request.form.get("opdracht") or "", ids)
                message = f"{len(done)} regel(s) goedgekeurd."
        except VergoedingError as exc:
            error = getattr(exc, "reason", exc.message)
        except ValueError:
            error = "Kies een regel."
    return render_template("web/finance_hours.html", title="Uren goedkeuren", groups=office.submitted(ws, p),
                           period=p, nav=_nav(p), message=message, error=error), (400 if error else 200)


@bp.route("/rekeningnummers", methods=["GET", "POST"])
@login_required("finance")
def ibans() -> Any:
    ws = workspace()
    message, error = None, None
    if request.method == "POST":
        try:
            office.decide_iban(ws, int(request.form.get("verzoek") or 0), confirm=request.form.get("actie") == "goed",
                               reason=request.form.get("reden") or "")
            message = "Opgeslagen."
        except VergoedingError as exc:
            error = getattr(exc, "reason", exc.message)
        except ValueError:
            error = "Kies een verzoek."
    return render_template("web/finance_ibans.html", title="Nieuwe rekeningnummers", requests=office.iban_requests(ws),
                           message=message, error=error), (400 if error else 200)


@bp.route("/bonnetjes/<int:upload_id>")
@login_required("finance")
def receipt(upload_id: int) -> Any:
    from vergoeding.web.uploads import send_upload

    return send_upload(workspace(), upload_id, expert_id=None)


@bp.route("/naar-maand")
@login_required("finance")
def goto() -> Any:
    return redirect(url_for("finance.home", maand=request.args.get("maand")))
