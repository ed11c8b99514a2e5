"""Moderation decisions. Each one: checks, changes the item, resolves its reports,
writes one append-only log entry (who, when, what, target, reason), and tells the
author (in-app and by mail, in their language)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from consult.accounts.models import User
from consult.challenges.models import (
    DEFAULT_CHARTER_RULES,
    Challenge,
    CharterRule,
    ModerationMode,
    Theme,
)
from consult.challenges.operations import acting_organisation
from consult.challenges.permissions import actions_for
from consult.challenges.phases import Action
from consult.comments.models import Comment, CommentStatus, Report
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.core.outbox import queue_mail
from consult.core.sql import insert_ignore
from consult.core.urls import external_url
from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus, Idea, IdeaCredit, IdeaStatus
from consult.moderation import backlog
from consult.moderation.permissions import can_moderate


def _require_moderator(actor: User, challenge: Challenge,
                       action: Action | None = Action.MODERATE) -> None:
    """The agents of the challenge's organisations, and (``action``) what the phase
    lets them do now (challenges.permissions.actions_for)."""
    if not can_moderate(actor, challenge):
        raise Refused(_("Vous ne modérez pas ce défi."))
    if action is not None and action not in actions_for(actor, challenge):
        raise Refused(_("Ce n’est pas possible pendant cette phase (%(phase)s).",
                        phase=challenge.phase.label))


def _log(actor: User, action: str, target, challenge: Challenge, reason: str | None = None,
         **details) -> None:
    record(actor, action, target, organisation_id=acting_organisation(actor, challenge),
               challenge_id=challenge.id, reason=reason, **details)


def _resolve_reports(target_type: str, target_id: int) -> None:
    """Close the item's open reports: decided, it leaves the moderation queue (called
    after the decision changed the item's status)."""
    db.session.execute(update(Report).where(
        Report.target_type == target_type, Report.target_id == target_id,
        Report.resolved_at.is_(None)).values(resolved_at=utcnow()))
    backlog.refresh(target_type, target_id)


def _count_published(challenge_id: int, delta: int) -> None:
    db.session.execute(update(Challenge).where(Challenge.id == challenge_id).values(
        ideas_count=Challenge.ideas_count + delta))


def _tell_author(idea: Idea, kind: str, **params) -> None:
    emit(events.idea_moderated, idea, kind=kind, params=params)
    author = idea.author
    if author.email and not author.is_deleted:
        queue_mail(author.email, f"moderation/{kind}", locale=author.locale, user=author,
                   idea=idea, idea_url=external_url("ideas.show", idea_id=idea.id), **params)


def charter_of(challenge: Challenge) -> list[CharterRule]:
    """The challenge's charter rules, read only (every challenge is created with its
    rules; migration 0011 gave the default ones to older challenges)."""
    return list(db.session.scalars(select(CharterRule).where(
        CharterRule.challenge_id == challenge.id).order_by(CharterRule.position)))


def ensure_charter(challenge: Challenge) -> list[CharterRule]:
    rules = list(db.session.scalars(select(CharterRule).where(
        CharterRule.challenge_id == challenge.id).order_by(CharterRule.position)))
    if not rules:
        rules = [CharterRule(challenge_id=challenge.id, label=label, position=n)
                 for n, label in enumerate(DEFAULT_CHARTER_RULES)]
        db.session.add_all(rules)
        db.session.flush()
    return rules


def approve_idea(actor: User, idea: Idea, reason: str | None = None) -> None:
    """Publish a pending idea, or confirm a reported one (its reports are resolved)."""
    _require_moderator(actor, idea.challenge)
    if idea.status == IdeaStatus.PENDING:
        idea.status = IdeaStatus.PUBLISHED
        idea.published_at = utcnow()
        _count_published(idea.challenge_id, +1)
        _tell_author(idea, "idea_approved")
    elif idea.status != IdeaStatus.PUBLISHED:
        raise Refused(_("Seule une idée en attente ou publiée peut être approuvée."))
    elif reason and reason.strip():  # kept after reports: the message reaches the author
        _tell_author(idea, "idea_kept", reason=reason.strip())
    idea.moderated_at = utcnow()
    _resolve_reports("idea", idea.id)
    _log(actor, "idea.approve", idea, idea.challenge, reason)


def reject_idea(actor: User, idea: Idea, rule: CharterRule, message: str = "") -> None:
    _require_moderator(actor, idea.challenge)
    if rule.challenge_id != idea.challenge_id:
        raise Refused(_("Cette règle n’appartient pas à la charte de ce défi."), "rule")
    if idea.status not in {IdeaStatus.PENDING, IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN}:
        raise Refused(_("Cette idée ne peut pas être refusée (%(status)s).",
                        status=idea.status.label))
    from consult.ideas.operations import release_supports

    if idea.status == IdeaStatus.PUBLISHED:
        _count_published(idea.challenge_id, -1)
    release_supports(idea)
    idea.status = IdeaStatus.REJECTED
    idea.rejection_rule_id = rule.id
    idea.moderated_at = utcnow()
    _resolve_reports("idea", idea.id)
    _log(actor, "idea.reject", idea, idea.challenge, rule.label, message=message)
    _tell_author(idea, "idea_rejected", rule=rule.label, message=message)


def hide_idea(actor: User, idea: Idea, reason: str) -> None:
    _require_moderator(actor, idea.challenge)
    if idea.status != IdeaStatus.PUBLISHED:
        raise Refused(_("Seule une idée publiée peut être masquée."))
    if not reason.strip():
        raise Refused(_("Indiquez la raison."), "reason")
    idea.status = IdeaStatus.HIDDEN
    idea.moderated_at = utcnow()
    _count_published(idea.challenge_id, -1)
    _log(actor, "idea.hide", idea, idea.challenge, reason)
    _tell_author(idea, "idea_hidden", reason=reason)


def restore_idea(actor: User, idea: Idea, reason: str | None = None) -> None:
    _require_moderator(actor, idea.challenge)
    if idea.status != IdeaStatus.HIDDEN:
        raise Refused(_("Seule une idée masquée peut être rétablie."))
    idea.status = IdeaStatus.PUBLISHED
    idea.moderated_at = utcnow()
    _count_published(idea.challenge_id, +1)
    _resolve_reports("idea", idea.id)
    _log(actor, "idea.restore", idea, idea.challenge, reason)
    _tell_author(idea, "idea_restored")


def correct_title(actor: User, idea: Idea, title: str, note: str = "") -> None:
    _require_moderator(actor, idea.challenge)
    title = title.strip()
    if not 5 <= len(title) <= 140:
        raise Refused(_("Le titre doit compter entre 5 et 140 caractères."), "title")
    old = idea.title
    if title == old:
        return
    from consult.core.search import search_text

    idea.title = title
    idea.search_text = search_text(title, idea.body)
    _log(actor, "idea.correct_title", idea, idea.challenge, note or None, old=old, new=title)
    _tell_author(idea, "title_corrected", old=old, new=title, note=note)


def assign_theme(actor: User, idea: Idea, theme: Theme | None) -> None:
    _require_moderator(actor, idea.challenge)
    if theme is not None and theme.challenge_id != idea.challenge_id:
        raise Refused(_("Thème inconnu pour ce défi."), "theme")
    if idea.theme_id == (theme.id if theme else None):
        return
    idea.theme_id = theme.id if theme else None
    _log(actor, "idea.assign_theme", idea, idea.challenge, theme=theme.name if theme else None)
    _tell_author(idea, "theme_assigned", theme=theme.name if theme else "—")


def merge_duplicate(actor: User, duplicate: Idea, kept: Idea) -> None:
    """Close ``duplicate`` as a copy of ``kept``. Supports are not moved silently: its
    author is credited on the kept idea and each supporter is told and may move."""
    _require_moderator(actor, duplicate.challenge)
    if duplicate.id == kept.id or duplicate.challenge_id != kept.challenge_id:
        raise Refused(_("Choisissez une autre idée du même défi."), "kept")
    if kept.status != IdeaStatus.PUBLISHED or duplicate.status not in {
            IdeaStatus.PUBLISHED, IdeaStatus.PENDING, IdeaStatus.HIDDEN}:
        raise Refused(_("Ces deux idées ne peuvent pas être fusionnées."))
    if duplicate.status == IdeaStatus.PUBLISHED:
        _count_published(duplicate.challenge_id, -1)
    duplicate.status = IdeaStatus.MERGED
    duplicate.merged_into_id = kept.id
    duplicate.moderated_at = utcnow()
    if duplicate.author_id != kept.author_id:
        insert_ignore(IdeaCredit.__table__, idea_id=kept.id, user_id=duplicate.author_id,
                      from_idea_id=duplicate.id)
    _resolve_reports("idea", duplicate.id)
    _log(actor, "idea.merge", duplicate, duplicate.challenge, kept_idea=kept.id)
    _tell_author(duplicate, "idea_merged", kept_title=kept.title,
                 kept_url=external_url("ideas.show", idea_id=kept.id))
    emit(events.idea_merged, duplicate, kept=kept)


def hide_comment(actor: User, comment: Comment, reason: str) -> None:
    idea = db.session.get(Idea, comment.idea_id)
    _require_moderator(actor, idea.challenge)
    if comment.status != CommentStatus.PUBLISHED:
        raise Refused(_("Seul un commentaire publié peut être masqué."))
    comment.status = CommentStatus.HIDDEN
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(
        comments_count=Idea.comments_count - 1))
    _resolve_reports("comment", comment.id)
    _log(actor, "comment.hide", comment, idea.challenge, reason)
    emit(events.comment_hidden, comment, idea=idea, reason=reason)


def restore_comment(actor: User, comment: Comment, reason: str | None = None) -> None:
    idea = db.session.get(Idea, comment.idea_id)
    _require_moderator(actor, idea.challenge)
    if comment.status != CommentStatus.HIDDEN:
        raise Refused(_("Seul un commentaire masqué peut être rétabli."))
    comment.status = CommentStatus.PUBLISHED
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(
        comments_count=Idea.comments_count + 1))
    _resolve_reports("comment", comment.id)
    _log(actor, "comment.restore", comment, idea.challenge, reason)


def keep_comment(actor: User, comment: Comment) -> None:
    """The reports were unfounded: keep the comment published, close its reports."""
    idea = db.session.get(Idea, comment.idea_id)
    _require_moderator(actor, idea.challenge)
    _resolve_reports("comment", comment.id)
    _log(actor, "comment.keep", comment, idea.challenge)


def set_moderation(actor: User, challenge: Challenge, mode: ModerationMode,
                   threshold: int | None) -> None:
    _require_moderator(actor, challenge, action=None)  # settings: before launch too
    if threshold is not None and threshold < 1:
        raise Refused(_("Le seuil doit être d’au moins 1 signalement."), "threshold")
    before = (str(challenge.moderation_mode), challenge.auto_hide_threshold)
    challenge.moderation_mode = mode
    challenge.auto_hide_threshold = threshold
    _log(actor, "challenge.moderation_settings", challenge, challenge, before=list(before),
         after=[str(mode), threshold])


def give_official_answer(actor: User, idea: Idea, status: AnswerStatus, text: str,
                         told: set[int] | None = None, label: str | None = None) -> None:
    """Answer ``idea`` and the ideas merged into it (a merged group gets one answer;
    each idea keeps its own answer record). Each author is told once: ``told`` holds
    the authors already told when the answer is one of many (answers.answer_many);
    ``label`` is the organisation's own status (answers.AnswerLabel), ``status`` its
    canonical one."""
    _require_moderator(actor, idea.challenge, Action.ANSWER)
    if idea.status != IdeaStatus.PUBLISHED:
        raise Refused(_("On répond à une idée publiée."))
    if status == AnswerStatus.NOT_RETAINED and not text.strip():
        raise Refused(_("Expliquez pourquoi l’idée n’est pas retenue."), "text")
    told = set() if told is None else told
    merged = list(db.session.scalars(select(Idea).where(
        Idea.merged_into_id == idea.id, Idea.status == IdeaStatus.MERGED).order_by(Idea.id)))
    now = utcnow()
    for answered in (idea, *merged):
        answered.answer_status = status
        answered.answer_label = (label or "").strip() or None
        answered.answer_text = text.strip() or None
        answered.answered_at = now
        _log(actor, "idea.answer", answered, idea.challenge, text.strip() or None,
             status=str(status), label=answered.answer_label,
             **({"group_of": idea.id} if answered is not idea else {}))
        if answered.author_id not in told:
            told.add(answered.author_id)
            _tell_author(answered, "official_answer",
                         status=answered.answer_label or str(status.label), text=text.strip())
    emit(events.idea_answered, idea, status=status)
