"""Co-design pages: volunteer, sessions and registrations, feedback."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.briefs.views import brief_or_404
from consult.codesign import bp, personal_data, queries  # noqa: F401
from consult.codesign import operations as ops
from consult.codesign.forms import FeedbackForm, VersionForm, VolunteerForm
from consult.codesign.models import ContactPreference, Reviewers
from consult.core.errors_domain import Refused, refusable
from consult.core.params import parse_id
from consult.core.security import Permission, can
from consult.events.forms import UserTestForm
from consult.events.queries import events_of_brief, registrations_of
from consult.events.views import prepare_event_form


@bp.route("/cahiers/<int:brief_id>/volontaire", methods=["GET", "POST"])
@login_required
def volunteer(brief_id: int):
    brief = brief_or_404(brief_id)
    form = VolunteerForm()
    if form.validate_on_submit():
        try:
            with refusable():
                ops.volunteer(person(), brief, consent=form.consent.data,
                              availability=form.availability.data or "",
                              contact=ContactPreference(form.contact.data),
                              phone=form.phone.data)
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Merci ! L’équipe vous contactera pour les tests."), "success")
            return redirect(url_for("briefs.show", brief_id=brief.id))
    return form_page("codesign/volunteer.html", form, brief=brief)


@bp.route("/cahiers/<int:brief_id>/volontaire/retirer", methods=["POST"])
@login_required
def stop_volunteering(brief_id: int):
    brief = brief_or_404(brief_id)
    FlaskForm().validate_on_submit() or abort(400)
    ops.stop_volunteering(person(), brief)
    flash(_("Votre accord est retiré et vos coordonnées de test effacées."), "success")
    return redirect(url_for("briefs.show", brief_id=brief.id))


@bp.route("/cahiers/<int:brief_id>/seances/nouvelle", methods=["GET", "POST"])
@login_required
def new_session(brief_id: int):
    """A user test of the brief's prototype: the event form, with the version tested."""
    brief = brief_or_404(brief_id)
    if not can(current_user, Permission.EDIT_BRIEF, brief):
        abort(403)
    form = UserTestForm()
    form.brief_id = brief.id
    prepare_event_form(form, None)
    form.version.choices = [("", _("— Aucune en particulier —")), *(
        (str(v.id), v.name) for v in queries.versions_of(brief.id))]
    if request.method == "GET":
        form.challenge.data = str(brief.challenge_id)
    if form.validate_on_submit():
        try:
            with refusable():
                event = ops.schedule_session(person(), brief, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Séance programmée ; les volontaires sont prévenus."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return form_page("codesign/session_form.html", form, brief=brief)


@bp.route("/cahiers/<int:brief_id>/retours", methods=["GET", "POST"])
@login_required
def feedback(brief_id: int):
    """Review one version of the prototype (``?version=``); one review per person and
    version, which a second visit edits."""
    brief = brief_or_404(brief_id)
    versions = queries.versions_of(brief.id)
    chosen = next((v for v in versions if v.id == parse_id(
        request.values.get("version"))), versions[-1] if versions else None)
    if chosen is None:
        return render_template("codesign/feedback.html", brief=brief, versions=[],
                               version=None, form=None, problem=None)
    mine = queries.my_feedback(current_user, chosen.id)
    form = FeedbackForm(obj=mine if request.method == "GET" else None)
    problem = ops.review_problem(current_user, chosen, brief)
    if not problem and form.validate_on_submit():
        try:
            with refusable():
                ops.give_feedback(person(), chosen, worked=form.worked.data or "",
                                  did_not_work=form.did_not_work.data or "",
                                  rating=form.rating.data, comment=form.comment.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Votre avis est modifié.") if mine else _("Merci pour votre retour !"),
                  "success")
            return redirect(url_for("briefs.show", brief_id=brief.id, _anchor="retours"))
    return form_page("codesign/feedback.html", form, brief=brief, versions=versions,
                     version=chosen, mine=mine, problem=problem)


@bp.route("/cahiers/<int:brief_id>/versions", methods=["POST"])
@login_required
def add_version(brief_id: int):
    brief = brief_or_404(brief_id)
    if not can(current_user, Permission.EDIT_BRIEF, brief):
        abort(403)
    form = VersionForm(prefix="v")
    if form.validate_on_submit():
        try:
            with refusable():
                ops.add_version(person(), brief, name=form.name.data,
                                released_on=form.released_on.data,
                                changes=form.changes.data or "",
                                reviewers=Reviewers(form.reviewers.data))
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Version ajoutée : les personnes concernées peuvent donner leur avis."),
                  "success")
            return redirect(url_for("briefs.show", brief_id=brief.id, _anchor="retours"))
    return form_page("codesign/version_form.html", form, brief=brief)


@bp.route("/cahiers/<int:brief_id>/participants")
@login_required
def participants(brief_id: int):
    brief = brief_or_404(brief_id)
    if not can(current_user, Permission.EDIT_BRIEF, brief):
        abort(403)
    sessions = events_of_brief(brief.id)
    return render_template("codesign/participants.html", brief=brief,
                           volunteers=queries.volunteers_of(brief.id), sessions=sessions,
                           registrations={s.id: registrations_of(s.id)
                                          for s in sessions}, args=request.args)
