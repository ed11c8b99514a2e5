from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from consult.codesign.models import Feedback, PrototypeVersion, Volunteer
from consult.db import db


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


def volunteers_of(brief_id: int) -> list[Volunteer]:
    return list(db.session.scalars(select(Volunteer).where(Volunteer.brief_id == brief_id)
                                   .order_by(Volunteer.consent_at)))


def is_volunteer(user, brief_id: int) -> bool:
    return getattr(user, "is_authenticated", False) and db.session.scalar(
        select(func.count()).where(Volunteer.brief_id == brief_id,
                                   Volunteer.user_id == user.id)) > 0
