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
