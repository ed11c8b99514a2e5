from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from consult.codesign.models import (
    Feedback,
    PrototypeVersion,
    Registration,
    RegistrationStatus,
    TestSession,
    Volunteer,
)
from consult.db import db, utcnow


@dataclass
class VersionSummary:
    version: PrototypeVersion
    count: int
    average: float | None
    worked: list[str] = field(default_factory=list)
    did_not_work: list[str] = field(default_factory=list)


def versions_of(brief_id: int) -> list[PrototypeVersion]:
    return list(db.session.scalars(select(PrototypeVersion).where(
        PrototypeVersion.brief_id == brief_id).order_by(PrototypeVersion.created_at,
                                                        PrototypeVersion.id)))


def feedback_summary(brief_id: int) -> list[VersionSummary]:
    """Each version in order, with its number of reviews (one per person), the average
    rating and the latest remarks."""
    counts = dict((version_id, (count, average)) for version_id, count, average in
                  db.session.execute(select(Feedback.version_id, func.count(),
                                            func.avg(Feedback.rating))
                                     .where(Feedback.brief_id == brief_id)
                                     .group_by(Feedback.version_id)))
    summaries = []
    for version in versions_of(brief_id):
        count, average = counts.get(version.id, (0, None))
        texts = db.session.execute(select(Feedback.worked, Feedback.did_not_work).where(
            Feedback.version_id == version.id).order_by(Feedback.id.desc()).limit(5)).all()
        summaries.append(VersionSummary(version, count,
                                        float(average) if average is not None else None,
                                        [w for w, _ in texts if w], [d for _, d in texts if d]))
    return summaries


def my_feedback(user, version_id: int) -> Feedback | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Feedback).where(Feedback.version_id == version_id,
                                                    Feedback.user_id == user.id))


def sessions_of(brief_id: int, upcoming_only: bool = False) -> list[TestSession]:
    query = select(TestSession).where(TestSession.brief_id == brief_id)
    if upcoming_only:
        query = query.where(TestSession.ends_at > utcnow())
    return list(db.session.scalars(query.order_by(TestSession.starts_at)))


def upcoming_sessions_of_briefs(brief_ids: list[int], limit: int = 20) -> list[TestSession]:
    """The next sessions of these briefs, soonest first (an organisation's page)."""
    if not brief_ids:
        return []
    return list(db.session.scalars(
        select(TestSession).where(TestSession.brief_id.in_(brief_ids),
                                  TestSession.ends_at > utcnow())
        .order_by(TestSession.starts_at).limit(limit)))


def my_registrations(user, session_ids: list[int]) -> dict[int, RegistrationStatus]:
    if not getattr(user, "is_authenticated", False) or not session_ids:
        return {}
    return dict(db.session.execute(select(Registration.session_id, Registration.status).where(
        Registration.user_id == user.id, Registration.session_id.in_(session_ids))).all())


def waiting_counts(session_ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(select(Registration.session_id, func.count()).where(
        Registration.session_id.in_(session_ids),
        Registration.status == RegistrationStatus.WAITING).group_by(
        Registration.session_id)).all())


def volunteers_of(brief_id: int) -> list[Volunteer]:
    return list(db.session.scalars(select(Volunteer).where(Volunteer.brief_id == brief_id)
                                   .order_by(Volunteer.consent_at)))


def is_volunteer(user, brief_id: int) -> bool:
    return getattr(user, "is_authenticated", False) and db.session.scalar(
        select(func.count()).where(Volunteer.brief_id == brief_id,
                                   Volunteer.user_id == user.id)) > 0


def registrations_of(session_id: int) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.session_id == session_id,
        Registration.status != RegistrationStatus.CANCELLED).order_by(
        Registration.status, Registration.created_at, Registration.id)))
