"""An organisation's answer templates and its own answer statuses (in its workspace)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from consult.accounts.sessions import person
from consult.answers import bp
from consult.answers import operations as ops
from consult.answers.models import MAX_BODY, MAX_LABEL, MAX_NAME, AnswerLabel, AnswerTemplate
from consult.core.errors_domain import Refused
from consult.db import db
from consult.ideas.models import AnswerStatus
from consult.organisations.queries import organisation_by_slug

FIELDS = ("name", "status", "body")


def _organisation(slug: str):
    organisation = organisation_by_slug(slug)
    if organisation is None:
        abort(404)
    if not ops.may_manage(current_user, organisation):
        abort(403)
    return organisation


def _page(organisation, status: int = 200, errors: dict | None = None,
          typed: dict | None = None, editing: int | None = None):
    return render_template(
        "answers/templates.html", organisation=organisation,
        templates=ops.templates_for([organisation.id]), statuses=list(AnswerStatus),
        placeholders=", ".join("{" + p + "}" for p in ops.PLACEHOLDERS),
        errors=errors or {}, typed=typed or {},
        editing=editing, max_name=MAX_NAME, max_body=MAX_BODY), status


@bp.route("/espace/<slug>/modeles-de-reponse", methods=["GET", "POST"])
@login_required
def templates(slug: str):
    organisation = _organisation(slug)
    if request.method == "GET":
        return _page(organisation)
    return _save(organisation, None)


@bp.route("/espace/<slug>/modeles-de-reponse/<int:template_id>", methods=["POST"])
@login_required
def template(slug: str, template_id: int):
    organisation = _organisation(slug)
    found = db.session.get(AnswerTemplate, template_id)
    if found is None or found.organisation_id != organisation.id:
        abort(404)
    if request.form.get("action") == "delete":
        if not FlaskForm().validate_on_submit():
            abort(400)
        ops.delete_template(person(), found)
        flash(_("Modèle supprimé."), "success")
        return redirect(url_for("answers.templates", slug=slug))
    return _save(organisation, found)


def _save(organisation, found: AnswerTemplate | None):
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {name: request.form.get(name, "") for name in FIELDS}
    problems = ops.template_problems(organisation, typed["name"], typed["status"],
                                     typed["body"], found)
    if problems:  # every problem at once, what was typed kept
        return _page(organisation, 422, problems, typed, found.id if found else None)
    try:
        ops.save_template(person(), organisation, typed["name"], typed["status"],
                          typed["body"], found)
    except Refused as refused:
        return _page(organisation, 422, {refused.field or "body": refused.message}, typed,
                     found.id if found else None)
    flash(_("Modèle enregistré."), "success")
    return redirect(url_for("answers.templates", slug=organisation.slug))


def _labels_page(organisation, status: int = 200, errors: dict | None = None,
                 typed: dict | None = None):
    return render_template(
        "answers/labels.html", organisation=organisation,
        labels=ops.labels_for([organisation.id]), statuses=list(AnswerStatus),
        errors=errors or {}, typed=typed or {}, max_label=MAX_LABEL), status


@bp.route("/espace/<slug>/statuts-de-reponse", methods=["GET", "POST"])
@login_required
def labels(slug: str):
    organisation = _organisation(slug)
    if request.method == "GET":
        return _labels_page(organisation)
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {"label_name": request.form.get("label_name", ""),
             "label_status": request.form.get("label_status", "")}
    problems = ops.label_problems(organisation, typed["label_name"], typed["label_status"])
    if problems:  # every problem at once, what was typed kept, nothing saved
        return _labels_page(organisation, 422, problems, typed)
    ops.save_label(person(), organisation, typed["label_name"], typed["label_status"])
    flash(_("Statut enregistré."), "success")
    return redirect(url_for("answers.labels", slug=slug))


@bp.route("/espace/<slug>/statuts-de-reponse/<int:label_id>", methods=["POST"])
@login_required
def delete_label(slug: str, label_id: int):
    organisation = _organisation(slug)
    found = db.session.get(AnswerLabel, label_id)
    if found is None or found.organisation_id != organisation.id:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    ops.delete_label(person(), found)
    flash(_("Statut supprimé ; les idées déjà répondues le gardent."), "success")
    return redirect(url_for("answers.labels", slug=slug))
