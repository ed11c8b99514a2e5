from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from consult.accounts.sessions import person
from consult.challenges.models import Challenge, Participation
from consult.challenges.queries import last_start
from consult.core.personal import memoised, once_per_request
from consult.db import db, utcnow, writes_on_get
from consult.ideas.queries import ideas_by_author, supports_of
from consult.notifications import bp, queries
from consult.notifications.messages import message, target_url
from consult.notifications.models import Notification
from consult.notifications.operations import mark_all_read


@bp.route("/mon-espace")
@login_required
def my_space():
    me = person()
    participations = db.session.execute(
        select(Challenge, Participation.supports_used).join(
            Participation, Participation.challenge_id == Challenge.id)
        .where(Participation.user_id == me.id).order_by(last_start().desc())
        # their title, slug and limit of supports (their phases say it)
        .options(lazyload(Challenge.themes), lazyload(Challenge.organisations),
                 lazyload(Challenge.territory))).all()
    return render_template(
        "notifications/my_space.html", ideas=ideas_by_author(me), supports=supports_of(me),
        participations=participations, notifications=queries.recent(me, 20),
        unread=unread_notifications(), message=message, form=FlaskForm())


@bp.route("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notifications=queries.recent(person()),
                           message=message, form=FlaskForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
@writes_on_get
def open(notification_id: int):
    """Follow a notification to its subject, marking it read on the way."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
    return redirect(target_url(notification) or url_for("notifications.index"))


@bp.route("/notifications/lues", methods=["POST"])
@login_required
def read_all():
    FlaskForm().validate_on_submit() or abort(400)
    mark_all_read(current_user)
    flash(_("Toutes vos notifications sont marquées comme lues."), "success")
    return redirect(url_for("notifications.index"))


def unread_notifications() -> int:
    """The header's count of unread notifications, asked only when a page shows it."""
    if not current_user.is_authenticated:
        return 0
    return once_per_request("unread", lambda: queries.unread_count(current_user))


# the header's « Mon espace » link, marked as the current page on that page
memoised("my_space", lambda args: (unread_notifications(),
                                   request.endpoint == "notifications.my_space"))


# a global of the templates, not a context processor: the personal slots of a kept page
# (core.personal) are rendered outside any page's context
bp.record_once(lambda state: state.app.jinja_env.globals.update(
    unread_notifications=unread_notifications))
