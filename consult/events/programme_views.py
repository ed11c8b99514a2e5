"""Programme pages: the agenda of an innovation week or month with its filters and
figures, opening one, the review queue of what partners submit, and the public
calendars (programme, organisation, territory)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number, paginate
from consult.core.security import Permission, can
from consult.db import db
from consult.events import bp, calendar, queries
from consult.events import programmes as ops
from consult.events.forms import ProgrammeForm, ReviewForm
from consult.events.models import Programme
from consult.events.operations import submission_problem
from consult.events.themes import THEMES
from consult.events.views import agenda_on_hit, event_or_404, set_registrations
from consult.organisations.models import Organisation
from consult.territories.models import Territory

AGENDA_PAGE = 30


def programme_or_404(slug: str) -> Programme:
    return db.session.scalar(select(Programme).where(Programme.slug == slug)) or abort(404)


@bp.route("/programmes")
@anonymous_cache()
def programmes():
    rows = list(db.session.scalars(select(Programme).order_by(Programme.starts_on.desc())
                                   .limit(100)))
    return render_template("events/programmes.html", programmes=rows)


@bp.route("/programmes/<slug>")
@anonymous_cache(personal=agenda_on_hit)
def programme(slug: str):
    """The agenda, list first (accessible, and what a phone shows), then its figures as
    charts with their tables."""
    item = programme_or_404(slug)
    filters = queries.read_filters(request.args, item)
    page = paginate(queries.agenda(filters), page_number(request.args.get("page")),
                    size=AGENDA_PAGE)
    set_registrations([e.id for e in page.items])
    return render_template(
        "events/programme.html", programme=item, page=page, filters=filters,
        args=filters.chosen, themes=THEMES, figures=queries.programme_figures(item),
        reviewer=can(current_user, Permission.REVIEW_PROGRAMME, item),
        can_submit=any(can(current_user, Permission.ORGANISE_EVENT, m.organisation)
                       for m in getattr(current_user, "memberships", []) or []),
        submission_problem=submission_problem(item))


def _organisations_that_may_open(user) -> list[Organisation]:
    from consult.events.views import organisations_of

    return [o for o in organisations_of(user) if can(user, Permission.OPEN_PROGRAMME, o)]


@bp.route("/programmes/nouveau", methods=["GET", "POST"])
@login_required
def new_programme():
    organisations = _organisations_that_may_open(current_user)
    if not organisations:
        abort(403)
    chosen = next((o for o in organisations if o.slug == request.values.get("organisation")),
                  organisations[0])
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            with refusable():
                item = ops.open_programme(person(), chosen, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Programme ouvert : les organisations partenaires peuvent y proposer leurs "
                    "événements."), "success")
            return redirect(url_for("events.programme", slug=item.slug))
    return form_page("events/programme_form.html", form, organisations=organisations,
                     organisation=chosen, programme=None)


@bp.route("/programmes/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit_programme(slug: str):
    item = programme_or_404(slug)
    if not can(current_user, Permission.REVIEW_PROGRAMME, item):
        abort(403)
    form = ProgrammeForm(obj=item if request.method == "GET" else None)
    if request.method == "GET" and item.territory:
        form.territory.data = item.territory.label
    if form.validate_on_submit():
        try:
            with refusable():
                ops.update_programme(person(), item, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Programme modifié."), "success")
            return redirect(url_for("events.programme", slug=item.slug))
    return form_page("events/programme_form.html", form, organisations=[item.organisation],
                     organisation=item.organisation, programme=item)


@bp.route("/programmes/<slug>/examen")
@login_required
def review_queue(slug: str):
    item = programme_or_404(slug)
    if not can(current_user, Permission.REVIEW_PROGRAMME, item):
        abort(403)
    queue = ops.review_queue(item)
    return render_template("events/review_queue.html", programme=item, queue=queue,
                           forms={e.id: ReviewForm(prefix=f"e{e.id}") for e in queue})


@bp.route("/programmes/<slug>/examen/<int:event_id>", methods=["POST"])
@login_required
def review(slug: str, event_id: int):
    item = programme_or_404(slug)
    if not can(current_user, Permission.REVIEW_PROGRAMME, item):
        abort(403)
    event = event_or_404(event_id)
    if event.programme_id != item.id:
        abort(404)
    form = ReviewForm(prefix=f"e{event.id}")
    if form.validate_on_submit():
        try:
            with refusable():
                decision = ops.review_event(person(), event, form.decision.data,
                                            form.reason.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash({"accepted": _("« %(title)s » est accepté : il paraît dans l’agenda.",
                                 title=event.title),
                   "changes_requested": _("Modifications demandées pour « %(title)s ».",
                                          title=event.title),
                   "refused": _("« %(title)s » est refusé ; son organisateur est prévenu.",
                                title=event.title)}[decision.value], "success")
            return redirect(url_for("events.review_queue", slug=item.slug))
    queue = ops.review_queue(item)
    forms = {e.id: ReviewForm(prefix=f"e{e.id}", formdata=None) for e in queue}
    forms[event.id] = form
    return render_template("events/review_queue.html", programme=item, queue=queue,
                           forms=forms), 422


# --- Public calendars ---------------------------------------------------------------------

FEED_LIMIT = 2000


def _feed(filters: queries.AgendaFilters, name: str, filename: str):
    events = list(db.session.scalars(queries.agenda(filters).limit(FEED_LIMIT)))
    return calendar.ics_response(calendar.calendar(name, events), filename)


@bp.route("/programmes/<slug>.ics")
def programme_calendar(slug: str):
    item = programme_or_404(slug)
    return _feed(queries.AgendaFilters(programme_id=item.id), item.title, f"{item.slug}.ics")


@bp.route("/organisations/<slug>/evenements.ics")
def organisation_calendar(slug: str):
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.slug == slug)) or abort(404)
    return _feed(queries.AgendaFilters(organisation_id=organisation.id), organisation.name,
                 f"{organisation.slug}.ics")


@bp.route("/territoires/<kind>/<code>/evenements.ics")
def territory_calendar(kind: str, code: str):
    from consult.territories.reference import territory_id_by_key

    territory_id = territory_id_by_key(f"{kind}:{code}") or abort(404)
    territory = db.session.get(Territory, territory_id)
    return _feed(queries.AgendaFilters(territory=territory), territory.label,
                 f"{kind}-{code}.ics")

