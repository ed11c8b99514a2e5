"""Published topics in the open data: each topic with the computation it came from
(method, parameters, fingerprint of the ideas read), and which ideas each holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.challenges.models import Challenge
from consult.db import db
from consult.topics import methods
from consult.topics.models import Topic, TopicIdea, TopicRun

BATCH = 5000

TOPIC_COLUMNS = [
    ("id", "integer", _l("Identifiant du sujet")),
    ("defi_id", "integer", _l("Défi")),
    ("nom", "string", _l("Nom du sujet, donné ou validé par un agent")),
    ("mots", "string", _l("Mots caractéristiques, séparés par des virgules")),
    ("idees", "integer", _l("Idées publiées du sujet")),
    ("soutiens", "integer", _l("Soutiens de ces idées")),
    ("idees_representatives", "string", _l("Identifiants des idées les plus représentatives")),
    ("theme_id", "integer", _l("Thème du défi qu'il est devenu")),
    ("publie_le", "date", _l("Jour de publication")),
    ("methode", "string", _l("Méthode et paramètres du calcul")),
    ("parametres", "string", _l("Paramètres du calcul (JSON)")),
    ("empreinte", "string", _l("SHA-256 des identifiants et textes des idées lues")),
]
MEMBER_COLUMNS = [
    ("sujet_id", "integer", _l("Sujet")),
    ("idee_id", "integer", _l("Idée")),
    ("poids", "number", _l("Poids de l'idée dans le sujet (plus il est grand, plus elle est "
                           "représentative)")),
]


def _published(query, challenge_id: int | None):
    query = query.join(Challenge, Challenge.id == Topic.challenge_id).where(
        Challenge.published_at.is_not(None), Topic.published_at.is_not(None))
    return query if challenge_id is None else query.where(Topic.challenge_id == challenge_id)


def topic_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    query = _published(select(Topic, TopicRun).join(TopicRun, TopicRun.id == Topic.run_id),
                       challenge_id).order_by(Topic.id)
    for topic, run in db.session.execute(query):
        yield [topic.id, topic.challenge_id, topic.label, ", ".join(topic.words), topic.size,
               topic.supports, " ".join(str(i) for i in topic.representative),
               topic.theme_id, topic.published_at.date(), methods.describe(run.params),
               json.dumps(run.params, sort_keys=True), run.input_hash]


def member_rows(challenge_id: int | None = None) -> Iterator[list[Any]]:
    query = _published(select(TopicIdea.topic_id, TopicIdea.idea_id, TopicIdea.weight)
                       .join(Topic, Topic.id == TopicIdea.topic_id), challenge_id)
    last = (0, 0)
    while True:
        batch = db.session.execute(
            query.where((TopicIdea.topic_id > last[0])
                        | ((TopicIdea.topic_id == last[0]) & (TopicIdea.idea_id > last[1])))
            .order_by(TopicIdea.topic_id, TopicIdea.idea_id).limit(BATCH)).all()
        for topic_id, idea_id, weight in batch:
            yield [topic_id, idea_id, round(weight, 5)]
        if len(batch) < BATCH:
            return
        last = (batch[-1][0], batch[-1][1])
