"""Asking for an opinion on an idea, the requests page of an agent (asked of their
organisation, sent by their challenges, with the delays), one request's page (answer,
cite, withdraw), and the cited opinions on the idea's page."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from consult.accounts.sessions import person
from consult.core.errors_domain import Refused
from consult.core.params import parse_id
from consult.core.timezones import today_in_paris
from consult.db import db
from consult.ideas.views import idea_or_404
from consult.opinions import bp
from consult.opinions import operations as ops
from consult.opinions.models import MAX_OPINION, MAX_QUESTION, OpinionRequest
from consult.organisations.queries import agent_organisation_ids


def _date(value: str) -> date | None:
    """« 2026-12-24 » (the date field) or « 24/12/2026 » (typed by hand)."""
    value = (value or "").strip()
    if len(value) > 10:
        return None
    for parse in (lambda v: date.fromisoformat(v),
                  lambda v: date(*reversed([int(p) for p in v.split("/")]))):
        try:
            return parse(value)
        except (ValueError, TypeError, OverflowError):  # « 99999999999999999999 »
            continue
    return None


def _ask_page(idea, status: int = 200, errors: dict | None = None, typed: dict | None = None):
    return render_template(
        "opinions/ask.html", idea=idea, challenge=idea.challenge,
        organisations=ops.askable_organisations(idea.challenge),
        requests=ops.requests_on(idea), errors=errors or {}, typed=typed or {},
        today=today_in_paris(), max_question=MAX_QUESTION), status


@bp.route("/idees/<int:idea_id>/avis", methods=["GET", "POST"])
@login_required
def ask(idea_id: int):
    idea = idea_or_404(idea_id)
    if not ops.may_follow(current_user, idea.challenge):
        abort(403)
    if request.method == "GET":
        return _ask_page(idea)
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {name: request.form.get(name, "") for name in ("organisation", "question",
                                                             "deadline")}
    deadline = _date(typed["deadline"])
    organisation_id = parse_id(typed["organisation"])
    problems = ops.ask_problems(person(), idea, organisation_id, typed["question"], deadline,
                                today_in_paris())
    if typed["deadline"].strip() and deadline is None:
        problems["deadline"] = _("Date illisible : écrivez-la jj/mm/aaaa.")
    if problems:  # every problem at once, what was typed kept
        return _ask_page(idea, 422, problems, typed)
    try:
        ops.ask(person(), idea, organisation_id, typed["question"], deadline)
    except Refused as refused:
        return _ask_page(idea, 422, {refused.field or "question": refused.message}, typed)
    flash(_("Demande d’avis envoyée : ses agents sont prévenus et la voient dans leurs "
            "demandes d’avis."), "success")
    return redirect(url_for("opinions.ask", idea_id=idea.id))


@bp.route("/avis")
@login_required
def index():
    if not agent_organisation_ids(current_user):
        abort(403)
    today = today_in_paris()
    asked, sent = ops.asked_of(person()), ops.sent_by(person())
    return render_template("opinions/index.html", asked=asked, sent=sent, today=today,
                           asked_delays=ops.delays(asked, today),
                           sent_delays=ops.delays(sent, today))


def _request_or_404(request_id: int) -> OpinionRequest:
    found = db.session.get(OpinionRequest, request_id)
    if found is None:
        abort(404)
    if not ops.may_see(current_user, found):
        abort(403)
    return found


def _show(found: OpinionRequest, status: int = 200, error: str | None = None,
          typed: str | None = None):
    return render_template(
        "opinions/show.html", request_=found, idea=found.idea, today=today_in_paris(),
        answering=ops.may_answer(current_user, found),
        following=ops.may_follow(current_user, found.idea.challenge), error=error,
        typed=typed if typed is not None else "", max_opinion=MAX_OPINION), status


@bp.route("/avis/<int:request_id>", methods=["GET", "POST"])
@login_required
def show(request_id: int):
    found = _request_or_404(request_id)
    if request.method == "GET":
        return _show(found)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not ops.may_answer(current_user, found):
        abort(403)
    typed = request.form.get("opinion", "")
    try:
        ops.answer(person(), found, typed)
    except Refused as refused:
        return _show(found, 422 if refused.field else 409, refused.message, typed)
    flash(_("Avis transmis à l’équipe du défi. Il reste privé, sauf si elle le cite avec "
            "sa réponse officielle."), "success")
    return redirect(url_for("opinions.show", request_id=found.id))


@bp.route("/avis/<int:request_id>/<any(citer, retirer):action>", methods=["POST"])
@login_required
def act(request_id: int, action: str):
    found = _request_or_404(request_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not ops.may_follow(current_user, found.idea.challenge):
        abort(403)
    try:
        (ops.cite if action == "citer" else ops.withdraw)(person(), found)
    except Refused as refused:
        return _show(found, 409, refused.message)
    flash(_("Avis cité : il apparaît sous la réponse officielle de l’idée.")
          if action == "citer" else _("Demande retirée."), "success")
    return redirect(url_for("opinions.show", request_id=found.id))


def opinions_on_idea(idea) -> Markup:
    """Under the official answer: the opinions it cites; for the challenge's agents, the
    way to ask for one."""
    cited = ops.cited_on(idea)
    following = ops.may_follow(current_user, idea.challenge)
    if not cited and not following:
        return Markup("")
    return Markup(render_template(  # noqa: S704  # nosec B704 - a template of ours, autoescaped
        "opinions/_on_idea.html", idea=idea, cited=cited, following=following))


@bp.app_context_processor
def _on_ideas():
    return {"opinions_on_idea": opinions_on_idea}
