from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.comments.models import Comment, CommentStatus


def own_comment_problem(user: Any, comment: Comment) -> str | None:
    if not getattr(user, "is_authenticated", False) or user.id != comment.author_id:
        return _("Seul l’auteur peut modifier ou supprimer ce commentaire.")
    if comment.status != CommentStatus.PUBLISHED:
        return _("Ce commentaire ne peut plus être modifié.")
    return None


def report_problem(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Connectez-vous pour signaler un contenu.")
    if not user.is_confirmed:
        return _("Confirmez d’abord votre adresse e-mail (lien envoyé par e-mail).")
    return None
