"""Imports every model module, so the metadata is complete (Alembic, tests, CLI)."""

from consult.accounts.models import AuthSession, User  # noqa: F401
from consult.audit.models import ActionLog  # noqa: F401
from consult.core.outbox import OutboxMessage  # noqa: F401
from consult.organisations.models import Invitation, Membership, Organisation  # noqa: F401
from consult.territories.models import Territory  # noqa: F401
