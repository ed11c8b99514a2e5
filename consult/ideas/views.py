from __future__ import annotations

from functools import cache

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import defaultload

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges.models import Challenge, ChallengePhase
from consult.challenges.permissions import participation_problem
from consult.challenges.phases import Action
from consult.challenges.views import challenge_or_404
from consult.core.errors_domain import Refused
from consult.core.http import redirect_back
from consult.core.loading import Loader, loaded
from consult.core.sanitize import render_markdown
from consult.core.sql import read
from consult.db import db
from consult.ideas import bp
from consult.ideas import operations as ops
from consult.ideas import permissions as rules
from consult.ideas.ballot import ballot_for
from consult.ideas.forms import IdeaForm
from consult.ideas.models import Idea
from consult.ideas.operations import SupportTally
from consult.ideas.queries import (
    similar_ideas,
    supported_idea_ids,
)


def idea_or_404(idea_id: int) -> Idea:
    # the idea with its challenge, author, theme and territory in one query; the
    # challenge's organisations and themes only when a page asks for them
    idea = db.session.get(Idea, idea_id, options=[
        defaultload(Idea.challenge).lazyload(Challenge.organisations),
        defaultload(Idea.challenge).lazyload(Challenge.themes)])
    if idea is None or not rules.can_view_idea(current_user, idea):
        abort(404)
    return idea


@cache  # built once, at first use (the mappers are complete by then)
def _idea_reads():
    """The idea, its challenge and the challenge's phases in one prebuilt statement (a
    row per phase, in the relationship's order), and their loaders (core.loading)."""
    ideas, challenges, phases = Loader(Idea), Loader(Challenge), Loader(ChallengePhase)
    return (select(*ideas.columns, *challenges.columns, *phases.columns)
            .join_from(Idea, Challenge, Idea.challenge_id == Challenge.id)
            .outerjoin(ChallengePhase, ChallengePhase.challenge_id == Challenge.id)
            .where(Idea.id == bindparam("idea"))
            .order_by(ChallengePhase.starts_at, ChallengePhase.id)), ideas, challenges, phases


def idea_for_rules(idea_id: int) -> Idea | None:
    """The idea with only what its rules read, in one query: its challenge and the
    challenge's phases (its author, theme, territory, the challenge's territory,
    organisations and themes load if something asks). Built from the rows without the
    ORM's row processing: every idea button and every signed-in idea page runs it."""
    statement, ideas, challenges, phases = _idea_reads()
    rows = read(statement, idea=idea_id).all()
    if not rows:
        return None
    idea_end = len(ideas)
    challenge_end = idea_end + len(challenges)
    idea, idea_built = ideas.instance(db.session, rows[0][:idea_end])
    challenge, challenge_built = challenges.instance(db.session,
                                                     rows[0][idea_end:challenge_end])
    if challenge_built:
        loaded(challenge, "phases", phases.each(db.session, rows, challenge_end))
    if idea_built:
        loaded(idea, "challenge", [challenge])
    return idea


def button_idea_or_404(idea_id: int) -> Idea:
    """The idea a button acts on (``idea_for_rules``)."""
    idea = idea_for_rules(idea_id)
    if idea is None or not rules.can_view_idea(current_user, idea):
        abort(404)
    return idea




@bp.route("/defis/<slug>/proposer", methods=["GET", "POST"])
@login_required
def new(slug: str):
    challenge = challenge_or_404(slug)
    problem = participation_problem(current_user, challenge, Action.PROPOSE)
    if problem:
        return render_template("ideas/refused.html", challenge=challenge, message=problem), 403
    form = IdeaForm()
    form.set_themes(challenge.themes)
    preview = similar = None
    if form.validate_on_submit():
        territory_id = form.territory.territory_id
        action = request.form.get("action", "submit")
        if action == "preview":
            preview = render_markdown(form.body.data)
        else:
            similar = [] if form.unique_confirmed.data == "1" else similar_ideas(
                challenge, form.title.data, form.body.data)
            if not similar:
                try:
                    idea = ops.submit_idea(person(), challenge, title=form.title.data,
                                           body=form.body.data,
                                           theme_id=int(form.theme.data) if form.theme.data
                                           else None, territory_id=territory_id)
                except Refused as refused:
                    form.form_errors.append(refused.message)
                else:
                    flash(_("Merci ! Votre idée est publiée.") if idea.is_public else
                          _("Merci ! Votre idée sera publiée après relecture par "
                            "l’équipe de modération."), "success")
                    return redirect(url_for("ideas.show", idea_id=idea.id))
            form.unique_confirmed.data = "1"
    return form_page("ideas/form.html", form, challenge=challenge, preview=preview,
                     similar=similar)


@bp.route("/idees/<int:idea_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = idea_or_404(idea_id)
    problem = rules.edit_problem(current_user, idea)
    if problem:
        return render_template("ideas/refused.html", challenge=idea.challenge,
                               message=problem), 403
    form = IdeaForm(obj=idea if request.method == "GET" else None)
    form.set_themes(idea.challenge.themes)
    if request.method == "GET":
        form.theme.data = str(idea.theme_id or "")
        form.territory.data = idea.territory.label if idea.territory else ""
    preview = None
    if form.validate_on_submit():
        territory_id = form.territory.territory_id
        if request.form.get("action") == "preview":
            preview = render_markdown(form.body.data)
        else:
            ops.edit_idea(person(), idea, title=form.title.data, body=form.body.data,
                          theme_id=int(form.theme.data) if form.theme.data else None,
                          territory_id=territory_id)
            flash(_("Votre idée est modifiée."), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    return form_page("ideas/form.html", form, challenge=idea.challenge, idea=idea,
                     preview=preview, similar=None)


def _post_action(idea: Idea, operation, success: str):
    """Run one operation from a POST button; refusals come back as a clear message.

    The JSON answer (the button's script) carries the person's whole ballot as the
    server holds it after the operation, refused or not, so the page can show it."""
    # the CSRF token was checked by CSRFProtect before the view (every POST of the site)
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        tally = operation(person(), idea)
    except Refused as refused:
        if wants_json:
            db.session.rollback()  # the state below is what stays
            return jsonify({"error": {"code": "refused", "message": refused.message,
                                      "field": refused.field},
                            **_ballot_json(idea)}), 409
        flash(refused.message, "error")
        return redirect(url_for("ideas.show", idea_id=idea.id)), 303
    db.writes_done()  # the ballot below is read and written out after the writer's turn
    if wants_json:  # other buttons than the support's: the counts are read back
        return jsonify({"message": success, **_ballot_json(
            idea, tally if isinstance(tally, SupportTally) else None)})
    flash(success, "success")
    return redirect_back(url_for("ideas.show", idea_id=idea.id))


def _ballot_json(idea: Idea, tally: SupportTally | None = None) -> dict:
    """The person's ballot after the operation, as the writes read it back (``tally``:
    no extra query), else read now."""
    if tally is None:
        ballot = ballot_for(current_user, idea.challenge)
        db.session.refresh(idea)
        tally = SupportTally(idea.supports_count,
                             idea.id in supported_idea_ids(current_user, [idea.id]),
                             ballot.left)
    else:
        ballot = ballot_for(current_user, idea.challenge, tally.supports_left)
    return {**ballot.as_json(), "supported": tally.supported, "supports": tally.supports,
            "option": ballot.option(idea, tally.supported)}


@bp.route("/idees/<int:idea_id>/soutenir", methods=["POST"])
@login_required
def support(idea_id: int):
    return _post_action(button_idea_or_404(idea_id), ops.cast_support,
                        _("Votre soutien est compté."))


@bp.route("/idees/<int:idea_id>/retirer-soutien", methods=["POST"])
@login_required
def unsupport(idea_id: int):
    return _post_action(button_idea_or_404(idea_id), ops.withdraw_support,
                        _("Votre soutien est retiré."))


@bp.route("/idees/<int:idea_id>/deplacer-soutien/<int:duplicate_id>", methods=["POST"])
@login_required
def move_support(idea_id: int, duplicate_id: int):
    kept = idea_or_404(idea_id)
    duplicate = idea_or_404(duplicate_id)
    return _post_action(kept, lambda user, idea: ops.move_support(user, duplicate, idea),
                        _("Votre soutien est passé sur cette idée."))


@bp.route("/idees/<int:idea_id>/retirer", methods=["POST"])
@login_required
def withdraw(idea_id: int):
    return _post_action(idea_or_404(idea_id), ops.withdraw_idea, _("Votre idée est retirée."))
