"""What the pairwise phase of a challenge has established, read by the ranking page,
the API and the open data: each published idea's score, interval and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.pairwise.models import PairwiseScore, PairwiseVote


@dataclass(frozen=True)
class Standing:
    idea: Idea
    score: PairwiseScore


@dataclass(frozen=True)
class Ranking:
    votes: int  # choices between two ideas (« cannot decide » not counted)
    undecided: int
    computed_at: datetime | None
    standings: list[Standing]


def ranking_of(challenge_id: int, limit: int | None = None) -> Ranking:
    query = (select(Idea, PairwiseScore).join(PairwiseScore, PairwiseScore.idea_id == Idea.id)
             .where(Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.PUBLISHED,
                    PairwiseScore.score.is_not(None))
             .order_by(PairwiseScore.score.desc(), Idea.id))
    if limit:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    counts = dict(db.session.execute(
        select(PairwiseVote.winner_id.is_(None), func.count()).where(
            PairwiseVote.challenge_id == challenge_id).group_by(
            PairwiseVote.winner_id.is_(None))).all())
    computed = max((score.computed_at for _idea, score in rows if score.computed_at),
                   default=None)
    return Ranking(votes=counts.get(False, 0), undecided=counts.get(True, 0),
                   computed_at=computed,
                   standings=[Standing(idea, score) for idea, score in rows])
