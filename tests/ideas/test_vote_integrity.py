"""Integrity of the vote under real concurrency: threads, each with its own database
connection and transaction, committing for real (SQLite and PostgreSQL)."""

import threading

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.challenges.models import Challenge, Participation
from consult.core.errors_domain import Refused
from consult.db import db
from consult.ideas.models import Idea, Support
from consult.ideas.operations import cast_support
from consult.integrity import run_checks
from tests.factories import ChallengeFactory, IdeaFactory, UserFactory


def run_at_once(app, jobs):
    """Run ``jobs`` (callables) in threads released together; returns their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        with app.app_context():
            barrier.wait()
            try:
                job()
                db.session.commit()
                outcomes[index] = "ok"
            except Refused as refused:
                db.session.rollback()
                outcomes[index] = refused.message
            except Exception as exc:
                db.session.rollback()
                outcomes[index] = f"error: {type(exc).__name__}: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def supporter(user_id, idea_id):
    def job():
        cast_support(db.session.get(User, user_id), db.session.get(Idea, idea_id))
    return job


def counters_equal_rows():
    rows = db.session.scalar(select(func.count(Support.id)))
    ideas = db.session.scalar(select(func.coalesce(func.sum(Idea.supports_count), 0)))
    challenges = db.session.scalar(select(func.coalesce(func.sum(Challenge.supports_count), 0)))
    spent = db.session.scalar(select(func.coalesce(func.sum(Participation.supports_used), 0)))
    assert rows == ideas == challenges == spent, (rows, ideas, challenges, spent)
    assert run_checks() == []
    return rows


def test_fifty_people_support_one_idea_at_once(app, committed_db):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    people = [UserFactory() for _ in range(50)]
    db.session.commit()
    outcomes = run_at_once(app, [supporter(p.id, idea.id) for p in people])
    assert outcomes == ["ok"] * 50
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).supports_count == 50
    assert counters_equal_rows() == 50


def test_one_person_sending_twenty_supports_at_once_counts_once(app, committed_db):
    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    person = UserFactory()
    db.session.commit()
    outcomes = run_at_once(app, [supporter(person.id, idea.id) for _ in range(20)])
    assert outcomes.count("ok") == 1
    assert all(o == "Vous soutenez déjà cette idée." for o in outcomes if o != "ok"), outcomes
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).supports_count == 1
    assert counters_equal_rows() == 1


def test_a_limit_of_three_holds_against_ten_simultaneous_supports(app, committed_db):
    challenge = ChallengeFactory(phase="supports", supports_per_person=3)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(10)]
    person = UserFactory()
    db.session.commit()
    outcomes = run_at_once(app, [supporter(person.id, idea.id) for idea in ideas])
    assert outcomes.count("ok") == 3, outcomes
    assert all(o == "ok" or o.startswith("Vous avez utilisé vos 3 soutiens") for o in outcomes)
    assert counters_equal_rows() == 3


# -- The same proofs where a rule asks for a verified identity (issue 20) ---------------------

def _verified_challenge(**kwargs):
    challenge = ChallengeFactory(phase="supports", **kwargs)
    challenge.eligibility = [{"action": "support", "level": "verified"}]
    return challenge


def _verified_person(subject: str):
    from consult.db import utcnow
    from consult.identity.models import ExternalIdentity

    person = UserFactory()
    db.session.flush()
    db.session.add(ExternalIdentity(user_id=person.id, provider="franceconnect",
                                    subject=subject, verified_at=utcnow(), age_floor=18))
    return person


def test_a_verified_person_sending_twenty_supports_at_once_counts_once(app, committed_db):
    idea = IdeaFactory(challenge=_verified_challenge())
    person = _verified_person("fc-vingt-clics")
    db.session.commit()
    outcomes = run_at_once(app, [supporter(person.id, idea.id) for _ in range(20)])
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "Vous soutenez déjà cette idée." for o in outcomes if o != "ok"), outcomes
    assert db.session.scalar(select(Support.voter_key)) is not None
    assert counters_equal_rows() == 1


def test_a_verified_identity_keeps_its_limit_across_accounts_under_contention(
        app, committed_db):
    """Limit 3: one support given through a deleted account, then the same FranceConnect
    identity on a new account presses ten ideas at once: two more count, never more."""
    from consult.accounts.operations import erase_account

    challenge = _verified_challenge(supports_per_person=3)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(11)]
    old = _verified_person("fc-une-personne")
    db.session.commit()
    cast_support(db.session.get(User, old.id), ideas[0])
    erase_account(db.session.get(User, old.id))
    db.session.commit()
    new = _verified_person("fc-une-personne")
    db.session.commit()
    outcomes = run_at_once(app, [supporter(new.id, idea.id) for idea in ideas[1:]])
    assert outcomes.count("ok") == 2, outcomes
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # and the idea the identity supported through the old account stays refused to it
    outcomes = run_at_once(app, [supporter(new.id, ideas[0].id)])
    assert outcomes == ["Cette identité a déjà soutenu cette idée, depuis un autre compte."]
    assert counters_equal_rows() == 3
