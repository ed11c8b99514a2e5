"""The pairwise phase in the open data: every choice, anonymous (no person, a date
without the time), and each idea's score; only between published ideas of published
challenges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from consult.challenges.models import Challenge
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus
from consult.pairwise.models import PairShown, PairwiseScore, PairwiseVote

BATCH = 5000

VOTE_COLUMNS = [
    ("id", "integer", _l("Identifiant du choix")),
    ("defi_id", "integer", _l("Défi")),
    ("idee_gauche_id", "integer", _l("Idée présentée à gauche")),
    ("idee_droite_id", "integer", _l("Idée présentée à droite")),
    ("idee_choisie_id", "integer", _l("Idée choisie (vide : « je ne peux pas décider »)")),
    ("raison", "string", _l("Raison de l'indécision (both, neither, unknown, equal, "
                            "other)")),
    ("date", "date", _l("Jour du choix")),
]
SCORE_COLUMNS = [
    ("idee_id", "integer", _l("Idée")),
    ("defi_id", "integer", _l("Défi")),
    ("score", "number", _l("Chance (en %) de l'emporter face à une idée tirée au hasard")),
    ("borne_basse", "number", _l("Borne basse de l'intervalle à 95 %")),
    ("borne_haute", "number", _l("Borne haute de l'intervalle à 95 %")),
    ("presentations", "integer", _l("Fois où l'idée a été présentée")),
    ("choisie", "integer", _l("Fois où elle a été choisie")),
    ("ecartee", "integer", _l("Fois où l'autre a été choisie")),
    ("calcule_le", "datetime", _l("Dernier calcul")),
]


def vote_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    left, right = aliased(Idea), aliased(Idea)
    query = (select(PairwiseVote.id, PairwiseVote.challenge_id, PairShown.left_id,
                    PairShown.right_id, PairwiseVote.winner_id, PairwiseVote.reason,
                    PairwiseVote.created_at)
             .join(PairShown, PairShown.id == PairwiseVote.pair_id)
             .join(Challenge, Challenge.id == PairwiseVote.challenge_id)
             .join(left, left.id == PairShown.left_id)
             .join(right, right.id == PairShown.right_id)
             .where(Challenge.published_at.is_not(None),
                    left.status == IdeaStatus.PUBLISHED, right.status == IdeaStatus.PUBLISHED))
    if challenge_id is not None:
        query = query.where(PairwiseVote.challenge_id == challenge_id)
    last = 0
    while True:
        batch = db.session.execute(query.where(PairwiseVote.id > last)
                                   .order_by(PairwiseVote.id).limit(BATCH)).all()
        for row in batch:
            yield [row[0], row[1], row[2], row[3], row[4], row[5] or "",
                   row[6].date() if row[6] else None]
        if len(batch) < BATCH:
            return
        last = batch[-1][0]


def score_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    query = (select(PairwiseScore).join(Idea, Idea.id == PairwiseScore.idea_id)
             .join(Challenge, Challenge.id == PairwiseScore.challenge_id)
             .where(Challenge.published_at.is_not(None), Idea.status == IdeaStatus.PUBLISHED,
                    PairwiseScore.score.is_not(None)))
    if challenge_id is not None:
        query = query.where(PairwiseScore.challenge_id == challenge_id)
    for s in db.session.scalars(query.order_by(PairwiseScore.challenge_id,
                                               PairwiseScore.score.desc())):
        yield [s.idea_id, s.challenge_id, round(s.score, 3), round(s.low, 3),
               round(s.high, 3), s.appearances, s.wins, s.losses, s.computed_at]
