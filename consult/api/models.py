"""API tokens: an organisation's integrations (a city's website, a lab's tools) act
through them. Only the SHA-256 of a token is stored; the token is shown once."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, utcnow
from consult.organisations.models import Organisation


class ApiScope(enum.StrEnum):
    CHALLENGES = "challenges:write"  # create and update the organisation's challenges
    ANSWERS = "answers:write"  # post official answers on its challenges' ideas

    @property
    def label(self) -> str:
        return str(API_SCOPE_LABELS[self])


API_SCOPE_LABELS = {
    ApiScope.CHALLENGES: _l("Créer et modifier les défis de l'organisation"),
    ApiScope.ANSWERS: _l("Publier les réponses officielles aux idées"),
}


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))  # what the integration is
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to recognise it
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated ApiScope values
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]  # last write through the token
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def scope_set(self) -> set[ApiScope]:
        return {ApiScope(s) for s in self.scopes.split()}

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
