"""Creating, revoking and checking API tokens (shared by the workspace pages, the API and
the CLI)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.api.models import ApiScope, ApiToken
from consult.core.errors_domain import Refused
from consult.core.events import record
from consult.core.security import Permission, can
from consult.core.tokens import hash_secret
from consult.db import db, utcnow
from consult.organisations.models import Organisation

TOKEN_PREFIX = "consult_"  # noqa: S105  (marks our tokens in logs and scanners)


def create_token(actor: User, organisation: Organisation, name: str,
                 scopes: set[ApiScope]) -> tuple[ApiToken, str]:
    """A new token and its secret, to show once: only its hash is kept."""
    if not can(actor, Permission.MANAGE_API_TOKENS, organisation):
        raise Refused(_("Seuls les administrateurs de l'organisation gèrent ses jetons."))
    if not name.strip():
        raise Refused(_("Nommez l'intégration qui utilisera ce jeton."), "name")
    if not scopes:
        raise Refused(_("Choisissez au moins un droit."), "scopes")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organisation_id=organisation.id, name=name.strip()[:80],
                     token_hash=hash_secret(secret), prefix=secret[:len(TOKEN_PREFIX) + 6],
                     scopes=" ".join(sorted(s.value for s in scopes)), created_by_id=actor.id)
    db.session.add(token)
    db.session.flush()
    record(actor, "api_token.create", token, organisation_id=organisation.id,
               name=token.name, scopes=token.scopes)
    return token, secret


def revoke_token(actor: User, token: ApiToken) -> None:
    if not can(actor, Permission.MANAGE_API_TOKENS, token.organisation):
        raise Refused(_("Seuls les administrateurs de l'organisation gèrent ses jetons."))
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    record(actor, "api_token.revoke", token, organisation_id=token.organisation_id,
               name=token.name)


def tokens_of(organisation: Organisation) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(
        ApiToken.organisation_id == organisation.id).order_by(ApiToken.created_at.desc(),
                                                               ApiToken.id.desc())))


@dataclass(frozen=True)
class Integration:
    """Who acts through a token: the organisation, on behalf of the administrator who
    created the token (the audit log names both)."""

    token: ApiToken
    organisation: Organisation
    actor: User

    def may(self, scope: ApiScope) -> bool:
        return scope in self.token.scope_set


def integration_for(secret: str) -> Integration | None:
    """The integration a token stands for, or None when it is unknown, revoked, or its
    creator is no longer an administrator of the organisation."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or not token.is_active:
        return None
    creator = token.created_by
    if not can(creator, Permission.MANAGE_API_TOKENS, token.organisation):
        return None
    return Integration(token=token, organisation=token.organisation, actor=creator)


def record_use(integration: Integration) -> None:
    integration.token.last_used_at = utcnow()
