"""Following the events of an organisation, a territory or a programme: the button,
whether a person follows, and who hears of a new event (asked by notifications)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import delete, select

from consult.core.http import safe_next
from consult.core.sql import insert_ignore
from consult.db import db, utcnow
from consult.events import bp
from consult.events.models import AgendaFollow, Event, FollowScope
from consult.organisations.models import Organisation
from consult.territories.models import Territory


def is_following_agenda(scope: str, target_id: int | None) -> bool:
    if not current_user.is_authenticated or target_id is None:
        return False
    return db.session.scalar(select(AgendaFollow.id).where(
        AgendaFollow.user_id == current_user.id, AgendaFollow.scope == scope,
        AgendaFollow.target_id == target_id)) is not None


bp.record_once(lambda state: state.app.jinja_env.globals.update(
    is_following_agenda=is_following_agenda))


def followers_of(event: Event) -> set[int]:
    """Everyone following its organisers, its commune (or the département or région
    around it), or its programme."""
    targets = [(FollowScope.ORGANISATION, o.id) for o in event.organisers]
    place = event.commune
    while place is not None:
        targets.append((FollowScope.TERRITORY, place.id))
        place = db.session.get(Territory, place.parent_id) if place.parent_id else None
    if event.programme_id is not None:
        targets.append((FollowScope.PROGRAMME, event.programme_id))
    people: set[int] = set()
    for scope in FollowScope:
        ids = [target for s, target in targets if s == scope]
        if ids:
            people |= set(db.session.scalars(select(AgendaFollow.user_id).where(
                AgendaFollow.scope == scope, AgendaFollow.target_id.in_(ids))))
    return people


def _target_exists(scope: FollowScope, target_id: int) -> bool:
    from consult.events.models import Programme

    model = {FollowScope.ORGANISATION: Organisation, FollowScope.TERRITORY: Territory,
             FollowScope.PROGRAMME: Programme}[scope]
    return db.session.get(model, target_id) is not None


@bp.route("/evenements/suivre", methods=["POST"])
@login_required
def follow_agenda():
    FlaskForm().validate_on_submit() or abort(400)
    try:
        scope, target_id = FollowScope(request.form.get("scope")), int(request.form["target"])
    except (ValueError, KeyError):
        abort(400)
    if not _target_exists(scope, target_id):
        abort(404)
    if request.form.get("follow") == "1":
        insert_ignore(AgendaFollow.__table__, user_id=current_user.id, scope=scope.value,
                      target_id=target_id, created_at=utcnow())
        flash(_("Vous serez prévenu·e de chaque nouvel événement."), "success")
    else:
        db.session.execute(delete(AgendaFollow).where(
            AgendaFollow.user_id == current_user.id, AgendaFollow.scope == scope,
            AgendaFollow.target_id == target_id))
        flash(_("Vous ne suivez plus ces événements."), "info")
    return redirect(safe_next(request.form.get("next"), url_for("events.agenda")))
