"""Event pages: the agenda, an event, organising one, registering, the check-in list,
the write-up, and the calendars."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.core.pagecache import anonymous_cache
from consult.core.pagination import page_number, paginate
from consult.core.personal import set_personal_context
from consult.core.security import Permission, can
from consult.db import db, utcnow
from consult.events import bp, calendar, permissions, queries  # noqa: F401  (rules registered)
from consult.events import operations as ops
from consult.events import registration as seats
from consult.events.forms import (
    CancelEventForm,
    EventForm,
    RegistrationForm,
    WriteUpForm,
)
from consult.events.models import (
    Audience,
    Event,
    EventKind,
    Programme,
    Registration,
    RegistrationStatus,
)
from consult.events.themes import THEMES, theme_label
from consult.organisations.models import Organisation


def _challenge_of(event: Event):
    from consult.challenges.models import Challenge

    challenge = db.session.get(Challenge, event.challenge_id) if event.challenge_id else None
    return challenge if challenge is not None and challenge.published_at else None


def _can_open_programme() -> bool:
    return current_user.is_authenticated and any(
        can(current_user, Permission.OPEN_PROGRAMME, m.organisation)
        for m in current_user.memberships)


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals.update(
        now=utcnow, event_kinds=list(EventKind), audiences=list(Audience),
        challenge_of=_challenge_of, can_open_programme=_can_open_programme,
        event_of_idea=queries.event_of_idea)  # the idea page: « proposée lors de… »
    state.app.jinja_env.filters["theme_label"] = theme_label


def event_or_404(event_id: int) -> Event:
    """An event anyone may see: listed, or seen by its organisers and its programme's
    team (an event waiting for review is theirs to read)."""
    event = db.session.get(Event, event_id) or abort(404)
    if not event.is_listed and not (can(current_user, Permission.EDIT_EVENT, event) or can(
            current_user, Permission.REVIEW_PROGRAMME, event.programme)):
        abort(404)
    return event


def _editable_or_403(event: Event) -> None:
    if not can(current_user, Permission.EDIT_EVENT, event):
        abort(403)


# --- The agenda -------------------------------------------------------------------------


def set_registrations(event_ids: list[int]) -> None:
    """The personal context of the agenda's slots: the person's registrations among the
    events shown (templates/_personal.html, ``event_status``)."""
    set_personal_context(registrations=queries.my_registrations(current_user, event_ids))


def agenda_on_hit(slots: list) -> bool:
    """A kept agenda, for another citizen: their registrations among its events."""
    set_registrations([args[0] for name, args in slots if name == "event_status"])
    return True


@bp.route("/evenements")
@anonymous_cache(personal=agenda_on_hit)
def agenda():
    filters = queries.read_filters(request.args)
    page = paginate(queries.agenda(filters), page_number(request.args.get("page")), size=30)
    set_registrations([e.id for e in page.items])
    return render_template("events/agenda.html", page=page, filters=filters,
                           args=filters.chosen, themes=THEMES)


@bp.route("/evenements/<int:event_id>")
@anonymous_cache()
def show(event_id: int):
    event = event_or_404(event_id)
    mine = seats.current_registration(current_user, event.id)
    waiting = queries.waiting_counts([event.id]).get(event.id, 0)
    return render_template(
        "events/show.html", event=event, mine=mine, waiting=waiting,
        problem=seats.registration_problem(current_user, event),
        editable=can(current_user, Permission.EDIT_EVENT, event),
        ideas=queries.ideas_of_event(event.id))


@bp.route("/seances/<int:event_id>")
def old_session_address(event_id: int):
    """Test sessions became events (issue 18): their old addresses lead there."""
    return redirect(url_for("events.show", event_id=event_id), 301)


# --- Organising ------------------------------------------------------------------------


def organisations_of(user) -> list[Organisation]:
    """The organisations a person acts for (every one, for the platform's administrator)."""
    ids = [m.organisation_id for m in user.memberships]
    if user.is_platform_admin and not ids:
        return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.name)))


def prepare_event_form(form: EventForm, organisation: Organisation | None) -> None:
    """Choices that depend on the database: partner organisations, challenges."""
    from consult.challenges.models import Challenge

    form.partners.choices = [(o.id, o.name) for o in db.session.scalars(
        select(Organisation).order_by(Organisation.name).limit(500))
        if organisation is None or o.id != organisation.id]
    form.challenge.choices = [("", _("— Aucun —")), *(
        (str(c.id), c.title) for c in db.session.scalars(
            select(Challenge).where(Challenge.published_at.is_not(None))
            .order_by(Challenge.title).limit(500)))]


@bp.route("/evenements/nouveau", methods=["GET", "POST"])
@login_required
def new():
    """An agent organises an event for one of their organisations; with ``?programme=``,
    the event is submitted to that programme."""
    organisations = [o for o in organisations_of(current_user)
                     if can(current_user, Permission.ORGANISE_EVENT, o)]
    if not organisations:
        abort(403)
    chosen = next((o for o in organisations if o.slug == request.values.get("organisation")),
                  organisations[0])
    programme = db.session.scalar(select(Programme).where(
        Programme.slug == request.values.get("programme"))) if request.values.get(
        "programme") else None
    form = EventForm()
    form.programme = programme
    prepare_event_form(form, chosen)
    if request.method == "GET":  # a link may suggest the challenge and the commune
        if request.args.get("defi") in {value for value, _label in form.challenge.choices}:
            form.challenge.data = request.args["defi"]
        form.commune.data = form.commune.data or (request.args.get("commune") or "")[:120]
    problem = ops.submission_problem(programme) if programme else None
    if problem is None and form.validate_on_submit():
        try:
            with refusable():
                event = ops.schedule_event(person(), chosen, form.draft(), programme)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Événement proposé au programme : son équipe va l’examiner.") if programme
                  else _("Événement publié."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("events/form.html", form, organisations=organisations,
                     organisation=chosen, programme=programme, problem=problem, event=None)


@bp.route("/evenements/<int:event_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = event_or_404(event_id)
    _editable_or_403(event)
    form = EventForm()
    form.programme, form.existing, form.brief_id = event.programme, event, event.brief_id
    if event.brief_id is not None:
        from consult.events.forms import UserTestForm

        form = UserTestForm()
        form.programme, form.existing, form.brief_id = event.programme, event, event.brief_id
        form.version.choices = [("", "—"), (str(event.version_id or ""), "")]
    prepare_event_form(form, event.organisation)
    if request.method == "GET":
        form.fill_from(event)
    if form.validate_on_submit():
        draft = form.draft()
        if event.brief_id is not None:
            draft.version_id = event.version_id
        try:
            with refusable():
                changes = ops.update_event(person(), event, draft)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Événement modifié ; les personnes inscrites sont prévenues : %(what)s.",
                    what=", ".join(changes)) if changes else _("Événement modifié."),
                  "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("events/form.html", form, organisations=[event.organisation],
                     organisation=event.organisation, programme=event.programme,
                     problem=None, event=event)


@bp.route("/evenements/<int:event_id>/annuler", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int):
    event = event_or_404(event_id)
    _editable_or_403(event)
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            with refusable():
                told = ops.cancel_event(person(), event, form.reason.data)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(ngettext("Événement annulé ; %(num)d personne prévenue.",
                           "Événement annulé ; %(num)d personnes prévenues.", told), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("events/cancel.html", form, event=event,
                     people=len(queries.registrations_of(event.id)))


# --- Registering -----------------------------------------------------------------------


@bp.route("/evenements/<int:event_id>/inscription", methods=["GET", "POST"])
@login_required
def register(event_id: int):
    """The registration form: accessibility needs and the organisers' questions."""
    event = event_or_404(event_id)
    form = RegistrationForm()
    answers = {str(q.id): request.form.get(f"question_{q.id}", "") for q in event.questions}
    problem = seats.registration_problem(current_user, event)
    if seats.current_registration(current_user, event.id) is not None:
        flash(_("Vous êtes déjà inscrit·e à cet événement."), "info")
        return redirect(url_for("events.show", event_id=event.id))
    question_errors: dict[str, str] = {}
    if problem is None and request.method == "POST":
        question_errors = seats.answers_problems(event, answers)
        if form.validate_on_submit() and not question_errors:
            try:
                with refusable():
                    status = seats.register(person(), event, needs=form.needs.data or "",
                                            answers=answers)
            except Refused as refusal:
                if refusal.field and refusal.field.startswith("question_"):
                    question_errors[refusal.field.removeprefix("question_")] = refusal.message
                else:
                    form.show_refusal(refusal)
            else:
                _flash_status(status)
                return redirect(url_for("events.show", event_id=event.id))
        elif not form.errors and not question_errors:
            abort(400)  # a form without its CSRF token
    status = 422 if (form.errors or question_errors) else 200
    return render_template("events/register.html", event=event, form=form, problem=problem,
                           answers=answers, question_errors=question_errors), status


def _flash_status(status: RegistrationStatus) -> None:
    if status == RegistrationStatus.CONFIRMED:
        flash(_("Vous êtes inscrit·e. Un rappel vous sera envoyé la veille."), "success")
    else:
        flash(_("L’événement est complet : vous êtes sur la liste d’attente, et serez "
                "prévenu·e si une place se libère."), "info")


@bp.route("/evenements/<int:event_id>/desinscription", methods=["POST"])
@login_required
def unregister(event_id: int):
    event = event_or_404(event_id)
    FlaskForm().validate_on_submit() or abort(400)
    try:
        with refusable():
            seats.cancel(person(), event)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("events.show", event_id=event.id)), 303
    flash(_("Votre inscription est annulée."), "success")
    return redirect(url_for("events.show", event_id=event.id))


# --- On the day ------------------------------------------------------------------------


@bp.route("/evenements/<int:event_id>/participants")
@login_required
def participants(event_id: int):
    """The organisers' list: who comes, their needs and answers, and the check-in (a
    list that works on a phone, one button per person)."""
    event = event_or_404(event_id)
    _editable_or_403(event)
    registrations = queries.registrations_of(event.id)
    return render_template("events/participants.html", event=event,
                           registrations=registrations,
                           checked_in=sum(1 for r in registrations if r.checked_in_at),
                           questions={str(q.id): q.label for q in event.questions})


@bp.route("/evenements/<int:event_id>/pointage/<int:registration_id>", methods=["POST"])
@login_required
def check_in(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    _editable_or_403(event)
    FlaskForm().validate_on_submit() or abort(400)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    try:
        with refusable():
            seats.check_in(event, registration, request.form.get("present") == "1")
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("events.participants", event_id=event.id)), 303
    return redirect(url_for("events.participants", event_id=event.id,
                            _anchor=f"inscription-{registration.id}"))


@bp.route("/evenements/<int:event_id>/compte-rendu", methods=["GET", "POST"])
@login_required
def write_up(event_id: int):
    event = event_or_404(event_id)
    _editable_or_403(event)
    form = WriteUpForm(obj=event if request.method == "GET" else None)
    if request.method == "GET" and event.attendance is None:
        form.attendance.data = queries.checked_in_count(event.id) or None
    if form.validate_on_submit():
        try:
            with refusable():
                ops.write_up(person(), event, summary=form.summary.data,
                             materials=form.materials.data or "",
                             attendance=form.attendance.data)
                posted = ops.post_workshop_ideas(person(), event, form.ideas.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Compte rendu publié.") + (" " + ngettext(
                "%(num)d idée déposée dans le défi lié, où elle suit sa modération.",
                "%(num)d idées déposées dans le défi lié, où elles suivent sa modération.",
                posted) if posted else ""), "success")
            return redirect(url_for("events.show", event_id=event.id, _anchor="compte-rendu"))
    return form_page("events/write_up.html", form, event=event)


# --- Calendars ---------------------------------------------------------------------------


@bp.route("/evenements/<int:event_id>.ics")
def event_calendar(event_id: int):
    event = event_or_404(event_id)
    mine = seats.current_registration(current_user, event.id)
    links = {event.id} if mine is not None and mine.status == RegistrationStatus.CONFIRMED \
        else set()
    return calendar.ics_response(calendar.calendar(event.title, [event], links),
                                 f"evenement-{event.id}.ics")


@bp.route("/agenda/<int:user_id>/<token>.ics")
def personal_calendar(user_id: int, token: str):
    calendar.feed_owner(user_id, token)
    return calendar.ics_response(calendar.personal_calendar_body(user_id), "mes-evenements.ics")


@bp.route("/mon-espace/evenements", methods=["GET", "POST"])
@login_required
def my_events():
    """A person's events, and their calendar's secret address (create, renew, revoke)."""
    if request.method == "POST":
        FlaskForm().validate_on_submit() or abort(400)
        if request.form.get("action") == "revoke":
            calendar.revoke_feed(current_user.id)
            flash(_("L’adresse de votre agenda est révoquée."), "success")
        else:
            calendar.renew_feed(current_user.id)
            flash(_("Nouvelle adresse d’agenda créée ; l’ancienne ne fonctionne plus."),
                  "success")
        return redirect(url_for("events.my_events"))
    rows = queries.registered_events(current_user.id)
    set_personal_context(registrations={event.id: status for event, status in rows})
    return render_template("events/mine.html", rows=rows,
                           feed_url=calendar.personal_feed_url(current_user.id))
