"""The pages of a survey: answering it, its results (and their CSV), building it, and
hiding a free text. Every decision is asked of permissions.py; every write runs in an
operation that refuses and rolls back as a whole."""

from __future__ import annotations

import csv
import io

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges.models import ChallengePhase
from consult.challenges.phases import Phase
from consult.challenges.views import challenge_or_404
from consult.core.errors_domain import Refused, refusable
from consult.core.spreadsheet import safe_cell
from consult.db import db, utcnow
from consult.surveys import bp, exports, operations, permissions, sus
from consult.surveys import integrity as _checks  # noqa: F401  (flask check)
from consult.surveys import personal_data as _data  # noqa: F401  (export and erasure)
from consult.surveys.answering import as_form, read_answers
from consult.surveys.forms import QuestionForm, SettingsForm
from consult.surveys.models import Answer, Question, QuestionKind
from consult.surveys.results import survey_results, sus_score

BASE = "/defis/<slug>/questionnaires/<int:phase_id>"


def _phase(slug: str, phase_id: int) -> ChallengePhase:
    challenge = challenge_or_404(slug)
    phase = next((p for p in challenge.phases if p.id == phase_id), None)
    if phase is None or phase.kind != Phase.SURVEY:
        abort(404)
    return phase


def _builder(phase: ChallengePhase):
    if not permissions.may_build(current_user, phase.challenge):
        abort(403)


def _back_to_builder(phase: ChallengePhase):
    return redirect(url_for("surveys.build", slug=phase.challenge.slug, phase_id=phase.id),
                    303)


@bp.route(BASE, methods=["GET", "POST"])
def respond(slug: str, phase_id: int):
    phase = _phase(slug, phase_id)
    survey = operations.survey_of(phase)
    if request.method == "POST" and not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path))
    problem = (permissions.respond_problem(current_user, survey) if survey is not None
               else _("Ce questionnaire n’a pas encore de questions."))
    values = None
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        if problem is not None:
            status = 403
        else:
            reading = read_answers(survey.questions, request.form)
            values, errors = request.form, reading.errors
            if errors:
                status = 422
            else:
                # no savepoint: the operation refuses before its first write, and the
                # 409 rolls the request back (a savepoint would take SQLite's writer's
                # turn before the reading that the operation does first)
                try:
                    first = operations.submit_response(person(), survey, reading)
                except Refused as refusal:
                    problem, status = refusal.message, 409
                else:
                    flash(_("Merci, vos réponses sont enregistrées.") if first else
                          _("Vos réponses sont modifiées."), "success")
                    return redirect(url_for("surveys.respond", slug=slug,
                                            phase_id=phase_id), 303)
    # the page: their answers as stored, or as sent when they are refused
    mine = operations.my_response(survey, current_user) if survey is not None else None
    if values is None and mine is not None:
        values = as_form(survey.questions, operations.answers_of(mine))
    return render_template("surveys/respond.html", phase=phase, challenge=phase.challenge,
                           survey=survey, problem=problem, values=values, errors=errors,
                           answered=mine is not None, kinds=QuestionKind,
                           may_build=permissions.may_build(current_user, phase.challenge),
                           may_see_results=survey is not None and permissions.may_see_results(
                               current_user, survey)), status


def _results_survey(slug: str, phase_id: int):
    phase = _phase(slug, phase_id)
    survey = operations.survey_of(phase)
    if survey is None or not permissions.may_see_results(current_user, survey):
        abort(404)
    return phase, survey


@bp.route(BASE + "/resultats")
def results(slug: str, phase_id: int):
    phase, survey = _results_survey(slug, phase_id)
    exact = permissions.exact_counts_for(current_user, survey)
    moderator = permissions.may_moderate(current_user, survey)
    score = sus_score(survey, exact=exact)
    return render_template("surveys/results.html", phase=phase, challenge=phase.challenge,
                           survey=survey, results=survey_results(
                               survey, exact=exact, moderator=moderator,
                               more=request.args.get("plus", type=int)),
                           exact=exact, moderator=moderator, kinds=QuestionKind,
                           sus=score, sus_grade=sus.grade(score[0]) if score else "",
                           small=permissions.SMALL,
                           still_open=not phase.has_ended(utcnow()))


@bp.route(BASE + "/resultats.csv")
def results_csv(slug: str, phase_id: int):
    survey = _results_survey(slug, phase_id)[1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _type, _title in exports.COLUMNS])
    for row in exports.rows(survey_id=survey.id,
                            exact=permissions.exact_counts_for(current_user, survey)):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="questionnaire-{survey.id}.csv"'})


@bp.route(BASE + "/modifier", methods=["GET", "POST"])
@login_required
def build(slug: str, phase_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    survey = operations.survey_of(phase)
    settings = SettingsForm(obj=survey if request.method == "GET" else None)
    settings.set_versions(operations.versions_for(phase.challenge))
    if request.method == "GET" and survey is not None:
        settings.version.data = str(survey.version_id or "")
    if settings.validate_on_submit():
        version = int(settings.version.data) if (settings.version.data or "").isdigit() else None
        try:
            with refusable():
                survey = operations.ensure_survey(person(), phase)
                operations.update_settings(person(), survey, intro=settings.intro.data or "",
                                           anonymous=bool(settings.anonymous.data),
                                           version_id=version)
        except Refused as refusal:
            settings.anonymous.errors.append(refusal.message)
        else:
            flash(_("Questionnaire enregistré."), "success")
            return _back_to_builder(phase)
    return _build_page(phase, survey, settings=settings, question_form=QuestionForm())


def _build_page(phase, survey, *, settings=None, question_form=None, status: int = 200):
    if settings is None:
        settings = SettingsForm(obj=survey)
        settings.set_versions(operations.versions_for(phase.challenge))
        settings.version.data = str(survey.version_id or "") if survey else ""
    page, code = form_page("surveys/build.html", question_form, phase=phase,
                           challenge=phase.challenge, survey=survey, settings=settings,
                           question_form=question_form)
    if settings.errors:
        code = 422
    return page, max(code, status)


@bp.route(BASE + "/questions", methods=["POST"])
@login_required
def add_question(slug: str, phase_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            with refusable():
                survey = operations.ensure_survey(person(), phase)
                operations.add_question(person(), survey, kind=QuestionKind(form.kind.data),
                                        **form.values())
        except Refused as refusal:
            form.choices.errors.append(refusal.message)
        else:
            flash(_("Question ajoutée."), "success")
            return _back_to_builder(phase)
    return _build_page(phase, operations.survey_of(phase), question_form=form, status=422)


@bp.route(BASE + "/sus", methods=["POST"])
@login_required
def add_sus(slug: str, phase_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    try:
        with refusable():
            operations.add_sus(person(), operations.ensure_survey(person(), phase))
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_("L’échelle SUS est ajoutée (dix affirmations de 1 à 5)."), "success")
    return _back_to_builder(phase)


def _question(phase: ChallengePhase, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey.phase_id != phase.id:
        abort(404)
    return question


@bp.route(BASE + "/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, phase_id: int, question_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    question = _question(phase, question_id)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.choices.data = "\n".join(c.label for c in question.choices)
        form.scale.data = f"{question.scale_min}-{question.scale_max}" \
            if question.scale_min is not None else "1-5"
    form.kind.data = question.kind.value  # the kind of a question never changes
    if form.validate_on_submit():
        try:
            with refusable():
                operations.update_question(person(), question, **form.values())
        except Refused as refusal:
            form.label.errors.append(refusal.message)
        else:
            flash(_("Question enregistrée."), "success")
            return _back_to_builder(phase)
    return form_page("surveys/question.html", form, phase=phase, challenge=phase.challenge,
                     question=question)


@bp.route(BASE + "/questions/<int:question_id>/supprimer", methods=["POST"])
@login_required
def delete_question(slug: str, phase_id: int, question_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    return _builder_action(phase, lambda: operations.delete_question(
        person(), _question(phase, question_id)), _("Question supprimée."))


@bp.route(BASE + "/questions/<int:question_id>/deplacer", methods=["POST"])
@login_required
def move_question(slug: str, phase_id: int, question_id: int):
    phase = _phase(slug, phase_id)
    _builder(phase)
    step = -1 if request.form.get("step") == "up" else 1
    return _builder_action(phase, lambda: operations.move_question(
        person(), _question(phase, question_id), step), _("Ordre des questions enregistré."))


def _builder_action(phase, action, message: str):
    try:
        with refusable():
            action()
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(message, "success")
    return _back_to_builder(phase)


@bp.route(BASE + "/reponses/<int:answer_id>/masquer", methods=["POST"])
@login_required
def hide_text(slug: str, phase_id: int, answer_id: int):
    phase = _phase(slug, phase_id)
    answer = db.session.get(Answer, answer_id)
    survey = operations.survey_of(phase)
    if answer is None or survey is None or db.session.get(
            Question, answer.question_id).survey_id != survey.id:
        abort(404)
    if not permissions.may_moderate(current_user, survey):
        abort(403)
    hidden = request.form.get("hidden", "1") == "1"
    try:
        with refusable():
            operations.hide_text(person(), answer, hidden)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_("Réponse masquée.") if hidden else _("Réponse de nouveau visible."), "success")
    return redirect(url_for("surveys.results", slug=slug, phase_id=phase_id), 303)
