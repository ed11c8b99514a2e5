"""factory-boy factories for the tests' data."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from consult.accounts.models import User
from consult.core.passwords import hash_password
from consult.db import db, utcnow
from consult.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind

PASSWORD = "une phrase de passe solide"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    email_confirmed_at = factory.LazyFunction(utcnow)
    locale = "fr"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.DEPARTEMENT
    description = ""


class MembershipFactory(Base):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.AGENT


def agent_of(organisation, role=MembershipRole.AGENT, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    db.session.refresh(user)
    return user


from datetime import timedelta  # noqa: E402

from consult.challenges.models import (  # noqa: E402
    Challenge,
    ChallengePhase,
    ModerationMode,
    Theme,
)
from consult.challenges.timeline import classic_at, move_classic  # noqa: E402
from consult.ideas.models import Idea, IdeaStatus  # noqa: E402

DAY = timedelta(days=1)

def phase_rows(phase: str, **rules) -> list[ChallengePhase]:
    """The four phases of a « Défi de service » placed so that ``phase`` is under way."""
    now = utcnow()  # phases under way when it appeared are not news (create_challenge)
    return [ChallengePhase(kind=spec.kind, starts_at=spec.starts_at, ends_at=spec.ends_at,
                           settings=spec.settings, title="", description="",
                           announced_at=now if spec.starts_at <= now else None)
            for spec in classic_at(phase, now, **rules)]


def move_to(challenge, phase: str) -> None:
    move_classic(challenge, phase, utcnow())
    db.session.flush()


class ChallengeFactory(Base):
    class Meta:
        model = Challenge

    class Params:
        phase = "ideas"
        supports_per_person = 3
        self_support_allowed = False

    title = factory.Sequence(lambda n: f"Défi numéro {n}")
    slug = factory.Sequence(lambda n: f"defi-{n}")
    service = "Accueil du public"
    problem = "Un problème de service public."
    published_at = factory.LazyFunction(utcnow)
    moderation_mode = ModerationMode.POST
    auto_hide_threshold = 3
    phases = factory.LazyAttribute(lambda o: phase_rows(
        o.phase, supports_per_person=o.supports_per_person,
        self_support_allowed=o.self_support_allowed))
    organisations = factory.LazyFunction(lambda: [OrganisationFactory()])

    @factory.post_generation
    def charter(obj, create, extracted, **kwargs):
        """The default charter rules, as ``create_challenge`` gives every challenge."""
        if create:
            from consult.challenges.operations import set_charter_rules

            db.session.flush()
            set_charter_rules(obj, [])
            db.session.flush()


class ThemeFactory(Base):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Thème {n}")


class IdeaFactory(Base):
    class Meta:
        model = Idea

    challenge = factory.SubFactory(ChallengeFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idée numéro {n}")
    body = "Une description assez longue pour être acceptée."
    status = IdeaStatus.PUBLISHED
    published_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """Published ideas count in their challenge, as the operations do."""
        from consult.core.search import search_text

        obj.search_text = search_text(obj.title, obj.body)
        if create and obj.status == IdeaStatus.PUBLISHED:
            obj.challenge.ideas_count += 1
        db.session.flush()
        if create:  # an author takes part in the challenge, as submit_idea records
            from consult.challenges.operations import ensure_participation

            ensure_participation(obj.author, obj.challenge)
            db.session.refresh(obj.challenge)
        if create and obj.status == IdeaStatus.PENDING:  # it waits in the moderation queue
            from consult.moderation import backlog

            backlog.refresh("idea", obj.id)


def brief_from(ideas, organisation=None, actor=None, **fields):
    """A prototype brief made as a lab makes it: by an agent of the challenge, once the
    vote is over (challenges.phases). For tests where the brief is the setting, not the
    subject: the challenge's dates pass to its review phase for the conversion and come
    back to what they were."""
    from consult.briefs.operations import convert_to_brief
    from consult.challenges.permissions import is_agent_for

    challenge = ideas[0].challenge
    organisation = organisation or challenge.organisations[0]
    if actor is None or not is_agent_for(actor, challenge):
        actor = agent_of(challenge.organisations[0])
    dates = {p.id: (p.starts_at, p.ends_at) for p in challenge.phases}
    move_to(challenge, "review")
    fields.setdefault("title", "Un cahier")
    fields.setdefault("problem_statement", "Le problème à résoudre.")
    try:
        return convert_to_brief(actor, list(ideas), organisation, **fields)
    finally:
        for p in challenge.phases:
            p.starts_at, p.ends_at = dates[p.id]
        db.session.flush()
