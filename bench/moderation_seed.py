"""What an agent finds in the moderation queue of a national consultation (the bench's
moderation row is measured on it): at scale 1, 2,000 ideas waiting for pre-moderation in
the fifty ordinary challenges (pre-moderated), and open reports — one to three each, by
different people, for a reason, sometimes with details — on 600 ideas of the large
challenge and on 200 comments. About 2,800 items, 112 pages of 25."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update

from consult.challenges.models import Challenge
from consult.comments.models import Comment, Report, ReportReason
from consult.core.search import search_text
from consult.db import db
from consult.ideas.models import Idea, IdeaStatus

REASONS = list(ReportReason)


def seed_moderation(bulk, rng: random.Random, large: int, ordinary: list[int],
                    user_ids: list[int], now, sentence, scale: float) -> dict:
    n_pending = max(len(ordinary), int(2_000 * scale))
    n_reported_ideas = max(5, int(600 * scale))
    n_reported_comments = max(5, int(200 * scale))
    db.session.execute(update(Challenge).where(Challenge.id.in_(ordinary)).values(
        moderation_mode="pre"))

    def pending():
        for n in range(n_pending):
            title = sentence(rng, 6)
            body = sentence(rng, 40)
            yield {"challenge_id": ordinary[n % len(ordinary)], "author_id": rng.choice(user_ids),
                   "title": title, "body": body, "status": IdeaStatus.PENDING.value,
                   "supports_count": 0, "comments_count": 0,
                   "search_text": search_text(title, body),
                   "created_at": now - timedelta(minutes=rng.randint(0, 20_000))}

    bulk(Idea.__table__, pending(), n_pending, "idées en attente de modération")

    ideas = rng.sample(list(db.session.scalars(select(Idea.id).where(
        Idea.challenge_id == large, Idea.status == IdeaStatus.PUBLISHED))), n_reported_ideas)
    comments = list(db.session.execute(select(Comment.id, Idea.challenge_id).join(
        Idea, Idea.id == Comment.idea_id)))
    comments = rng.sample(comments, min(len(comments), n_reported_comments))
    targets = [("idea", idea_id, large) for idea_id in ideas] + [
        ("comment", comment_id, challenge_id) for comment_id, challenge_id in comments]

    def reports():
        for kind, target_id, challenge_id in targets:
            for reporter in rng.sample(user_ids, rng.randint(1, 3)):
                yield {"target_type": kind, "target_id": target_id,
                       "challenge_id": challenge_id, "reporter_id": reporter,
                       "reason": rng.choice(REASONS).value,
                       "details": sentence(rng, 12) if rng.random() < 0.3 else "",
                       "created_at": now - timedelta(minutes=rng.randint(0, 20_000))}

    # (the progress bar's total: two reports a target on average)
    bulk(Report.__table__, reports(), len(targets) * 2, "signalements ouverts")
    return {"pending_ideas": n_pending, "reported_ideas": len(ideas),
            "reported_comments": len(comments)}
