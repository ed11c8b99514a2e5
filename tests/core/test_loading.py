"""Objects built from a prebuilt Core statement (core.loading) are what the ORM would
have loaded: every column, persistent in the session, their changes flushed, what they
do not hold loaded on access — checked here on the person of every signed-in request
(accounts.operations.session_user) and on a challenge with its phases
(challenges.queries.challenge_for_rules)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, inspect, select

from consult.accounts.models import AuthSession, User
from consult.accounts.operations import session_user, start_session
from consult.challenges.models import Challenge
from consult.challenges.queries import challenge_for_rules
from consult.core.loading import Loader, loaded
from consult.db import db, utcnow
from consult.organisations.models import Membership, MembershipRole
from consult.territories.models import Territory
from tests.factories import (
    ChallengeFactory,
    IdeaFactory,
    OrganisationFactory,
    UserFactory,
    agent_of,
)


@contextmanager
def _statements():
    run: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        run.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield run
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _columns(user: User) -> dict:
    return {prop.key: getattr(user, prop.key) for prop in inspect(User).column_attrs}


def _orm_load(user_id: int) -> dict:
    db.session.expunge_all()
    loaded_user = db.session.get(User, user_id)
    values = _columns(loaded_user)
    db.session.expunge_all()
    return values


def _signed_in(user: User) -> str:
    token = start_session(user)
    db.session.flush()
    db.session.expunge_all()
    return token


def test_the_person_of_a_session_is_the_one_the_orm_loads(app):
    territory = db.session.scalar(select(Territory).limit(1))
    user = UserFactory(territory_id=territory.id if territory else None,
                       is_platform_admin=False)
    token = _signed_in(user)
    expected = _orm_load(user.id)

    person = session_user(token)

    # every column came with the row: reading them all runs no query
    with _statements() as run:
        assert _columns(person) == expected
    assert run == []
    state = inspect(person)
    assert state.persistent and person in db.session
    assert not db.session.dirty and not db.session.new
    assert person.memberships == []  # a citizen: set empty, no query
    assert "memberships" in person.__dict__
    if territory is not None:  # a relationship not read is loaded on access
        assert person.territory.id == territory.id
    # the same person asked again in the request is the same object
    assert session_user(token) is person


def test_an_agent_s_memberships_come_with_their_organisation(app):
    organisation = OrganisationFactory()
    agent = agent_of(organisation, role=MembershipRole.ADMIN)
    token = _signed_in(agent)

    second = OrganisationFactory()
    db.session.add(Membership(user_id=agent.id, organisation_id=second.id,
                              role=MembershipRole.AGENT))
    db.session.flush()
    db.session.expunge_all()

    with _statements() as run:  # one statement: the person, their memberships, each one's
        person = session_user(token)  # organisation
        held = sorted((m.organisation_id, m.role, m.organisation.name)
                      for m in person.memberships)
    assert len(run) == 1
    assert held == sorted([(organisation.id, MembershipRole.ADMIN, organisation.name),
                           (second.id, MembershipRole.AGENT, second.name)])
    assert person.is_admin_of(organisation.id) and not person.is_admin_of(second.id)


def test_a_change_to_the_person_is_flushed_like_any_other(app):
    user = UserFactory(display_name="Avant")
    token = _signed_in(user)

    person = session_user(token)
    person.display_name = "Après"
    db.session.flush()
    db.session.expunge_all()

    assert db.session.get(User, user.id).display_name == "Après"


def test_an_expired_or_deleted_session_gives_nobody(app):
    user = UserFactory()
    token = _signed_in(user)
    session_row = db.session.scalar(select(AuthSession).where(AuthSession.user_id == user.id))
    session_row.expires_at = utcnow()
    db.session.flush()
    db.session.expunge_all()
    assert session_user(token) is None

    other = UserFactory()
    token = _signed_in(other)
    erased = db.session.get(User, other.id)  # what deleting an account leaves
    erased.email = erased.password_hash = None
    erased.deleted_at = utcnow()
    db.session.flush()
    db.session.expunge_all()
    assert session_user(token) is None
    assert session_user(None) is None and session_user("not-a-token") is None


def test_an_object_already_in_the_session_is_kept_as_it_is(app):
    """As the ORM does without populate_existing: the row read does not overwrite a
    change not yet flushed, nor a collection already loaded."""
    people = Loader(User)
    user = UserFactory(display_name="En mémoire")
    row = db.session.execute(select(*people.columns).where(User.id == user.id)).one()
    user.display_name = "Changé, pas encore écrit"

    same, built = people.instance(db.session, row)

    assert same is user and not built
    assert user.display_name == "Changé, pas encore écrit"


def test_the_empty_side_of_an_outer_join_is_no_object(app):
    memberships = Loader(Membership)
    assert memberships.instance(db.session, [None] * len(memberships)) == (None, False)


def test_a_relationship_set_as_loaded_runs_no_query(app):
    people = Loader(User)
    user = UserFactory()
    db.session.flush()
    db.session.expunge_all()
    row = db.session.execute(select(*people.columns).where(User.id == user.id)).one()
    person, built = people.instance(db.session, row)
    assert built
    loaded(person, "memberships", [])
    with _statements() as run:
        assert person.memberships == []
    assert run == []


def test_a_challenge_for_its_rules_is_the_one_the_orm_loads(app):
    """challenges.queries.challenge_for_rules: the challenge (its counts included, a
    column property each) and its phases in their order, in one statement."""
    challenge = ChallengeFactory(phase="supports")
    IdeaFactory(challenge=challenge)
    db.session.flush()
    db.session.expunge_all()
    orm = db.session.get(Challenge, challenge.id)
    expected = {prop.key: getattr(orm, prop.key) for prop in inspect(Challenge).column_attrs}
    expected_phases = [(p.id, p.kind, p.starts_at) for p in orm.phases]
    db.session.expunge_all()

    with _statements() as run:
        loaded_challenge = challenge_for_rules(challenge.id)
        phases = [(p.id, p.kind, p.starts_at) for p in loaded_challenge.phases]
        values = {prop.key: getattr(loaded_challenge, prop.key)
                  for prop in inspect(Challenge).column_attrs}
    assert len(run) == 1
    assert values == expected and phases == expected_phases and len(phases) == 4
    assert loaded_challenge.phase == orm.phase
    assert challenge_for_rules(challenge.id + 1000) is None


def test_a_challenge_without_phases_has_none(app):
    challenge = ChallengeFactory(phases=[])
    db.session.flush()
    db.session.expunge_all()
    assert challenge_for_rules(challenge.id).phases == []


def test_an_idea_for_its_rules_comes_with_its_challenge_and_phases_in_one_statement(app):
    """ideas.views.idea_for_rules: what an idea button and a signed-in idea page read."""
    from consult.ideas.models import Idea
    from consult.ideas.views import idea_for_rules

    idea = IdeaFactory(challenge=ChallengeFactory(phase="supports"))
    db.session.flush()
    db.session.expunge_all()
    orm = db.session.get(Idea, idea.id)
    expected = ({prop.key: getattr(orm, prop.key) for prop in inspect(Idea).column_attrs},
                {prop.key: getattr(orm.challenge, prop.key)
                 for prop in inspect(Challenge).column_attrs},
                [(p.id, p.kind, p.starts_at, p.ends_at) for p in orm.challenge.phases])
    db.session.expunge_all()

    with _statements() as run:
        loaded_idea = idea_for_rules(idea.id)
        values = ({prop.key: getattr(loaded_idea, prop.key) for prop in inspect(Idea).column_attrs},
                  {prop.key: getattr(loaded_idea.challenge, prop.key)
                   for prop in inspect(Challenge).column_attrs},
                  [(p.id, p.kind, p.starts_at, p.ends_at) for p in loaded_idea.challenge.phases])
    assert len(run) == 1 and values == expected and len(values[2]) == 4
    assert loaded_idea.author.id == orm.author_id  # what it does not hold loads on access
    assert idea_for_rules(idea.id + 1000) is None
