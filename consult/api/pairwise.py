"""The pairwise ranking of a challenge (issue 21): each idea's score with its interval,
the counts behind it; no person's data."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from consult.api.blueprint import bp
from consult.api.errors import ApiError
from consult.api.schemas import IdeaRef, Strict, Utc
from consult.api.serialize import idea_ref
from consult.api.spec import api, responses
from consult.api.views import ID, visible_challenge
from consult.challenges.phases import Phase
from consult.pairwise.results import ranking_page


class PairwiseStandingOut(BaseModel):
    rank: int
    idea: IdeaRef
    score: float = Field(description="Chance (en %) que l'idée l'emporte face à une idée "
                         "tirée au hasard (modèle de Bradley–Terry).")
    low: float = Field(description="Borne basse de l'intervalle à 95 %.")
    high: float = Field(description="Borne haute de l'intervalle à 95 %.")
    appearances: int = Field(description="Fois où l'idée a été présentée.")
    wins: int
    losses: int


class PairwiseOut(BaseModel):
    challenge_id: int
    votes: int = Field(description="Choix entre deux idées.")
    undecided: int = Field(description="Réponses « je ne peux pas décider ».")
    computed_at: Utc | None = Field(description="Dernier calcul des scores.")
    ranked: int = Field(description="Idées classées (toutes les pages).")
    page: int
    pages: int
    ranking: list[PairwiseStandingOut]


class PairwiseQuery(Strict):
    page: int = Field(1, ge=1, le=100_000, description="Page du classement (rangs "
                      "`(page - 1) × per_page + 1` et suivants ; au-delà de la dernière, la "
                      "dernière).")
    per_page: int = Field(100, ge=1, le=500, description="Idées par page (1 à 500).")


@bp.get(f"/challenges/<{ID}:challenge_id>/pairwise")
@api.validate(query=PairwiseQuery, resp=responses(200, PairwiseOut, 404), tags=["défis"])
def pairwise(challenge_id: int):
    """Classement par comparaison deux à deux

    Les idées publiées classées par leur score, avec l'intervalle à 95 %, puis le nombre de
    comparaisons ; par pages de `per_page` idées (le rang est celui du classement
    entier). `404` si le défi n'a pas de phase de comparaison."""
    found = visible_challenge(challenge_id)
    if not any(p.kind == Phase.PAIRWISE for p in found.phases):
        raise ApiError(404, "no_pairwise_phase",
                       _("Ce défi n'a pas de phase de comparaison deux à deux."))
    query: PairwiseQuery = request.context.query
    ranking, page = ranking_page(found.id, query.page, query.per_page)
    first = (page.number - 1) * page.size
    return PairwiseOut(
        challenge_id=found.id, votes=ranking.votes, undecided=ranking.undecided,
        computed_at=ranking.computed_at, ranked=page.total, page=page.number,
        pages=page.pages,
        ranking=[PairwiseStandingOut(
            rank=first + n, idea=idea_ref(st.idea), score=round(st.score.score, 2),
            low=round(st.score.low, 2), high=round(st.score.high, 2),
            appearances=st.score.appearances, wins=st.score.wins, losses=st.score.losses)
            for n, st in enumerate(ranking.standings, start=1)])
