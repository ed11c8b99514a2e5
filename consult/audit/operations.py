from __future__ import annotations

from typing import Any

from flask import g, has_app_context

from consult.accounts.models import User
from consult.audit.models import ActionLog
from consult.db import db


def log_action(actor: User | None, action: str, target: Any = None, *,
               organisation_id: int | None = None, challenge_id: int | None = None,
               reason: str | None = None, **details: Any) -> ActionLog:
    """One append-only entry; actions taken through an API token name the token too."""
    if has_app_context() and g.get("audit_via"):
        details.setdefault("via", g.audit_via)
    entry = ActionLog(
        actor_id=actor.id if actor is not None else None, action=action,
        target_type=type(target).__tablename__ if target is not None else "platform",
        target_id=getattr(target, "id", None), organisation_id=organisation_id,
        challenge_id=challenge_id,
        reason=reason, details=details,
    )
    db.session.add(entry)
    return entry
