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
    """Every check registered: these, and those the domains add (``create_app`` imports
    ``ideas.integrity``, so that this module never imports a domain above it)."""
    problems: list[str] = []
    for check in CHECKS:
        problems.extend(check())
    return problems


@integrity_check
def accessibility_grid_is_fit() -> list[str]:
    """The grid the statement is written from (a deployment's own, when it set
    ``CONSULT_ACCESSIBILITY_GRID``) is whole: otherwise the statement would be wrong."""
    from flask import current_app

    from consult.accessibility.grid import problems
    from consult.accessibility.statement import assessment

    try:
        found = problems(assessment())
    except (OSError, ValueError) as error:  # missing file, TOML that does not parse
        return [f"grille d’accessibilité illisible "
                f"({current_app.config.get('ACCESSIBILITY_GRID')}) : {error}"]
    return [f"grille d’accessibilité : {problem}" for problem in found]
