from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import defaultload

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.challenges.models import Challenge
from consult.challenges.permissions import participation_problem
from consult.challenges.phases import Action
from consult.challenges.views import challenge_or_404
from consult.comments import operations as comment_ops
from consult.comments.models import Comment, ReportReason
from consult.core.errors_domain import Refused
from consult.core.http import redirect_back
from consult.core.pagecache import anonymous_cache
from consult.core.params import parse_id
from consult.core.sanitize import render_markdown
from consult.db import db
from consult.ideas import bp
from consult.ideas import operations as ops
from consult.ideas import permissions as rules
from consult.ideas.ballot import ballot_for
from consult.ideas.forms import CommentForm, IdeaForm, ReportForm
from consult.ideas.models import Idea
from consult.ideas.operations import SupportTally
from consult.ideas.queries import (
    credited_authors,
    movable_supports,
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


@bp.route("/idees/<int:idea_id>")
@anonymous_cache()
def show(idea_id: int):
    return idea_page(idea_or_404(idea_id))


def idea_page(idea: Idea, comment_form: CommentForm | None = None, status: int = 200):
    # hidden and deleted comments stay in place (a placeholder keeps the thread and
    # its replies); the count above them is the published ones, as in the API and data
    comments = list(db.session.scalars(
        select(Comment).where(Comment.idea_id == idea.id)
        .order_by(Comment.created_at, Comment.id)))
    threads = [c for c in comments if c.parent_id is None]
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    merged_into = db.session.get(Idea, idea.merged_into_id) if idea.merged_into_id else None
    return render_template(
        "ideas/show.html", idea=idea, challenge=idea.challenge, threads=threads,
        replies=replies, comment_form=comment_form or CommentForm(), form=FlaskForm(),
        supported=idea.id in supported_idea_ids(current_user, [idea.id]),
        support_problem=rules.support_problem(current_user, idea),
        comment_problem=rules.comment_problem(current_user, idea),
        ballot=ballot_for(current_user, idea.challenge),
        rules=rules, merged_into=merged_into,
        credits=credited_authors(idea), movable=movable_supports(current_user, idea)), status


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
    FlaskForm().validate_on_submit() or abort(400)
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
    return _post_action(idea_or_404(idea_id), ops.cast_support, _("Votre soutien est compté."))


@bp.route("/idees/<int:idea_id>/retirer-soutien", methods=["POST"])
@login_required
def unsupport(idea_id: int):
    return _post_action(idea_or_404(idea_id), ops.withdraw_support,
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


@bp.route("/idees/<int:idea_id>/commentaires", methods=["GET", "POST"])
@login_required
def comment(idea_id: int):
    idea = idea_or_404(idea_id)
    if request.method == "GET":  # the address of a refused comment, opened again
        return redirect(url_for("ideas.show", idea_id=idea.id, _anchor="commenter"))
    form = CommentForm()
    if not form.validate_on_submit():
        return _refused_comment(idea, form)
    parent = None
    if parse_id(form.parent_id.data):
        parent = db.session.get(Comment, parse_id(form.parent_id.data))
    try:
        created = comment_ops.post_comment(person(), idea, form.body.data, parent)
    except Refused as refused:
        form.body.errors.append(refused.message)
        return _refused_comment(idea, form)
    flash(_("Votre commentaire est publié."), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id, _anchor=f"commentaire-{created.id}"))


def _refused_comment(idea: Idea, form: CommentForm):
    """The idea page again, with the comment as typed and its error (422)."""
    return idea_page(idea, comment_form=form, status=422)


@bp.route("/idees/<int:idea_id>/signaler", methods=["GET", "POST"])
@login_required
def report_idea(idea_id: int):
    idea = idea_or_404(idea_id)
    return _report(idea, idea, url_for("ideas.show", idea_id=idea.id))


@bp.route("/commentaires/<int:comment_id>/signaler", methods=["GET", "POST"])
@login_required
def report_comment(comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    idea = idea_or_404(comment.idea_id)
    return _report(comment, idea, url_for("ideas.show", idea_id=idea.id,
                                          _anchor=f"commentaire-{comment.id}"))


def _report(target, idea: Idea, back: str):
    form = ReportForm()
    if form.validate_on_submit():
        try:
            new = comment_ops.report(person(), target, ReportReason(form.reason.data),
                                     form.details.data or "")
        except Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Merci, votre signalement est transmis à l’équipe de modération.") if new
                  else _("Vous aviez déjà signalé ce contenu."), "success")
            return redirect(back)
    return form_page("ideas/report.html", form, target=target, idea=idea, back=back)


@bp.route("/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = db.session.get(Comment, comment_id) or abort(404)
    idea = idea_or_404(comment.idea_id)
    problem = comment_ops.rules.own_comment_problem(current_user, comment)
    if problem:
        abort(403)
    form = CommentForm(obj=comment if request.method == "GET" else None)
    if form.validate_on_submit():
        comment_ops.edit_comment(person(), comment, form.body.data)
        flash(_("Votre commentaire est modifié."), "success")
        return redirect(url_for("ideas.show", idea_id=idea.id,
                                _anchor=f"commentaire-{comment.id}"))
    return form_page("ideas/comment_edit.html", form, comment=comment, idea=idea)


@bp.route("/commentaires/<int:comment_id>/supprimer", methods=["POST"])
@login_required
def delete_comment(comment_id: int):
    comment = db.session.get(Comment, comment_id) or abort(404)
    idea = idea_or_404(comment.idea_id)
    FlaskForm().validate_on_submit() or abort(400)
    try:
        comment_ops.delete_comment(person(), comment)
    except Refused:
        abort(403)
    flash(_("Votre commentaire est supprimé."), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id))
