"""The journal listens to every action the domains record (``core.events.record``)."""

from __future__ import annotations

from typing import Any

from consult.audit.operations import log_action
from consult.core.events import acted


@acted.connect
def _journal(action: str, *, actor: Any, target: Any, details: dict[str, Any]) -> None:
    log_action(actor, action, target, **details)
