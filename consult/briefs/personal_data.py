"""Account deletion and the briefs: older briefs were prefilled with « Idée de <name> »
copied into their text; deleting the account replaces that credit with a reference to
the idea, whose lineage names its author from the account (issue 14)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.accounts.personal_data import eraser
from consult.briefs.models import Brief, brief_ideas
from consult.db import db
from consult.ideas.models import Idea

TEXT_FIELDS = ("problem_statement", "users_and_needs", "proposed_solution", "hypotheses",
               "success_indicators", "legal_constraints", "budget_constraints",
               "technical_constraints", "team")


@eraser
def erase_name_from_briefs(user: User) -> None:
    if not user.display_name:
        return
    rows = db.session.execute(select(Brief, Idea.id).join(
        brief_ideas, brief_ideas.c.brief_id == Brief.id).join(
        Idea, Idea.id == brief_ideas.c.idea_id).where(Idea.author_id == user.id)).all()
    for brief, idea_id in rows:
        for locale in ("fr", "en"):
            with force_locale(locale):
                old = _("Idée de %(name)s", name=user.display_name)
                new = _("D’après l’idée n° %(id)s (voir « Né des idées »)", id=idea_id)
            for field in TEXT_FIELDS:
                value = getattr(brief, field) or ""
                if old in value:
                    setattr(brief, field, value.replace(old, new))
