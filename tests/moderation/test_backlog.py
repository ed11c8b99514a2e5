"""The moderation queue kept as it changes (consult.moderation.backlog): every operation
that adds or removes an item leaves its row right, a drifted row is caught by ``flask
check`` and written back by ``rebuild``, and concurrent operations on one item keep it."""

from datetime import timedelta

from sqlalchemy import delete, insert, select

from consult.accounts.models import User
from consult.accounts.operations import erase_account
from consult.challenges.models import ModerationMode
from consult.comments.models import Comment, ReportReason
from consult.comments.operations import post_comment, report
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus
from consult.ideas.operations import submit_idea, withdraw_idea
from consult.integrity import run_checks
from consult.moderation import backlog
from consult.moderation import operations as ops
from consult.moderation.backlog import QueueEntry
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)
from tests.ideas.test_vote_integrity import run_at_once


def rows():
    """{(kind, target): (pending?, reported?)} of the queue's rows."""
    return {(r.kind, r.target_id): (r.pending_since is not None, r.reported_since is not None)
            for r in db.session.scalars(select(QueueEntry))}


def setup(**kwargs):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(phase="ideas", organisations=[organisation], **kwargs)
    return challenge, agent_of(organisation)


def test_every_operation_leaves_the_queue_as_derived_from_scratch(app):
    challenge, agent = setup(moderation_mode=ModerationMode.PRE, auto_hide_threshold=10)
    author, reader = UserFactory(), UserFactory()

    waiting = submit_idea(author, challenge, title="Une idée à relire", body="Son texte.")
    assert rows() == {("idea", waiting.id): (True, False)}
    report(reader, waiting, ReportReason.SPAM)
    assert rows() == {("idea", waiting.id): (True, True)}
    ops.approve_idea(agent, waiting)  # published, its report closed: nothing left to do
    assert rows() == {} and run_checks() == []

    comment = post_comment(author, waiting, "Un commentaire.")
    report(reader, comment, ReportReason.ABUSE, "Injurieux.")
    report(UserFactory(), waiting, ReportReason.OFF_TOPIC)
    assert rows() == {("comment", comment.id): (False, True), ("idea", waiting.id): (False, True)}
    assert run_checks() == []
    ops.keep_comment(agent, comment)
    ops.reject_idea(agent, waiting, ops.ensure_charter(challenge)[0])
    assert rows() == {} and run_checks() == []

    withdrawn = submit_idea(author, challenge, title="Une idée retirée", body="Son texte.")
    assert rows() == {("idea", withdrawn.id): (True, False)}
    withdraw_idea(author, withdrawn)
    assert rows() == {}

    reported_once = post_comment(author, IdeaFactory(challenge=challenge), "Un autre.")
    report(reader, reported_once, ReportReason.SPAM)
    assert rows() == {("comment", reported_once.id): (False, True)}
    erase_account(db.session.get(User, reader.id))  # the only report goes with its author
    assert rows() == {} and run_checks() == []


def test_merging_a_pending_duplicate_and_hiding_a_comment_take_them_out(app):
    challenge, agent = setup(moderation_mode=ModerationMode.PRE, auto_hide_threshold=10)
    kept = IdeaFactory(challenge=challenge)
    duplicate = IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None)
    comment = post_comment(UserFactory(), kept, "Hors sujet.")
    report(UserFactory(), comment, ReportReason.OFF_TOPIC)
    assert set(rows()) == {("idea", duplicate.id), ("comment", comment.id)}
    ops.merge_duplicate(agent, duplicate, kept)
    ops.hide_comment(agent, comment, "Hors sujet")
    assert rows() == {} and run_checks() == []
    ops.restore_comment(agent, comment)  # restored by decision: nothing to look at
    assert rows() == {} and run_checks() == []


def test_reports_reaching_the_threshold_keep_the_hidden_idea_in_the_queue(app):
    challenge, agent = setup(auto_hide_threshold=2)
    idea = IdeaFactory(challenge=challenge)
    for _ in range(2):
        report(UserFactory(), idea, ReportReason.ABUSE)
    assert db.session.get(Idea, idea.id).status == IdeaStatus.HIDDEN
    assert rows() == {("idea", idea.id): (False, True)} and run_checks() == []
    ops.restore_idea(agent, idea)
    assert rows() == {} and run_checks() == []


def test_check_names_a_drifted_queue_and_rebuild_writes_it_back(app):
    challenge, _agent = setup(moderation_mode=ModerationMode.PRE)
    waiting = IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None)
    published = IdeaFactory(challenge=challenge)
    db.session.execute(delete(QueueEntry))
    db.session.execute(insert(QueueEntry).values(
        kind="idea", target_id=published.id, challenge_id=challenge.id,
        pending_since=utcnow(), since=utcnow()))
    problems = backlog.queue_matches_items()
    assert len(problems) == 2, problems
    assert "absents ou datés autrement : 1 " in problems[0] and str(waiting.id) in problems[0]
    assert "en trop : 1 " in problems[1] and str(published.id) in problems[1]
    assert backlog.rebuild() == 1
    assert rows() == {("idea", waiting.id): (True, False)} and run_checks() == []


def test_an_item_of_a_deleted_challenge_leaves_with_it(app):
    challenge, _agent = setup(moderation_mode=ModerationMode.PRE)
    IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None)
    assert len(rows()) == 1
    db.session.delete(challenge)
    db.session.flush()
    assert rows() == {}


def test_reports_and_decisions_on_the_same_items_at_once_keep_the_queue(app, committed_db,
                                                                       monkeypatch):
    """Each item reported by a newcomer while an agent decides on it: whichever commits
    last, the queue's row is what the item's reports and status make it. (The decisions'
    journal entries are left out: the journal is append-only, and the committed tables
    are emptied after the test; it takes no part in the race.)"""
    monkeypatch.setattr(ops, "_log", lambda *args, **kwargs: None)
    challenge, agent = setup(auto_hide_threshold=50)
    ideas = [IdeaFactory(challenge=challenge) for _ in range(6)]
    comments = [post_comment(UserFactory(), ideas[0], f"Commentaire {n}.") for n in range(6)]
    for target in ideas + comments:
        report(UserFactory(), target, ReportReason.SPAM)
    reporters = [UserFactory() for _ in ideas + comments]
    db.session.commit()
    agent_id = agent.id

    def reporting(user_id, model, target_id):
        def job():
            report(db.session.get(User, user_id), db.session.get(model, target_id),
                   ReportReason.ABUSE)
        return job

    def deciding(model, target_id):
        def job():
            actor = db.session.get(User, agent_id)
            if model is Idea:
                ops.approve_idea(actor, db.session.get(Idea, target_id))
            else:
                ops.keep_comment(actor, db.session.get(Comment, target_id))
        return job

    jobs = []
    for reporter, (model, target) in zip(reporters, [(Idea, i.id) for i in ideas]
                                         + [(Comment, c.id) for c in comments], strict=True):
        jobs += [reporting(reporter.id, model, target), deciding(model, target)]
    assert run_at_once(app, jobs) == ["ok"] * len(jobs)
    db.session.expire_all()
    assert run_checks() == []
    # an item stays exactly when the new report came after the decision
    assert len(rows()) <= len(ideas) + len(comments)


def test_the_queue_page_reads_the_rows_oldest_or_newest_first(client):
    from tests.conftest import login

    challenge, agent = setup(moderation_mode=ModerationMode.PRE, auto_hide_threshold=10)
    start = utcnow() - timedelta(days=5)
    first = IdeaFactory(challenge=challenge, status=IdeaStatus.PENDING, published_at=None,
                        title="Proposée la première", created_at=start)
    reported = IdeaFactory(challenge=challenge, title="Signalée ensuite",
                           created_at=start - timedelta(days=30))
    report(UserFactory(), reported, ReportReason.SPAM)  # reported now: since now
    other = ChallengeFactory(phase="ideas", moderation_mode=ModerationMode.PRE)
    IdeaFactory(challenge=other, status=IdeaStatus.PENDING, published_at=None,
                title="Défi d’une autre organisation")
    db.session.commit()
    login(client, agent)
    oldest = client.get("/moderation?ordre=anciens").text
    assert "2 éléments à traiter" in oldest and "autre organisation" not in oldest
    assert oldest.index("Proposée la première") < oldest.index("Signalée ensuite")
    newest = client.get("/moderation").text
    assert newest.index("Signalée ensuite") < newest.index("Proposée la première")
    only_pending = client.get("/moderation?type=pending").text
    assert "1 élément à traiter" in only_pending and first.title in only_pending
