"""Reads of calls for projects: the open calls, a lab's calls, a person's applications,
a call's applications for the team, its jurors and, once published, everyone."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.db import db, utcnow
from consult.labs.models import Application, ApplicationStatus, Call
from consult.organisations.models import Organisation


def open_calls() -> list[Call]:
    now = utcnow()
    return list(db.session.scalars(select(Call).where(Call.closes_at > now)
                                   .order_by(Call.closes_at)))


def all_calls() -> list[Call]:
    return list(db.session.scalars(select(Call).order_by(Call.closes_at.desc())))


def calls_of(lab: Organisation) -> list[Call]:
    return list(db.session.scalars(select(Call).where(Call.lab_id == lab.id)
                                   .order_by(Call.closes_at.desc())))


def applications_of(user) -> list[Application]:
    """The applications of the person's organisations (a colleague's too)."""
    ids = [m.organisation_id for m in user.memberships]
    if not ids:
        return []
    return list(db.session.scalars(select(Application).where(
        Application.organisation_id.in_(ids)).order_by(Application.created_at.desc())))


def applications_count(call: Call) -> int:
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id,
        Application.status != ApplicationStatus.WITHDRAWN)) or 0


def published_results(call: Call) -> list[Application]:
    """Once the decisions are published: every decided application, selected first,
    with its public justification."""
    if call.decisions_published_at is None:
        return []
    return list(db.session.scalars(select(Application).where(
        Application.call_id == call.id,
        Application.status.in_((ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED)))
        .order_by(Application.status != ApplicationStatus.SELECTED, Application.title)))


def calls_judged_by(user) -> list[Call]:
    from consult.labs.models import call_jurors

    return list(db.session.scalars(select(Call).join(
        call_jurors, call_jurors.c.call_id == Call.id).where(
        call_jurors.c.user_id == user.id).order_by(Call.closes_at.desc())))
