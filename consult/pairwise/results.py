"""What the pairwise phase of a challenge has established, read by the ranking page,
the API and the open data: each published idea's score, interval and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.core.pagination import Page
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.ideas.result_bases import Basis, register_basis
from consult.pairwise.models import PairwiseScore


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


RANKING_PAGE = 50  # ideas per page of the ranking (10,000 ideas: 200 pages)


def _ranked(challenge_id: int):
    return (select(Idea, PairwiseScore).join(PairwiseScore, PairwiseScore.idea_id == Idea.id)
            .where(Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.PUBLISHED,
                   PairwiseScore.score.is_not(None)))


def ranked_count(challenge_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(
        _ranked(challenge_id).subquery())) or 0


def ranking_of(challenge_id: int, limit: int | None = None, offset: int = 0) -> Ranking:
    """The ideas by score (all of them, or ``limit`` from the ``offset``-th)."""
    query = _ranked(challenge_id).order_by(PairwiseScore.score.desc(), Idea.id)
    if limit:
        query = query.limit(limit).offset(offset)
    rows = db.session.execute(query).all()
    # the counters kept with each vote (each choice is one win; « cannot decide » counts
    # on both ideas): 10,000 lines read, not 1,000,000 choices counted
    wins, undecided, computed = db.session.execute(select(
        func.coalesce(func.sum(PairwiseScore.wins), 0),
        func.coalesce(func.sum(PairwiseScore.undecided), 0),
        func.max(PairwiseScore.computed_at)).where(
        PairwiseScore.challenge_id == challenge_id)).one()
    return Ranking(votes=int(wins), undecided=int(undecided) // 2, computed_at=computed,
                   standings=[Standing(idea, score) for idea, score in rows])


def ranking_page(challenge_id: int, number: int, size: int = RANKING_PAGE
                 ) -> tuple[Ranking, Page]:
    """One page of the ranking (a number past the last shows the last)."""
    total = ranked_count(challenge_id)
    number = min(number, max(1, ceil(total / size)))
    ranking = ranking_of(challenge_id, limit=size, offset=(number - 1) * size)
    return ranking, Page(items=ranking.standings, number=number, size=size, total=total)


def _scores(challenge_id: int):
    return select(PairwiseScore.idea_id, PairwiseScore.score.label("score")).where(
        PairwiseScore.challenge_id == challenge_id, PairwiseScore.score.is_not(None))


def _has_scores(challenge) -> bool:
    from consult.challenges.phases import Phase

    return any(p.kind == Phase.PAIRWISE for p in challenge.phases) and db.session.scalar(
        select(func.count()).select_from(_scores(challenge.id).limit(1).subquery())) > 0


# the results of a challenge may be ranked by the scores (ideas.result_bases)
register_basis(Basis(
    "pairwise", _l("Le score de comparaison deux à deux"),
    _l("Idées classées par score de comparaison deux à deux : la chance qu’une idée "
       "l’emporte face à une idée tirée au hasard"), _has_scores, _scores, "pairwise.ranking"))
