"""Seed a consultation at national scale through bulk inserts (SQLAlchemy Core
executemany in batches), never the ORM one row at a time.

Scale 1.0 = 100,000 citizens, one large challenge with 200,000 ideas and 2,000,000
supports, plus 50 ordinary challenges with their ideas and comments, a survey, a programme
of events, a pairwise phase and a statements phase (bench.methods_seed).
"""

from __future__ import annotations

import random
import re
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, update
from tqdm import tqdm

from consult.accounts.models import User
from consult.challenges.models import (
    DEFAULT_CHARTER_RULES,
    Challenge,
    ChallengePhase,
    CharterRule,
    Participation,
    Theme,
    challenge_organisations,
)
from consult.challenges.timeline import classic
from consult.comments.models import Comment
from consult.core.passwords import hash_password
from consult.core.search import search_text
from consult.db import db, utcnow
from consult.ideas.models import Idea, Support
from consult.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)

BATCH = 5_000
WORDS = (
    "accueil", "préfecture", "rendez-vous", "mairie", "dossier", "démarche", "en", "ligne",
    "guichet", "attente", "horaires", "samedi", "transport", "car", "scolaire", "cantine",
    "collège", "inscription", "tarif", "famille", "aidant", "personne", "âgée",
    "information", "courrier", "simplifier", "améliorer", "ouvrir", "créer", "permettre",
    "rappel", "SMS", "accompagnement", "numérique", "formulaire", "délai", "réponse",
    "service", "public", "usager", "handicap", "accessibilité", "bus", "gare", "route",
    "école", "crèche", "logement", "aide", "social", "emploi", "santé", "médecin",
    "hôpital", "déchets", "tri", "quartier", "parc", "vélo",
)
THEMES = ["Accueil", "Démarches en ligne", "Transports", "Éducation", "Solidarités",
          "Santé", "Environnement", "Logement"]


def vocabulary() -> tuple[list[str], list[float]]:
    """Real French words (the domain's, and those of Consult's own French catalogue),
    drawn with Zipf's law as in real text: a search for two words finds a few hundred
    ideas out of 200,000, not most of them."""
    catalogue = (Path(__file__).resolve().parent.parent / "consult" / "translations"
                 / "messages.pot").read_text(encoding="utf-8")
    words = sorted({w.lower() for w in re.findall(r"msgid \"([^\"]*)\"", catalogue)
                    for w in re.findall(r"[^\W\d_]{4,}", w)} | set(WORDS))
    random.Random(7).shuffle(words)  # the domain's words somewhere among the others
    return words, [1 / (rank + 1) for rank in range(len(words))]


VOCABULARY, WEIGHTS = vocabulary()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, WEIGHTS, k=n)).capitalize()


def _batches(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(table, rows, total: int, label: str) -> None:
    with tqdm(total=total, desc=label, unit=" lignes", mininterval=1.0) as bar:
        for batch in _batches(rows):
            db.session.execute(insert(table), batch)
            bar.update(len(batch))


def seed(scale: float = 1.0, seed_value: int = 2026, people: int = 128,
         bench_pairs: int = 200) -> dict[str, float]:
    """``people``: the signed-in people the benchmark drives (citoyen1…), each given
    ``bench_pairs`` pairs to answer in advance."""
    rng = random.Random(seed_value)
    started = time.perf_counter()
    n_citizens = max(50, int(100_000 * scale))
    n_ideas = max(100, int(200_000 * scale))
    n_supports = max(500, int(2_000_000 * scale))
    now = utcnow()
    password = hash_password("banc-d-essai-2026")

    organisation_id = db.session.execute(insert(Organisation).values(
        slug="banc-d-essai", name="Département du banc d'essai", kind=OrganisationKind.DEPARTEMENT,
        description="", created_at=now).returning(Organisation.id)).scalar_one()
    _bulk(User.__table__, ({
        "email": f"citoyen{i}@bench.consult.example", "display_name": f"Citoyen {i}",
        "password_hash": password, "locale": "fr", "email_confirmed_at": now,
        "is_platform_admin": False, "digest_opt_in": False, "created_at": now,
    } for i in range(n_citizens)), n_citizens, "citoyens")
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    # citoyen0 is also an agent of the organisation: the moderation queue is measured as them
    db.session.execute(insert(Membership).values(user_id=user_ids[0],
                                                 organisation_id=organisation_id,
                                                 role=MembershipRole.AGENT, created_at=now))

    def challenge(title, slug, phase_days):
        challenge_id = db.session.execute(insert(Challenge).values(
            slug=slug, title=title, service="Accueil du public", problem="Un problème.",
            audience="", context="", moderation_mode="post", moderation_charter="",
            auto_hide_threshold=5, published_at=now, created_at=now, ideas_count=0,
            supports_settled=0, participants_settled=0,
        ).returning(Challenge.id)).scalar_one()
        starts = [now + timedelta(days=d) for d in phase_days]
        db.session.execute(insert(ChallengePhase), [
            {"challenge_id": challenge_id, "kind": spec.kind, "title": "", "description": "",
             "starts_at": spec.starts_at, "ends_at": spec.ends_at, "settings": spec.settings,
             "announced_at": now if spec.starts_at <= now else None}
            for spec in classic(tuple(starts), supports_per_person=None)])
        db.session.execute(insert(CharterRule), [
            {"challenge_id": challenge_id, "label": label, "position": n}
            for n, label in enumerate(DEFAULT_CHARTER_RULES)])
        return challenge_id

    large = challenge("Le grand débat du banc d'essai", "grand-debat", (-30, -5, 20, 40))
    db.session.execute(insert(challenge_organisations).values(
        challenge_id=large, organisation_id=organisation_id))
    theme_ids = [db.session.execute(insert(Theme).values(challenge_id=large, name=name)
                                    .returning(Theme.id)).scalar_one() for name in THEMES]

    def ideas(challenge_id, count, themes):
        for _ in range(count):
            title = _sentence(rng, 6)
            body = _sentence(rng, 40)
            yield {"challenge_id": challenge_id, "author_id": rng.choice(user_ids),
                   "title": title, "body": body, "theme_id": rng.choice(themes) if themes else None,
                   "status": "published", "supports_count": 0, "comments_count": 0,
                   "search_text": search_text(title, body), "created_at": now,
                   "published_at": now - timedelta(minutes=rng.randint(0, 40_000))}

    _bulk(Idea.__table__, ideas(large, n_ideas, theme_ids), n_ideas, "idées (grand défi)")
    idea_ids = list(db.session.scalars(select(Idea.id).where(Idea.challenge_id == large)))

    # Supports: distinct (idea, person) pairs; popular ideas get more (a skewed draw).
    per_person = max(1, min(len(idea_ids), n_supports // len(user_ids)))
    supports_per_idea: dict[int, int] = {}
    used: dict[int, int] = {}

    def supports():
        for user_id in user_ids:
            chosen: set[int] = set()
            while len(chosen) < per_person:  # distinct ideas: exactly per_person each
                chosen.add(idea_ids[min(len(idea_ids) - 1, int(rng.paretovariate(1.2)) - 1
                                        if rng.random() < 0.3
                                        else rng.randrange(len(idea_ids)))])
            used[user_id] = len(chosen)
            for idea_id in chosen:
                supports_per_idea[idea_id] = supports_per_idea.get(idea_id, 0) + 1
                yield {"idea_id": idea_id, "user_id": user_id, "challenge_id": large,
                       "created_at": now}

    _bulk(Support.__table__, supports(), per_person * len(user_ids), "soutiens")
    _bulk(Participation.__table__, ({"user_id": u, "challenge_id": large, "supports_used": n,
                                     "created_at": now} for u, n in used.items()),
          len(used), "participations")
    by_count: dict[int, list[int]] = {}
    for idea_id, count in supports_per_idea.items():
        by_count.setdefault(count, []).append(idea_id)
    for count, ids in by_count.items():  # one UPDATE per distinct count, not per idea
        for chunk in _batches(ids, 900):
            db.session.execute(update(Idea).where(Idea.id.in_(chunk)).values(
                supports_count=count))
    total_supports = sum(used.values())
    db.session.execute(update(Challenge).where(Challenge.id == large).values(
        ideas_count=len(idea_ids), supports_settled=total_supports,
        participants_settled=len(used)))

    topic_ids = _published_topics(large, idea_ids, supports_per_idea, rng, now)

    comments = 0
    ordinary = []
    for n in tqdm(range(50), desc="défis ordinaires", mininterval=1.0):
        other = challenge(f"Défi ordinaire {n}", f"defi-ordinaire-{n}", (-10, 10, 20, 30))
        ordinary.append(other)
        db.session.execute(insert(challenge_organisations).values(
            challenge_id=other, organisation_id=organisation_id))
        count = max(5, int(400 * scale))
        db.session.execute(insert(Idea), list(ideas(other, count, [])))
        first = db.session.scalars(select(Idea.id).where(Idea.challenge_id == other)).all()
        rows = [{"idea_id": rng.choice(first), "author_id": rng.choice(user_ids),
                 "body": _sentence(rng, 15), "status": "published", "created_at": now}
                for _ in range(count)]
        db.session.execute(insert(Comment), rows)
        for idea_id in {r["idea_id"] for r in rows}:
            db.session.execute(update(Idea).where(Idea.id == idea_id).values(
                comments_count=sum(1 for r in rows if r["idea_id"] == idea_id)))
        db.session.execute(update(Challenge).where(Challenge.id == other).values(
            ideas_count=count))
        comments += count
    from bench.moderation_seed import seed_moderation

    # its own draws: the seeds after it get the same data as before it was added
    queue = seed_moderation(_bulk, random.Random(seed_value + 1), large, ordinary, user_ids,
                            now, _sentence, scale)
    from bench.survey_seed import seed_survey

    survey = seed_survey(_bulk, rng, organisation_id, user_ids, now, _sentence)
    from bench.events_seed import seed_events

    events = seed_events(_bulk, rng, organisation_id, user_ids, now, scale)
    from bench.methods_seed import seed_pairwise, seed_statements

    bench_people = user_ids[1:1 + min(people, len(user_ids) - 1)]  # citoyen1…
    methods = {**seed_pairwise(_bulk, seed_value, organisation_id, user_ids, now, _sentence,
                               rng, scale, bench_people, bench_pairs),
               **seed_statements(_bulk, seed_value, organisation_id, user_ids, now,
                                 _sentence, rng, scale)}
    from consult.moderation import backlog

    # the rows were written in bulk, around the operations that keep the queue
    queue["moderation_queue_rows"] = backlog.rebuild()
    db.session.commit()
    # statistics, as autovacuum (PostgreSQL) or a deployment's ANALYZE would have them:
    # without them a planner facing 200,000 freshly loaded ideas picks sequential scans
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()

    return {"seconds": time.perf_counter() - started, "citizens": len(user_ids),
            "ideas": len(idea_ids), "large_challenge": large, "supports": total_supports,
            "topic": topic_ids[0],
            "comments": comments, **queue,
            **survey, **events, **methods}


def _published_topics(challenge_id: int, idea_ids: list[int], supports: dict[int, int],
                      rng, now, count: int = 20) -> list[int]:
    """Twenty published emerging topics sharing the large challenge's ideas (as a run
    and an agent's validation leave them), so that the topics page and the « Sujet »
    filter are measured at scale; the topics job itself is timed by bench.jobs."""
    from consult.topics.models import RunStatus, Topic, TopicIdea, TopicRun

    run = TopicRun(challenge_id=challenge_id, status=RunStatus.DONE, method="vectors-kmeans",
                   params={"k": count, "seed": 0}, input_hash="0" * 64, ideas=len(idea_ids),
                   finished_at=now)
    db.session.add(run)
    db.session.flush()
    members: dict[int, list[int]] = {n: [] for n in range(count)}
    for idea_id in idea_ids:
        members[rng.randrange(count)].append(idea_id)
    topic_ids = []
    for n, ideas in members.items():
        ranked = sorted(ideas, key=lambda i: -supports.get(i, 0))
        topic = Topic(challenge_id=challenge_id, run_id=run.id, label=f"Sujet {n + 1}",
                      words=[_sentence(rng, 1).strip(".").lower() for _ in range(8)],
                      representative=ranked[:5], size=len(ideas),
                      supports=sum(supports.get(i, 0) for i in ideas), published_at=now)
        db.session.add(topic)
        db.session.flush()
        topic_ids.append(topic.id)
        _bulk(TopicIdea.__table__, ({"topic_id": topic.id, "idea_id": i,
                                     "weight": round(1 - rank / len(ranked), 5)}
                                    for rank, i in enumerate(ranked)),
              len(ranked), f"sujet {n + 1}")
    return topic_ids


def main() -> None:
    """Run in its own process (``python -m bench.seed --scale S``): migrate the database
    named by CONSULT_DATABASE_URL, seed it, print the summary as JSON on the last line."""
    import argparse
    import json

    from consult import create_app
    from consult.migrate import upgrade

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--people", type=int, default=128)
    parser.add_argument("--bench-pairs", type=int, default=200)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        upgrade(db.engine)
        summary = seed(args.scale, people=args.people, bench_pairs=args.bench_pairs)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
