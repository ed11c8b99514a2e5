"""A challenge's published emerging topics (issue 22): each with its name, words, size,
supports, most representative ideas and the ideas it holds (paged), and the computation
it came from (method, parameters, fingerprint of the input). Only topics an agent
published: never what the method proposed alone."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from consult.api.blueprint import bp
from consult.api.schemas import Utc
from consult.api.spec import api, responses
from consult.api.views import ID, visible_challenge
from consult.db import db
from consult.topics import methods
from consult.topics.models import Topic, TopicIdea, TopicRun

MAX_IDEAS = 10_000  # idea ids listed per topic; `size` says how many it holds


class TopicRunOut(BaseModel):
    id: int
    computed_at: Utc | None
    method: str
    description: str = Field(description="La méthode et ses paramètres, en clair.")
    params: dict
    input_hash: str = Field(description="SHA-256 des identifiants et textes des idées lues.")
    ideas: int = Field(description="Idées lues par le calcul.")


class TopicOut(BaseModel):
    id: int
    label: str = Field(description="Nom donné ou validé par un agent.")
    words: list[str] = Field(description="Mots caractéristiques, du plus au moins lourd.")
    size: int = Field(description="Idées publiées du sujet.")
    supports: int = Field(description="Soutiens de ces idées.")
    representative_ideas: list[int] = Field(description="Les idées les plus représentatives.")
    ideas: list[int] = Field(description="Les idées du sujet, les plus représentatives "
                             "d'abord (au plus 10 000).")
    theme_id: int | None = Field(description="Le thème du défi qu'il est devenu, s'il l'est.")
    published_at: Utc
    run: TopicRunOut


class TopicsOut(BaseModel):
    challenge_id: int
    topics: list[TopicOut]


@bp.get(f"/challenges/<{ID}:challenge_id>/topics")
@api.validate(resp=responses(200, TopicsOut, 404), tags=["défis"])
def topics(challenge_id: int):
    """Sujets émergents publiés

    Les sujets qu'un agent a validés et publiés, les plus grands d'abord : nom, mots
    caractéristiques, taille, soutiens, idées représentatives et idées du sujet, avec le
    calcul dont ils viennent (méthode, paramètres, empreinte des idées lues)."""
    found = visible_challenge(challenge_id)
    rows = list(db.session.scalars(select(Topic).where(
        Topic.challenge_id == found.id, Topic.published_at.is_not(None))
        .order_by(Topic.size.desc(), Topic.id)))
    runs = {run.id: run for run in db.session.scalars(select(TopicRun).where(
        TopicRun.id.in_({t.run_id for t in rows})))} if rows else {}
    members: dict[int, list[int]] = {topic.id: [] for topic in rows}
    if rows:  # every topic's ideas in one query, heaviest first, at most MAX_IDEAS each
        ranked = select(TopicIdea.topic_id, TopicIdea.idea_id, func.row_number().over(
            partition_by=TopicIdea.topic_id,
            order_by=(TopicIdea.weight.desc(), TopicIdea.idea_id)).label("rank")).where(
            TopicIdea.topic_id.in_(members)).subquery()
        for topic_id, idea_id in db.session.execute(
                select(ranked.c.topic_id, ranked.c.idea_id).where(ranked.c.rank <= MAX_IDEAS)
                .order_by(ranked.c.topic_id, ranked.c.rank)):
            members[topic_id].append(idea_id)
    return TopicsOut(challenge_id=found.id, topics=[TopicOut(
        id=t.id, label=t.label, words=t.words, size=t.size, supports=t.supports,
        representative_ideas=t.representative, ideas=members[t.id], theme_id=t.theme_id,
        published_at=t.published_at, run=_run(runs[t.run_id])) for t in rows])


def _run(run: TopicRun) -> TopicRunOut:
    return TopicRunOut(id=run.id, computed_at=run.finished_at, method=run.method,
                       description=methods.describe(run.params), params=run.params,
                       input_hash=run.input_hash, ideas=run.ideas)
