from consult.challenges.phases import CITIZEN_ACTIONS, Action, Phase, allows
from consult.db import utcnow
from tests.factories import DAY, ChallengeFactory, move_to


def test_phase_follows_the_dates():
    challenge = ChallengeFactory(phase="submission")
    now = utcnow()
    assert challenge.phase_at(now) == Phase.SUBMISSION
    assert challenge.phase_at(challenge.submission_starts_at - DAY) == Phase.ANNOUNCED
    assert challenge.phase_at(challenge.voting_starts_at) == Phase.VOTING
    assert challenge.phase_at(challenge.review_starts_at) == Phase.REVIEW
    assert challenge.phase_at(challenge.results_at) == Phase.RESULTS
    challenge.published_at = None
    assert challenge.phase_at(now) == Phase.DRAFT


def test_the_table_says_what_each_phase_allows():
    assert allows(Phase.SUBMISSION, Action.PROPOSE)
    assert not allows(Phase.SUBMISSION, Action.SUPPORT)
    assert allows(Phase.VOTING, Action.SUPPORT)
    assert not allows(Phase.VOTING, Action.PROPOSE)
    assert not allows(Phase.RESULTS, Action.COMMENT)
    assert not allows(Phase.DRAFT, Action.VIEW)
    assert allows(Phase.DRAFT, Action.VIEW, agent=True)
    assert allows(Phase.VOTING, Action.MODERATE, agent=True)
    assert not allows(Phase.VOTING, Action.MODERATE)
    assert set(CITIZEN_ACTIONS) == set(Phase)


def test_closing_a_phase_early_moves_the_next_date(app):
    from consult.challenges.operations import close_phase_early
    from tests.factories import UserFactory

    challenge = ChallengeFactory(phase="submission")
    assert close_phase_early(UserFactory(), challenge) == Phase.VOTING
    move_to(challenge, "voting")
    assert challenge.phase == Phase.VOTING
