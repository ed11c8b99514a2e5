"""A lab's activity report for a period (page with its charts and tables, tagged PDF),
and the network view adding up the labs of a territory or of the whole platform."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from consult.core.params import is_number as _number
from consult.core.urls import external_url
from consult.labs import activity, bp
from consult.labs.views import lab_or_404


def _period(args) -> activity.Period:
    """``?annee=2026`` (this year by default), or ``?du=…&au=…`` (ISO dates)."""
    from consult.db import utcnow

    start, end = args.get("du", ""), args.get("au", "")
    if start or end:
        try:
            period = activity.Period(date.fromisoformat(start), date.fromisoformat(end))
        except ValueError:
            abort(400, _("Donnez deux dates AAAA-MM-JJ, la première avant la seconde."))
        if period.start > period.end or not 2000 <= period.start.year <= 2100 \
                or not 2000 <= period.end.year <= 2100:
            abort(400, _("Donnez deux dates AAAA-MM-JJ, la première avant la seconde."))
        return period
    year = args.get("annee", "")
    if year and not (_number(year) and 2000 <= int(year) <= 2100):
        abort(400, _("Donnez une année, par exemple 2026."))
    return activity.Period.year(int(year) if year else utcnow().year)


def _kept(args) -> dict[str, str]:
    """The period (and territory) asked for, as links carry them on (nothing else)."""
    return {k: args[k] for k in ("annee", "du", "au", "territoire") if args.get(k)}


def _years() -> list[int]:
    from consult.db import utcnow

    this = utcnow().year
    return list(range(this, this - 6, -1))


@bp.route("/labos/<slug>/activite")
def activity_report(slug: str):
    lab = lab_or_404(slug)
    period = _period(request.args)
    return render_template("labs/activity.html", report=activity.report([lab], period),
                           lab=lab, territory=None, years=_years(), args=_kept(request.args),
                           definitions=activity.DEFINITIONS)


@bp.route("/labos/<slug>/activite.pdf")
def activity_pdf(slug: str):
    from weasyprint import HTML

    lab = lab_or_404(slug)
    period = _period(request.args)
    html = render_template("labs/activity_print.html", report=activity.report([lab], period),
                           lab=lab, territory=None, definitions=activity.DEFINITIONS,
                           url=external_url("labs.activity_report", slug=slug,
                                            **_kept(request.args)))
    name = f"activite-{slug}-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
    return Response(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"),
                    mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _network_labs(args):
    from consult.core.params import text_arg
    from consult.db import db
    from consult.territories.models import Territory
    from consult.territories.reference import territory_id_by_key

    key = text_arg("territoire", 40)
    if not key:
        return activity.all_labs(), None
    territory_id = territory_id_by_key(key)
    territory = db.session.get(Territory, territory_id) if territory_id else None
    if territory is None:
        abort(404)
    return activity.labs_of_territory(territory), territory


@bp.route("/labos/reseau")
def network():
    labs, territory = _network_labs(request.args)
    period = _period(request.args)
    reports = [(lab, activity.report([lab], period)) for lab in labs]
    return render_template("labs/activity.html", report=activity.report(labs, period),
                           lab=None, territory=territory, per_lab=reports, years=_years(),
                           args=_kept(request.args), definitions=activity.DEFINITIONS)
