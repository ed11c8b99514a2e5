"""The benchmark's two ways of prioritising (issue 21), at the issue's scale (scale 1):

- « le grand comparatif », a pairwise phase over 10,000 ideas with 1,000,000 choices
  from 50,000 people (each choice a pair shown with its one-time token, then answered);
- « les grands points d'accord », 2,000 statements with 5,000,000 agree / disagree /
  pass votes from 50,000 people in three camps (and statements everybody agrees on).

The benchmark's signed-in people (citoyen1…) are also given pairs in advance, unanswered,
each with its token, as the comparison page would have given them: the vote POST is
measured on its own, each token used once. The votes are drawn with numpy from a fixed
seed (a latent quality per idea, Bradley–Terry choices; a stance per camp and statement)
and inserted in bulk, the counters as the votes' transactions would have kept them."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import bindparam, insert, select, text, update

from consult.challenges.models import Challenge, ChallengePhase, challenge_organisations
from consult.challenges.phases import Phase
from consult.core.search import search_text
from consult.db import db
from consult.ideas.models import Idea
from consult.pairwise.models import PairShown, PairwiseScore, PairwiseVote
from consult.statements.models import Statement, StatementVote

PAIRWISE_SLUG = "grand-comparatif"
STATEMENTS_SLUG = "grands-points-d-accord"
CAMPS = 3


def _challenge(slug: str, title: str, kind: str, organisation_id: int, now) -> int:
    challenge_id = db.session.execute(insert(Challenge).values(
        slug=slug, title=title, service="Accueil du public", problem="Prioriser.",
        audience="", context="", moderation_mode="post", moderation_charter="",
        auto_hide_threshold=5, published_at=now, created_at=now, ideas_count=0,
        supports_settled=0, participants_settled=0).returning(Challenge.id)).scalar_one()
    db.session.execute(insert(challenge_organisations).values(
        challenge_id=challenge_id, organisation_id=organisation_id))
    db.session.execute(insert(ChallengePhase).values(
        challenge_id=challenge_id, kind=kind, title="", description="",
        starts_at=now - timedelta(days=5), ends_at=now + timedelta(days=30), settings={},
        announced_at=now))
    return challenge_id


def _next_id(table) -> int:
    return (db.session.scalar(select(text("max(id)")).select_from(table)) or 0) + 1


def _fix_sequence(table) -> None:
    """Rows inserted with their ids: PostgreSQL's sequence is moved past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"(SELECT max(id) FROM {table.name}))"))


def seed_pairwise(bulk, seed: int, organisation_id: int, user_ids: list[int], now, sentence,
                  rng, scale: float, bench_people: list[int], bench_pairs: int) -> dict:
    draw = np.random.default_rng(seed)
    n_ideas = max(40, int(10_000 * scale))
    n_votes = max(400, int(1_000_000 * scale))
    voters = np.array(user_ids[1:1 + max(20, min(len(user_ids) - 1, int(50_000 * scale)))])
    challenge_id = _challenge(PAIRWISE_SLUG, "Le grand comparatif du banc d'essai",
                              Phase.PAIRWISE, organisation_id, now)

    def ideas():
        for _ in range(n_ideas):
            title, body = sentence(rng, 6), sentence(rng, 30)
            yield {"challenge_id": challenge_id, "author_id": rng.choice(user_ids),
                   "title": title, "body": body, "theme_id": None, "status": "published",
                   "supports_count": 0, "comments_count": 0,
                   "search_text": search_text(title, body), "created_at": now,
                   "published_at": now}

    bulk(Idea.__table__, ideas(), n_ideas, "idées (comparatif)")
    idea_ids = np.array(list(db.session.scalars(select(Idea.id).where(
        Idea.challenge_id == challenge_id).order_by(Idea.id))))
    db.session.execute(update(Challenge).where(Challenge.id == challenge_id).values(
        ideas_count=n_ideas))
    quality = draw.normal(0, 1, n_ideas)
    left = draw.integers(0, n_ideas, n_votes)
    right = (left + draw.integers(1, n_ideas, n_votes)) % n_ideas  # never the same idea
    left_wins = draw.random(n_votes) < 1 / (1 + np.exp(quality[right] - quality[left]))
    undecided = draw.random(n_votes) < 0.08
    people = voters[draw.integers(0, len(voters), n_votes)]
    first_pair = _next_id(PairShown.__table__)
    pairs = ({"id": first_pair + n, "token": f"s{n:042x}", "challenge_id": challenge_id,
              "user_id": int(people[n]), "left_id": int(idea_ids[left[n]]),
              "right_id": int(idea_ids[right[n]]), "shown_at": now, "answered_at": now}
             for n in range(n_votes))
    bulk(PairShown.__table__, pairs, n_votes, "paires présentées (comparatif)")
    winner = np.where(left_wins, left, right)
    loser = np.where(left_wins, right, left)
    votes = ({"pair_id": first_pair + n, "challenge_id": challenge_id,
              "user_id": int(people[n]),
              "winner_id": None if undecided[n] else int(idea_ids[winner[n]]),
              "loser_id": None if undecided[n] else int(idea_ids[loser[n]]),
              "reason": "equal" if undecided[n] else None, "reason_text": None,
              "created_at": now} for n in range(n_votes))
    bulk(PairwiseVote.__table__, votes, n_votes, "choix (comparatif)")
    # the bench's people: pairs given in advance, unanswered, one token per vote POST
    given = len(bench_people) * bench_pairs
    g_left = draw.integers(0, n_ideas, given)
    g_right = (g_left + draw.integers(1, n_ideas, given)) % n_ideas
    first_given = first_pair + n_votes
    bulk(PairShown.__table__, ({
        "id": first_given + n, "token": f"b{n:042x}", "challenge_id": challenge_id,
        "user_id": bench_people[n % len(bench_people)],
        "left_id": int(idea_ids[g_left[n]]), "right_id": int(idea_ids[g_right[n]]),
        "shown_at": now, "answered_at": None} for n in range(given)),
        given, "paires données d'avance (banc)")
    _fix_sequence(PairShown.__table__)
    decided = ~undecided
    appearances = np.bincount(np.concatenate([left, right, g_left, g_right]),
                              minlength=n_ideas)
    wins = np.bincount(winner[decided], minlength=n_ideas)
    losses = np.bincount(loser[decided], minlength=n_ideas)
    undecided_on = np.bincount(np.concatenate([left[undecided], right[undecided]]),
                               minlength=n_ideas)
    bulk(PairwiseScore.__table__, ({
        "idea_id": int(idea_ids[i]), "challenge_id": challenge_id,
        "appearances": int(appearances[i]), "wins": int(wins[i]), "losses": int(losses[i]),
        "undecided": int(undecided_on[i]),
        "score": None, "low": None, "high": None, "computed_at": None}
        for i in range(n_ideas)), n_ideas, "compteurs (comparatif)")
    return {"pairwise_challenge": challenge_id, "pairwise_ideas": n_ideas,
            "pairwise_votes": n_votes, "pairwise_voters": len(np.unique(people))}


def seed_statements(bulk, seed: int, organisation_id: int, user_ids: list[int], now,
                    sentence, rng, scale: float) -> dict:
    draw = np.random.default_rng(seed + 1)
    n_statements = max(40, int(2_000 * scale))
    n_votes = max(1_000, int(5_000_000 * scale))
    n_people = max(20, min(len(user_ids) - 1, int(50_000 * scale)))
    per_person = min(n_statements, n_votes // n_people)
    challenge_id = _challenge(STATEMENTS_SLUG, "Les grands points d'accord du banc d'essai",
                              Phase.STATEMENTS, organisation_id, now)
    bulk(Statement.__table__, ({
        "challenge_id": challenge_id, "author_id": rng.choice(user_ids),
        "text": sentence(rng, 14)[:280], "status": "published", "created_at": now,
        "moderated_at": now, "agree": 0, "disagree": 0, "passed": 0}
        for _ in range(n_statements)), n_statements, "propositions (points d'accord)")
    statement_ids = np.array(list(db.session.scalars(select(Statement.id).where(
        Statement.challenge_id == challenge_id).order_by(Statement.id))))
    # a stance per camp and statement; one statement in ten agreed by every camp
    stance = np.where(draw.random((CAMPS, n_statements)) < 0.5, 1, -1)
    stance[:, draw.random(n_statements) < 0.1] = 1
    people = np.array(user_ids[1:1 + n_people])
    camp = draw.integers(0, CAMPS, n_people)
    columns = np.concatenate([draw.choice(n_statements, per_person, replace=False)
                              for _ in range(n_people)])
    rows = np.repeat(np.arange(n_people), per_person)
    noise = draw.random(rows.size)
    values = np.where(noise < 0.1, 0, np.where(noise < 0.25, -1, 1)
                      * stance[camp[rows], columns]).astype(np.int8)
    bulk(StatementVote.__table__, ({
        "statement_id": int(statement_ids[columns[n]]), "challenge_id": challenge_id,
        "user_id": int(people[rows[n]]), "value": int(values[n]), "created_at": now,
        "updated_at": now} for n in range(rows.size)), rows.size,
        "votes (points d'accord)")
    counts = {name: np.bincount(columns[values == value], minlength=n_statements)
              for name, value in (("agree", 1), ("disagree", -1), ("passed", 0))}
    db.session.execute(update(Statement.__table__).where(
        Statement.__table__.c.id == bindparam("sid")), [
        {"sid": int(statement_ids[j]), "agree": int(counts["agree"][j]),
         "disagree": int(counts["disagree"][j]), "passed": int(counts["passed"][j])}
        for j in range(n_statements)])
    return {"statements_challenge": challenge_id, "statements": n_statements,
            "statement_votes": int(rows.size), "statement_voters": n_people}
