"""Following a challenge or an idea: the buttons, and whether a person follows, asked
by the pages through ``is_following`` (the domains shown do not import notifications)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select

from consult.accounts.sessions import person
from consult.challenges.views import challenge_or_404
from consult.core.personal import memoised, once_per_request
from consult.core.sql import read
from consult.ideas.views import idea_or_404
from consult.notifications import bp
from consult.notifications.models import Follow
from consult.notifications.operations import follow, unfollow


def is_following(*, challenge=None, idea=None, challenge_id=None) -> bool:
    """Whether the signed-in person follows it: one indexed lookup (not every follower of
    a challenge loaded to find one)."""
    if not current_user.is_authenticated:
        return False
    if idea is not None:
        kind, target = "idea", idea.id
    else:
        kind, target = "challenge", challenge.id if challenge is not None else challenge_id
    # asked by a memoised slot's state and by its macro: once
    return once_per_request(("following", kind, target), lambda: read(
        _FOLLOWS[kind], person=current_user.id, target=target).first() is not None)


_follows = Follow.__table__
_FOLLOWS = {kind: select(_follows.c.id).where(_follows.c.user_id == bindparam("person"),
                                              _follows.c[f"{kind}_id"] == bindparam("target"))
            .limit(1) for kind in ("idea", "challenge")}


# the follow button of a challenge's page is rendered once per worker for each state
# (core.personal.memoised) and copied for each person with their CSRF token
memoised("follow_challenge", lambda args: is_following(challenge_id=args[0]))


bp.record_once(lambda state: state.app.jinja_env.globals.update(is_following=is_following))


def _toggle(followed: str, unfollowed: str, back: str, **target):
    """The follow button: on or off, as the form says; back to the page it is on."""
    FlaskForm().validate_on_submit() or abort(400)
    if request.form.get("follow") == "1":
        follow(person(), **target)
        flash(followed, "success")
    else:
        unfollow(person(), **target)
        flash(unfollowed, "info")
    return redirect(back)


@bp.route("/idees/<int:idea_id>/suivre", methods=["POST"])
@login_required
def follow_idea(idea_id: int):
    idea = idea_or_404(idea_id)
    return _toggle(_("Vous suivez cette idée."), _("Vous ne suivez plus cette idée."),
                   url_for("ideas.show", idea_id=idea.id), idea=idea)


@bp.route("/defis/<slug>/suivre", methods=["POST"])
@login_required
def follow_challenge(slug: str):
    challenge = challenge_or_404(slug)
    return _toggle(_("Vous suivez ce défi : vous serez prévenu·e de ses nouvelles étapes."),
                   _("Vous ne suivez plus ce défi."),
                   url_for("challenges.show", slug=slug), challenge=challenge)
