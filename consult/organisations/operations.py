"""Writes on organisations, memberships and invitations; each one is logged."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.accounts.operations import find_user_by_email, normalise_email
from consult.core.events import record
from consult.core.outbox import queue_mail
from consult.core.tokens import hash_secret, new_secret
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.organisations.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from consult.territories.reference import search_key


class OrganisationError(Exception):
    """A refusal with a reason code the view turns into a message."""


def slugify(name: str) -> str:
    return re.sub(r"\s+", "-", search_key(name))[:70] or "organisation"


def unique_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while db.session.scalar(select(func.count()).where(Organisation.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_organisation(actor: User, *, name: str, kind: OrganisationKind,
                        description: str = "", website: str | None = None,
                        territory_id: int | None = None) -> Organisation:
    organisation = Organisation(name=name.strip(), kind=kind, slug=unique_slug(name),
                                description=description.strip(), website=website or None,
                                territory_id=territory_id)
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.create", organisation, organisation_id=organisation.id,
               name=organisation.name, kind=str(kind))
    return organisation


def add_member(actor: User | None, organisation: Organisation, user: User,
               role: MembershipRole) -> Membership:
    """Make ``user`` an agent or administrator; an existing membership changes role."""
    membership = user.membership_in(organisation.id)
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
        db.session.add(membership)
    elif membership.role != role and role == MembershipRole.ADMIN:
        membership.role = role
    db.session.flush()
    record(actor, "membership.add", membership, organisation_id=organisation.id,
               user_id=user.id, role=str(membership.role))
    return membership


def invite(actor: User, organisation: Organisation, email: str,
           role: MembershipRole = MembershipRole.AGENT) -> Invitation | Membership:
    """Invite a person by e-mail. An existing account with that address is added at once
    (and told by mail); otherwise an invitation link is sent."""
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing is not None and not existing.is_deleted:
        membership = add_member(actor, organisation, existing, role)
        queue_mail(email, "organisations/added", locale=existing.locale,
                   organisation=organisation, role=membership.role, inviter=actor,
                   workspace_url=external_url("organisations.workspace", slug=organisation.slug))
        return membership
    token, token_hash = new_secret()
    invitation = Invitation(
        organisation=organisation, email=email, role=role, token_hash=token_hash,
        invited_by_id=actor.id,
        expires_at=utcnow() + current_app.config["TOKEN_MAX_AGE_INVITATION"])
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.create", invitation, organisation_id=organisation.id,
               role=str(role))
    queue_mail(email, "organisations/invitation", organisation=organisation, role=role,
               inviter=actor, accept_url=external_url("organisations.invitation", token=token),
               expires_at=invitation.expires_at)
    return invitation



def invitation_for_token(token: str | None) -> Invitation | None:
    if not token:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_secret(token)))
    return invitation if invitation is not None and invitation.is_open else None


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if not invitation.is_open:
        raise OrganisationError("closed")
    if user.email != invitation.email:
        raise OrganisationError("other_address")
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    return add_member(None, invitation.organisation, user, invitation.role)


def accept_invitation_on_register(invitation: Invitation, user: User) -> Membership:
    """The invitation link reached the address it was sent to: that confirms it."""
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    return accept_invitation(invitation, user)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    record(actor, "invitation.revoke", invitation, organisation_id=invitation.organisation_id)


def remove_member(actor: User, membership: Membership) -> None:
    organisation_id = membership.organisation_id
    if membership.is_admin:
        admins = db.session.scalar(select(func.count()).where(
            Membership.organisation_id == organisation_id,
            Membership.role == MembershipRole.ADMIN))
        if admins <= 1:
            raise OrganisationError("last_admin")
    record(actor, "membership.remove", membership, organisation_id=organisation_id,
               user_id=membership.user_id, role=str(membership.role))
    db.session.delete(membership)
    db.session.flush()
