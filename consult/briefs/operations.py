"""Writes on briefs: conversion from selected ideas (lineage kept), status changes and
journal entries, each logged and told to the followers of the source ideas."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from consult.accounts.models import User
from consult.briefs.models import NEXT_STATUSES, Brief, BriefStatus, BriefUpdate, Milestone
from consult.challenges.permissions import actions_for
from consult.challenges.phases import Action
from consult.core import events
from consult.core.errors_domain import Refused
from consult.core.events import emit, record
from consult.db import db, utcnow
from consult.ideas.models import Idea, IdeaStatus
from consult.organisations.models import Organisation


def convert_to_brief(actor: User, ideas: list[Idea], organisation: Organisation, *,
                     title: str, problem_statement: str, milestones=(),
                     **fields: str) -> Brief:
    """One brief from one or several published ideas of the same challenge."""
    if not ideas:
        raise Refused(_("Choisissez au moins une idée."), "ideas")
    if len({idea.challenge_id for idea in ideas}) != 1:
        raise Refused(_("Les idées d’un cahier viennent d’un même défi."), "ideas")
    if any(idea.status != IdeaStatus.PUBLISHED for idea in ideas):
        raise Refused(_("Seules des idées publiées peuvent devenir un cahier."), "ideas")
    if Action.CONVERT not in actions_for(actor, ideas[0].challenge):
        raise Refused(_("Les idées deviennent un cahier une fois le vote terminé, par les "
                        "agents des organisations du défi."), "ideas")
    if not problem_statement.strip():
        raise Refused(_("Le cahier doit énoncer le problème."), "problem_statement")
    brief = Brief(challenge_id=ideas[0].challenge_id, organisation=organisation,
                  title=title.strip(), problem_statement=problem_statement, ideas=list(ideas),
                  milestones=[Milestone(title=t, due_on=d) for t, d in milestones], **fields)
    db.session.add(brief)
    db.session.flush()
    freeze(ideas)
    record(actor, "brief.create", brief, organisation_id=organisation.id,
               ideas=[idea.id for idea in ideas])
    return brief


def change_status(actor: User, brief: Brief, status: BriefStatus, text: str = "",
                  reason: str | None = None) -> None:
    if status not in NEXT_STATUSES[brief.status]:
        raise Refused(_("Un cahier « %(current)s » ne peut pas passer à « %(next)s ».",
                        current=brief.status.label, next=status.label), "status")
    if status == BriefStatus.ABANDONED and not (reason or "").strip():
        raise Refused(_("Dites pourquoi le cahier est abandonné."), "reason")
    brief.status = status
    if status == BriefStatus.ABANDONED:
        brief.abandon_reason = reason.strip()
    if status == BriefStatus.PUBLISHED:
        brief.published_at = utcnow()
    brief.journal.append(BriefUpdate(author_id=actor.id, status=status,
                                     text=text or (reason or "")))
    db.session.flush()
    record(actor, "brief.status", brief, organisation_id=brief.organisation_id,
               reason=reason, status=str(status))
    _tell_followers(brief, "brief_status", status=str(status.label))


def post_update(actor: User, brief: Brief, text: str, when: date | None = None) -> BriefUpdate:
    if not text.strip():
        raise Refused(_("Le message est vide."), "text")
    update = BriefUpdate(author_id=actor.id, text=text.strip())
    brief.journal.append(update)
    db.session.flush()
    record(actor, "brief.update", brief, organisation_id=brief.organisation_id)
    if brief.is_public:
        _tell_followers(brief, "brief_update")
    return update


def _tell_followers(brief: Brief, kind: str, **params) -> None:
    """The followers (and authors) of the source ideas are told (notifications)."""
    emit(events.brief_changed, brief, kind=kind, params=params)


def update_brief(actor: User, brief: Brief, ideas: list[Idea], organisation: Organisation,
                 milestones=(), **fields: str) -> None:
    if not ideas or any(i.challenge_id != brief.challenge_id for i in ideas):
        raise Refused(_("Les idées d’un cahier viennent d’un même défi."), "ideas")
    if not fields.get("problem_statement", "").strip():
        raise Refused(_("Le cahier doit énoncer le problème."), "problem_statement")
    for name, value in fields.items():
        setattr(brief, name, value)
    brief.organisation = organisation
    brief.ideas = list(ideas)
    freeze(ideas)
    existing = {(m.title, m.due_on): m for m in brief.milestones}
    brief.milestones = [existing.get((t, d)) or Milestone(title=t, due_on=d)
                        for t, d in milestones]
    db.session.flush()
    record(actor, "brief.edit", brief, organisation_id=organisation.id,
               challenge_id=brief.challenge_id)


def freeze(ideas: list[Idea]) -> None:
    """Ideas a brief is born from can no longer be edited or withdrawn (its lineage
    would point to nothing)."""
    now = utcnow()
    for idea in ideas:
        if idea.frozen_at is None:
            idea.frozen_at = now


def prefill(challenge, ideas: list[Idea]) -> dict[str, str]:
    """A first draft of the brief from its source ideas: the writers start from what
    citizens said. Authors are credited by the brief's lineage (« Né des idées »), which
    names them from their account: no name is copied into the text, so deleting an
    account erases it everywhere (issue 14)."""
    parts = []
    for idea in ideas:
        credit = _("D’après l’idée n° %(id)s (voir « Né des idées »)", id=idea.id)
        parts.append(f"### {idea.title}\n\n{idea.body}\n\n_{credit}_")
    solution = "\n\n".join(parts)
    return {"title": ideas[0].title if len(ideas) == 1 else challenge.title,
            "problem_statement": challenge.problem, "users_and_needs": challenge.audience,
            "proposed_solution": solution, "legal_constraints": "",
            "technical_constraints": challenge.context}
