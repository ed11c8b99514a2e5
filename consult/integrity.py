"""Invariants checked by ``flask --app consult check`` (and by the tests after each
concurrency or crash scenario). Each domain adds its own checks to ``CHECKS``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from consult.db import db

Check = Callable[[], list[str]]
CHECKS: list[Check] = []


def integrity_check(func_: Check) -> Check:
    CHECKS.append(func_)
    return func_


@integrity_check
def migrations_at_head() -> list[str]:
    from consult.migrate import current_revision, heads

    head = heads(db.engine)
    if len(head) != 1:
        return [f"les migrations ont {len(head)} têtes"]
    current = current_revision(db.engine)
    return [] if current == head[0] else [f"base en révision {current}, tête {head[0]}"]


@integrity_check
def deleted_accounts_are_erased() -> list[str]:
    from consult.accounts.models import User

    left = db.session.scalar(select(func.count()).where(
        User.deleted_at.is_not(None), (User.display_name != "") | User.territory_id.is_not(None)))
    return [f"{left} compte{'s' if left > 1 else ''} supprimé{'s' if left > 1 else ''} "
            f"{'gardent' if left > 1 else 'garde'} des données personnelles"] if left else []


def run_checks() -> list[str]:
    import consult.ideas.integrity  # noqa: F401  (registers the participation checks)

    problems: list[str] = []
    for check in CHECKS:
        problems.extend(check())
    return problems
