"""Invariants of participation, checked by ``flask --app consult check``: every counter
equals the rows it counts."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.challenges.models import Challenge, ChallengePhase, Participation
from consult.challenges.phases import Phase
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus, Support
from consult.integrity import integrity_check


def mismatches(label: str, query) -> list[str]:
    rows = db.session.execute(query).all()
    return [f"{label} n° {row[0]} : compteur {row[1]}, lignes {row[2]}" for row in rows[:20]]


@integrity_check
def idea_supports_match_rows() -> list[str]:
    counted = select(Support.idea_id, func.count().label("n")).group_by(Support.idea_id).subquery()
    query = select(Idea.id, Idea.supports_count, func.coalesce(counted.c.n, 0)).outerjoin(
        counted, counted.c.idea_id == Idea.id).where(
        Idea.supports_count != func.coalesce(counted.c.n, 0))
    return mismatches("soutiens de l'idée", query)


@integrity_check
def challenge_counters_match_rows() -> list[str]:
    supports = select(Support.challenge_id, func.count().label("n")).group_by(
        Support.challenge_id).subquery()
    ideas = select(Idea.challenge_id, func.count().label("n")).where(
        Idea.status == IdeaStatus.PUBLISHED).group_by(Idea.challenge_id).subquery()
    people = select(Participation.challenge_id, func.count().label("n")).group_by(
        Participation.challenge_id).subquery()
    problems = []
    for label, column, counted in (("soutiens du défi", Challenge.supports_count, supports),
                                   ("idées publiées du défi", Challenge.ideas_count, ideas),
                                   ("participants du défi", Challenge.participants_count,
                                    people)):
        query = select(Challenge.id, column, func.coalesce(counted.c.n, 0)).outerjoin(
            counted, counted.c.challenge_id == Challenge.id).where(
            column != func.coalesce(counted.c.n, 0))
        problems += mismatches(label, query)
    return problems


@integrity_check
def supports_used_match_rows() -> list[str]:
    counted = select(Support.user_id, Support.challenge_id, func.count().label("n")).group_by(
        Support.user_id, Support.challenge_id).subquery()
    query = select(Participation.id, Participation.supports_used,
                   func.coalesce(counted.c.n, 0)).outerjoin(
        counted, (counted.c.user_id == Participation.user_id)
        & (counted.c.challenge_id == Participation.challenge_id)).where(
        Participation.supports_used != func.coalesce(counted.c.n, 0))
    problems = mismatches("soutiens utilisés (participation)", query)
    limit = ChallengePhase.settings["supports_per_person"].as_integer()
    over = db.session.execute(select(Participation.id).join(
        ChallengePhase, (ChallengePhase.challenge_id == Participation.challenge_id)
        & (ChallengePhase.kind == Phase.SUPPORTS)).where(
        limit.is_not(None), Participation.supports_used > limit)).all()
    return problems + [f"participation n° {row[0]} au-delà de la limite" for row in over]
