"""What a person may do with an idea. ``*_problem`` functions say why not, in words a
person can act on; the ``can_*`` forms are what templates and the API ask."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.challenges.permissions import (
    can_view_challenge,
    is_agent_for,
    participation_problem,
)
from consult.challenges.phases import Action
from consult.ideas.models import Idea, IdeaStatus

EDITABLE = {IdeaStatus.PENDING, IdeaStatus.PUBLISHED}


def is_author(user: Any, idea: Idea) -> bool:
    return getattr(user, "is_authenticated", False) and user.id == idea.author_id


def can_view_idea(user: Any, idea: Idea) -> bool:
    if not can_view_challenge(user, idea.challenge):
        return False
    if idea.status in {IdeaStatus.PUBLISHED, IdeaStatus.MERGED}:
        return True
    return is_author(user, idea) or is_agent_for(user, idea.challenge)


def support_problem(user: Any, idea: Idea, limit: bool = True) -> str | None:
    problem = participation_problem(user, idea.challenge, Action.SUPPORT)
    if problem:
        return problem
    if idea.status != IdeaStatus.PUBLISHED:
        return _("Cette idée ne peut pas être soutenue (%(status)s).", status=idea.status.label)
    if is_author(user, idea) and not idea.challenge.self_support_allowed:
        return _("Les règles de ce défi ne permettent pas de soutenir sa propre idée.")
    from consult.challenges.operations import supports_left

    if limit and supports_left(user, idea.challenge) == 0:
        return limit_reached_message(idea.challenge.supports_per_person)
    return None


def limit_reached_message(limit: int) -> str:
    return ngettext("Vous avez utilisé votre soutien pour ce défi. Retirez-le pour en donner "
                    "un autre.",
                    "Vous avez utilisé vos %(num)d soutiens pour ce défi. Retirez un soutien "
                    "pour en donner un autre.", limit)


def unsupport_problem(user: Any, idea: Idea) -> str | None:
    return participation_problem(user, idea.challenge, Action.SUPPORT)


FROZEN = _l("Cette idée fait partie des résultats publiés ou d’un cahier de prototypage : "
             "elle ne peut plus être modifiée ni retirée. Pour que votre nom n’y figure plus, "
             "vous pouvez supprimer votre compte (votre nom est alors effacé partout).")


def edit_problem(user: Any, idea: Idea) -> str | None:
    if not is_author(user, idea):
        return _("Seul l’auteur peut modifier cette idée.")
    if idea.frozen_at is not None:
        return str(FROZEN)
    if idea.status not in EDITABLE:
        return _("Cette idée ne peut plus être modifiée (%(status)s).", status=idea.status.label)
    if idea.has_reactions:
        return _("Cette idée a déjà reçu des soutiens ou des commentaires : elle ne peut plus "
                 "être modifiée, mais vous pouvez la retirer.")
    return participation_problem(user, idea.challenge, Action.EDIT_OWN_IDEA)


def withdraw_problem(user: Any, idea: Idea) -> str | None:
    if not is_author(user, idea):
        return _("Seul l’auteur peut retirer cette idée.")
    if idea.frozen_at is not None:
        return str(FROZEN)
    if idea.status not in EDITABLE:
        return _("Cette idée ne peut plus être retirée (%(status)s).", status=idea.status.label)
    return None


def comment_problem(user: Any, idea: Idea) -> str | None:
    problem = participation_problem(user, idea.challenge, Action.COMMENT)
    if problem:
        return problem
    if idea.status != IdeaStatus.PUBLISHED:
        return _("Cette idée n’accepte pas de commentaires (%(status)s).",
                 status=idea.status.label)
    return None


def can_support(user: Any, idea: Idea) -> bool:
    return support_problem(user, idea) is None


def can_edit(user: Any, idea: Idea) -> bool:
    return edit_problem(user, idea) is None


def can_withdraw(user: Any, idea: Idea) -> bool:
    return withdraw_problem(user, idea) is None


def can_comment(user: Any, idea: Idea) -> bool:
    return comment_problem(user, idea) is None
