"""The background jobs of issues 21 and 22, timed at the benchmark's scale, each in its own
process so that its memory is its own: the pairwise scores (Bradley–Terry over every
choice), the opinion groups (PCA and k-means over every statement vote), the emerging
topics and duplicate candidates of the large challenge (by meaning: word vectors and
k-means; ``topics-tfidf``: TF-IDF and NMF); and the
drawing of a pair, the work of each comparison page.

    python -m bench.jobs pairwise CHALLENGE_ID   # prints one JSON line
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(kind: str, challenge_id: int) -> dict:
    from consult import create_app
    from consult.db import db

    app = create_app()
    with app.app_context():
        if kind == "draw":  # pairs drawn for people who answered theirs, then undone
            return _draws(challenge_id)
        from consult.pairwise.operations import recompute_scores
        from consult.statements.operations import compute_groups

        job = {"pairwise": recompute_scores, "statements": compute_groups,
               "topics": _topics, "topics-tfidf": _topics_tfidf}[kind]
        before = _rss_mb()
        started = time.perf_counter()
        result = job(challenge_id)
        db.session.commit()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "rss_before_mb": round(before),
            "peak_mb": round(peak), "result": result}


def _topics_tfidf(challenge_id: int) -> dict:
    return _topics(challenge_id, "tfidf-nmf")


def _topics(challenge_id: int, method: str = "") -> dict:
    """The emerging topics and duplicate candidates of the large challenge (issue 22):
    the job itself, as the queue runs it (by the default method, grouping by meaning,
    unless ``method``)."""
    from sqlalchemy import func, select

    from consult.db import db
    from consult.topics.clustering import DEFAULT_METHOD
    from consult.topics.models import DuplicateCandidate, TopicRun
    from consult.topics.operations import compute

    run = TopicRun(challenge_id=challenge_id, method=method or DEFAULT_METHOD)
    db.session.add(run)
    db.session.flush()
    topics = compute(run.id)
    pairs = db.session.scalar(select(func.count()).select_from(DuplicateCandidate).where(
        DuplicateCandidate.run_id == run.id))
    return {"ideas": run.ideas, "topics": topics, "duplicate_pairs": pairs,
            "status": run.status.value}


def _draws(challenge_id: int, count: int = 200) -> dict:
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.challenges.models import Challenge
    from consult.db import db
    from consult.pairwise.models import PairwiseVote
    from consult.pairwise.operations import next_pair

    challenge = db.session.get(Challenge, challenge_id)
    voters = list(db.session.scalars(select(PairwiseVote.user_id).where(
        PairwiseVote.challenge_id == challenge_id).distinct()
        .order_by(PairwiseVote.user_id.desc()).limit(count)))  # not the bench's people
    times = []
    for user_id in voters:
        person = db.session.get(User, user_id)
        started = time.perf_counter()
        next_pair(person, challenge)
        times.append((time.perf_counter() - started) * 1000)
    db.session.rollback()
    times.sort()
    return {"draws": len(times), "median_ms": round(times[len(times) // 2], 1),
            "p95_ms": round(times[int(len(times) * 0.95)], 1)}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
