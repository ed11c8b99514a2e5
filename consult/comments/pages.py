"""An idea's page with its discussion, and the discussion's routes (comment, reply,
report, edit, delete): defined by comments on the ideas blueprint (endpoints
``ideas.show``, ``ideas.comment``…), so that ideas never import comments
(tests/test_architecture.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from consult.accounts.sessions import person
from consult.accounts.views import form_page
from consult.comments import operations as comment_ops
from consult.comments.forms import CommentForm, ReportForm
from consult.comments.models import Comment, ReportReason
from consult.core.errors_domain import Refused
from consult.core.pagecache import anonymous_cache
from consult.core.params import parse_id
from consult.core.personal import FRESH, memoised, personal_context, set_personal_context
from consult.db import db
from consult.ideas import bp
from consult.ideas import permissions as rules
from consult.ideas.ballot import ballot_for
from consult.ideas.models import Idea
from consult.ideas.queries import (
    credited_authors,
    has_merged_ideas,
    movable_supports,
    supported_idea_ids,
)
from consult.ideas.views import idea_for_rules, idea_or_404


def _personal(idea: Idea, comment_form: CommentForm | None = None,
              merged_into_it: bool = True) -> None:
    """The personal context of the idea page's slots (templates/_personal.html): the
    person's ballot and button, what they may do with the idea and its discussion, the
    supports they may move here (looked for only when ideas were merged into it)."""
    from consult.challenges.permissions import open_to
    from consult.challenges.phases import Action

    user = person()  # the object, not the proxy: the rules read it a few dozen times
    ballot = ballot_for(user, idea.challenge)
    option = ballot.option(idea, idea.id in supported_idea_ids(user, [idea.id]))
    support_problem = None
    if option is None and ballot.user_id and open_to(idea.challenge, Action.SUPPORT):
        support_problem = rules.support_problem(user, idea)
    set_personal_context(
        idea=idea, ballot=ballot, option=option, support_problem=support_problem,
        comment_problem=rules.comment_problem(user, idea),
        can_edit=rules.can_edit(user, idea), can_withdraw=rules.can_withdraw(user, idea),
        # the notifications' template global (they sit above comments, which cannot
        # import them)
        following=current_app.jinja_env.globals["is_following"](idea=idea),
        movable=movable_supports(user, idea) if merged_into_it else [],
        # None: a blank form, built only if its slot is rendered (not on a memoised hit)
        comment_form=comment_form)


# Each slot of the page is rendered once per worker for each state below (what its macro
# reads of the person's context) and copied with the person's CSRF token
# (core.personal.memoised): a signed-in hit fills its holes without calling a macro.
def _support_box_state(args: tuple):
    context = personal_context()
    idea = context["idea"]
    return (idea.supports_count, idea.title, context["option"], context["support_problem"],
            context["ballot"].shown)


def _comment_form_state(args: tuple):
    context = personal_context()
    form = context["comment_form"]
    if form is not None and (form.errors or form.body.data):  # a refused comment, shown
        return FRESH  # again as it was typed
    return context["comment_problem"]


memoised("idea_movable", lambda args: tuple(
    (duplicate.id, duplicate.title) for duplicate in personal_context()["movable"]))
memoised("idea_support_box", _support_box_state)
memoised("idea_actions", lambda args: (
    *(personal_context()[name] for name in ("following", "can_edit", "can_withdraw")),
    current_user.id == personal_context()["idea"].author_id))
memoised("comment_actions", lambda args: current_user.id == args[1])
memoised("reply_form", lambda args: bool(personal_context()["comment_problem"]))
memoised("comment_form", _comment_form_state)
bp.record_once(lambda state: state.app.jinja_env.globals.update(blank_comment_form=CommentForm))


def _personal_on_hit(slots: list) -> bool:
    """A kept idea page, for another citizen: the idea read again with only what its
    rules need (False: gone or no longer visible to them, render the page again)."""
    idea_id = next((args[0] for name, args in slots if name == "idea_support_box"), None)
    if idea_id is None:
        return False
    idea = idea_for_rules(idea_id)
    if idea is None or not rules.can_view_idea(current_user, idea):
        return False
    _personal(idea, merged_into_it=any(args[1] for name, args in slots
                                       if name == "idea_movable"))
    return True


@bp.route("/idees/<int:idea_id>")
@anonymous_cache(personal=_personal_on_hit)
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
    merged_into_it = has_merged_ideas(idea)
    comment_form = comment_form or CommentForm()  # one form, for the title and its slot
    _personal(idea, comment_form, merged_into_it)
    return render_template(
        "ideas/show.html", idea=idea, challenge=idea.challenge, threads=threads,
        replies=replies, comment_form=comment_form,
        merged_into=merged_into, merged_into_it=merged_into_it,
        credits=credited_authors(idea)), status


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
