"""What briefs add to an idea's page, asked by its template (``briefs_born_from``):
ideas stay below briefs (tests/test_architecture.py)."""

from __future__ import annotations

from consult.briefs import bp
from consult.briefs.queries import public_briefs_of_idea


@bp.app_context_processor
def _idea_page():
    return {"briefs_born_from": lambda idea: public_briefs_of_idea(idea.id)}
