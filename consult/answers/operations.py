"""Answer templates (their placeholders checked once, when saved) and one answer given
to many ideas. Who may: the organisation's agents for its templates; the challenge's
moderators for answers (moderation.operations.give_official_answer, asked per idea)."""

from __future__ import annotations

import string
from collections.abc import Iterable
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.answers.models import MAX_BODY, MAX_LABEL, MAX_NAME, AnswerLabel, AnswerTemplate
from consult.core import events
from consult.core.errors_domain import Refused, refusable
from consult.core.events import record
from consult.core.text import forbidden_characters_message, has_forbidden_characters
from consult.core.timezones import today_in_paris
from consult.db import db, utcnow
from consult.ideas.models import AnswerStatus, Idea, IdeaStatus
from consult.moderation import operations as moderation
from consult.organisations.models import Organisation

# The placeholders a template may use, and what each becomes for an idea
PLACEHOLDERS = ("titre", "auteur", "defi", "organisation", "date")


def placeholder_values(idea: Idea, organisation: Organisation | None) -> dict[str, str]:
    return {"titre": idea.title, "auteur": idea.author.display_name if idea.author else "",
            "defi": idea.challenge.title, "organisation": organisation.name if organisation
            else "", "date": format_date(today_in_paris(), "long")}


def body_problem(body: str) -> str | None:
    body = (body or "").strip()
    if not body:
        return _("Écrivez le texte de la réponse.")
    if len(body) > MAX_BODY:
        return _("%(max)s caractères au plus.", max=MAX_BODY)
    if has_forbidden_characters(body):
        return forbidden_characters_message()
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(body)]
    except ValueError:
        return _("Une accolade est seule : écrivez {{ et }} pour une accolade, ou une "
                 "variable entre accolades (%(known)s).", known=known)
    unknown = [f for f in fields if f is not None and f not in PLACEHOLDERS]
    if unknown:
        return _("Variable inconnue : {%(name)s}. Variables possibles : %(known)s.",
                 name=unknown[0], known=known)
    return None


def template_problems(organisation: Organisation, name: str, status: str, body: str,
                      template: AnswerTemplate | None = None) -> dict[str, str]:
    """Every problem of a template at once, by field."""
    problems: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = _("Donnez un nom au modèle.")
    elif len(name) > MAX_NAME:
        problems["name"] = _("%(max)s caractères au plus.", max=MAX_NAME)
    elif has_forbidden_characters(name):  # (before PostgreSQL sees a NUL byte)
        problems["name"] = forbidden_characters_message()
    elif db.session.scalar(select(AnswerTemplate.id).where(
            AnswerTemplate.organisation_id == organisation.id, AnswerTemplate.name == name,
            AnswerTemplate.id != (template.id if template else 0))):
        problems["name"] = _("Un modèle porte déjà ce nom.")
    if status not in {s.value for s in AnswerStatus}:
        problems["status"] = _("Choisissez la réponse que ce modèle donne.")
    problem = body_problem(body)
    if problem:
        problems["body"] = problem
    return problems


def may_manage(user: Any, organisation: Organisation) -> bool:
    """Whoever may open the organisation's workspace (its agents; the platform's admins)."""
    from consult.core.security import Permission, can

    return bool(getattr(user, "is_authenticated", False)
                and can(user, Permission.VIEW_ORGANISATION_WORKSPACE, organisation))


def save_template(user: User, organisation: Organisation, name: str, status: str, body: str,
                  template: AnswerTemplate | None = None) -> AnswerTemplate:
    if not may_manage(user, organisation):
        raise Refused(_("Seuls les agents de l’organisation gèrent ses modèles."))
    if template is not None and template.organisation_id != organisation.id:
        raise Refused(_("Ce modèle est celui d’une autre organisation."))
    problems = template_problems(organisation, name, status, body, template)
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)
    if template is None:
        template = AnswerTemplate(organisation_id=organisation.id)
        db.session.add(template)
    template.name, template.status = name.strip(), AnswerStatus(status)
    template.body, template.updated_at = body.strip(), utcnow()
    db.session.flush()
    record(user, "answer_template.save", template, organisation_id=organisation.id)
    return template


def delete_template(user: User, template: AnswerTemplate) -> None:
    organisation = db.session.get(Organisation, template.organisation_id)
    if not may_manage(user, organisation):
        raise Refused(_("Seuls les agents de l’organisation gèrent ses modèles."))
    record(user, "answer_template.delete", template, organisation_id=organisation.id)
    db.session.delete(template)
    db.session.flush()


def templates_for(organisation_ids: Iterable[int]) -> list[AnswerTemplate]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(AnswerTemplate).where(
        AnswerTemplate.organisation_id.in_(ids)).order_by(AnswerTemplate.name)))


def render(body: str, idea: Idea, organisation: Organisation | None) -> str:
    return body.format(**placeholder_values(idea, organisation))


def answer_many(user: User, ideas: list[Idea], status: AnswerStatus, body: str,
                organisation: Organisation | None = None,
                label: str | None = None) -> dict[str, int]:
    """The same answer (its placeholders filled for each idea) to every published idea
    of ``ideas`` and the ideas merged into them: each keeps its own answer record; each
    author is told once, on their first idea. An idea refused (its challenge's phase…)
    is left as it was and counted."""
    problem = body_problem(body) if body.strip() else None
    if problem:
        raise Refused(problem, "text")
    answered, refused, told = 0, 0, set()
    for idea in ideas:
        if idea.status != IdeaStatus.PUBLISHED:
            continue
        try:
            with refusable():
                moderation.give_official_answer(
                    user, idea, status, render(body, idea, organisation) if body else "",
                    told=told, label=label)
        except Refused:
            refused += 1
            continue
        answered += 1
    return {"answered": answered, "refused": refused, "authors": len(told)}


# The organisation's own answer statuses

LABEL_PREFIX = "label-"  # how a form names an organisation's status among the canonical


def label_problems(organisation: Organisation, name: str, status: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        problems["label_name"] = _("Donnez un nom au statut.")
    elif len(name) > MAX_LABEL:
        problems["label_name"] = _("%(max)s caractères au plus.", max=MAX_LABEL)
    elif has_forbidden_characters(name):
        problems["label_name"] = forbidden_characters_message()
    elif name.casefold() in {s.label.casefold() for s in AnswerStatus} or db.session.scalar(
            select(AnswerLabel.id).where(AnswerLabel.organisation_id == organisation.id,
                                         AnswerLabel.name == name)):
        problems["label_name"] = _("Un statut porte déjà ce nom.")
    if status not in {s.value for s in AnswerStatus}:
        problems["label_status"] = _("Choisissez le statut commun auquel il correspond.")
    return problems


def save_label(user: User, organisation: Organisation, name: str, status: str) -> AnswerLabel:
    if not may_manage(user, organisation):
        raise Refused(_("Seuls les agents de l’organisation gèrent ses statuts."))
    problems = label_problems(organisation, name, status)
    if problems:
        field, message = next(iter(problems.items()))
        raise Refused(message, field)
    label = AnswerLabel(organisation_id=organisation.id, name=name.strip(),
                        status=AnswerStatus(status))
    db.session.add(label)
    db.session.flush()
    record(user, "answer_label.save", label, organisation_id=organisation.id)
    return label


def delete_label(user: User, label: AnswerLabel) -> None:
    """The ideas answered with it keep its text (ideas.answer_label)."""
    organisation = db.session.get(Organisation, label.organisation_id)
    if not may_manage(user, organisation):
        raise Refused(_("Seuls les agents de l’organisation gèrent ses statuts."))
    record(user, "answer_label.delete", label, organisation_id=organisation.id)
    db.session.delete(label)
    db.session.flush()


def labels_for(organisation_ids: Iterable[int]) -> list[AnswerLabel]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(AnswerLabel).where(
        AnswerLabel.organisation_id.in_(ids)).order_by(AnswerLabel.name)))


def status_choices(labels: list[AnswerLabel]) -> list[tuple[str, str]]:
    """The canonical statuses, then the organisations' own, each saying which canonical
    status it stands for."""
    return [(s.value, s.label) for s in AnswerStatus] + [
        (f"{LABEL_PREFIX}{label.id}", _("%(name)s (%(status)s)", name=label.name,
                                        status=label.status.label)) for label in labels]


def read_status(value: str, labels: list[AnswerLabel]) -> tuple[AnswerStatus, str | None]:
    """The canonical status and the organisation's label a form's value stands for;
    ValueError for a value that is neither (a label of another organisation included)."""
    if value in {s.value for s in AnswerStatus}:
        return AnswerStatus(value), None
    for label in labels:
        if value == f"{LABEL_PREFIX}{label.id}":
            return label.status, label.name
    raise ValueError(value)


class AnswerOptions:
    """What an idea's answer form offers: its organisations' templates and statuses,
    and the draft of the template asked for (its placeholders filled)."""

    def __init__(self, idea: Idea, template_id: int | None):
        organisations = idea.challenge.organisations
        self.templates = templates_for(o.id for o in organisations)
        self.labels = labels_for(o.id for o in organisations)
        self.choices = status_choices(self.labels)
        chosen = next((t for t in self.templates if t.id == template_id), None)
        self.template = chosen
        self.draft = None
        if chosen is not None:
            owner = next(o for o in organisations if o.id == chosen.organisation_id)
            self.draft = (chosen.status.value, render(chosen.body, idea, owner))

    def read(self, value: str) -> tuple[AnswerStatus, str | None]:
        return read_status(value, self.labels)

    def value_of(self, idea: Idea) -> str:
        """The form value of the idea's answer: its organisation's status if it still
        exists as it was, else the canonical one."""
        for label in self.labels:
            if label.name == idea.answer_label and label.status == idea.answer_status:
                return f"{LABEL_PREFIX}{label.id}"
        return idea.answer_status.value


@events.answer_form_asked.connect
def _answer_form_options(idea: Idea, template_id: int | None = None, **_details):
    return AnswerOptions(idea, template_id)
