"""Accounts from an identity provider's claims. One rule each: a known identity signs
its account in; a signed-in person links the identity to their account (they proved
it); an identity whose e-mail address belongs to an existing account is never merged
silently — its owner proves the account with its password first; otherwise a new
account is made, its address confirmed by the provider."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.accounts.operations import find_user_by_email
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.db import db, utcnow
from consult.identity.models import AGE_THRESHOLDS, ExternalIdentity
from consult.identity.providers import Provider


@dataclass
class Claims:
    """What a provider told about the person, read from its verified ID token and its
    user information."""

    subject: str
    email: str | None
    given_name: str
    family_name: str
    birthdate: date | None = None
    siret: str = ""  # ProConnect: the establishment the agent works for

    @classmethod
    def read(cls, raw: dict) -> Claims:
        birthdate = None
        try:
            birthdate = date.fromisoformat(str(raw.get("birthdate") or ""))
        except ValueError:
            birthdate = None
        email = (raw.get("email") or "").strip().lower() or None
        return cls(subject=str(raw["sub"]), email=email,
                   given_name=str(raw.get("given_name") or "").strip(),
                   family_name=str(raw.get("family_name") or raw.get("usual_name")
                                   or "").strip(), birthdate=birthdate,
                   siret="".join(c for c in str(raw.get("siret") or "") if c.isdigit())[:14])

    @property
    def display_name(self) -> str:
        """« Camille D. »: the public name keeps the family name to its initial."""
        name = " ".join(p for p in (self.given_name, self.family_name[:1] + "."
                                    if self.family_name else "") if p)
        return (name or (self.email or "").split("@")[0] or _("Usager"))[:80]

    def age_floor(self, today: date | None = None) -> int | None:
        """The highest age threshold reached (0: none of them), from the birth date."""
        if self.birthdate is None:
            return None
        today = today or utcnow().date()
        age = today.year - self.birthdate.year - (
            (today.month, today.day) < (self.birthdate.month, self.birthdate.day))
        return max((t for t in AGE_THRESHOLDS if age >= t), default=0)


def identity_of(provider: Provider, subject: str) -> ExternalIdentity | None:
    return db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == provider.name, ExternalIdentity.subject == subject))


def _facts(identity: ExternalIdentity, provider: Provider, claims: Claims) -> None:
    now = utcnow()
    identity.last_login_at = now
    if not provider.for_agents:  # FranceConnect: an identity from official sources
        identity.verified_at = now
        identity.age_floor = claims.age_floor()


def link(user: User, provider: Provider, claims: Claims) -> ExternalIdentity:
    """Attach the identity to ``user``, who proved the account is theirs."""
    existing = identity_of(provider, claims.subject)
    if existing is not None and existing.user_id != user.id:
        raise Refused(_("Cette identité %(provider)s est déjà liée à un autre compte.",
                        provider=provider.label))
    other = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.user_id == user.id, ExternalIdentity.provider == provider.name))
    if other is not None and other.subject != claims.subject:
        raise Refused(_("Votre compte est déjà lié à une autre identité %(provider)s.",
                        provider=provider.label))
    identity = existing or other or ExternalIdentity(user_id=user.id, provider=provider.name,
                                                     subject=claims.subject)
    db.session.add(identity)
    _facts(identity, provider, claims)
    db.session.flush()
    record(user, "identity.link", user, provider=provider.name)
    return identity


@dataclass
class Outcome:
    user: User | None  # signed in (or to sign in)
    needs_proof: User | None = None  # an account with this address: its owner proves it
    created: bool = False


def arrive(provider: Provider, claims: Claims, current: User | None) -> Outcome:
    """What a verified identity leads to (the caller signs ``user`` in)."""
    known = identity_of(provider, claims.subject)
    if known is not None:
        user = db.session.get(User, known.user_id)
        if user is None or user.is_deleted:
            raise Refused(_("Ce compte a été supprimé."))
        if current is not None and current.id != user.id:
            raise Refused(_("Cette identité %(provider)s est déjà liée à un autre compte.",
                            provider=provider.label))
        _facts(known, provider, claims)
        return Outcome(user)
    if current is not None:
        link(current, provider, claims)
        return Outcome(current)
    if claims.email:
        owner = find_user_by_email(claims.email)
        if owner is not None and not owner.is_deleted:
            return Outcome(None, needs_proof=owner)
    user = User(email=claims.email, display_name=claims.display_name, password_hash=None,
                email_confirmed_at=utcnow() if claims.email else None)
    db.session.add(user)
    db.session.flush()
    identity = ExternalIdentity(user_id=user.id, provider=provider.name,
                                subject=claims.subject)
    _facts(identity, provider, claims)
    db.session.add(identity)
    db.session.flush()
    record(user, "identity.register", user, provider=provider.name)
    return Outcome(user, created=True)


def voter_key(identity: ExternalIdentity) -> str:
    """A key standing for the verified person, the same for every account they ever hold
    (one FranceConnect identity, one vote where a rule asks for it): a keyed hash of the
    provider's subject, kept on the supports of such challenges only; it says nothing
    of the person without the deployment's secret (``CONSULT_VOTER_KEY_SECRET``, by
    default derived from the secret key: keep it when rotating that one)."""
    from flask import current_app

    secret = (current_app.config.get("VOTER_KEY_SECRET")
              or f"voter-key:{current_app.config['SECRET_KEY']}")
    return hmac.new(secret.encode(), f"{identity.provider}:{identity.subject}".encode(),
                    hashlib.sha256).hexdigest()


def identities_of(user: User) -> list[ExternalIdentity]:
    return list(db.session.scalars(select(ExternalIdentity).where(
        ExternalIdentity.user_id == user.id).order_by(ExternalIdentity.id)))
