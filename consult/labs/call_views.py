"""Pages of calls for projects: the calls, a call (and its published results),
publishing and editing one, applying, an application, the jury (jurors named, scores
given on one's own, the consolidated ranking), decisions and their publication."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.accounts.models import User
from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.core.errors_domain import Refused, refusable
from consult.core.security import Permission, can
from consult.db import db
from consult.labs import bp, call_queries
from consult.labs import calls as ops
from consult.labs.forms import (
    CallForm,
    DecisionForm,
    JurorForm,
    application_form,
    score_form,
)
from consult.labs.models import Application, Call
from consult.labs.views import _require, lab_or_404
from consult.organisations.models import Organisation


def call_or_404(call_id: int) -> Call:
    return db.session.get(Call, call_id) or abort(404)


@bp.route("/appels")
def calls():
    return render_template("labs/calls.html", calls=call_queries.all_calls(),
                           counts=None)


def _applying_organisations(call: Call) -> list[Organisation]:
    if not current_user.is_authenticated:
        return []
    return [m.organisation for m in current_user.memberships
            if ops.apply_problem(current_user, call, m.organisation) is None]


def _apply_problem(call: Call) -> str | None:
    if _applying_organisations(call):
        return None
    first = next(iter(m.organisation for m in getattr(current_user, "memberships", [])), None)
    return ops.apply_problem(current_user, call, first)


@bp.route("/appels/<int:call_id>")
def call(call_id: int):
    call = call_or_404(call_id)
    return render_template(
        "labs/call.html", call=call, team=can(current_user, Permission.LAB_TEAM, call.lab),
        juror=ops.is_juror(current_user, call), problem=_apply_problem(call),
        is_open=ops.is_open(call), count=call_queries.applications_count(call),
        results=call_queries.published_results(call))


@bp.route("/labos/<slug>/appels/nouveau", methods=["GET", "POST"])
@login_required
def new_call(slug: str):
    lab = lab_or_404(slug)
    _require(Permission.LAB_TEAM, lab)
    form = CallForm()
    if form.validate_on_submit():
        try:
            with refusable():
                published = ops.publish_call(person(), lab, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Appel à projets publié. Nommez son jury."), "success")
            return redirect(url_for("labs.jury", call_id=published.id))
    return form_page("labs/call_form.html", form, lab=lab, call=None)


@bp.route("/appels/<int:call_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_call(call_id: int):
    call = call_or_404(call_id)
    _require(Permission.LAB_TEAM, call.lab)
    form = CallForm()
    form.existing = call
    if request.method == "GET":
        form.fill_from(call)
    if form.validate_on_submit():
        try:
            with refusable():
                ops.update_call(person(), call, form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Appel à projets enregistré."), "success")
            return redirect(url_for("labs.call", call_id=call.id))
    return form_page("labs/call_form.html", form, lab=call.lab, call=call)


# --- Applying ---------------------------------------------------------------------------


@bp.route("/appels/<int:call_id>/candidater", methods=["GET", "POST"])
@login_required
def apply(call_id: int):
    call = call_or_404(call_id)
    organisations = _applying_organisations(call)
    if not organisations:
        return render_template("labs/apply_refused.html", call=call,
                               problem=_apply_problem(call)), 403
    form = application_form(call, organisations)
    if form.validate_on_submit():
        organisation = next((o for o in organisations if o.slug == form.organisation.data),
                            organisations[0])
        try:
            with refusable():
                application = ops.submit_application(person(), call, organisation,
                                                     form.draft())
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Candidature déposée. Vous pouvez la modifier jusqu’à la clôture, le "
                    "%(date)s.", date=ops._date(call.closes_at)), "success")
            return redirect(url_for("labs.application", application_id=application.id))
    return form_page("labs/apply.html", form, call=call, application=None)


def application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id) or abort(404)
    if not can(current_user, Permission.VIEW_APPLICATION, application):
        abort(404)
    return application


def _application_context(application: Application, **forms) -> dict:
    call = application.call
    team = can(current_user, Permission.LAB_TEAM, call.lab)
    applicant = current_user.is_agent_of(application.organisation_id)
    juror = ops.is_juror(current_user, call)
    mine = ops.my_scores(current_user, application) if juror else {}
    context = dict(
        application=application, call=call, team=team, applicant=applicant, juror=juror,
        editable=applicant and application.status == ops.ApplicationStatus.SUBMITTED
        and ops.is_open(call),
        scoring_problem=ops.scoring_problem(current_user, application) if juror else None,
        mine=mine,
        # a juror reads the others' scores only once theirs are given (on their own first)
        consolidated=next((c for c in ops.consolidate(call) if c.application.id ==
                           application.id), None) if team or (juror and mine) else None)
    if juror and "score_form" not in forms:
        values = {f"criterion_{cid}": str(s.value) for cid, s in mine.items()}
        values["comment"] = next(iter(mine.values())).comment if mine else ""
        forms["score_form"] = score_form(call, data=values)
    if team and "decision_form" not in forms:
        forms["decision_form"] = DecisionForm(prefix="decision", data={
            "decision": "reject" if application.status == ops.ApplicationStatus.NOT_SELECTED
            else "select", "justification": application.decision or ""})
    if context["editable"] and "edit_form" not in forms:
        forms["edit_form"] = application_form(call, [application.organisation], data={
            "title": application.title, "summary": application.summary,
            **{f"answer_{i}": a for i, a in enumerate(application.answers)}})
    context.update(forms)
    return context


@bp.route("/candidatures/<int:application_id>", methods=["GET", "POST"])
@login_required
def application(application_id: int):
    """The application: its applicants follow (and edit until the closing); its jurors
    score it; the lab's team decides."""
    application = application_or_404(application_id)
    if request.method == "POST":
        context = _application_context(application)
        if not context["editable"]:
            abort(403)
        form = application_form(application.call, [application.organisation])
        if form.validate_on_submit():
            try:
                with refusable():
                    ops.update_application(person(), application, form.draft())
            except Refused as refusal:
                form.show_refusal(refusal)
            else:
                flash(_("Candidature enregistrée."), "success")
                return redirect(url_for("labs.application", application_id=application.id))
        return form_page("labs/application.html", form,
                         **_application_context(application, edit_form=form))
    return render_template("labs/application.html", **_application_context(application))


@bp.route("/candidatures/<int:application_id>/retirer", methods=["POST"])
@login_required
def withdraw(application_id: int):
    application = application_or_404(application_id)
    if not current_user.is_agent_of(application.organisation_id):
        abort(403)
    try:
        with refusable():
            ops.withdraw(person(), application)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_("Candidature retirée."), "success")
    return redirect(url_for("labs.application", application_id=application.id), 303)


@bp.route("/candidatures/<int:application_id>/note", methods=["POST"])
@login_required
def score(application_id: int):
    application = application_or_404(application_id)
    call = application.call
    if not ops.is_juror(current_user, call):
        abort(403)
    form = score_form(call)
    if form.validate_on_submit():
        try:
            with refusable():
                ops.score(person(), application, form.values(), form.comment.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Notes enregistrées."), "success")
            return redirect(url_for("labs.jury", call_id=call.id), 303)
    return form_page("labs/application.html", form,
                     **_application_context(application, score_form=form))


@bp.route("/candidatures/<int:application_id>/decision", methods=["POST"])
@login_required
def decide(application_id: int):
    application = application_or_404(application_id)
    _require(Permission.LAB_TEAM, application.call.lab)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            with refusable():
                ops.decide(person(), application, form.decision.data,
                           form.justification.data or "")
        except Refused as refusal:
            form.show_refusal(refusal)
        else:
            flash(_("Décision enregistrée ; elle sera annoncée à la publication des "
                    "décisions."), "success")
            return redirect(url_for("labs.jury", call_id=application.call_id), 303)
    return form_page("labs/application.html", form,
                     **_application_context(application, decision_form=form))


# --- The jury ---------------------------------------------------------------------------


@bp.route("/appels/<int:call_id>/jury", methods=["GET", "POST"])
@login_required
def jury(call_id: int):
    """For the lab's team: the jurors, the ranking, the decisions. For a juror: the
    applications to score, theirs marked."""
    call = call_or_404(call_id)
    team = can(current_user, Permission.LAB_TEAM, call.lab)
    juror = ops.is_juror(current_user, call)
    if not (team or juror):
        abort(403)
    form = JurorForm(prefix="jure")
    if request.method == "POST":
        if not team:
            abort(403)
        if form.validate_on_submit():
            try:
                with refusable():
                    named = ops.name_juror(person(), call, form.email.data)
            except Refused as refusal:
                form.show_refusal(refusal)
            else:
                flash(_("%(name)s fait partie du jury.", name=named.display_name), "success")
                return redirect(url_for("labs.jury", call_id=call.id))
    ranking = ops.consolidate(call)
    scored = {a for (a,) in db.session.execute(
        select(ops.Score.application_id).where(ops.Score.juror_id == current_user.id)
        .distinct())} if juror else set()
    return form_page("labs/jury.html", form, call=call, team=team, juror=juror,
                     ranking=ranking, scored=scored,
                     publication_problem=ops.publication_problem(call) if team else None,
                     is_open=ops.is_open(call))


@bp.route("/appels/<int:call_id>/jury/<int:user_id>/retirer", methods=["POST"])
@login_required
def remove_juror(call_id: int, user_id: int):
    call = call_or_404(call_id)
    _require(Permission.LAB_TEAM, call.lab)
    juror = db.session.get(User, user_id) or abort(404)
    try:
        with refusable():
            ops.remove_juror(person(), call, juror)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_("%(name)s ne fait plus partie du jury.", name=juror.display_name), "success")
    return redirect(url_for("labs.jury", call_id=call.id), 303)


@bp.route("/appels/<int:call_id>/publier-decisions", methods=["POST"])
@login_required
def publish_decisions(call_id: int):
    call = call_or_404(call_id)
    _require(Permission.LAB_TEAM, call.lab)
    try:
        with refusable():
            opened = ops.publish_decisions(person(), call)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("labs.jury", call_id=call.id), 303)
    flash(ngettext("Décisions publiées ; chaque candidat en est informé. %(num)d projet "
                   "ouvert.", "Décisions publiées ; chaque candidat en est informé. %(num)d "
                   "projets ouverts.", opened), "success")
    return redirect(url_for("labs.call", call_id=call.id), 303)
