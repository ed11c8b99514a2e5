"""Showing pairs, answering them, and recomputing the scores (a background job)."""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from itertools import chain

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update

from consult.accounts.models import User
from consult.challenges.models import Challenge
from consult.challenges.permissions import participation_problem
from consult.challenges.phases import Action
from consult.core.errors_domain import Refused
from consult.core.sql import execute, insert_ignore, stream_rows
from consult.core.tasks import enqueue, job
from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus
from consult.pairwise.models import PairShown, PairwiseScore, PairwiseVote

# « Je ne peux pas décider » : why (All Our Ideas' reasons), and a free text for « autre »
REASONS = {
    "both": _l("J’aime les deux"),
    "neither": _l("Je n’aime aucune des deux"),
    "unknown": _l("Je ne connais pas assez le sujet"),
    "equal": _l("Elles se valent"),
    "other": _l("Autre raison"),
}
MAX_REASON = 300
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # what secrets.token_urlsafe(32) gives
POOL = 24  # pairs are drawn among the least shown ideas of this many
RECOMPUTE_EVERY = 50  # votes between two recomputations of a challenge's scores


def compare_problem(user, challenge: Challenge) -> str | None:
    return participation_problem(user, challenge, Action.COMPARE)


def _published(challenge_id: int):
    return select(Idea.id).where(Idea.challenge_id == challenge_id,
                                 Idea.status == IdeaStatus.PUBLISHED)


def _still_shown(pair: PairShown) -> bool:
    return db.session.scalar(select(func.count()).select_from(Idea).where(
        Idea.id.in_((pair.left_id, pair.right_id)),
        Idea.status == IdeaStatus.PUBLISHED)) == 2


def next_pair(user: User, challenge: Challenge) -> PairShown | None:
    """The pair to show the person now, recorded as shown (``draw_pair`` then
    ``record_shown``)."""
    pair = draw_pair(user, challenge)
    if pair is not None:
        record_shown(pair)
    return pair


def draw_pair(user: User, challenge: Challenge) -> PairShown | None:
    """The pair to show the person now: the one they left unanswered if it still holds
    (a reload does not draw again), else two ideas among the least shown — a new idea
    is shown first, until it caught up — never the pair they just answered. None: fewer
    than two published ideas. Reads only: a new pair is not recorded yet (its token is
    already drawn), so that a page renders it before ``record_shown`` takes the single
    writer's turn on SQLite (held until the commit)."""
    problem = compare_problem(user, challenge)
    if problem:
        raise Refused(problem)
    last = db.session.scalar(select(PairShown).where(
        PairShown.user_id == user.id, PairShown.challenge_id == challenge.id)
        .order_by(PairShown.id.desc()).limit(1))
    if last is not None and last.answered_at is None and _still_shown(last):
        return last
    shown = func.coalesce(PairwiseScore.appearances, 0)
    spread = func.coalesce(PairwiseScore.high - PairwiseScore.low, 100.0)
    pool = db.session.execute(
        select(Idea.id, shown, spread).outerjoin(PairwiseScore,
                                                 PairwiseScore.idea_id == Idea.id)
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.PUBLISHED)
        .order_by(shown, spread.desc(), Idea.id).limit(POOL)).all()
    if len(pool) < 2:
        return None
    randomly = random.SystemRandom()
    fewest = pool[0][1]
    first = randomly.choice([row for row in pool if row[1] == fewest])[0]
    others = [row[0] for row in pool if row[0] != first]
    if last is not None and len(pool) > 2:  # never the same pair twice in a row
        others = [o for o in others if {first, o} != {last.left_id, last.right_id}] or others
    second = randomly.choice(others[: max(3, len(others) // 2)])
    left, right = (first, second) if randomly.random() < 0.5 else (second, first)
    # not added to the session: no read of the page flushes it before its time
    return PairShown(token=secrets.token_urlsafe(32), challenge_id=challenge.id,
                     user_id=user.id, left_id=left, right_id=right)


def record_shown(pair: PairShown) -> None:
    """Record a pair drawn by ``draw_pair`` as shown (its token now answerable) and
    count its ideas' appearances; nothing for the pair already waiting."""
    if pair.id is not None:
        return
    db.session.add(pair)
    for idea_id in (pair.left_id, pair.right_id):
        insert_ignore(PairwiseScore.__table__, idea_id=idea_id,
                      challenge_id=pair.challenge_id, appearances=0, wins=0, losses=0)
    db.session.execute(update(PairwiseScore).where(
        PairwiseScore.idea_id.in_((pair.left_id, pair.right_id)))
        .values(appearances=PairwiseScore.appearances + 1))
    db.session.flush()


def open_pair(user: User, token: str) -> PairShown | None:
    """The pair behind a token given to this person and not answered yet (to show it
    again with what was typed when an answer had a mistake)."""
    if not token or not TOKEN.fullmatch(token):
        return None
    return db.session.scalar(select(PairShown).where(
        PairShown.token == token, PairShown.user_id == user.id,
        PairShown.answered_at.is_(None)))


@dataclass(frozen=True)
class Answer:
    choice: str  # "left", "right" or "none"
    reason: str | None = None
    reason_text: str | None = None


def answer_problems(answer: Answer) -> dict[str, str]:
    problems = {}
    if answer.choice not in {"left", "right", "none"}:
        problems["choice"] = _("Choisissez une des deux idées, ou « je ne peux pas décider ».")
    if answer.reason and answer.reason not in REASONS:
        problems["reason"] = _("Choisissez une des raisons proposées.")
    if answer.reason_text and len(answer.reason_text) > MAX_REASON:
        problems["reason_text"] = _("%(max)s caractères au plus.", max=MAX_REASON)
    elif answer.reason_text and has_forbidden_characters(answer.reason_text):
        problems["reason_text"] = forbidden_characters_message()
    return problems


_pairs, _scores, _votes = (PairShown.__table__, PairwiseScore.__table__,
                           PairwiseVote.__table__)
# the writes of a choice, built once: on SQLite the first of them takes the single
# writer's turn, held until the commit, so everything before them is reads and checks
_CLAIM = update(_pairs).where(_pairs.c.id == bindparam("pair_"),
                              _pairs.c.answered_at.is_(None)).values(answered_at=bindparam("now"))
_ADD = {column: update(_scores).where(_scores.c.idea_id == bindparam("idea_")).values(
    {column: _scores.c[column] + 1}) for column in ("wins", "losses", "undecided")}
_COUNT = insert(_votes).returning(_votes.c.id)


def vote(user: User, token: str, answer: Answer, challenge_id: int | None = None) -> int:
    """Count the answer to the pair the token stands for, once; the choice's id.
    Refused: a token that was not given to this person (forged, someone else's) or for
    another challenge than ``challenge_id``, one already used, a pair with an idea no
    longer shown, a vote outside the phase."""
    pair = db.session.scalar(select(PairShown).where(PairShown.token == token)) \
        if token and TOKEN.fullmatch(token) else None  # (a NUL never reaches PostgreSQL)
    if pair is None or pair.user_id != user.id or (
            challenge_id is not None and pair.challenge_id != challenge_id):
        raise Refused(_("Cette paire ne vous a pas été présentée : rechargez la page."))
    challenge = db.session.get(Challenge, pair.challenge_id)
    problem = compare_problem(user, challenge)
    if problem:
        raise Refused(problem)
    problems = answer_problems(answer)
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)
    if not _still_shown(pair):
        raise Refused(_("Une de ces idées n’est plus proposée : voici une autre paire."))
    if execute(_CLAIM, {"pair_": pair.id, "now": utcnow()}).rowcount != 1:
        raise Refused(_("Vous avez déjà répondu à cette paire."))  # another press was first
    winner = loser = None
    if answer.choice != "none":
        winner, loser = ((pair.left_id, pair.right_id) if answer.choice == "left"
                         else (pair.right_id, pair.left_id))
        execute(_ADD["wins"], {"idea_": winner})
        execute(_ADD["losses"], {"idea_": loser})
    else:
        execute(_ADD["undecided"], [{"idea_": pair.left_id},
                                    {"idea_": pair.right_id}])
    undecided = answer.choice == "none"
    vote_id = execute(_COUNT, {
        "pair_id": pair.id, "challenge_id": pair.challenge_id, "user_id": user.id,
        "winner_id": winner, "loser_id": loser,
        "reason": answer.reason if undecided else None,
        "reason_text": (answer.reason_text or None) if undecided else None}).scalar_one()
    db.session.expire(pair, ["answered_at"])
    if vote_id % RECOMPUTE_EVERY == 0:
        enqueue("pairwise.scores", pair.challenge_id)
    return vote_id


@job("pairwise.scores")
def recompute_scores(challenge_id: int) -> int:
    """Fit the model to every choice of the challenge and store each idea's score and
    interval; the number of ideas scored."""
    import numpy as np  # (the job's imports: pages never load numpy)

    from consult.pairwise.scores import fit_scores

    ideas = np.fromiter(db.session.scalars(_published(challenge_id).order_by(Idea.id)),
                        dtype=np.int64)
    winners, losers = [], []  # read in chunks into arrays, never a Row object each
    for chunk in stream_rows(select(PairwiseVote.winner_id, PairwiseVote.loser_id).where(
            PairwiseVote.challenge_id == challenge_id, PairwiseVote.winner_id.is_not(None))):
        block = np.fromiter(chain.from_iterable(chunk), dtype=np.int64,
                            count=2 * len(chunk)).reshape(-1, 2)
        at = np.searchsorted(ideas, block)  # each idea's place among the published ones
        shown = (at < len(ideas)) & (ideas[np.minimum(at, max(len(ideas) - 1, 0))] == block) \
            if len(ideas) else np.zeros(block.shape, bool)
        both = shown.all(axis=1)  # a choice involving a hidden idea is left out
        winners.append(at[both, 0])
        losers.append(at[both, 1])
    fitted = fit_scores(len(ideas),
                        np.concatenate(winners) if winners else np.zeros(0, np.int64),
                        np.concatenate(losers) if losers else np.zeros(0, np.int64))
    now = utcnow()
    index = {int(idea_id): i for i, idea_id in enumerate(ideas)}
    kept = set(db.session.scalars(select(PairwiseScore.idea_id).where(
        PairwiseScore.challenge_id == challenge_id)))
    missing = [{"idea_id": idea_id, "challenge_id": challenge_id, "appearances": 0,
                "wins": 0, "losses": 0} for idea_id in index if idea_id not in kept]
    if missing:  # ideas never shown yet get their line, in one statement
        db.session.execute(insert(PairwiseScore), missing)
    db.session.execute(update(PairwiseScore), [
        {"idea_id": idea_id, "score": float(fitted.scores[i]), "low": float(fitted.low[i]),
         "high": float(fitted.high[i]), "computed_at": now}
        for idea_id, i in index.items()])
    db.session.flush()
    return len(ideas)
